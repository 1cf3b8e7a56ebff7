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
import type { FastifyInstance, FastifyReply } from 'fastify';
import { local } from '../../domain/time.js';
import { fieldErrors } from '../../core/forms.js';
import { discardReferralDraft, saveReferralDraft, type ReferralDraft } from './draft.js';
import { draftFor, publicPost, render, type Errors, type Values } from './pages.js';
import { aboutYouSchema, consentSchema, kinds, pick, schoolRoles, type Kind } from './schemas.js';
import { nextAfter } from './steps.js';
import { questionRoutes, residentRoutes } from './resident-routes.js';
import nextRoutes from './next-routes.js';
import statusRoutes from './status-routes.js';
import contactsRoutes from './contacts-routes.js';
import { publicScope } from '../../plugins/access.js';

export default async function referralRoutes(app: FastifyInstance) {
  // The referral pages are public (staff pages below declare their own rule).
  publicScope(app);
  aboutYouRoutes(app);
  consentRoutes(app);
  residentRoutes(app);
  questionRoutes(app);
  await app.register(nextRoutes);
  await app.register(statusRoutes);
  await app.register(contactsRoutes);
}

/** Step 1: about you (the referrer). */
function aboutYouRoutes(app: FastifyInstance) {
  const aboutFields = [
    'kind',
    'schoolRole',
    'organisation',
    'referrerName',
    'referrerPhone',
    'referrerEmail',
    'agbCode',
  ] as const;
  app.get('/verwijzen', async (req, reply) => {
    const d = (await draftFor(app, req, reply, 0))!;
    return render(reply, 'about-you', 1, {
      values: Object.fromEntries(aboutFields.map((f) => [f, d[f] ?? ''])),
      errors: {},
      kinds,
      schoolRoles,
    });
  });

  app.post('/verwijzen', publicPost(app), async (req, reply) => {
    const values = pick(req.body, aboutFields);
    const parsed = aboutYouSchema.safeParse(values);
    if (!parsed.success)
      return render(reply, 'about-you', 1, { values, errors: fieldErrors(parsed.error), kinds, schoolRoles }, 400);
    const v = parsed.data;
    const d = await saveReferralDraft(app, req, {
      kind: v.kind,
      schoolRole: v.schoolRole,
      organisation: v.organisation,
      referrerName: v.referrerName,
      referrerPhone: v.referrerPhone,
      referrerEmail: v.referrerEmail,
      agbCode: v.agbCode,
    });
    return reply.redirect(nextAfter(d, 0), 303);
  });
}

/** Step 2: consent. Without it (other than Veilig Thuis) the flow stops and keeps nothing. */
function consentRoutes(app: FastifyInstance) {
  const consentFields = ['consent', 'consentForm', 'consentDate', 'feedback', 'noConsentReason'] as const;
  const consentPage = (reply: FastifyReply, d: ReferralDraft, values: Values, errors: Errors, status = 200) =>
    render(
      reply,
      'consent',
      2,
      { values, errors, veiligThuis: d.kind === 'veilig_thuis', today: local(app.now()).toFormat('dd-MM-yyyy') },
      status,
    );

  app.get('/verwijzen/toestemming', async (req, reply) => {
    const d = await draftFor(app, req, reply, 1);
    if (!d) return reply;
    return consentPage(
      reply,
      d,
      {
        consent: d.consent ?? '',
        consentForm: d.consentForm ?? '',
        feedback: d.feedback === undefined ? '' : d.feedback ? 'yes' : 'no',
        consentDate: d.consentDate ?? '',
        noConsentReason: d.noConsentReason ?? '',
      },
      {},
    );
  });

  app.post('/verwijzen/toestemming', publicPost(app), async (req, reply) => {
    const d = await draftFor(app, req, reply, 1);
    if (!d) return reply;
    const values = pick(req.body, consentFields);
    const parsed = consentSchema(app.now(), d.kind as Kind).safeParse(values);
    if (!parsed.success) return consentPage(reply, d, values, fieldErrors(parsed.error), 400);
    const v = parsed.data;
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
    return reply.redirect(nextAfter(saved, 1), 303);
  });

  app.get('/verwijzen/geen-toestemming', async (_req, reply) => reply.viewAsync('referral/no-consent', {}));
}
