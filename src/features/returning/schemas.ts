// Input rules of the /opnieuw form. Messages are locale keys shown next to the field.
import { z } from 'zod';
import { postcodeField } from '../../core/intake.js';

export const askSchema = z.object({
  email: z
    .string()
    .trim()
    .min(1, 'returning.errors.emailEmpty')
    .max(254, 'returning.errors.emailFormat')
    .refine((v) => v === '' || z.string().email().safeParse(v).success, 'returning.errors.emailFormat'),
  // An empty postcode stops at min(1): the transform (the format check) runs only on a typed one.
  postcode: postcodeField('returning.errors.postcodeEmpty', 'returning.errors.postcodeFormat'),
});
