import { afterEach, describe, expect, test } from 'vitest';
import { mkdtempSync, existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCupsd, type Cupsd } from '../helpers/peers/index.ts';
import { tailOf, waitUntil } from '../helpers/peers/process.ts';
import { startPrinterUnderTest, ENGINE_REPORTING_PAGES, type PrinterUnderTest } from './printers/print-engine.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { openDatabase, migrate } from '../../src/db/database.ts';
import { demoConfig } from '../../src/config/demo-config.ts';

const fixtures = path.resolve(import.meta.dirname, '../../fixtures');
const PRINTER = 'lobeda-drucker';

type Ctx = Awaited<ReturnType<typeof createTestApp>>;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

function configFor(printerUri: string) {
  const raw = structuredClone(demoConfig) as { sites: Array<Record<string, unknown>> };
  raw.sites[0]!.printers = [{ id: PRINTER, name: 'Drucker am Empfang', driver: 'ipp', uri: printerUri, timeoutSeconds: 5 }];
  return raw;
}

async function listen(ctx: Ctx) {
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const address = ctx.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return `ipp://127.0.0.1:${address.port}/ipp/print/lobeda`;
}

/** What each side did, for a step that did not finish in time. */
async function whatHappened(ctx: Ctx, peers: { cupsd?: Cupsd; printer?: PrinterUnderTest }) {
  return [
    `jobs: ${JSON.stringify(ctx.db.prepare('SELECT id, state, state_reason FROM print_jobs').all())}`,
    `attempts: ${JSON.stringify(ctx.db.prepare('SELECT * FROM print_attempts').all())}`,
    `druckpunkt log:\n${ctx.logs.lines.slice(-30).join('')}`,
    peers.cupsd ? `cupsd error_log:\n${await tailOf(peers.cupsd.errorLog, 40)}` : '',
    peers.printer ? `ippeveprinter log:\n${await tailOf(peers.printer.logFile, 40)}` : '',
  ].join('\n');
}

/**
 * The release settles within `ms`, or the test fails with what each side did — never with a bare
 * test timeout that says nothing about where it stopped.
 */
async function settledWithin(ctx: Ctx, peers: { cupsd?: Cupsd; printer?: PrinterUnderTest }, ms = 20_000) {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  const outcome = await Promise.race([ctx.app.release.settled().then(() => 'settled' as const), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') throw new Error(`the release did not settle within ${ms} ms\n${await whatHappened(ctx, peers)}`);
}

async function heldViaCupsd(ctx: Ctx, cupsd: Cupsd, file: string) {
  await cupsd.lp(['-d', 'druckpunkt', '-t', 'Antrag', file]);
  await waitUntil({
    check: async () => ctx.app.spool.listJobs({ siteId: 'lobeda', which: 'not-completed' }).some((j) => j.state === 'held'),
    timeoutMs: 30_000,
    describe: async () => `no held job arrived from cupsd within 30 s\n${await whatHappened(ctx, { cupsd })}`,
  });
  const job = ctx.app.spool.listJobs({ siteId: 'lobeda', which: 'not-completed' }).find((j) => j.state === 'held')!;
  return { job, code: ctx.app.spool.getSession(job.sessionId)!.code };
}

async function login(ctx: Ctx, code: string) {
  const res = await ctx.app.inject({ method: 'POST', url: '/api/release/login', payload: { printerId: PRINTER, code } });
  expect(res.statusCode).toBe(200);
  const cookie = res.cookies.find((c) => c.name === 'dp_station')!;
  return `dp_station=${cookie.value}`;
}

async function print(ctx: Ctx, cookie: string) {
  const res = await ctx.app.inject({ method: 'POST', url: '/api/release/print', headers: { cookie }, payload: { printerId: PRINTER } });
  expect(res.statusCode).toBe(202);
  return res.json().outcomes as Array<{ started: boolean }>;
}

async function available(ctx: Ctx, cookie: string) {
  return (await ctx.app.inject({ method: 'GET', url: `/api/release/jobs?printerId=${PRINTER}`, headers: { cookie } })).json();
}

async function startCupsdQueue(uri: string) {
  const cupsd = await startCupsd();
  cleanups.push(() => cupsd.stop());
  await cupsd.lpadmin(['-p', 'druckpunkt', '-E', '-v', `${uri}?waitjob=false`, '-m', 'everywhere']);
  await cupsd.waitForQueueReady({ queue: 'druckpunkt' });
  return cupsd;
}

async function printer(script = ENGINE_REPORTING_PAGES): Promise<PrinterUnderTest> {
  const p = await startPrinterUnderTest({ script, formats: ['application/pdf'] });
  cleanups.push(() => p.stop());
  return p;
}

// Each step has its own bound (below) that names where it stopped; the test's bound is above their sum.
describe('release with real peers: cupsd → Druckpunkt → ippeveprinter', { timeout: 120_000 }, () => {
  test('the job prints once, exactly its pages are charged, and the document and key are gone', async () => {
    const printerPeer = await printer();
    const ctx = await createTestApp({ rawConfig: configFor(printerPeer.uri4), followIntervalMs: 100 });
    cleanups.push(() => ctx.close());
    const cupsd = await startCupsdQueue(await listen(ctx));
    const { job, code } = await heldViaCupsd(ctx, cupsd, path.join(fixtures, 'pdf/gs-text-3-pages.pdf'));

    const cookie = await login(ctx, code);
    expect((await print(ctx, cookie))[0]!.started).toBe(true);
    await settledWithin(ctx, { cupsd, printer: printerPeer });

    expect(await printerPeer.receivedPages()).toEqual([3]);
    expect(ctx.app.spool.getJob(job.id)).toMatchObject({ state: 'completed', pagesCompleted: 3 });
    expect((await available(ctx, cookie)).availablePages).toBe(27);
    expect(ctx.db.prepare('SELECT COUNT(*) AS n FROM document_keys WHERE owner_id = ?').get(`job:${job.id}`)).toEqual({ n: 0 });
  });

  test('an aborted job is refunded, stays listed with its reason, and prints when tried again', async () => {
    // The print engine fails the first job (as a jam would) and prints the next.
    const flag = path.join(mkdtempSync(path.join(os.tmpdir(), 'dp-flag-')), 'fail-once');
    writeFileSync(flag, '');
    const script = ENGINE_REPORTING_PAGES.replace('set -u\n', `set -u\nif [ -e ${flag} ]; then rm -f ${flag}; echo 'ERROR: Paper jam' >&2; exit 1; fi\n`);
    const printerPeer = await printer(script);
    const ctx = await createTestApp({ rawConfig: configFor(printerPeer.uri4), followIntervalMs: 100 });
    cleanups.push(() => ctx.close());
    const cupsd = await startCupsdQueue(await listen(ctx));
    const { job, code } = await heldViaCupsd(ctx, cupsd, path.join(fixtures, 'pdf/gs-text-3-pages.pdf'));
    const cookie = await login(ctx, code);

    await print(ctx, cookie);
    await settledWithin(ctx, { cupsd, printer: printerPeer });
    expect(existsSync(flag)).toBe(false);
    const afterAbort = await available(ctx, cookie);
    expect(afterAbort.availablePages).toBe(30);
    expect(afterAbort.jobs[0]).toMatchObject({ id: job.id, state: 'aborted' });
    expect(afterAbort.jobs[0].stateReason).toBeTruthy();

    expect((await print(ctx, cookie))[0]!.started).toBe(true);
    await settledWithin(ctx, { cupsd, printer: printerPeer });
    expect(ctx.app.spool.getJob(job.id)?.state).toBe('completed');
    expect((await available(ctx, cookie)).availablePages).toBe(27);
  });

  test('a restart while a job is printing neither prints it twice nor loses the charge', async () => {
    // The engine takes 3 s per job, so the server can be stopped while it prints.
    const script = ENGINE_REPORTING_PAGES.replace('exit 0\n', 'sleep 3\nexit 0\n');
    const printerPeer = await printer(script);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dp-restart-'));
    const dbFile = path.join(dataDir, 'db.sqlite');
    const db1 = openDatabase({ file: dbFile });
    migrate({ db: db1 });
    const first = await createTestApp({ rawConfig: configFor(printerPeer.uri4), db: db1, dataDir, followIntervalMs: 100 });
    const upload = await first.app.inject({
      method: 'POST',
      url: '/api/jobs',
      remoteAddress: '127.0.0.1',
      ...(await import('../helpers/multipart.ts')).multipartFile({ filename: 'a.pdf', contentType: 'application/pdf', data: (await import('node:fs')).readFileSync(path.join(fixtures, 'pdf/gs-text-3-pages.pdf')) }),
    });
    const { job, code } = upload.json();
    const cookie = await login(first, code);
    await print(first, cookie);
    await waitUntil({
      check: async () => (first.db.prepare("SELECT state FROM print_attempts").get() as { state?: string } | undefined)?.state === 'submitted',
      timeoutMs: 20_000,
      describe: async () => 'attempt never submitted',
    });
    // Stop the server mid-job (followers stop; nothing is settled yet).
    await first.close();
    db1.close();
    expect(openDatabase({ file: dbFile }).prepare("SELECT state FROM print_attempts").get()).toEqual({ state: 'submitted' });

    const db2 = openDatabase({ file: dbFile });
    const second = await createTestApp({ rawConfig: configFor(printerPeer.uri4), db: db2, dataDir, followIntervalMs: 100 });
    cleanups.push(async () => {
      await second.close();
      db2.close();
    });
    expect(await second.app.release.resumeAfterRestart()).toEqual({ resumed: 1, interrupted: 0 });
    await second.app.release.settled();

    expect(await printerPeer.receivedPages()).toEqual([3]);
    expect(second.app.spool.getJob(job.id)?.state).toBe('completed');
    const rows = db2.prepare('SELECT kind, pages FROM ledger_entries WHERE account LIKE ? ORDER BY id').all('session:%');
    expect(rows).toEqual([{ kind: 'reserve', pages: -3 }]);
  });
});
