import { afterEach, describe, expect, test } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { createTestApp } from '../helpers/test-app.ts';
import { multipartFile } from '../helpers/multipart.ts';
import { guessProbability, maxGuessesWithin } from '../../src/release/code-guard.ts';
import { parseConfig } from '../../src/config/config.ts';
import { demoConfig } from '../../src/config/demo-config.ts';
import { decodeIppMessage, encodeIppMessage, findGroup, getBoolean, getInteger, getStrings, GroupTag, Operation } from '../../src/spool/ipp/codec/index.ts';
import { ippRequest } from '../spool/ipp/ipp-request.ts';

const fixtures = path.resolve(import.meta.dirname, '../../fixtures');
const pdf3 = readFileSync(path.join(fixtures, 'pdf/gs-text-3-pages.pdf'));
const PRINTER = 'lobeda-drucker';

let ctx: Awaited<ReturnType<typeof createTestApp>> | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

function siteConfig(overrides: Record<string, unknown> = {}) {
  const raw = structuredClone(demoConfig) as { sites: Record<string, unknown>[] };
  Object.assign(raw.sites[0]!, overrides);
  return raw;
}

async function upload(name = 'a.pdf', data = pdf3) {
  const res = await ctx!.app.inject({ method: 'POST', url: '/api/jobs', remoteAddress: '127.0.0.1', ...multipartFile({ filename: name, contentType: 'application/pdf', data }) });
  expect(res.statusCode).toBe(201);
  return res.json() as { job: { id: number }; code: string };
}

async function login(body: Record<string, unknown>) {
  const res = await ctx!.app.inject({ method: 'POST', url: '/api/release/login', payload: { printerId: PRINTER, ...body } });
  const cookie = res.cookies.find((c) => c.name === 'dp_station');
  return { res, cookie: cookie ? `dp_station=${cookie.value}` : '' };
}

describe('release station', () => {
  test('the code logs in, the job prints to the file printer, exactly its pages are charged and the document is shredded', async () => {
    ctx = await createTestApp();
    const { job, code } = await upload('Lebenslauf.pdf');
    const { res, cookie } = await login({ code });
    expect(res.statusCode).toBe(200);
    expect(res.json().availablePages).toBe(30);
    expect(res.json().jobs).toMatchObject([{ id: job.id, name: 'Lebenslauf.pdf', pages: 3, cost: 3, state: 'held' }]);

    const print = await ctx.app.inject({ method: 'POST', url: '/api/release/print', headers: { cookie }, payload: { printerId: PRINTER } });
    expect(print.statusCode).toBe(202);
    expect(print.json().outcomes).toEqual([{ jobId: job.id, started: true }]);
    await ctx.app.release.settled();

    const printed = readdirSync(path.join(ctx.dataDir, 'printed')).filter((f) => f.endsWith('.pdf'));
    expect(printed).toHaveLength(1);
    const out = await PDFDocument.load(readFileSync(path.join(ctx.dataDir, 'printed', printed[0]!)));
    expect(out.getPageCount()).toBe(3);

    const after = (await ctx.app.inject({ method: 'GET', url: `/api/release/jobs?printerId=${PRINTER}`, headers: { cookie } })).json();
    expect(after.availablePages).toBe(27);
    expect(after.jobs[0]).toMatchObject({ state: 'completed', progress: { state: 'completed', pagesCompleted: 3, pagesTotal: 3 } });
    // Printed: the document and its key are gone at once.
    expect(ctx.db.prepare("SELECT COUNT(*) AS n FROM document_keys WHERE owner_id = ?").get(`job:${job.id}`)).toEqual({ n: 0 });
  });

  test('the QR token logs in like the code, without counting as a guess', async () => {
    ctx = await createTestApp();
    await upload();
    const session = (await ctx.app.inject({ method: 'GET', url: '/api/terminal/session', remoteAddress: '127.0.0.1' })).json();
    const { res } = await login({ qrToken: session.session.qrText });
    expect(res.statusCode).toBe(200);
    expect(res.json().jobs).toHaveLength(1);
    const wrong = await login({ qrToken: 'DP1-notarealtokenatall' });
    expect(wrong.res.statusCode).toBe(401);
    expect(ctx.db.prepare('SELECT COUNT(*) AS n FROM code_failures').get()).toEqual({ n: 0 });
  });

  test('a job beyond the free pages is refused with the missing page count and stays held', async () => {
    ctx = await createTestApp({ rawConfig: siteConfig({ quota: { pagesPerSession: 2 } }) });
    const { job, code } = await upload();
    const { cookie } = await login({ code });
    const print = await ctx.app.inject({ method: 'POST', url: '/api/release/print', headers: { cookie }, payload: { printerId: PRINTER } });
    expect(print.json().outcomes).toEqual([{ jobId: job.id, started: false, errorCode: 'quota.exceeded', missingPages: 1 }]);
    expect(ctx.app.spool.getJob(job.id)?.state).toBe('held');
  });

  test('a printer that is not ready refuses the release with its reasons; the jobs stay held', async () => {
    ctx = await createTestApp({ rawConfig: siteConfig({ printers: [{ id: PRINTER, name: 'P', driver: 'file', directory: '/dev/null/printed' }] }) });
    const { job, code } = await upload();
    const { cookie } = await login({ code });
    const print = await ctx.app.inject({ method: 'POST', url: '/api/release/print', headers: { cookie }, payload: { printerId: PRINTER } });
    expect(print.statusCode).toBe(503);
    expect(print.json().error.code).toBe('release.printer_not_ready');
    expect(print.json().error.details.reasons).toEqual(['folder-not-writable']);
    expect(ctx.app.spool.getJob(job.id)?.state).toBe('held');
  });

  test("the site's IPP queue passes on what the station last saw of the printer, as a warning, for five minutes", async () => {
    ctx = await createTestApp({ rawConfig: siteConfig({ printers: [{ id: PRINTER, name: 'P', driver: 'file', directory: '/dev/null/printed' }] }) });
    const c = ctx;
    const printerState = async () => {
      const response = await c.app.inject({
        method: 'POST',
        url: '/ipp/print/lobeda',
        headers: { 'content-type': 'application/ipp', host: 'localhost:8631' },
        payload: encodeIppMessage(ippRequest(Operation.GetPrinterAttributes)),
      });
      const printer = findGroup(decodeIppMessage(response.rawPayload).message, GroupTag.printer)!;
      return { state: getInteger(printer, 'printer-state'), reasons: getStrings(printer, 'printer-state-reasons'), accepting: getBoolean(printer, 'printer-is-accepting-jobs') };
    };
    // Nothing seen yet: the queue says nothing about the printer.
    expect(await printerState()).toEqual({ state: 3, reasons: ['none'], accepting: true });
    const station = await c.app.inject({ method: 'GET', url: `/api/release/printers/${PRINTER}` });
    expect(station.json().readiness).toMatchObject({ ready: false, reasons: ['folder-not-writable'] });
    // The terminals' print dialogs now show a warning; the queue still takes jobs.
    expect(await printerState()).toEqual({ state: 3, reasons: ['other-warning'], accepting: true });
    c.clock.advanceBy({ minutes: 6 });
    expect(await printerState()).toEqual({ state: 3, reasons: ['none'], accepting: true });
  });

  test('the station session ends after the idle time', async () => {
    ctx = await createTestApp();
    const { code } = await upload();
    const { cookie } = await login({ code });
    ctx.clock.advanceBy({ seconds: 59 });
    expect((await ctx.app.inject({ method: 'GET', url: `/api/release/jobs?printerId=${PRINTER}`, headers: { cookie } })).statusCode).toBe(200);
    ctx.clock.advanceBy({ seconds: 61 });
    const res = await ctx.app.inject({ method: 'GET', url: `/api/release/jobs?printerId=${PRINTER}`, headers: { cookie } });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('release.not_logged_in');
  });

  test('a station session is bound to its printer', async () => {
    ctx = await createTestApp({ rawConfig: siteConfig({ printers: [{ id: PRINTER, name: 'P', driver: 'file' }, { id: 'other', name: 'O', driver: 'file' }] }) });
    const { code } = await upload();
    const { cookie } = await login({ code });
    const res = await ctx.app.inject({ method: 'GET', url: '/api/release/jobs?printerId=other', headers: { cookie } });
    expect(res.statusCode).toBe(401);
  });

  test('deleting selected jobs at the station shreds them', async () => {
    ctx = await createTestApp();
    const { job, code } = await upload();
    const { cookie } = await login({ code });
    const res = await ctx.app.inject({ method: 'POST', url: '/api/release/delete', headers: { cookie }, payload: { printerId: PRINTER, jobIds: [job.id] } });
    expect(res.json()).toEqual({ deleted: [job.id] });
    expect(ctx.app.spool.getJob(job.id)).toBeUndefined();
  });
});

describe('limits against guessing codes', () => {
  test('wrong codes are delayed after 3, the station locks after 10, and the lock survives a restart', async () => {
    ctx = await createTestApp();
    const { code } = await upload();
    const wrong = code === '000000' ? '000001' : '000000';
    for (let i = 0; i < 3; i++) expect((await login({ code: wrong })).res.json().error.code).toBe('release.code_invalid');
    // The 4th try straight away must wait.
    expect((await login({ code: wrong })).res.json().error.code).toBe('release.throttled');
    for (let i = 3; i < 10; i++) {
      ctx.clock.advanceBy({ seconds: 61 });
      expect((await login({ code: wrong })).res.json().error.code).toBe('release.code_invalid');
    }
    ctx.clock.advanceBy({ seconds: 61 });
    // Locked: even the right code is not checked now.
    const locked = await login({ code });
    expect(locked.res.statusCode).toBe(423);
    expect(locked.res.json().error.code).toBe('release.locked');
    expect(ctx.logs.text()).toContain('station locked');
    // The lock is in the database, so a new app on the same database still sees it.
    expect(ctx.db.prepare('SELECT COUNT(*) AS n FROM station_locks WHERE locked_until > ?').get(ctx.clock.now())).toEqual({ n: 1 });
    ctx.clock.advanceBy({ minutes: 16 });
    expect((await login({ code })).res.statusCode).toBe(200);
  });

  test('the site-wide cap pauses code entry at every station', async () => {
    ctx = await createTestApp({ rawConfig: siteConfig({ release: { siteFailuresPerHour: 4, failuresBeforeDelay: 100, failuresBeforeLock: 100 }, printers: [{ id: PRINTER, name: 'P', driver: 'file' }, { id: 'p2', name: 'Q', driver: 'file' }] }) });
    const { code } = await upload();
    const wrong = code === '000000' ? '000001' : '000000';
    for (let i = 0; i < 4; i++) await login({ code: wrong });
    const other = await ctx.app.inject({ method: 'POST', url: '/api/release/login', payload: { printerId: 'p2', code } });
    expect(other.json().error.code).toBe('release.locked');
    ctx.clock.advanceBy({ minutes: 61 });
    expect((await ctx.app.inject({ method: 'POST', url: '/api/release/login', payload: { printerId: 'p2', code } })).statusCode).toBe(200);
  });

  test('with the configured limits, guessing any of 20 live codes within a 4-hour hold has probability ≤ 0.1 %', () => {
    const config = parseConfig({ raw: structuredClone(demoConfig) });
    const site = config.sites[0]!;
    const guesses = maxGuessesWithin({ rules: site.release, holdHours: site.holdHours, stations: site.printers.length });
    const p = guessProbability({ guesses, liveCodes: 20 });
    expect(guesses).toBeGreaterThan(0);
    expect(p).toBeLessThanOrEqual(0.001);
  });
});
