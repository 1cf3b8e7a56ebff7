// Input rules of the queue forms. Messages are locale keys, shown next to the field.
import { z } from 'zod';

export const NOTE_MAX = 2000;

export const assignSchema = z.object({
  teamId: z
    .string()
    .trim()
    .regex(/^\d{1,9}$/, 'queue.errors.teamEmpty')
    .transform(Number),
});

export const calledBackSchema = z.object({
  note: z.string().trim().min(1, 'queue.errors.noteEmpty').max(NOTE_MAX, 'queue.errors.noteTooLong'),
});

/** A record id from the URL; anything else is a page that does not exist. */
export function idParam(v: string): number | null {
  return /^\d{1,9}$/.test(v) ? Number(v) : null;
}
