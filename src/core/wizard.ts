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
  /**
   * Its answers may start a new draft when the earlier ones were lost (an expired session): they
   * are kept, and the user is then asked the earlier steps again, instead of losing what they typed.
   */
  keep?: boolean;
}

export interface WizardTable<D> {
  steps: readonly WizardStep<D>[];
  /** The back link of the first step. */
  home: string;
  /** Pages beside the line of steps (a call-back page): they need every step through `after` done. */
  pages?: Readonly<Record<string, { after: string }>>;
  /**
   * Return markers (`?terug=<marker>`): a step changed from a later page (the check page's
   * "Wijzigen") goes back there after saving, when every step before it is still done. Only
   * these markers are read: never a free URL.
   */
  returns?: Readonly<Record<string, string>>;
  /**
   * Where a session whose draft was lost (expired, or no longer fits) is sent instead of the
   * first step without a word: the first step with this query, so its page can say so.
   */
  lostQuery?: string;
}

export interface StepView {
  step: number;
  totalSteps: number;
  back: string;
  /** The return marker's query ('?terug=…') for the form's action, or ''. */
  returnQuery: string;
}

export interface Wizard<D> {
  readonly total: number;
  /** Where to go instead of the page at `url`; null when it may be shown. No draft: the first step. */
  redirectFor(d: D | null, url: string): string | null;
  /** The step after the step at `url`, passing over skipped steps (the last step stays itself). */
  nextAfter(d: D, url: string): string;
  /** The back link of the step at `url`, passing over skipped steps. */
  backFrom(d: D, url: string): string;
  /**
   * Where to go after saving the step at `url`: the next step, or a detour its answers lead to.
   * With a valid return marker: straight back to the marked page when nothing before it needs
   * doing again, else the first step that does (the marker kept, so it returns afterwards).
   */
  forward(d: D, url: string, marker?: unknown): string;
  /** The step counter and back link of a step's page (with a return marker: back to that page). */
  view(d: D, url: string, marker?: unknown): StepView;
  /** The marker when it is one of the table's return markers, else null. */
  returnMarker(marker: unknown): string | null;
}

/** The line of steps: where a page sends a draft that is not ready for it, the step after and before. */
function lineOf<D>(table: WizardTable<D>) {
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

  return { indexOf, nextAfter, backFrom, redirectFor };
}

export function wizard<D>(table: WizardTable<D>): Wizard<D> {
  const { steps } = table;
  const { indexOf, nextAfter, backFrom, redirectFor } = lineOf(table);
  const returns = table.returns ?? {};
  const returnMarker = (m: unknown): string | null => (typeof m === 'string' && Object.hasOwn(returns, m) ? m : null);
  const isStep = (u: string) => steps.some((s) => s.url === u);

  function forward(d: D, url: string, marker?: unknown): string {
    // The saved step's own detour (danger) comes first, also when earlier steps were lost.
    const away = steps[indexOf(url)]!.detour?.(d) ?? null;
    if (away) return away;
    const to = forwardTo(d, url, marker);
    // Back at the first step from a later one: the earlier answers were lost. Say so there.
    const [base, query] = to.split('?', 2) as [string, string | undefined];
    if (base !== steps[0]!.url || url === base || !table.lostQuery) return to;
    return `${base}${table.lostQuery}${query ? `&${query}` : ''}`;
  }

  function forwardTo(d: D, url: string, marker?: unknown): string {
    const m = returnMarker(marker);
    if (m) {
      const target = returns[m]!;
      const to = redirectFor(d, target);
      if (!to) return target;
      // A later answer must be given again: that step first, then back to the marked page.
      return isStep(to) && to !== url ? `${to}?terug=${m}` : to;
    }
    const next = nextAfter(d, url);
    return redirectFor(d, next) ?? next;
  }

  return {
    total: steps.length,
    redirectFor,
    nextAfter,
    backFrom,
    forward,
    returnMarker,
    view: (d, url, marker) => {
      const m = returnMarker(marker);
      return {
        step: indexOf(url) + 1,
        totalSteps: steps.length,
        back: m ? returns[m]! : backFrom(d, url),
        returnQuery: m ? `?terug=${m}` : '',
      };
    },
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

  const first = table.steps[0]!.url;
  const keeps = (url: string) => table.steps.some((s) => s.url === url && s.keep === true);

  /**
   * Loads the draft for the page at `url`: the draft (an empty one where none is needed), or
   * where to go instead. A post of a step that keeps its answers needs no earlier draft.
   */
  async function resolve(req: FastifyRequest, url: string): Promise<{ d: D; to: null } | { d: null; to: string }> {
    const found = (await store.load(app, req))?.data ?? null;
    const live = found && !found.bookedRequestId ? found : null;
    if (!live && req.method === 'POST' && keeps(url)) {
      loaded.set(req, { key: '' } as D);
      return { d: { key: '' } as D, to: null };
    }
    const to = w.redirectFor(live, url);
    if (to) {
      // No draft for a later page (it expired, the cookies were cleared): the first step says so.
      const lost = !live && !found?.bookedRequestId && to === first && url !== first && table.lostQuery;
      return { d: null, to: lost ? `${to}${table.lostQuery}` : to };
    }
    const d = live ?? ({ key: '' } as D);
    loaded.set(req, d);
    return { d, to: null };
  }

  function guard(url: string) {
    return async (req: FastifyRequest, reply: FastifyReply) => {
      const r = await resolve(req, url);
      if (r.to) return reply.redirect(r.to, 303);
    };
  }

  /** The draft the guard loaded for this request. */
  function draft(req: FastifyRequest): D {
    const d = loaded.get(req);
    if (!d) throw new Error('wizard: the route has no guard');
    return d;
  }

  return { ...w, guard, draft, resolve };
}
