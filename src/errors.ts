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
