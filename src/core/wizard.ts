// One pattern for the public flows (the resident's sign-up, a referral): a table of steps, each
// with its URL, whether the draft has done it, whether it is skipped for this draft (the calendar
// when the team calls back) and where its answers lead away from the flow (danger -> the 112
// page). From the table follow the guard of every page (a step asked out of order sends the user
// to the first step not done), the step after a step, the back link and "stap 2 van 5".
import type { FastifyReply, FastifyRequest, FastifyInstance } from 'fastify';
import type { DraftBase, DraftStore } from './drafts.js';

export interface WizardStep<D> {
  url: string;
  /** The draft holds this step's answers. */
  done: (d: D) => boolean;
  /** Not asked for this draft: counts as done, and is passed over going forward and back. */
  skip?: (d: D) => boolean;
  /** Where a draft with these answers goes instead of any later step (danger -> 112). */
  detour?: (d: D) => string | null;
}

export interface WizardTable<D> {
  steps: readonly WizardStep<D>[];
  /** The back link of the first step. */
  home: string;
  /** Pages beside the line of steps (a call-back page): they need every step through `after` done. */
  pages?: Readonly<Record<string, { after: string }>>;
}

export interface StepView {
  step: number;
  totalSteps: number;
  back: string;
}

export interface Wizard<D> {
  readonly total: number;
  /** Where to go instead of the page at `url`; null when it may be shown. No draft: the first step. */
  redirectFor(d: D | null, url: string): string | null;
  /** The step after the step at `url`, passing over skipped steps (the last step stays itself). */
  nextAfter(d: D, url: string): string;
  /** The back link of the step at `url`, passing over skipped steps. */
  backFrom(d: D, url: string): string;
  /** Where to go after saving the step at `url`: the next step, or a detour its answers lead to. */
  forward(d: D, url: string): string;
  /** The step counter and back link of a step's page. */
  view(d: D, url: string): StepView;
}

export function wizard<D>(table: WizardTable<D>): Wizard<D> {
  const { steps, home } = table;
  const indexOf = (url: string): number => {
    const i = steps.findIndex((s) => s.url === url);
    if (i < 0) throw new Error(`no step ${url}`);
    return i;
  };
  const skipped = (d: D, i: number) => steps[i]!.skip?.(d) === true;
  const lastUrl = steps[steps.length - 1]!.url;

  /** The first of steps [0, end) that keeps the draft from going further, or null. */
  function blocked(d: D, end: number, detours: boolean): string | null {
    for (let i = 0; i < end; i++) {
      const s = steps[i]!;
      if (skipped(d, i)) continue;
      const away = detours ? (s.detour?.(d) ?? null) : null;
      if (!s.done(d)) return away ?? s.url;
      if (away) return away;
    }
    return null;
  }

  function nextAfter(d: D, url: string): string {
    for (let i = indexOf(url) + 1; i < steps.length; i++) if (!skipped(d, i)) return steps[i]!.url;
    return lastUrl;
  }

  function backFrom(d: D, url: string): string {
    for (let i = indexOf(url) - 1; i >= 0; i--) if (!skipped(d, i)) return steps[i]!.url;
    return home;
  }

  function redirectFor(d: D | null, url: string): string | null {
    const page = table.pages?.[url];
    if (page) return d ? blocked(d, indexOf(page.after) + 1, false) : steps[0]!.url;
    const i = indexOf(url);
    if (!d) return i === 0 ? null : steps[0]!.url;
    const to = blocked(d, i, true);
    if (to) return to;
    return skipped(d, i) ? nextAfter(d, url) : null;
  }

  return {
    total: steps.length,
    redirectFor,
    nextAfter,
    backFrom,
    forward: (d, url) => {
      const next = nextAfter(d, url);
      return redirectFor(d, next) ?? next;
    },
    view: (d, url) => ({ step: indexOf(url) + 1, totalSteps: steps.length, back: backFrom(d, url) }),
  };
}

/**
 * A wizard over a flow's drafts: a `preValidation` hook per page that loads the draft and sends
 * a request out of order to the page it should be on (303), before the body is parsed; the
 * handler (and a form's error page) then takes the draft with `draft(req)`. A draft whose
 * request was stored counts as none; a flow with no draft yet gets `{ key: '' }` on its first step.
 */
export function draftWizard<D extends DraftBase>(app: FastifyInstance, table: WizardTable<D>, store: DraftStore<D>) {
  const w = wizard(table);
  const loaded = new WeakMap<FastifyRequest, D>();

  function guard(url: string) {
    return async (req: FastifyRequest, reply: FastifyReply) => {
      const found = (await store.load(app, req))?.data ?? null;
      const live = found && !found.bookedRequestId ? found : null;
      const to = w.redirectFor(live, url);
      if (to) return reply.redirect(to, 303);
      loaded.set(req, live ?? ({ key: '' } as D));
    };
  }

  /** The draft the guard loaded for this request. */
  function draft(req: FastifyRequest): D {
    const d = loaded.get(req);
    if (!d) throw new Error('wizard: the route has no guard');
    return d;
  }

  return { ...w, guard, draft };
}
