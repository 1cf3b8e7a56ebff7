// Input rules of the absence forms. An absence is whole days by default; a start or end time
// makes it part of a day (ill from 13:00, back at 12:00).
import { DateTime } from 'luxon';
import { ZONE } from '../../domain/time.js';
import {
  localInstant,
  parseDate,
  parseId,
  parseTime,
  type Errors,
  type TeamFormContext,
  type Values,
} from '../blocks/schemas.js';

export const absenceKinds = ['leave', 'sick', 'other'] as const;
export type AbsenceKind = (typeof absenceKinds)[number];
export const NOTE_MAX = 500;
export const MAX_DAYS = 366;

export interface AbsencePlan {
  staffId: number;
  start: Date;
  end: Date;
  kind: AbsenceKind;
  note: string | null;
}

function dateAndTime(v: Values, errors: Errors, dateName: string, timeName: string, fallbackTime: string | null) {
  const date = v[dateName]?.trim() ? parseDate(v[dateName]!) : null;
  if (!v[dateName]?.trim()) errors[dateName] = `absence.errors.${dateName}Empty`;
  else if (!date) errors[dateName] = `absence.errors.${dateName}Format`;
  let time = fallbackTime;
  if (v[timeName]?.trim()) {
    time = parseTime(v[timeName]!);
    if (!time) errors[timeName] = `absence.errors.${timeName}Format`;
  }
  if (!date || (v[timeName]?.trim() && !time)) return null;
  if (time === null) return DateTime.fromISO(date, { zone: ZONE }).plus({ days: 1 }).startOf('day');
  const at = localInstant(date, time);
  if (!at) errors[timeName] = `absence.errors.${timeName}Gap`;
  return at;
}

export function checkAbsence(v: Values, ctx: TeamFormContext): { errors: Errors; plan: AbsencePlan | null } {
  const errors: Errors = {};
  let staffId: number | null = ctx.selfId;
  if (ctx.isTeamlead) {
    staffId = parseId(v.staff);
    if (!v.staff) errors.staff = 'absence.errors.staffEmpty';
    else if (staffId === null || !ctx.teamCoachIds.has(staffId)) errors.staff = 'absence.errors.staffInvalid';
  }
  const start = dateAndTime(v, errors, 'fromDate', 'fromTime', '00:00');
  // No end time: the absence lasts until the end of the last day.
  const end = dateAndTime(v, errors, 'untilDate', 'untilTime', null);
  if (start && end) {
    if (end <= start) errors.untilDate = 'absence.errors.untilBeforeFrom';
    else if (end.toJSDate() <= ctx.now) errors.untilDate = 'absence.errors.past';
    else if (end.diff(start, 'days').days > MAX_DAYS) errors.untilDate = 'absence.errors.tooLong';
  }
  const kind = (absenceKinds as readonly string[]).includes(v.kind ?? '') ? (v.kind as AbsenceKind) : null;
  if (!kind) errors.kind = 'absence.errors.kind';
  const note = (v.note ?? '').trim();
  if (note.length > NOTE_MAX) errors.note = 'absence.errors.noteTooLong';
  if (Object.keys(errors).length || !start || !end || !kind || staffId === null) return { errors, plan: null };
  return { errors, plan: { staffId, start: start.toJSDate(), end: end.toJSDate(), kind, note: note || null } };
}
