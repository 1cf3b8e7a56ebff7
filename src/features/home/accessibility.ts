// The accessibility statement (toegankelijkheidsverklaring), after the model of digitoegankelijk.nl.
// The facts that change (the standard, whether an independent audit was done, the dates) live here
// in one place; the page's texts only say them.
import type { FastifyInstance } from 'fastify';

export interface AccessibilityStatus {
  /** The standard the portal is built and tested to. */
  standard: string;
  /** The European standard that holds it. */
  norm: string;
  /**
   * The date of an independent WCAG-EM audit, or null when there has been none. Only with such an
   * audit may the statement say "voldoet volledig" (status A of the model); without one the model
   * gives status C (an audit planned within 6 months) or D.
   */
  independentAudit: string | null;
  /** The date of this statement (YYYY-MM-DD). */
  statementDate: string;
  /** The date the makers last checked the portal (YYYY-MM-DD). */
  lastCheck: string;
  /** Working days within which a reported barrier gets an answer. */
  answerWithinWorkingDays: number;
}

export const ACCESSIBILITY_STATUS: Readonly<AccessibilityStatus> = Object.freeze({
  standard: 'WCAG 2.1 AA',
  norm: 'EN 301 549',
  independentAudit: null,
  statementDate: '2026-11-30',
  lastCheck: '2026-11-30',
  answerWithinWorkingDays: 5,
});

/** GET /toegankelijkheid: public, like the privacy statement (the caller's scope is public). */
export function accessibilityRoute(app: FastifyInstance, status: Readonly<AccessibilityStatus> = ACCESSIBILITY_STATUS) {
  app.get('/toegankelijkheid', async (_req, reply) => reply.viewAsync('home/accessibility', { status }));
}
