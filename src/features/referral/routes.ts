// A referrer (huisarts, POH-GGZ, jeugdarts, school, wijkverpleging, Veilig Thuis,
// woningcorporatie, other) signs up a resident, step by step, each page working without
// JavaScript:
//   /verwijzen                  about you (the referrer)
//   /verwijzen/toestemming      the resident's consent; without it: /verwijzen/geen-toestemming
//   /verwijzen/inwoner          about the resident (postcode -> team)
//   /verwijzen/vraag            the question, what you already did, the safety questions
//   /verwijzen/gevaar           danger now: 112 and Veilig Thuis, nothing stored
//                               (these three: resident-routes.ts)
//   /verwijzen/vervolg ...      next step, time, check, confirmation (next-routes.ts)
//   /verwijzen/status/:token    the referrer's status page (status-routes.ts)
//   /medewerker/verwijzers      contact coach per organisation (contacts-routes.ts)
import type { FastifyInstance } from 'fastify';
import { local } from '../../domain/time.js';
import { discardReferralDraft, saveReferralDraft } from './draft.js';
import { referralFlow, type ReferralFlow } from './pages.js';
import { aboutYouSchema, consentSchema, kinds, schoolRoles } from './schemas.js';
import { questionRoutes, residentRoutes } from './resident-routes.js';
import nextRoutes from './next-routes.js';
import statusRoutes from './status-routes.js';
import contactsRoutes from './contacts-routes.js';
import { publicScope } from '../../plugins/access.js';

export default async function referralRoutes(app: FastifyInstance) {
  // The referral pages are public (staff pages below declare their own rule).
  publicScope(app);
  const flow = referralFlow(app);
  aboutYouRoutes(app, flow);
  consentRoutes(app, flow);
  residentRoutes(app, flow);
  questionRoutes(app, flow);
  await app.register(nextRoutes);
  await app.register(statusRoutes);
  await app.register(contactsRoutes);
}

/** Step 1: about you (the referrer). */
function aboutYouRoutes(app: FastifyInstance, { formPage, form }: ReferralFlow) {
  const URL = '/verwijzen';
  const aboutFields = [
    'kind',
    'schoolRole',
    'organisation',
    'referrerName',
    'referrerPhone',
    'referrerEmail',
    'agbCode',
  ] as const;
  form(URL, {
    schema: aboutYouSchema,
    page: formPage('about-you', URL, () => ({ kinds, schoolRoles })),
    values: (d) => Object.fromEntries(aboutFields.map((f) => [f, d[f] ?? ''])),
    store: (req) => saveReferralDraft(app, req, req.body),
  });
}

/** Step 2: consent. Without it (other than Veilig Thuis) the flow stops and keeps nothing. */
function consentRoutes(app: FastifyInstance, { steps, formPage, form }: ReferralFlow) {
  const URL = '/verwijzen/toestemming';
  form(URL, {
    // The rules depend on who refers: Veilig Thuis may go on without consent.
    schema: (req) => consentSchema(app.now(), steps.draft(req).kind ?? 'other'),
    page: formPage('consent', URL, (d) => ({
      veiligThuis: d.kind === 'veilig_thuis',
      today: local(app.now()).toFormat('dd-MM-yyyy'),
    })),
    values: (d) => ({
      consent: d.consent ?? '',
      consentForm: d.consentForm ?? '',
      feedback: d.feedback === undefined ? '' : d.feedback ? 'yes' : 'no',
      consentDate: d.consentDate ?? '',
      noConsentReason: d.noConsentReason ?? '',
    }),
    save: async (req, reply) => {
      const d = steps.draft(req);
      const v = req.body;
      if (v.consent === 'no' && d.kind !== 'veilig_thuis') {
        await discardReferralDraft(app, req);
        return reply.redirect('/verwijzen/geen-toestemming', 303);
      }
      const saved =
        v.consent === 'yes'
          ? await saveReferralDraft(app, req, {
              consent: 'yes',
              consentForm: v.consentForm as 'spoken' | 'written',
              consentDate: v.consentDate,
              feedback: v.feedback === 'yes',
              noConsentReason: undefined,
            })
          : await saveReferralDraft(app, req, {
              consent: 'no',
              noConsentReason: v.noConsentReason,
              consentForm: undefined,
              consentDate: undefined,
              feedback: false,
            });
      return reply.redirect(steps.forward(saved, URL), 303);
    },
  });

  app.get('/verwijzen/geen-toestemming', async (_req, reply) => reply.viewAsync('referral/no-consent', {}));
}
