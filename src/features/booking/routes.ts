// The resident's sign-up flow: one page per step, each working without JavaScript.
//   /aanmelden            where do you live (postcode, house number) -> team
//   /aanmelden/vraag      your question + safety questions
//   /aanmelden/gevaar     danger now: 112 and Veilig Thuis, no booking
//   /aanmelden/terugbellen  urgent (or no free time): call-back request
//   /aanmelden/moment     choose a free time and how to meet
//   /aanmelden/gegevens   your details
//   /aanmelden/controleren  check and confirm (one transaction books)
//   /aanmelden/bevestiging  confirmation
//   /aanmelden/nieuw/<ref>  from the "cancelled" mail: a new sign-up with the question filled in
import type { FastifyInstance } from 'fastify';
import { publicScope } from '../../plugins/access.js';
import { signupFlow } from './flow.js';
import { whereStep } from './steps/where.js';
import { questionStep } from './steps/question.js';
import { callbackStep } from './steps/callback.js';
import { momentStep } from './steps/moment.js';
import { detailsStep } from './steps/details.js';
import { checkStep } from './steps/check.js';
import { rebookStep } from './steps/rebook.js';

export default async function bookingRoutes(app: FastifyInstance) {
  // Every page here is for residents, referrers and anyone else: no login.
  publicScope(app);
  const flow = signupFlow(app);
  whereStep(app, flow);
  questionStep(app, flow);
  callbackStep(app, flow);
  momentStep(app, flow);
  detailsStep(app, flow);
  checkStep(app, flow);
  rebookStep(app, flow);
}
