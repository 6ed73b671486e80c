/**
 * Small, plainly structured PDFs are answered after the quick page count; the full pdfjs check
 * follows. These tests follow a document through both: the counts agree and the document becomes
 * checked; a document the quick look accepts but pdfjs rejects (a page that is a stream instead
 * of a dictionary) cancels an IPP job, fails an upload, is never printed nor charged; a check
 * left undone by a restart runs at the next start.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { decodeIppMessage, encodeIppMessage, findGroup, getInteger, getStrings, GroupTag, ipp, Operation, Status, type IppAttribute } from '../../src/spool/ipp/codec/index.ts';
import { ippRequest } from './ipp/ipp-request.ts';
import { quickCountPdfPages } from '../../src/spool/formats/pdf-quick-count.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { createTestDb } from '../helpers/test-db.ts';
import { multipartFile } from '../helpers/multipart.ts';
import { buildPdf, plainPdfObjects } from './formats/pdf-builder.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

type Ctx = Awaited<ReturnType<typeof createTestApp>>;
let ctx: Ctx | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

const GOOD = buildPdf({ objects: plainPdfObjects(3) });
/** The quick look sees a page dictionary; pdfjs finds a stream where a page must be a dictionary. */
const PAGE_IS_STREAM = buildPdf({
  objects: [
    { num: 1, body: '<< /Type /Catalog /Pages 2 0 R >>' },
    { num: 2, body: '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>' },
    { num: 3, body: '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>' },
    { num: 4, body: '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Length 3 >>\nstream\nabc\nendstream' },
  ],
});

async function ipp_(app: Ctx['app'], code: number, operation: IppAttribute[], document?: Buffer) {
  const message = ippRequest(code, operation);
  const response = await app.inject({
    method: 'POST',
    url: '/ipp/print/lobeda',
    remoteAddress: '127.0.0.1',
    headers: { 'content-type': 'application/ipp', host: 'localhost:8631' },
    payload: Buffer.concat([encodeIppMessage(message), document ?? Buffer.alloc(0)]),
  });
  return decodeIppMessage(response.rawPayload).message;
}

const printJob = (app: Ctx['app'], document: Buffer) =>
  ipp_(app, Operation.PrintJob, [{ name: 'document-format', values: [ipp.mimeMediaType('application/pdf')] }], document);

function documentsOf(c: Ctx, jobId: number) {
  return c.db.prepare('SELECT pages, checked, document_id AS documentId FROM print_job_documents WHERE job_id = ? ORDER BY seq').all(jobId) as Array<{
    pages: number;
    checked: number;
    documentId: string;
  }>;
}

async function stationLogin(c: Ctx, payload: { printerId: string; code: string }): Promise<string> {
  const login = await c.app.inject({ method: 'POST', url: '/api/release/login', payload });
  expect(login.statusCode).toBe(200);
  const cookie = login.cookies.find((k) => k.name === 'dp_station')!;
  return `dp_station=${cookie.value}`;
}

describe('quick answer, full check after', () => {
  test('the fixtures are what the tests need: both pass the quick look', () => {
    expect(quickCountPdfPages(GOOD, { maxPages: 100 })).toBe(3);
    expect(quickCountPdfPages(PAGE_IS_STREAM, { maxPages: 100 })).toBe(2);
  });

  test('an IPP job is held with the quick count, then checked by pdfjs with the same count', async () => {
    ctx = await createTestApp();
    const response = await printJob(ctx.app, GOOD);
    expect(response.code).toBe(Status.successfulOk);
    const jobId = getInteger(findGroup(response, GroupTag.job)!, 'job-id')!;
    expect(ctx.app.spool.requireJob(jobId)).toMatchObject({ state: 'held', pages: 3 });
    await ctx.app.spool.checksSettled();
    expect(documentsOf(ctx, jobId)).toEqual([expect.objectContaining({ pages: 3, checked: 1 })]);
    expect(ctx.app.spool.requireJob(jobId)).toMatchObject({ state: 'held', pages: 3 });
  });

  test('once the spool is idle the check and the first thumbnail run in the background; /metrics counts them down', async () => {
    ctx = await createTestApp();
    const c = ctx;
    const pending = async () => {
      const text = (await c.app.inject({ method: 'GET', url: '/metrics' })).body;
      return Number(/^druckpunkt_spool_background_tasks (\d+)$/m.exec(text)?.[1]);
    };
    const response = await printJob(c.app, GOOD);
    const jobId = getInteger(findGroup(response, GroupTag.job)!, 'job-id')!;
    // Right after the answer the check and the thumbnail are still due (queued until the spool
    // has been idle for a moment, or already running on a slow machine).
    const right = await pending();
    expect(right).toBeGreaterThanOrEqual(1);
    expect(right).toBeLessThanOrEqual(2);
    const started = Date.now();
    while ((await pending()) > 0 && Date.now() - started < 10_000) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await pending()).toBe(0);
    expect(documentsOf(c, jobId)).toEqual([expect.objectContaining({ checked: 1 })]);
    expect(c.db.prepare('SELECT page FROM print_job_previews WHERE job_id = ?').all(jobId)).toEqual([{ page: 1 }]);
  });

  test('an IPP job whose document fails the full check is canceled with document-format-error and shredded', async () => {
    ctx = await createTestApp();
    const response = await printJob(ctx.app, PAGE_IS_STREAM);
    // The client heard "accepted": it learns the outcome from the job, as from any printer.
    expect(response.code).toBe(Status.successfulOk);
    const jobId = getInteger(findGroup(response, GroupTag.job)!, 'job-id')!;
    const documentId = documentsOf(ctx, jobId)[0]!.documentId;
    await ctx.app.spool.checksSettled();
    expect(ctx.app.spool.requireJob(jobId)).toMatchObject({ state: 'canceled', stateReason: 'document-format-error' });
    expect(ctx.app.store.has(documentId)).toBe(false);
    const attributes = await ipp_(ctx.app, Operation.GetJobAttributes, [{ name: 'job-id', values: [ipp.integer(jobId)] }]);
    const job = findGroup(attributes, GroupTag.job)!;
    expect(getInteger(job, 'job-state')).toBe(7);
    expect(getStrings(job, 'job-state-reasons')).toEqual(['document-format-error']);
    // The terminal shows it as not printable, with its reason.
    const session = (await ctx.app.inject({ method: 'GET', url: '/api/terminal/session', remoteAddress: '127.0.0.1' })).json();
    expect(session.jobs).toEqual([expect.objectContaining({ id: jobId, state: 'canceled', stateReason: 'document-format-error' })]);
  });

  test('an upload whose document fails the full check is answered with the reason and leaves nothing', async () => {
    ctx = await createTestApp();
    const body = multipartFile({ filename: 'Zeugnis.pdf', contentType: 'application/pdf', data: PAGE_IS_STREAM });
    const response = await ctx.app.inject({ method: 'POST', url: '/api/jobs', remoteAddress: '127.0.0.1', ...body });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('spool.pdf_damaged');
    expect(ctx.db.prepare('SELECT COUNT(*) AS n FROM print_jobs').get()).toEqual({ n: 0 });
    expect(ctx.db.prepare("SELECT COUNT(*) AS n FROM document_keys WHERE kind = 'document'").get()).toEqual({ n: 0 });
  });

  test('releasing before the check finished waits for it: a failing document is refused, nothing sent, nothing charged', async () => {
    ctx = await createTestApp();
    const response = await printJob(ctx.app, PAGE_IS_STREAM);
    const jobId = getInteger(findGroup(response, GroupTag.job)!, 'job-id')!;
    const code = ctx.app.spool.getSession(ctx.app.spool.requireJob(jobId).sessionId)!.code;
    const printerId = ctx.config.sites[0]!.printers[0]!.id;
    const cookie = await stationLogin(ctx, { printerId, code });
    const print = await ctx.app.inject({ method: 'POST', url: '/api/release/print', headers: { cookie }, payload: { printerId } });
    const outcomes = print.statusCode === 202 || print.statusCode === 200 ? print.json().outcomes : [];
    // Either the check ran first (nothing releasable) or the release waited for it and refused.
    if (print.statusCode === 202 || print.statusCode === 200) {
      expect(outcomes).toEqual([expect.objectContaining({ jobId, started: false, errorCode: 'spool.pdf_damaged' })]);
    } else {
      expect(print.json().error.code).toBe('release.nothing_to_print');
    }
    expect(ctx.db.prepare('SELECT COUNT(*) AS n FROM print_attempts').get()).toEqual({ n: 0 });
    expect(ctx.db.prepare('SELECT COUNT(*) AS n FROM ledger_entries').get()).toEqual({ n: 0 });
    expect(ctx.app.spool.requireJob(jobId).state).toBe('canceled');
  });

  test('a job whose check is still due is checked when released, then prints with the checked count', async () => {
    ctx = await createTestApp();
    const response = await printJob(ctx.app, GOOD);
    const jobId = getInteger(findGroup(response, GroupTag.job)!, 'job-id')!;
    await ctx.app.spool.checksSettled();
    // As after a restart whose background check has not reached this job yet.
    ctx.db.prepare('UPDATE print_job_documents SET checked = 0 WHERE job_id = ?').run(jobId);
    const printerId = ctx.config.sites[0]!.printers[0]!.id;
    const code = ctx.app.spool.getSession(ctx.app.spool.requireJob(jobId).sessionId)!.code;
    const cookie = await stationLogin(ctx, { printerId, code });
    const print = await ctx.app.inject({ method: 'POST', url: '/api/release/print', headers: { cookie }, payload: { printerId } });
    expect(print.statusCode).toBe(202);
    expect(print.json().outcomes).toEqual([{ jobId, started: true }]);
    expect(documentsOf(ctx, jobId)).toEqual([expect.objectContaining({ pages: 3, checked: 1 })]);
    await ctx.app.release.settled();
    expect(ctx.app.spool.requireJob(jobId)).toMatchObject({ state: 'completed', pagesCompleted: 3 });
  });

  test('a check left undone by a restart runs at the next start', async () => {
    const db = createTestDb();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'druckpunkt-check-'));
    try {
      const first = await createTestApp({ db, dataDir });
      const response = await printJob(first.app, GOOD);
      const jobId = getInteger(findGroup(response, GroupTag.job)!, 'job-id')!;
      await first.app.spool.checksSettled();
      await first.close();
      // As if the process died between the answer and the check.
      db.prepare('UPDATE print_job_documents SET checked = 0 WHERE job_id = ?').run(jobId);

      ctx = await createTestApp({ db, dataDir });
      expect(ctx.app.spool.checkPendingAfterRestart()).toBe(1);
      await ctx.app.spool.checksSettled();
      expect(documentsOf(ctx, jobId)).toEqual([expect.objectContaining({ pages: 3, checked: 1 })]);
      expect(ctx.app.spool.checkPendingAfterRestart()).toBe(0);
      // A canceled job's documents are gone: nothing is due for it, even if its row says unchecked.
      await ctx.app.spool.cancelJob({ jobId });
      db.prepare('UPDATE print_job_documents SET checked = 0 WHERE job_id = ?').run(jobId);
      expect(ctx.app.spool.checkPendingAfterRestart()).toBe(0);
    } finally {
      await ctx?.close();
      ctx = undefined;
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
