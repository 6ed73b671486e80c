import { afterEach, describe, expect, test } from 'vitest';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createTestApp } from '../helpers/test-app.ts';
import { createStatsRecorder } from '../../src/stats/stats.usecases.ts';
import { statsRoutes } from '../../src/stats/stats.routes.ts';

let ctx: Awaited<ReturnType<typeof createTestApp>> | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

async function setup({ requireAdmin }: { requireAdmin?: (request: FastifyRequest, reply: FastifyReply) => Promise<void> } = {}) {
  ctx = await createTestApp();
  const stats = createStatsRecorder({ db: ctx.db, clock: ctx.clock, sites: ctx.config.sites });
  await ctx.app.register(statsRoutes, { prefix: '/api/stats-under-test', stats, requireAdmin });
  return stats;
}

describe('statistics routes', () => {
  test('the JSON gives totals, days, hours and weekdays for the chosen period and site', async () => {
    const stats = await setup();
    stats.record({ siteId: 'lobeda', terminalId: 'terminal-1', event: { type: 'print_job_received', source: 'upload' } });
    const res = await ctx!.app.inject({ method: 'GET', url: '/api/stats-under-test/stats?site=lobeda&from=2026-01-01&to=2026-01-31' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body).toMatchObject({ siteId: 'lobeda', from: '2026-01-01', to: '2026-01-31', totals: { printJobsReceived: 1, printJobsUpload: 1 } });
    expect(body.byDay).toHaveLength(31);
    expect(body.byHour).toHaveLength(24);
    expect(body.byWeekday.map((w: { name: string }) => w.name)).toEqual(['Mo', 'Di', 'Mi', 'Do', 'Fr', 'Sa', 'So']);
    expect(body.labels.printJobsReceived).toBe('Druckaufträge');
  });

  test('without a period the last 30 days up to today (local) are shown', async () => {
    await setup();
    const res = await ctx!.app.inject({ method: 'GET', url: '/api/stats-under-test/stats' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ siteId: null, from: '2025-12-07', to: '2026-01-05' });
  });

  test('the CSV comes as a UTF-8 attachment with BOM', async () => {
    const stats = await setup();
    stats.record({ siteId: 'lobeda', terminalId: 'terminal-1', event: { type: 'terminal_session' } });
    const res = await ctx!.app.inject({ method: 'GET', url: '/api/stats-under-test/stats.csv?from=2026-01-05&to=2026-01-06' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="druckpunkt-statistik-alle-2026-01-05-2026-01-06.csv"');
    expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = res.rawPayload.toString('utf8').slice(1).trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]!.startsWith('Datum;Standort;Druckaufträge;')).toBe(true);
    expect(lines[0]!.endsWith(';Terminal-Sitzungen')).toBe(true);
    expect(lines[1]!.startsWith('2026-01-05;lobeda;')).toBe(true);
    expect(lines[1]!.endsWith(';1')).toBe(true);
  });

  test('bad periods and unknown sites get a clear error', async () => {
    await setup();
    const reversed = await ctx!.app.inject({ method: 'GET', url: '/api/stats-under-test/stats?from=2026-02-01&to=2026-01-01' });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().error.code).toBe('stats.range_invalid');
    const malformed = await ctx!.app.inject({ method: 'GET', url: '/api/stats-under-test/stats.csv?from=yesterday' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('http.validation_failed');
    const unknown = await ctx!.app.inject({ method: 'GET', url: '/api/stats-under-test/stats?site=nirgendwo' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('stats.site_unknown');
  });

  test('the injected admin check runs before both routes and can refuse them', async () => {
    const seen: string[] = [];
    await setup({
      requireAdmin: async (request, reply) => {
        seen.push(request.url);
        if (request.headers['x-test-admin'] !== 'yes') await reply.status(403).send({ error: { code: 'staff.forbidden', message: 'no' } });
      },
    });
    expect((await ctx!.app.inject({ method: 'GET', url: '/api/stats-under-test/stats' })).statusCode).toBe(403);
    expect((await ctx!.app.inject({ method: 'GET', url: '/api/stats-under-test/stats.csv' })).statusCode).toBe(403);
    expect((await ctx!.app.inject({ method: 'GET', url: '/api/stats-under-test/stats.csv', headers: { 'x-test-admin': 'yes' } })).statusCode).toBe(200);
    expect(seen).toEqual(['/api/stats-under-test/stats', '/api/stats-under-test/stats.csv', '/api/stats-under-test/stats.csv']);
  });
});
