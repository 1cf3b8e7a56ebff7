// Typed domain errors: services throw them, the one error handler maps them to a page.
export type DomainErrorCode = 'not_found' | 'forbidden' | 'conflict' | 'gone' | 'bad_request';

const statusOf: Record<DomainErrorCode, number> = {
  not_found: 404,
  forbidden: 403,
  conflict: 409,
  gone: 410,
  bad_request: 400,
};

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
  get statusCode(): number {
    return statusOf[this.code];
  }
}

/** True when PostgreSQL refused a row because of an exclusion, unique or check constraint. */
export function isConstraintViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string } | null;
  if (!e || (e.code !== '23P01' && e.code !== '23505' && e.code !== '23514')) return false;
  return constraint === undefined || e.constraint === constraint;
}

/** A numeric id from the URL; anything else is a page that does not exist. */
export function idParam(v: string | undefined): number {
  if (!v || !/^[1-9][0-9]{0,8}$/.test(v)) throw new DomainError('not_found', 'malformed id');
  return Number(v);
}

const LOST_CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
const LOST_CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'is not queryable',
  'Cannot use a pool after calling end',
  'PGlite is closed',
  'driver has already been destroyed',
];

/**
 * True when the database could not be reached or dropped the connection (restart, failover,
 * network): the request may succeed when tried again, so it answers 503, not 500. SQLSTATE class
 * 08 is "connection exception"; 57P01–57P03 are a shutting down or starting server; 53300 is
 * "too many connections".
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; errors?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  const code = typeof e.code === 'string' ? e.code : '';
  if (
    LOST_CONNECTION_CODES.has(code) ||
    code.startsWith('08') ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    code === '53300'
  ) {
    return true;
  }
  const message = typeof e.message === 'string' ? e.message : '';
  return LOST_CONNECTION_MESSAGES.some((m) => message.includes(m));
}
