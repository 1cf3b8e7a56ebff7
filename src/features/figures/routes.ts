// /medewerker/cijfers: the figures for the team lead (their own team) and the municipality's
// policy staff (beleid: any team, or all together). Aggregates only: never a name, a question or
// a case. The exports show exactly the rows of the page, with their definitions and period.
//   GET /medewerker/cijfers                     the page (a GET form chooses period, team, definition)
//   GET /medewerker/cijfers/export.csv|.xlsx|.json   the same figures as a file
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../../db/schema.js';
import type { FigureRow, FigureScope, Period } from '../../domain/figures-model.js';
import { requireStaff, type StaffSession } from '../../plugins/auth.js';
import { ktError } from '../../errors.js';
import { audit } from '../../core/audit.js';
import { local, localDate } from '../../domain/time.js';
import { FIGURE_GROUPS } from '../../domain/figures.js';
import { changeText, displayValue, periodText, scopeText, valueWithUnit } from './format.js';
import { translator, type Locale } from '../../core/i18n.js';
import { FIRST_YEAR, figuresChoice, figuresQueryString, figuresValues, type FiguresChoice } from './query.js';
import { figuresPage } from './service.js';
import { teamList } from './repository.js';
import { figuresCsv, figuresJson } from './export.js';
import { figuresXlsx } from './export-xlsx.js';
import { pageCharts } from './charts.js';

export const FIGURES_ROLES: readonly Role[] = ['teamlead', 'beleid'];
const access = { config: { access: { roles: FIGURES_ROLES } } };

const formats = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
} as const;
type Format = keyof typeof formats;

/** The user's choice from the query, or the page again with the messages per field. */
async function choose(app: FastifyInstance, req: FastifyRequest, staff: StaffSession) {
  const own = staff.role === 'teamlead' ? staff.teamId : null;
  if (staff.role === 'teamlead' && own === null) throw ktError('KT_NOT_FOUND', 'team lead without a team');
  const asked = (req.query as Record<string, unknown>).team;
  // Another team's figures do not exist for a team lead (as every other team's record).
  if (own !== null && asked !== undefined && asked !== String(own)) throw ktError('KT_NOT_FOUND', 'other team');
  const teams = await teamList(app.db);
  const now = app.now();
  const values = figuresValues(req.query, now, own, app.config.waitingTime);
  const { choice, errors } = figuresChoice(
    values,
    now,
    teams.map((t) => t.id),
  );
  const scope: FigureScope | null = choice
    ? choice.teamId === null
      ? { kind: 'municipality', name: app.config.municipality.name }
      : { kind: 'team', teamId: choice.teamId, name: teams.find((t) => t.id === choice.teamId)!.name }
    : null;
  const years = Array.from({ length: local(now).year - FIRST_YEAR + 1 }, (_, i) => local(now).year - i);
  const format = figuresFormat(req.locale as Locale);
  return {
    values,
    choice,
    scope,
    errors,
    teams: own === null ? teams : [],
    allTeams: teams,
    now,
    years,
    groups: FIGURE_GROUPS,
    figuresFormat: format,
  };
}

async function audited(
  app: FastifyInstance,
  staff: StaffSession,
  choice: FiguresChoice,
  action: string,
  format?: Format,
) {
  await audit(app.db, {
    action,
    actorStaffId: staff.id,
    teamId: choice.teamId,
    at: app.now(),
    detail: {
      from: choice.period.from.toISOString(),
      to: choice.period.to.toISOString(),
      team: choice.teamId ?? 'all',
      waiting: `${choice.def.from}/${choice.def.days}`,
      ...(format ? { format } : {}),
    },
  });
}

export default async function figuresRoutes(app: FastifyInstance) {
  app.get('/medewerker/cijfers', access, async (req, reply) => {
    const staff = requireStaff(req);
    const c = await choose(app, req, staff);
    if (!c.choice || !c.scope) {
      return reply.code(400).viewAsync('figures/index', { ...c, page: null, charts: null, query: '' });
    }
    const page = await figuresPage(app.db, c.choice, c.scope, c.now);
    const inScope = c.allTeams.filter((x) => c.choice!.teamId === null || x.id === c.choice!.teamId);
    const promise = Math.max(1, ...inScope.map((x) => x.promise_days));
    const charts = await pageCharts(page, req.locale as Locale, promise);
    await audited(app, staff, c.choice, 'figures_viewed');
    return reply.viewAsync('figures/index', { ...c, page, charts, query: figuresQueryString(c.values) });
  });

  app.get<{ Params: { format: string } }>('/medewerker/cijfers/export.:format', access, async (req, reply) => {
    const staff = requireStaff(req);
    const format = req.params.format as Format;
    if (!(format in formats)) throw ktError('KT_NOT_FOUND', 'unknown format');
    const c = await choose(app, req, staff);
    if (!c.choice || !c.scope)
      return reply.code(400).viewAsync('figures/index', { ...c, page: null, charts: null, query: '' });
    const { report } = await figuresPage(app.db, c.choice, c.scope, c.now);
    const locale = req.locale as Locale;
    const t = translator(locale);
    await audited(app, staff, c.choice, 'figures_exported', format);
    const body =
      format === 'csv'
        ? figuresCsv(report, locale, t)
        : format === 'xlsx'
          ? await figuresXlsx(report, locale, t)
          : JSON.stringify(figuresJson(report, locale, t), null, 2);
    return send(reply, format, fileName(c.choice, c.scope), body);
  });
}

function fileName(choice: FiguresChoice, scope: FigureScope): string {
  const day = (d: Date) => localDate(d);
  const who = scope.kind === 'team' ? `team-${scope.teamId}` : 'alle-teams';
  return `cijfers-${who}-${day(choice.period.from)}-${day(new Date(choice.period.to.getTime() - 1))}`;
}

function send(reply: FastifyReply, format: Format, name: string, body: string | Buffer) {
  return reply
    .header('content-type', formats[format])
    .header('content-disposition', `attachment; filename="${name}.${format}"`)
    .send(body);
}

/** The page's formatters: the same texts as the exports (format.ts). */
function figuresFormat(locale: Locale) {
  const t = translator(locale);
  return {
    value: (row: FigureRow, which: 'value' | 'previous') => displayValue(row, which, locale, t),
    change: (row: FigureRow) => changeText(row, locale, t),
    /** With its unit where the label does not say it: "16,0 dagen". */
    withUnit: (row: FigureRow) => valueWithUnit(row, locale, t),
    period: (p: Period) => periodText(p, locale),
    scope: (s: FigureScope) => scopeText(s, t),
  };
}
