// Input rules of the block forms. Every message is a locale key shown next to its field; the
// checks that compare fields (end after start, until after date) run only when both parse.
import { z } from 'zod';
import { DateTime } from 'luxon';
import { atLocal, ZONE } from '../../domain/time.js';
import type { LocationKind } from '../../db/schema.js';

export const locationKinds = ['home', 'office', 'school'] as const;
export const MAX_SERIES_WEEKS = 26;
export const MAX_DAYS_AHEAD = 366;

export type Values = Record<string, string>;
export type Errors = Record<string, string>;
type Body = Record<string, unknown>;

/** The posted value of a field as a string ('' when missing or repeated). */
export function field(body: Body, name: string): string {
  const v = body[name];
  return typeof v === 'string' ? v : '';
}

/** A numeric id from the URL or a form; null for anything else. */
export function parseId(v: unknown): number | null {
  return typeof v === 'string' && /^[1-9][0-9]{0,8}$/.test(v.trim()) ? Number(v.trim()) : null;
}

/** '2026-12-08' (date picker), or '8-12-2026' typed where a browser has no date picker. */
export function parseDate(v: string): string | null {
  const s = v.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const nl = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(s);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : nl ? [nl[3], nl[2], nl[1]] : [];
  if (!y) return null;
  const dt = DateTime.fromObject({ year: Number(y), month: Number(m), day: Number(d) }, { zone: ZONE });
  return dt.isValid ? dt.toISODate() : null;
}

/** '9:00', '09:00' or '09.00' -> '09:00'. */
export function parseTime(v: string): string | null {
  const m = /^(\d{1,2})[:.](\d{2})$/.exec(v.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 23 || min > 59) return null;
  return `${String(h).padStart(2, '0')}:${m[2]}`;
}

/** The instant of a local date and time; null when that time does not exist (the clock jumps). */
export function localInstant(date: string, time: string): DateTime | null {
  const dt = atLocal(date, time);
  return dt.isValid && dt.toISODate() === date && dt.toFormat('HH:mm') === time ? dt : null;
}

const minutes = (min: number, max: number, empty: string, range: string) =>
  z
    .string()
    .trim()
    .min(1, empty)
    .regex(/^\d{1,3}$/, range)
    .transform(Number)
    .refine((n) => n >= min && n <= max, range);

const shapeSchema = z.object({
  slotMinutes: minutes(15, 240, 'blocks.errors.slotEmpty', 'blocks.errors.slotRange'),
  bufferMinutes: minutes(0, 120, 'blocks.errors.bufferEmpty', 'blocks.errors.bufferRange'),
  locationKind: z.enum(locationKinds, { errorMap: () => ({ message: 'blocks.errors.locationKind' }) }),
});

export interface BlockTimes {
  /** Local date of the (first) block, 'yyyy-mm-dd'. */
  date: string;
  start: string;
  end: string;
  slotMinutes: number;
  bufferMinutes: number;
  locationKind: LocationKind;
}

/**
 * Date, start, end, slot length, buffer and location: the fields the new and the edit form share.
 * `dateRequired` false: the date is not asked (editing a series keeps each block's own date).
 */
export function checkTimes(
  v: Values,
  errors: Errors,
  ctx: { now: Date; dateRequired: boolean; fallbackDate: string },
): BlockTimes | null {
  const today = DateTime.fromJSDate(ctx.now, { zone: ZONE }).toISODate()!;
  let date: string | null = ctx.fallbackDate;
  if (ctx.dateRequired) {
    date = null;
    if (!v.date?.trim()) errors.date = 'blocks.errors.dateEmpty';
    else if (!(date = parseDate(v.date))) errors.date = 'blocks.errors.dateFormat';
    else if (date < today) errors.date = 'blocks.errors.datePast';
    else if (date > DateTime.fromISO(today, { zone: ZONE }).plus({ days: MAX_DAYS_AHEAD }).toISODate()!)
      errors.date = 'blocks.errors.dateTooFar';
  }
  const start = v.start?.trim() ? parseTime(v.start) : null;
  const end = v.end?.trim() ? parseTime(v.end) : null;
  if (!v.start?.trim()) errors.start = 'blocks.errors.startEmpty';
  else if (!start) errors.start = 'blocks.errors.startFormat';
  if (!v.end?.trim()) errors.end = 'blocks.errors.endEmpty';
  else if (!end) errors.end = 'blocks.errors.endFormat';
  if (start && end && end <= start) errors.end = 'blocks.errors.endBeforeStart';
  const shape = shapeSchema.safeParse(v);
  if (!shape.success) {
    for (const issue of shape.error.issues) errors[String(issue.path[0])] ??= issue.message;
  }
  if (date && start && end && !errors.end && !errors.date) {
    const s = localInstant(date, start);
    const e = localInstant(date, end);
    if (!s) errors.start = 'blocks.errors.timeGap';
    else if (!e) errors.end = 'blocks.errors.endGap';
    else if (s.toJSDate() <= ctx.now) errors.start = 'blocks.errors.startPast';
    else if (shape.success && e.diff(s, 'minutes').minutes < shape.data.slotMinutes)
      errors.end = 'blocks.errors.tooShort';
  }
  if (!date || !start || !end || !shape.success || Object.keys(errors).length) return null;
  return { date, start, end, ...shape.data };
}

export interface NewBlockPlan extends BlockTimes {
  /** One period per block, each at the same local times on its own date. */
  periods: { start: Date; end: Date }[];
  coachIds: number[];
  solo: boolean;
}

/**
 * What a form that names team members is checked against: a coach enters for themself, a team
 * lead for any of the team's active coaches and team leads.
 */
export interface TeamFormContext {
  now: Date;
  selfId: number;
  isTeamlead: boolean;
  teamCoachIds: Set<number>;
}

/**
 * The new-block form. A coach plans with a partner from the team (or ticks solo); a team lead
 * picks the coach as well. A weekly series runs until a date at most 26 weeks on.
 */
export function checkNewBlock(v: Values, ctx: TeamFormContext): { errors: Errors; plan: NewBlockPlan | null } {
  const errors: Errors = {};
  const times = checkTimes(v, errors, { now: ctx.now, dateRequired: true, fallbackDate: '' });
  let coachId: number | null = ctx.selfId;
  if (ctx.isTeamlead) {
    coachId = parseId(v.coach);
    if (!v.coach) errors.coach = 'blocks.errors.coachEmpty';
    else if (coachId === null || !ctx.teamCoachIds.has(coachId)) errors.coach = 'blocks.errors.coachInvalid';
  }
  const solo = v.solo === 'yes';
  const partnerId = parseId(v.partner);
  if (solo && v.partner) errors.partner = 'blocks.errors.soloAndPartner';
  else if (!solo && !v.partner) errors.partner = 'blocks.errors.partnerEmpty';
  else if (!solo && (partnerId === null || !ctx.teamCoachIds.has(partnerId)))
    errors.partner = 'blocks.errors.partnerInvalid';
  else if (!solo && partnerId === coachId)
    errors.partner = ctx.isTeamlead ? 'blocks.errors.partnerSame' : 'blocks.errors.partnerSelf';

  let dates: string[] = [];
  if (v.repeat === 'weekly') {
    const date = parseDate(v.date ?? '');
    const until = v.until?.trim() ? parseDate(v.until) : null;
    if (!v.until?.trim()) errors.until = 'blocks.errors.untilEmpty';
    else if (!until) errors.until = 'blocks.errors.untilFormat';
    else if (date && until <= date) errors.until = 'blocks.errors.untilBeforeDate';
    else if (date && until > DateTime.fromISO(date, { zone: ZONE }).plus({ weeks: MAX_SERIES_WEEKS }).toISODate()!)
      errors.until = 'blocks.errors.untilTooFar';
    if (date && until && !errors.until) {
      // Calendar weeks in Amsterdam: each block keeps its local times across a clock change.
      for (let d = DateTime.fromISO(date, { zone: ZONE }); d.toISODate()! <= until; d = d.plus({ weeks: 1 }))
        dates.push(d.toISODate()!);
    }
  } else if (v.repeat) {
    errors.repeat = 'blocks.errors.repeat';
  }
  if (!times || Object.keys(errors).length || coachId === null) return { errors, plan: null };
  if (dates.length === 0) dates = [times.date];
  const periods = dates.map((d) => ({ s: localInstant(d, times.start), e: localInstant(d, times.end) }));
  if (periods.some((p) => !p.s || !p.e)) {
    errors.start = 'blocks.errors.timeGapSeries';
    return { errors, plan: null };
  }
  const coachIds = solo ? [coachId] : [coachId, partnerId!];
  return {
    errors,
    plan: { ...times, periods: periods.map((p) => ({ start: p.s!.toJSDate(), end: p.e!.toJSDate() })), coachIds, solo },
  };
}

export const scopes = ['one', 'series'] as const;
export type Scope = (typeof scopes)[number];

/** 'one' or 'series'; a block outside a series has only 'one'. */
export function checkScope(v: Values, errors: Errors, inSeries: boolean): Scope | null {
  if (!inSeries) return 'one';
  if (v.scope === 'one' || v.scope === 'series') return v.scope;
  errors.scope = 'blocks.errors.scope';
  return null;
}
