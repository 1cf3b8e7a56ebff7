// /medewerker/afspraken/:appointmentId — the appointment page with the question — and its
// actions (gebeld, vorm, uitkomst, regie, koppelen, loskoppelen), plus closing a request at
// /medewerker/aanvragen/:requestId/sluiten (close-routes.ts; the page itself: page.ts). Coaches
// and team leads of the team only; another team's record is a 404. Each action redirects back to
// the page, which shows the result.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeAny } from 'zod';
import type { StaffSession } from '../../plugins/auth.js';
import { fieldErrors, isActionError } from '../../core/forms.js';
import type { CaseRow } from './repository.js';
import { calledSchema, keepValues, leadSchema, modeSchema, outcomeSchema } from './schemas.js';
import { linkSchema, linkToResident } from '../returning/link.js';
import { splitFromResident, splitSchema } from '../returning/split.js';
import { changeMode, markCalled, registerOutcome, setLeadCoach } from './service.js';
import { loadOwn, page, scoped, type AppointmentParams } from './page.js';
import { closeRoutes } from './close-routes.js';

const DONE = [
  'gebeld',
  'vorm',
  'vorm-gemaild',
  'uitkomst',
  'regie',
  'regie-gemaild',
  'gekoppeld',
  'losgekoppeld',
  'gesloten',
] as const;

export default async function appointmentsRoutes(app: FastifyInstance) {
  app.get<{ Params: AppointmentParams }>(
    '/medewerker/afspraken/:appointmentId',
    { config: scoped },
    async (req, reply) => {
      const { staff, c } = await loadOwn(app, req);
      const done = (req.query as Record<string, unknown>).klaar;
      return page(app, reply, staff, c, {
        done: (DONE as readonly unknown[]).includes(done) ? (done as string) : null,
      });
    },
  );
  actionRoutes(app);
  closeRoutes(app);
}

/** The actions on the page (gebeld, vorm, uitkomst, regie, koppelen, loskoppelen). */
function actionRoutes(app: FastifyInstance) {
  const mailCtx = () => app.mailContext();

  /** One action: validate, run, and redirect to the page, or show the page with the message. */
  function action<S extends ZodTypeAny>(
    path: string,
    fields: string[],
    schema: S,
    run: (staff: StaffSession, c: CaseRow, input: S['_output']) => Promise<string>,
  ) {
    app.post<{ Params: AppointmentParams }>(
      `/medewerker/afspraken/:appointmentId/${path}`,
      { config: scoped },
      async (req, reply) => {
        const { staff, c } = await loadOwn(app, req);
        const values = keepValues(req.body, fields);
        const parsed = schema.safeParse(values);
        if (!parsed.success)
          return page(app, reply, staff, c, { values, errors: fieldErrors(parsed.error), status: 400 });
        try {
          const done = await run(staff, c, parsed.data);
          app.mail.kick();
          return reply.redirect(`/medewerker/afspraken/${c.id}?klaar=${done}`, 303);
        } catch (err) {
          if (!isActionError(err)) throw err;
          const errors = { [err.details.field]: err.details.key };
          return page(app, reply, staff, c, { values, errors, status: err.statusCode });
        }
      },
    );
  }

  action('gebeld', ['callNote'], calledSchema, async (staff, c, input) => {
    await markCalled(app.db, c, staff, input.callNote, app.now());
    return 'gebeld';
  });

  action('vorm', ['mode', 'solo'], modeSchema, async (staff, c, input) => {
    const { residentMailed } = await changeMode(app.db, c, staff, input, app.now(), mailCtx());
    return residentMailed ? 'vorm-gemaild' : 'vorm';
  });

  action('uitkomst', ['outcome', 'result'], outcomeSchema, async (staff, c, input) => {
    await registerOutcome(app.db, c, staff, input, app.now());
    if (input.outcome === 'cancelled') app.metrics.cancelled('staff');
    return 'uitkomst';
  });

  action('regie', ['leadCoach', 'leadNote'], leadSchema, async (staff, c, input) => {
    const { residentMailed } = await setLeadCoach(app.db, c, staff, input.leadCoach, {
      note: input.leadNote || null,
      mail: mailCtx(),
    });
    return residentMailed ? 'regie-gemaild' : 'regie';
  });

  // Link this sign-up to a resident the team already knows (src/features/returning/link.ts).
  action('koppelen', ['residentId'], linkSchema, async (staff, c, input) => {
    await linkToResident(app.db, c, staff, input.residentId, app.config.publicUrl);
    return 'gekoppeld';
  });

  // Undo a link: the sign-up becomes a resident of its own (src/features/returning/split.ts).
  action('loskoppelen', ['splitConfirm'], splitSchema, async (staff, c) => {
    await splitFromResident(app.db, c, staff);
    return 'losgekoppeld';
  });
}
