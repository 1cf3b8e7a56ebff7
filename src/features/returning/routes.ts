// The way back for a resident who was helped before (issue 6):
//   /opnieuw            email + postcode; a one-time link is mailed (same answer for everyone)
//   /opnieuw/verstuurd  "look in your mail"
//   /opnieuw/:token     the link: a page with one button, which uses the link up and starts a
//                       new sign-up with the known details, then /aanmelden/vraag
// The link is used up by a button (POST), not by opening it: mail scanners open links in mails
// before the resident does, and would otherwise use up a link that works only once.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { discardDraft, saveDraft } from '../../core/signup-draft.js';
import { formBody, type Form } from '../../core/forms.js';
import { askSchema } from './schemas.js';
import { linkIsUsable, LINK_MINUTES, openLink, requestLink } from './return-link.js';
import { publicScope } from '../../plugins/access.js';

type Params = { token: string };

export default async function returningRoutes(app: FastifyInstance) {
  // Every page here is for residents, referrers and anyone else: no login.
  publicScope(app);
  // Rate limit per IP on every public form post (PUBLIC_POST_LIMIT a minute), as the sign-up.
  const publicPost = { config: { rateLimit: { max: app.config.publicPostLimit, timeWindow: '1 minute' } } };

  const formPage = (
    reply: FastifyReply,
    values: Record<string, string>,
    errors: Record<string, string>,
    status = 200,
  ) => reply.code(status).viewAsync('returning/form', { values, errors });

  app.get('/opnieuw', async (_req, reply) => formPage(reply, { email: '', postcode: '' }, {}));

  const invalid = formBody(askSchema, (_req, reply, input, errors) =>
    formPage(reply, input as Record<string, string>, errors, 400),
  );
  app.post<Form<typeof askSchema>>('/opnieuw', { ...publicPost, preValidation: invalid }, async (req, reply) => {
    await requestLink(app.db, {
      email: req.body.email,
      postcode: req.body.postcode,
      now: app.now(),
      locale: req.locale,
      ctx: {
        publicUrl: app.config.publicUrl,
        municipalityName: app.config.municipality.name,
        municipalityPhone: app.config.municipality.phone,
      },
    });
    app.mail.kick();
    return reply.redirect('/opnieuw/verstuurd', 303);
  });

  app.get('/opnieuw/verstuurd', async (_req, reply) => reply.viewAsync('returning/sent', { minutes: LINK_MINUTES }));

  const gone = (reply: FastifyReply) => reply.code(410).viewAsync('returning/gone', { minutes: LINK_MINUTES });

  app.get<{ Params: Params }>('/opnieuw/:token', async (req, reply) => {
    if (!(await linkIsUsable(app.db, req.params.token, app.now()))) return gone(reply);
    return reply.viewAsync('returning/open', { token: req.params.token });
  });

  app.post<{ Params: Params }>('/opnieuw/:token', publicPost, async (req, reply) => {
    const patch = await openLink(app.db, req.params.token, app.now());
    if (!patch) return gone(reply);
    // A new sign-up: whatever was typed in an earlier draft in this browser is dropped.
    await discardDraft(app, req);
    await saveDraft(app, req, patch);
    return reply.redirect('/aanmelden/vraag', 303);
  });
}
