import { z } from 'zod';
import { normalizePostcode } from '../../domain/postcode.js';

const int = (min: number, max: number, key: string) =>
  z.string().trim().regex(/^\d+$/, key).transform(Number).pipe(z.number().min(min, key).max(max, key));

export const teamSchema = z.object({
  name: z.string().trim().min(2, 'admin.errors.name').max(120, 'admin.errors.name'),
  slug: z
    .string()
    .trim()
    .regex(/^[a-z0-9-]{2,40}$/, 'admin.errors.slug'),
  phone: z
    .string()
    .trim()
    .regex(/^[0-9 +()-]{5,20}$/, 'admin.errors.phone'),
  email: z.string().trim().email('admin.errors.email').max(254, 'admin.errors.email'),
  officeAddress: z.string().trim().min(3, 'admin.errors.address').max(200, 'admin.errors.address'),
  horizonDays: int(7, 120, 'admin.errors.horizon'),
  minNoticeDays: int(0, 30, 'admin.errors.minNotice'),
  promiseDays: int(1, 120, 'admin.errors.promise'),
  freeSlotThreshold: int(0, 1000, 'admin.errors.threshold'),
  reminderDays: int(0, 14, 'admin.errors.reminder'),
});

/** "6811" -> 6811AA, "6811" as the end -> 6811ZZ; full postcodes stay as they are. */
export function rangeBound(v: string, end: boolean): string | null {
  const compact = v.replace(/\s/g, '').toUpperCase();
  if (/^[1-9][0-9]{3}$/.test(compact)) return compact + (end ? 'ZZ' : 'AA');
  return normalizePostcode(compact);
}

export const areaSchema = z.object({ from: z.string(), to: z.string() }).transform((v, ctx) => {
  const from = rangeBound(v.from, false);
  const to = rangeBound(v.to || v.from, true);
  if (!from) ctx.addIssue({ code: 'custom', path: ['from'], message: 'admin.errors.postcode' });
  if (!to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'admin.errors.postcode' });
  if (from && to && from > to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'admin.errors.rangeOrder' });
  return { from: from ?? '', to: to ?? '' };
});

export const roles = ['coach', 'teamlead', 'frontoffice', 'admin', 'beleid', 'privacy'] as const;

export const staffSchema = z
  .object({
    name: z.string().trim().min(2, 'admin.errors.name').max(120, 'admin.errors.name'),
    email: z.string().trim().email('admin.errors.email').max(254, 'admin.errors.email'),
    role: z
      .string()
      .refine((v): v is (typeof roles)[number] => (roles as readonly string[]).includes(v), 'admin.errors.role'),
    teamId: z.string(),
    expertise: z.string().trim().max(300, 'admin.errors.expertise'),
    active: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.role === 'coach' || v.role === 'teamlead') && !/^\d+$/.test(v.teamId)) {
      ctx.addIssue({ code: 'custom', path: ['teamId'], message: 'admin.errors.teamNeeded' });
    }
  });
