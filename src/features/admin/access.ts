// Who may use the administration's pages: admins only (every admin route says so in its config).
import type { Role } from '../../db/schema.js';

export const adminOnly = { config: { access: { roles: ['admin'] as Role[] } } };
