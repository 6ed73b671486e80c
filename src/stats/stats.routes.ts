import type { FastifyInstance, preHandlerAsyncHookHandler, preHandlerHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { addDays, METRICS } from './stats.models.ts';
import type { StatsRecorder } from './stats.usecases.ts';
import { StatsQuerystring, StatsSummaryResponse } from './stats.schemas.ts';

export type StatsRoutesOptions = {
  stats: StatsRecorder;
  /**
   * The staff backend's admin check (session + role), run before every statistics route. The
   * statistics are anonymous, but the export is an admin feature: production must pass it.
   */
  requireAdmin?: preHandlerHookHandler | preHandlerAsyncHookHandler;
};

const DEFAULT_DAYS = 30;
const LABELS = Object.fromEntries(METRICS.map((m) => [m.key, m.header]));

/**
 * The statistics API for the staff console: `GET <prefix>/stats` (JSON for the charts) and
 * `GET <prefix>/stats.csv` (the export). Register with `prefix: '/api/staff'`.
 */
export async function statsRoutes(fastify: FastifyInstance, { stats, requireAdmin }: StatsRoutesOptions) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  if (requireAdmin) app.addHook('preHandler', requireAdmin);
  else app.log.warn('statistics routes registered without an admin check');

  function queryOf(query: StatsQuerystring) {
    const to = query.to ?? (query.from ? addDays(query.from, DEFAULT_DAYS - 1) : stats.today());
    const from = query.from ?? addDays(to, -(DEFAULT_DAYS - 1));
    return { siteId: query.site ?? null, from, to };
  }

  app.get('/stats', { schema: { querystring: StatsQuerystring, response: { 200: StatsSummaryResponse } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { ...stats.summary(queryOf(request.query)), labels: LABELS };
  });

  app.get('/stats.csv', { schema: { querystring: StatsQuerystring } }, async (request, reply) => {
    const query = queryOf(request.query);
    const csv = stats.csv(query);
    const name = `druckpunkt-statistik-${query.siteId ?? 'alle'}-${query.from}-${query.to}.csv`;
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .send(csv);
  });
}
