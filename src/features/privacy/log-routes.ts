// The audit log for the privacy desk: filtered by resident, staff member, action and period,
// newest first, 50 per page, and the same filter as a CSV file. Reading it is itself logged.
import type { FastifyInstance } from 'fastify';
import { translator, type Locale } from '../../core/i18n.js';
import { localDate } from '../../domain/time.js';
import { LOG_PAGE_SIZE, logAll, logChoices, logPage } from './audit-repository.js';
import { logFilterOf, logQuery, type LogFilter } from './schemas.js';
import { auditDesk } from './service.js';
import { verifyAuditChain } from '../../core/audit-chain.js';
import { logCsv } from './export.js';
import { actorOf, desk, download } from './context.js';

/** The filter as the audit entry keeps it: ids, an action and dates, never a name. */
const filterDetail = (f: LogFilter) => ({
  resident: f.residentId,
  staff: f.staffId,
  action: f.action,
  from: f.from,
  to: f.to,
});

export default function logRoutes(app: FastifyInstance) {
  app.get('/medewerker/privacy/logboek', desk, async (req, reply) => {
    const { values, filter, errors } = logFilterOf(req.query);
    const choices = await logChoices(app.db);
    // Checking the whole chain reads every entry: only when asked for.
    const chain = (req.query as Record<string, unknown>).controle === '1' ? await verifyAuditChain(app.db) : null;
    if (!filter)
      return reply.code(400).viewAsync('privacy/log', { values, errors, choices, chain, page: null, query: '' });
    const page = await logPage(app.db, filter);
    await auditDesk(app.db, 'audit_viewed', actorOf(app, req), filter.residentId, {
      ...filterDetail(filter),
      page: filter.page,
      ...(chain ? { chainChecked: chain.ok } : {}),
    });
    return reply.viewAsync('privacy/log', {
      values,
      errors,
      choices,
      chain,
      page: { ...page, number: filter.page, size: LOG_PAGE_SIZE },
      query: logQuery(values),
      pageUrl: (n: number) => `/medewerker/privacy/logboek?${logQuery(values, n)}`,
    });
  });

  app.get('/medewerker/privacy/logboek.csv', desk, async (req, reply) => {
    const { values, filter, errors } = logFilterOf(req.query);
    if (!filter) {
      const choices = await logChoices(app.db);
      return reply.code(400).viewAsync('privacy/log', { values, errors, choices, chain: null, page: null, query: '' });
    }
    const actor = actorOf(app, req);
    const rows = await logAll(app.db, filter);
    await auditDesk(app.db, 'audit_exported', actor, filter.residentId, { ...filterDetail(filter), rows: rows.length });
    const t = translator(req.locale as Locale);
    return download(reply, `logboek-${localDate(actor.now)}.csv`, logCsv(rows, t), 'text/csv; charset=utf-8');
  });
}
