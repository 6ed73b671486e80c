import { afterEach, describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createTestApp } from '../helpers/test-app.ts';
import { multipartFile } from '../helpers/multipart.ts';
import { isStoreCiphertext, storedDocuments } from '../helpers/stored-documents.ts';

const fixtures = path.resolve(import.meta.dirname, '../../fixtures');
const pdf3 = readFileSync(path.join(fixtures, 'pdf/gs-text-3-pages.pdf'));

let ctx: Awaited<ReturnType<typeof createTestApp>> | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

async function upload(name: string, data: Buffer, contentType = 'application/pdf', remoteAddress = '127.0.0.1') {
  const body = multipartFile({ filename: name, contentType, data });
  return ctx!.app.inject({ method: 'POST', url: '/api/jobs', remoteAddress, ...body });
}

describe('terminal session and upload', () => {
  test('an uploaded PDF is held with its page count and shown on the terminal with the session code', async () => {
    ctx = await createTestApp();
    const res = await upload('Bewerbung.pdf', pdf3);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.job).toMatchObject({ name: 'Bewerbung.pdf', pages: 3, state: 'held', source: 'upload' });
    expect(body.code).toMatch(/^\d{6}$/);

    const session = (await ctx.app.inject({ method: 'GET', url: '/api/terminal/session', remoteAddress: '127.0.0.1' })).json();
    expect(session.session.code).toBe(body.code);
    expect(session.session.qrSvg).toContain('<svg');
    expect(session.terminal.name).toBe('Terminal 1');
    expect(session.jobs.map((j: { name: string; pages: number }) => [j.name, j.pages])).toEqual([['Bewerbung.pdf', 3]]);
    expect(session.jobs[0].secondsLeft).toBe(4 * 3600);
  });

  test('the stored document is encrypted: the data folder never holds the plaintext', async () => {
    ctx = await createTestApp();
    const marker = 'UNIQUE-MARKER-4711';
    const png = readFileSync(path.join(fixtures, 'images/png-alpha.png'));
    const res = await upload(`${marker}.png`, png, 'image/png');
    expect(res.statusCode).toBe(201);
    // Files and ciphertexts kept inline in the database alike.
    const stored = storedDocuments({ db: ctx.db, dataDir: ctx.dataDir });
    expect(stored.length).toBeGreaterThan(0);
    for (const { bytes } of stored) {
      expect(isStoreCiphertext(bytes)).toBe(true);
      expect(bytes.includes(Buffer.from('%PDF'))).toBe(false);
      expect(bytes.includes(png.subarray(0, 64))).toBe(false);
    }
    expect(ctx.logs.text()).not.toContain(marker);
    expect(ctx.logs.text()).not.toContain(res.json().code);
  });

  test('a password-protected PDF is rejected with spool.pdf_encrypted and leaves nothing behind', async () => {
    ctx = await createTestApp();
    const res = await upload('geheim.pdf', readFileSync(path.join(fixtures, 'pdf/qpdf-user-password.pdf')));
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('spool.pdf_encrypted');
    expect(ctx.db.prepare('SELECT COUNT(*) AS n FROM print_jobs').get()).toEqual({ n: 0 });
    expect(ctx.db.prepare('SELECT COUNT(*) AS n FROM document_keys').get()).toEqual({ n: 0 });
    expect(storedDocuments({ db: ctx.db, dataDir: ctx.dataDir })).toEqual([]);
  });

  test('an unsupported file gets spool.format_unsupported', async () => {
    ctx = await createTestApp();
    const res = await upload('notiz.txt', Buffer.from('Hallo, das ist nur Text.\n'), 'text/plain');
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('spool.format_unsupported');
  });

  test('a file over the size limit gets spool.too_large', async () => {
    ctx = await createTestApp({ rawConfig: { sites: [{ id: 'lobeda', name: 'L', terminals: [{ id: 't1', name: 'T1', addresses: ['127.0.0.1'] }] }], limits: { maxUploadBytes: 10_000 } } });
    const res = await upload('gross.pdf', pdf3.length > 10_000 ? pdf3 : Buffer.concat([pdf3, Buffer.alloc(20_000)]));
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('spool.too_large');
    expect(ctx.db.prepare('SELECT COUNT(*) AS n FROM print_jobs').get()).toEqual({ n: 0 });
  });

  test('a computer that is no terminal cannot upload or see a session', async () => {
    ctx = await createTestApp();
    const res = await upload('x.pdf', pdf3, 'application/pdf', '192.0.2.50');
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('spool.terminal_unknown');
    const session = await ctx.app.inject({ method: 'GET', url: '/api/terminal/session', remoteAddress: '192.0.2.50' });
    expect(session.statusCode).toBe(403);
  });

  test('ending the session gives a new code; the old job stays releasable but leaves the terminal list', async () => {
    ctx = await createTestApp();
    const first = (await upload('a.pdf', pdf3)).json();
    const end = await ctx.app.inject({ method: 'POST', url: '/api/terminal/session/end', remoteAddress: '127.0.0.1', payload: { deleteJobs: false } });
    expect(end.statusCode).toBe(204);
    const next = (await ctx.app.inject({ method: 'GET', url: '/api/terminal/session', remoteAddress: '127.0.0.1' })).json();
    expect(next.session.code).not.toBe(first.code);
    expect(next.jobs).toEqual([]);
    expect(ctx.app.spool.findLiveSessionsByCode({ siteId: 'lobeda', code: first.code })).toHaveLength(1);
  });

  test('ending the session with deleteJobs shreds the waiting jobs', async () => {
    ctx = await createTestApp();
    const first = (await upload('a.pdf', pdf3)).json();
    await ctx.app.inject({ method: 'POST', url: '/api/terminal/session/end', remoteAddress: '127.0.0.1', payload: { deleteJobs: true } });
    expect(ctx.app.spool.getJob(first.job.id)).toBeUndefined();
    expect(ctx.db.prepare('SELECT COUNT(*) AS n FROM document_keys').get()).toEqual({ n: 0 });
    expect(ctx.app.spool.findLiveSessionsByCode({ siteId: 'lobeda', code: first.code })).toHaveLength(0);
  });

  test('a new code never equals a live code of the site', async () => {
    ctx = await createTestApp();
    const first = (await upload('a.pdf', pdf3)).json();
    ctx.random.queueCodes(first.code, first.code, '123456');
    await ctx.app.inject({ method: 'POST', url: '/api/terminal/session/end', remoteAddress: '127.0.0.1', payload: {} });
    const next = (await ctx.app.inject({ method: 'GET', url: '/api/terminal/session', remoteAddress: '127.0.0.1' })).json();
    expect(next.session.code).toBe('123456');
  });

  test('thumbnails of a page are served as PNG to the own terminal only', async () => {
    ctx = await createTestApp();
    const { job } = (await upload('a.pdf', pdf3)).json();
    const res = await ctx.app.inject({ method: 'GET', url: `/api/terminal/jobs/${job.id}/pages/2/preview.png`, remoteAddress: '127.0.0.1' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    const missing = await ctx.app.inject({ method: 'GET', url: `/api/terminal/jobs/${job.id}/pages/9/preview.png`, remoteAddress: '127.0.0.1' });
    expect(missing.statusCode).toBe(404);
    const stranger = await ctx.app.inject({ method: 'GET', url: `/api/terminal/jobs/${job.id}/pages/1/preview.png`, remoteAddress: '192.0.2.9' });
    expect(stranger.statusCode).toBe(403);
  });

  test('deleting a job shreds its document and previews', async () => {
    ctx = await createTestApp();
    const { job } = (await upload('a.pdf', pdf3)).json();
    await ctx.app.inject({ method: 'GET', url: `/api/terminal/jobs/${job.id}/pages/1/preview.png`, remoteAddress: '127.0.0.1' });
    const res = await ctx.app.inject({ method: 'DELETE', url: `/api/terminal/jobs/${job.id}`, remoteAddress: '127.0.0.1' });
    expect(res.statusCode).toBe(204);
    expect(ctx.db.prepare('SELECT COUNT(*) AS n FROM document_keys').get()).toEqual({ n: 0 });
    expect(storedDocuments({ db: ctx.db, dataDir: ctx.dataDir })).toEqual([]);
  });
});

describe('abandoned jobs', () => {
  test('a Create-Job that never got its last document is discarded after the multiple-operation-time-out', async () => {
    ctx = await createTestApp();
    const match = ctx.app.spool.identifyClient({ address: '127.0.0.1' })!;
    const job = ctx.app.spool.createJob({ match, source: 'ipp', name: 'halb', requestingUser: null, options: { copies: 1, sides: 'one-sided', colorMode: 'color', media: 'iso_a4_210x297mm' } });
    ctx.clock.advanceBy({ seconds: 299 });
    expect(await ctx.app.spool.discardAbandonedIncoming({ olderThanMs: 300_000 })).toBe(0);
    ctx.clock.advanceBy({ seconds: 2 });
    expect(await ctx.app.spool.discardAbandonedIncoming({ olderThanMs: 300_000 })).toBe(1);
    expect(ctx.app.spool.getJob(job.id)).toBeUndefined();
  });
});
