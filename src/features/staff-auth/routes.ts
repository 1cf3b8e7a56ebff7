// /medewerker/inloggen, /uitloggen, /wachtwoord-vergeten, /wachtwoord/<token>,
// /wachtwoord-wijzigen and the staff start page /medewerker.
import type { FastifyInstance } from 'fastify';
import { ALL_STAFF, forgetSession, logIn, requireStaff } from '../../plugins/auth.js';
import {
  changePassword,
  findValidToken,
  logOutEverywhere,
  RESET_ANSWER_MS,
  sendResetLink,
  setPassword,
} from './service.js';
import { newPasswordProblem } from './rules.js';
import { login } from './login.js';
import { unlockLinkIsUsable, useUnlockLink } from './unlock.js';
import { setTimeout } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { ktError } from '../../errors.js';
import { formatters } from '../../domain/time.js';

type Body = Record<string, string | undefined>;
const publicPage = { access: 'public' as const };
/** The rate limit of every form that takes a password or a link. */
type Limit = { max: number; timeWindow: string };

function safeBack(v: unknown): string {
  return typeof v === 'string' && v.startsWith('/medewerker') && !v.startsWith('//') ? v : '/medewerker';
}

export default async function staffAuthRoutes(app: FastifyInstance) {
  const loginLimit = { max: Math.min(app.config.publicPostLimit, 20), timeWindow: '1 minute' };
  loginRoutes(app, loginLimit);
  passwordChangeRoutes(app, loginLimit);
  passwordLinkRoutes(app, loginLimit);
  // The staff start page.
  app.get('/medewerker', { config: { access: { roles: ALL_STAFF } } }, async (req, reply) => {
    const staff = requireStaff(req);
    return reply.viewAsync('staff/home', { me: staff });
  });
}

/** Logging in (and the link that lifts the lock of an account), and logging out. */
function loginRoutes(app: FastifyInstance, loginLimit: Limit) {
  app.get('/medewerker/inloggen', { config: publicPage }, async (req, reply) => {
    const q = req.query as Record<string, string>;
    return reply.viewAsync('staff/login', {
      values: { email: '' },
      errors: {},
      back: safeBack(q.terug),
      notice: q.klaar === 'wachtwoord' ? 'staff.login.passwordSet' : null,
    });
  });

  app.post('/medewerker/inloggen', { config: { ...publicPage, rateLimit: loginLimit } }, async (req, reply) => {
    const body = req.body as Body;
    const email = (body.email ?? '').trim();
    const password = body.password ?? '';
    const back = safeBack(body.back);
    const errors: Record<string, string> = {};
    if (!email) errors.email = 'staff.errors.emailEmpty';
    if (!password) errors.password = 'staff.errors.passwordEmpty';
    if (Object.keys(errors).length)
      return reply.code(400).viewAsync('staff/login', { values: { email }, errors, back });
    const result = await login(app.db, email, password, app.now(), app.config.publicUrl);
    if (!result.ok && result.reason === 'locked') {
      // The same answer whether the address is known or not, and whether the password was right.
      const until = formatters(req.locale).time(result.until);
      return reply.code(429).viewAsync('staff/login', {
        values: { email },
        errors: { password: 'staff.errors.locked' },
        errorParams: { password: { time: until } },
        back,
      });
    }
    if (!result.ok) {
      if (result.delayMs > 0) await setTimeout(result.delayMs);
      return reply
        .code(401)
        .viewAsync('staff/login', { values: { email }, errors: { password: 'staff.errors.invalid' }, back });
    }
    logIn(req, { id: result.staffId, sessionVersion: result.sessionVersion }, app.now());
    return reply.redirect(back, 303);
  });

  // The link mailed when the right password was typed on a locked account. Opening it shows a
  // button (mail scanners open links); the button lifts the lock and logs the person in.
  app.get<{ Params: { token: string } }>(
    '/medewerker/ontgrendelen/:token',
    { config: publicPage },
    async (req, reply) => {
      if (!(await unlockLinkIsUsable(app.db, req.params.token, app.now())))
        throw ktError('KT_GONE', 'unlock link used or expired');
      return reply.viewAsync('staff/unlock', { token: req.params.token });
    },
  );

  app.post<{ Params: { token: string } }>(
    '/medewerker/ontgrendelen/:token',
    { config: { ...publicPage, rateLimit: loginLimit } },
    async (req, reply) => {
      const done = await useUnlockLink(app.db, req.params.token, app.now());
      if (!done) throw ktError('KT_GONE', 'unlock link used or expired');
      logIn(req, { id: done.staffId, sessionVersion: done.sessionVersion }, app.now());
      return reply.redirect('/medewerker', 303);
    },
  );

  // Log-out ends the person's sessions on every device, not only this cookie.
  app.post('/medewerker/uitloggen', { config: { access: { roles: ALL_STAFF } } }, async (req, reply) => {
    await logOutEverywhere(app.db, requireStaff(req), app.now());
    forgetSession(req);
    return reply.redirect('/medewerker/inloggen', 303);
  });
}

/** Changing one's own password. */
function passwordChangeRoutes(app: FastifyInstance, loginLimit: Limit) {
  app.get('/medewerker/wachtwoord-wijzigen', { config: { access: { roles: ALL_STAFF } } }, async (req, reply) => {
    const done = (req.query as Record<string, unknown>).klaar === '1';
    return reply.viewAsync('staff/change-password', { errors: {}, done });
  });

  app.post(
    '/medewerker/wachtwoord-wijzigen',
    { config: { access: { roles: ALL_STAFF }, rateLimit: loginLimit } },
    async (req, reply) => {
      const staff = requireStaff(req);
      const body = req.body as Body;
      const result = await changePassword(
        app.db,
        staff.id,
        { current: body.current ?? '', password: body.password ?? '', repeat: body.repeat ?? '' },
        app.now(),
      );
      if (!result.ok) return reply.code(400).viewAsync('staff/change-password', { errors: result.errors, done: false });
      // Every session ended; this one goes on with the new version.
      logIn(req, { id: staff.id, sessionVersion: result.sessionVersion }, app.now());
      return reply.redirect('/medewerker/wachtwoord-wijzigen?klaar=1', 303);
    },
  );
}

/** A forgotten password: the mailed link, and setting a password with it (also an invitation's). */
function passwordLinkRoutes(app: FastifyInstance, loginLimit: Limit) {
  // A password link (reset or invitation) not used and not expired; a page saying so otherwise.
  const usableLink = async (token: string) => {
    const t = await findValidToken(app.db, token, app.now());
    if (!t) throw ktError('KT_GONE', 'link used or expired');
    return t;
  };

  app.get('/medewerker/wachtwoord-vergeten', { config: publicPage }, async (_req, reply) =>
    reply.viewAsync('staff/forgot', { values: { email: '' }, errors: {}, sent: false }),
  );

  app.post(
    '/medewerker/wachtwoord-vergeten',
    { config: { ...publicPage, rateLimit: loginLimit } },
    async (req, reply) => {
      const email = ((req.body as Body).email ?? '').trim();
      if (!email)
        return reply
          .code(400)
          .viewAsync('staff/forgot', { values: { email }, errors: { email: 'staff.errors.emailEmpty' }, sent: false });
      // A known address does more work (a link, a mail) than an unknown one: the answer waits
      // until RESET_ANSWER_MS either way, so its timing does not tell them apart.
      const started = performance.now();
      await sendResetLink(app.db, email, app.now(), app.config.publicUrl);
      await setTimeout(Math.max(0, RESET_ANSWER_MS - (performance.now() - started)));
      app.mail.kick();
      // The same answer whether or not the address is known.
      return reply.viewAsync('staff/forgot', { values: { email: '' }, errors: {}, sent: true });
    },
  );

  app.get<{ Params: { token: string } }>(
    '/medewerker/wachtwoord/:token',
    { config: publicPage },
    async (req, reply) => {
      const t = await usableLink(req.params.token);
      return reply.viewAsync('staff/password', { token: req.params.token, kind: t.kind, name: t.name, errors: {} });
    },
  );

  app.post<{ Params: { token: string } }>(
    '/medewerker/wachtwoord/:token',
    { config: { ...publicPage, rateLimit: loginLimit } },
    async (req, reply) => {
      const t = await usableLink(req.params.token);
      const body = req.body as Body;
      const password = body.password ?? '';
      const problem = await newPasswordProblem(password, body.repeat ?? '');
      if (problem)
        return reply.code(400).viewAsync('staff/password', {
          token: req.params.token,
          kind: t.kind,
          name: t.name,
          errors: { [problem.field]: problem.message },
        });
      const staffId = await setPassword(app.db, req.params.token, password, app.now());
      if (!staffId) throw ktError('KT_GONE', 'link used or expired');
      return reply.redirect('/medewerker/inloggen?klaar=wachtwoord', 303);
    },
  );
}
