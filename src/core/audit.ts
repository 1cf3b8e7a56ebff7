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
