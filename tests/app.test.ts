import { afterEach, describe, expect, test } from 'vitest';
import { createTestApp } from './helpers/test-app.ts';
import { createErrorFactory } from '../src/shared/errors.ts';
import { scrubUrl } from '../src/shared/logger.ts';

let ctx: Awaited<ReturnType<typeof createTestApp>> | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

describe('application shell', () => {
  test('unknown routes answer 404 with a JSON error', async () => {
    ctx = await createTestApp();
    const res = await ctx.app.inject({ method: 'GET', url: '/no/such/page' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'http.not_found', message: expect.any(String) } });
  });

  test('an expected error answers with its stable code and status', async () => {
    ctx = await createTestApp();
    const createLocked = createErrorFactory({ code: 'test.locked', statusCode: 423, message: 'Locked for now.' });
    ctx.app.get('/boom-expected', async () => {
      throw createLocked({ details: { retryAfterSeconds: 30 } });
    });
    const res = await ctx.app.inject({ method: 'GET', url: '/boom-expected' });
    expect(res.statusCode).toBe(423);
    expect(res.json()).toEqual({ error: { code: 'test.locked', message: 'Locked for now.', details: { retryAfterSeconds: 30 } } });
  });

  test('an unexpected error answers 500 internal.error without detail and logs the full error', async () => {
    ctx = await createTestApp();
    ctx.app.get('/boom', async () => {
      throw new Error('secret internal detail /var/lib/x');
    });
    const res = await ctx.app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'internal.error', message: expect.any(String) } });
    expect(res.body).not.toContain('secret internal detail');
    expect(ctx.logs.text()).toContain('secret internal detail');
  });

  test('invalid JSON bodies answer 400 with a stable code', async () => {
    ctx = await createTestApp();
    ctx.app.post('/echo', async (request) => request.body);
    const res = await ctx.app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{"a":' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('http.bad_request');
  });

  test('/healthz reports the database, the data folder and free disk', async () => {
    ctx = await createTestApp();
    const res = await ctx.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('ok');
    expect(Object.keys(body.checks).sort()).toEqual(['dataDir', 'database', 'disk']);
  });

  test('/healthz answers 503 when free disk is below the configured minimum', async () => {
    const raw = { sites: [{ id: 'x', name: 'X' }], minFreeDiskMb: Number.MAX_SAFE_INTEGER };
    ctx = await createTestApp({ rawConfig: raw });
    const res = await ctx.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(503);
    expect(res.json().checks.disk.ok).toBe(false);
  });

  test('/healthz answers 503 when the database is closed', async () => {
    ctx = await createTestApp();
    ctx.db.close();
    const res = await ctx.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(503);
    expect(res.json().checks.database.ok).toBe(false);
    ctx.db = (await import('./helpers/test-db.ts')).createTestDb();
  });

  test('/metrics serves Prometheus text with request counts by route template', async () => {
    ctx = await createTestApp();
    await ctx.app.inject({ method: 'GET', url: '/healthz' });
    const res = await ctx.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/druckpunkt_http_requests_total\{method="GET",route="\/healthz",status="200"\} 1/);
    expect(res.body).toContain('druckpunkt_process_resident_memory_bytes');
  });

  test('/api/site-info names the site, its printers and scanners', async () => {
    ctx = await createTestApp();
    const res = await ctx.app.inject({ method: 'GET', url: '/api/site-info' });
    expect(res.json()).toMatchObject({
      site: { id: 'lobeda', name: 'Stadtteilbüro Lobeda' },
      printers: [{ id: 'lobeda-drucker' }],
      scanners: [{ id: 'lobeda-scanner' }],
    });
  });

  test('request logs carry neither query strings nor code-like path segments', async () => {
    ctx = await createTestApp();
    await ctx.app.inject({ method: 'GET', url: '/api/scan/pickup/482913?token=abcdefghijklmnopqrstuvwxyz123' });
    const text = ctx.logs.text();
    expect(text).toContain('/api/scan/pickup/:redacted');
    expect(text).not.toContain('482913');
    expect(text).not.toContain('abcdefghijklmnopqrstuvwxyz123');
  });

  test('logged objects have names, paths and codes redacted', async () => {
    ctx = await createTestApp();
    ctx.app.log.info({ job: { id: 'j1', name: 'Bewerbung Müller.pdf', path: '/data/x', releaseCode: '123456' } }, 'job');
    const text = ctx.logs.text();
    expect(text).toContain('"id":"j1"');
    expect(text).not.toContain('Bewerbung');
    expect(text).not.toContain('/data/x');
    expect(text).not.toContain('123456');
  });
});

describe('scrubUrl', () => {
  test('keeps route words and drops codes, tokens and queries', () => {
    expect(scrubUrl('/ipp/print/lobeda')).toBe('/ipp/print/lobeda');
    expect(scrubUrl('/api/release/jobs/123456?x=1')).toBe('/api/release/jobs/:redacted');
  });
});

describe('site info', () => {
  test('/api/site-info carries the quick links of the configuration in their order', async () => {
    ctx = await createTestApp();
    const body = (await ctx.app.inject({ method: 'GET', url: '/api/site-info' })).json();
    expect(body.quickLinks.length).toBe(ctx.config.sites[0]!.quickLinks.length);
    expect(body.quickLinks[0]).toMatchObject({ title: { de: 'Termin buchen' }, url: 'https://www.jena.de/termine', icon: 'calendar', group: 'city' });
  });
});
