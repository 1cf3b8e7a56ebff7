// A referrer (huisarts, POH-GGZ, jeugdarts, school, wijkverpleging, Veilig Thuis,
// woningcorporatie, other) signs up a resident, step by step, each page working without
// JavaScript:
//   /verwijzen                  about you (the referrer)
//   /verwijzen/toestemming      the resident's consent; without it: /verwijzen/geen-toestemming
//   /verwijzen/inwoner          about the resident (postcode -> team)
//   /verwijzen/vraag            the question, what you already did, the safety questions
//   /verwijzen/gevaar           danger now: 112 and Veilig Thuis, nothing stored
//   /verwijzen/vervolg ...      next step, time, check, confirmation (next-routes.ts)
//   /verwijzen/status/:token    the referrer's status page (status-routes.ts)
//   /medewerker/verwijzers      contact coach per organisation (contacts-routes.ts)
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { displayPostcode } from '../../domain/postcode.js';
import { local } from '../../domain/time.js';
import { teamById, teamForPostcode } from '../../core/teams.js';
import { fieldErrors } from '../../core/forms.js';
import { languages } from '../../core/intake.js';
import { discardReferralDraft, loadReferralDraft, saveReferralDraft, type ReferralDraft } from './draft.js';
import {
  aboutYouSchema,
  consentSchema,
  kinds,
  pick,
  questionSchema,
  residentSchema,
  schoolRoles,
  type Kind,
} from './schemas.js';
import { nextAfter, redirectFor, TOTAL_STEPS } from './steps.js';
import nextRoutes from './next-routes.js';
import statusRoutes from './status-routes.js';
import contactsRoutes from './contacts-routes.js';
import { publicScope } from '../../plugins/access.js';

type Values = Record<string, unknown>;
type Errors = Record<string, string>;

export default async function referralRoutes(app: FastifyInstance) {
  // The referral pages are public (staff pages below declare their own rule).
  publicScope(app);
  // Rate limit per IP on every public form post (PUBLIC_POST_LIMIT a minute), as in the resident flow.
  const publicPost = { config: { rateLimit: { max: app.config.publicPostLimit, timeWindow: '1 minute' } } };

  /** The draft, if every step before `index` is done; otherwise redirects and returns null. */
  async function draftFor(req: FastifyRequest, reply: FastifyReply, index: number): Promise<ReferralDraft | null> {
    const d = (await loadReferralDraft(app, req))?.data ?? null;
    const live = d && !d.bookedRequestId ? d : null;
    const to = index === 0 ? null : redirectFor(live, index);
    if (to) {
      await reply.redirect(to, 303);
      return null;
    }
    return live ?? ({ key: '' } as ReferralDraft);
  }

  const render = (reply: FastifyReply, view: string, step: number, data: Values, status = 200) =>
    reply.code(status).viewAsync(`referral/${view}`, { step, totalSteps: TOTAL_STEPS, ...data });

  // Step 1: about you.
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
    const d = (await draftFor(req, reply, 0))!;
    return render(reply, 'about-you', 1, {
      values: Object.fromEntries(aboutFields.map((f) => [f, d[f] ?? ''])),
      errors: {},
      kinds,
      schoolRoles,
    });
  });

  app.post('/verwijzen', publicPost, async (req, reply) => {
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

  // Step 2: consent. Without it (other than Veilig Thuis) the flow stops and keeps nothing.
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
    const d = await draftFor(req, reply, 1);
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

  app.post('/verwijzen/toestemming', publicPost, async (req, reply) => {
    const d = await draftFor(req, reply, 1);
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

  // Step 3: about the resident. The postcode finds the team, as in the resident flow.
  const residentFields = [
    'name',
    'phone',
    'email',
    'postcode',
    'houseNumber',
    'street',
    'city',
    'language',
    'interpreter',
    'dateOfBirth',
  ] as const;
  const residentPage = (reply: FastifyReply, values: Values, errors: Errors, status = 200) =>
    render(reply, 'resident', 3, { values, errors, languages }, status);

  app.get('/verwijzen/inwoner', async (req, reply) => {
    const d = await draftFor(req, reply, 2);
    if (!d) return reply;
    return residentPage(
      reply,
      {
        name: d.name ?? '',
        phone: d.phone ?? '',
        email: d.email ?? '',
        postcode: d.postcode ? displayPostcode(d.postcode) : '',
        houseNumber: d.houseNumber ?? '',
        street: d.street ?? '',
        city: d.city ?? '',
        language: d.language ?? 'nl',
        interpreter: d.interpreter ? 'yes' : '',
        dateOfBirth: d.dateOfBirth ?? '',
      },
      {},
    );
  });

  app.post('/verwijzen/inwoner', publicPost, async (req, reply) => {
    const d = await draftFor(req, reply, 2);
    if (!d) return reply;
    const values = pick(req.body, residentFields);
    const parsed = residentSchema(app.now()).safeParse(values);
    if (!parsed.success) return residentPage(reply, values, fieldErrors(parsed.error), 400);
    const v = parsed.data;
    const team = await teamForPostcode(app.db, v.postcode);
    // A new postcode may mean another team: a time chosen before is forgotten.
    const moved = (team?.id ?? null) !== (d.teamId ?? null);
    const saved = await saveReferralDraft(app, req, {
      name: v.name,
      phone: v.phone,
      email: v.email,
      postcode: v.postcode,
      houseNumber: v.houseNumber,
      street: v.street,
      city: v.city,
      language: v.language,
      interpreter: v.interpreter,
      dateOfBirth: v.dateOfBirth,
      teamId: team?.id ?? null,
      outOfArea: !team,
      ...(moved ? { slot: undefined } : {}),
    });
    return reply.redirect(nextAfter(saved, 2), 303);
  });

  // Step 4: the question as the referrer sees it, and the same safety questions as residents get.
  const questionFields = ['question', 'done', 'dangerNow', 'urgent24h'] as const;
  async function questionPage(reply: FastifyReply, d: ReferralDraft, values: Values, errors: Errors, status = 200) {
    const team = d.teamId ? await teamById(app.db, d.teamId) : null;
    return render(
      reply,
      'question',
      4,
      {
        values,
        errors,
        team,
        outOfArea: d.outOfArea === true,
        postcode: d.postcode ? displayPostcode(d.postcode) : '',
      },
      status,
    );
  }

  app.get('/verwijzen/vraag', async (req, reply) => {
    const d = await draftFor(req, reply, 3);
    if (!d) return reply;
    const yn = (b: boolean | undefined) => (b === undefined ? '' : b ? 'yes' : 'no');
    return questionPage(
      reply,
      d,
      { question: d.question ?? '', done: d.done ?? '', dangerNow: yn(d.dangerNow), urgent24h: yn(d.urgent24h) },
      {},
    );
  });

  app.post('/verwijzen/vraag', publicPost, async (req, reply) => {
    const d = await draftFor(req, reply, 3);
    if (!d) return reply;
    const values = pick(req.body, questionFields);
    const parsed = questionSchema.safeParse(values);
    if (!parsed.success) return questionPage(reply, d, values, fieldErrors(parsed.error), 400);
    const v = parsed.data;
    const saved = await saveReferralDraft(app, req, {
      question: v.question,
      done: v.done,
      dangerNow: v.dangerNow === 'yes',
      urgent24h: v.urgent24h === 'yes',
    });
    if (saved.dangerNow) return reply.redirect('/verwijzen/gevaar', 303);
    return reply.redirect(nextAfter(saved, 3), 303);
  });

  // Danger now: no sign-up through the website; 112 and Veilig Thuis. Nothing is stored.
  app.get('/verwijzen/gevaar', async (req, reply) => {
    const d = (await loadReferralDraft(app, req))?.data;
    const team = d?.teamId ? await teamById(app.db, d.teamId) : null;
    return reply.viewAsync('referral/danger', { team });
  });

  await app.register(nextRoutes);
  await app.register(statusRoutes);
  await app.register(contactsRoutes);
}
