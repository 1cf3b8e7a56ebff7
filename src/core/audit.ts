// The audit log: who did what to which record, and when. Written inside the transaction of the
// change it records.
import type { Db } from './db.js';

export async function audit(
  db: Db,
  e: {
    action: string;
    actorStaffId?: number | null;
    subjectType?: string;
    subjectId?: number;
    teamId?: number | null;
    detail?: Record<string, unknown>;
    at?: Date;
  },
): Promise<void> {
  await db
    .insertInto('audit_event')
    .values({
      // The app's clock when given (figures count events by it); else the database's.
      ...(e.at ? { at: e.at } : {}),
      action: e.action,
      actor_staff_id: e.actorStaffId ?? null,
      subject_type: e.subjectType ?? null,
      subject_id: e.subjectId ?? null,
      team_id: e.teamId ?? null,
      detail: JSON.stringify(e.detail ?? {}),
    })
    .execute();
}

/** What a staff page showed: a request, an appointment (of one request) or a resident's record. */
export interface CaseSubject {
  type: 'request' | 'appointment' | 'resident';
  id: number;
  teamId: number | null;
}

/**
 * Who saw which case (NEN 7513). A page that shows one case's content (the question, notes,
 * contact details) writes 'case_viewed' about the request; a list that shows several residents
 * writes 'case_listed', one entry per subject shown, in one statement. `page` names the page; the
 * detail never holds anything about the resident (the log cannot be erased).
 */
export async function auditCaseViewed(
  db: Db,
  e: { actorStaffId: number; requestId: number; teamId: number | null; page: string; at?: Date },
): Promise<void> {
  await audit(db, {
    action: 'case_viewed',
    actorStaffId: e.actorStaffId,
    subjectType: 'request',
    subjectId: e.requestId,
    teamId: e.teamId,
    detail: { page: e.page },
    ...(e.at ? { at: e.at } : {}),
  });
}

export async function auditCasesListed(
  db: Db,
  e: { actorStaffId: number; subjects: CaseSubject[]; page: string; at?: Date },
): Promise<void> {
  if (e.subjects.length === 0) return;
  await db
    .insertInto('audit_event')
    .values(
      e.subjects.map((s) => ({
        ...(e.at ? { at: e.at } : {}),
        action: 'case_listed',
        actor_staff_id: e.actorStaffId,
        subject_type: s.type,
        subject_id: s.id,
        team_id: s.teamId,
        detail: JSON.stringify({ page: e.page }),
      })),
    )
    .execute();
}
