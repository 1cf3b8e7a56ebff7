// Input rules of the /opnieuw form. Messages are locale keys shown next to the field.
import { z } from 'zod';
import { normalizePostcode } from '../../domain/postcode.js';

export const askSchema = z.object({
  email: z
    .string()
    .trim()
    .min(1, 'returning.errors.emailEmpty')
    .max(254, 'returning.errors.emailFormat')
    .refine((v) => v === '' || z.string().email().safeParse(v).success, 'returning.errors.emailFormat'),
  postcode: z
    .string()
    .trim()
    .min(1, 'returning.errors.postcodeEmpty')
    .transform((v, ctx) => {
      const pc = normalizePostcode(v);
      if (v !== '' && !pc) ctx.addIssue({ code: 'custom', message: 'returning.errors.postcodeFormat' });
      return pc ?? '';
    }),
});
