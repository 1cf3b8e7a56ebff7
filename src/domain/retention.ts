// How long the portal keeps what, per category (the privacy statement shows the live terms). The
// municipality can change each term within its limits in the admin settings; these are the
// defaults until it does.

export interface RetentionTerms {
  /** Days a sent mail keeps its text; who, when and what kind stay. */
  mailBodyDays: number;
  /** Months after which a cancelled sign-up with no later contact is anonymised. */
  cancelledSignupMonths: number;
  /** Months after closure (or withdrawal) after which a request is anonymised. */
  closedRequestMonths: number;
  /** Years the audit trail is kept. */
  auditYears: number;
}

export const RETENTION_DEFAULTS: Readonly<RetentionTerms> = Object.freeze({
  mailBodyDays: 7,
  cancelledSignupMonths: 3,
  closedRequestMonths: 12,
  auditYears: 5,
});

/** The range an administrator may choose for each term. */
export const RETENTION_LIMITS: Readonly<Record<keyof RetentionTerms, { min: number; max: number }>> = Object.freeze({
  mailBodyDays: { min: 1, max: 90 },
  cancelledSignupMonths: { min: 1, max: 24 },
  closedRequestMonths: { min: 3, max: 120 },
  auditYears: { min: 1, max: 20 },
});
