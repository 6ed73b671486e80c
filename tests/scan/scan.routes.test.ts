import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, test } from 'vitest';
import { inspectPdf, pdfText, plaintextFilesUnder, startScanTestApp, type ScanTestApp } from './scan.harness.ts';
import type { FinishedView, PickupView, SessionView } from '../../src/scan/scan.schemas.ts';
import { isStoreCiphertext, storedDocumentNames, storedDocuments } from '../helpers/stored-documents.ts';

const SCANNER = 'lobeda-scanner';
let ctx: ScanTestApp | undefined;
let tmp: string | undefined;

afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
  if (tmp) await rm(tmp, { recursive: true, force: true });
  tmp = undefined;
});

async function savePdf(body: Buffer, name = 'out.pdf') {
  tmp ??= await mkdtemp(path.join(os.tmpdir(), 'druckpunkt-scan-test-'));
  const file = path.join(tmp, name);
  await writeFile(file, body);
  return file;
}

/** Scans the demo feeder (5 sheets, the last one blank) into the first document. */
async function scanFeeder(app: ScanTestApp, preset = 'document', ocr = false) {
  await app.startSession({ scannerId: SCANNER, preset, ocr });
  return (await app.scanAndWait('adf')).session;
}

async function finish(app: ScanTestApp, targetBytes = 2_000_000) {
  const response = await app.call('POST', '/api/scan/sessions/current/finish', { targetBytes });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<FinishedView>();
}

async function pickup(app: ScanTestApp, code: string) {
  return await app.call('POST', '/api/scan/pickup', { code });
}

describe('scan API with the demo scanner', () => {
  test('the scanner answers with its name, capabilities and readiness', async () => {
    ctx = await startScanTestApp();
    const response = await ctx.call('GET', `/api/scan/scanners/${SCANNER}`);
    expect(response.statusCode).toBe(200);
    const info = response.json<{ scanner: { id: string }; capabilities: { sources: string[] }; status: { ready: boolean } }>();
    expect(info.scanner.id).toBe(SCANNER);
    expect(info.capabilities.sources).toContain('adf');
    expect(info.status.ready).toBe(true);
    expect((await ctx.call('GET', '/api/scan/scanners/nope')).json<{ error: { code: string } }>().error.code).toBe('scan.scanner_not_found');
  });

  test('a session sets an HttpOnly SameSite=Strict cookie on /api/scan and starts idle with one empty document', async () => {
    ctx = await startScanTestApp();
    const response = await ctx.app.inject({ method: 'POST', url: '/api/scan/sessions', payload: { scannerId: SCANNER, preset: 'document' } });
    expect(response.statusCode).toBe(201);
    const cookie = response.cookies.find((c) => c.name === 'dp_scan');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Strict');
    expect(cookie?.path).toBe('/api/scan');
    const session = response.json<SessionView>();
    expect(session).toMatchObject({ scannerId: SCANNER, preset: 'document', ocr: true, state: 'idle', progress: null, lastError: null });
    expect(session.documents).toEqual([{ index: 0, pages: [] }]);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/scan/sessions/current' })).statusCode).toBe(404);
  });

  test('feeder pages arrive in the document; the blank sheet comes flagged blank and deleted', async () => {
    ctx = await startScanTestApp();
    const session = await scanFeeder(ctx);
    expect(session.state).toBe('idle');
    expect(session.lastError).toBeNull();
    const pages = session.documents[0]!.pages;
    expect(pages).toHaveLength(5);
    expect(pages.map((p) => p.blank)).toEqual([false, false, false, false, true]);
    expect(pages.map((p) => p.deleted)).toEqual([false, false, false, false, true]);
    // The letters are A4 portrait pages cut out of the lid.
    expect(pages[0]!.widthMm).toBeGreaterThan(195);
    expect(pages[0]!.widthMm).toBeLessThan(215);
    expect(pages[0]!.heightMm).toBeGreaterThan(pages[0]!.widthMm);
  });

  test('a second scan while one runs is refused with scan.busy', async () => {
    ctx = await startScanTestApp();
    await ctx.startSession({ scannerId: SCANNER, preset: 'document', ocr: false });
    const first = await ctx.call('POST', '/api/scan/sessions/current/scan', { source: 'adf' });
    expect(first.statusCode).toBe(202);
    expect(first.json<SessionView>().state).toBe('scanning');
    const second = await ctx.call('POST', '/api/scan/sessions/current/scan', { source: 'flatbed' });
    expect(second.statusCode).toBe(409);
    expect(second.json<{ error: { code: string } }>().error.code).toBe('scan.busy');
    await ctx.scan.scanDone(first.json<SessionView>().id);
  });

  test('rotate one, delete one, next document, finish at 2 MB, pick up by code: valid PDFs with the right pages and orientation', async () => {
    ctx = await startScanTestApp();
    const scanned = await scanFeeder(ctx);
    const [p0, p1, p2] = scanned.documents[0]!.pages;
    const rotated = (await ctx.call('PATCH', `/api/scan/sessions/current/pages/${p1!.id}`, { rotation: 90 })).json<SessionView>();
    const rotatedPage = rotated.documents[0]!.pages[1]!;
    expect(rotatedPage.rotation).toBe(90);
    expect(rotatedPage.widthMm).toBeGreaterThan(rotatedPage.heightMm);
    const afterDelete = (await ctx.call('PATCH', `/api/scan/sessions/current/pages/${p2!.id}`, { deleted: true })).json<SessionView>();
    expect(afterDelete.documents[0]!.pages[2]!.deleted).toBe(true);

    // The thumbnail shows the rotation.
    const thumb = await ctx.call('GET', `/api/scan/sessions/current/pages/${p1!.id}/preview.png`);
    expect(thumb.headers['content-type']).toBe('image/png');
    const meta = await sharp(thumb.rawPayload).metadata();
    expect(meta.width).toBeGreaterThan(meta.height!);
    const upright = await sharp((await ctx.call('GET', `/api/scan/sessions/current/pages/${p0!.id}/preview.png`)).rawPayload).metadata();
    expect(upright.width).toBeLessThanOrEqual(300);
    expect(upright.height).toBeGreaterThan(upright.width!);

    const next = (await ctx.call('POST', '/api/scan/sessions/current/next-document')).json<SessionView>();
    expect(next.documents).toHaveLength(2);
    const second = (await ctx.scanAndWait('flatbed')).session;
    expect(second.documents[1]!.pages).toHaveLength(1);

    const finished = await finish(ctx, 2_000_000);
    expect(finished.pickup.code).toMatch(/^\d{6}$/);
    expect(finished.pickup.url).toMatch(/\/\?pickup=[A-Za-z0-9_-]+$/);
    expect(finished.pickup.qrSvg).toContain('<svg');
    expect(Date.parse(finished.pickup.expiresAt) - ctx.clock.now()).toBe(2 * 3_600_000);
    expect(finished.documents.map((d) => d.pages)).toEqual([3, 1]);
    for (const d of finished.documents) expect(d.bytes).toBeLessThanOrEqual(2_000_000);
    expect(finished.legibilityCropUrl).toBe('/api/scan/sessions/current/legibility.png');
    const crop = await ctx.call('GET', finished.legibilityCropUrl!);
    expect(crop.statusCode).toBe(200);
    expect((await sharp(crop.rawPayload).metadata()).format).toBe('png');

    const state = (await ctx.call('GET', '/api/scan/sessions/current')).json<SessionView>();
    expect(state.state).toBe('finished');

    ctx.dropCookie();
    const picked = await pickup(ctx, finished.pickup.code);
    expect(picked.statusCode, picked.body).toBe(200);
    const view = picked.json<PickupView>();
    expect(view.documents.map((d) => d.pages)).toEqual([3, 1]);
    const download = await ctx.call('GET', view.documents[0]!.url);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toBe('inline; filename="Scan-1.pdf"');
    expect(download.rawPayload.length).toBe(view.documents[0]!.bytes);
    const file = await savePdf(download.rawPayload);
    const pdf = await inspectPdf(file);
    expect(pdf.check.ok, pdf.check.output).toBe(true);
    expect(pdf.pages).toBe(3);
    // Page 2 was turned a quarter: landscape A4; the others are portrait.
    expect(pdf.sizes[0]!.height).toBeGreaterThan(pdf.sizes[0]!.width);
    expect(pdf.sizes[1]!.width).toBeGreaterThan(pdf.sizes[1]!.height);
    expect(pdf.sizes[2]!.height).toBeGreaterThan(pdf.sizes[2]!.width);

    const attachment = await ctx.call('GET', `${view.documents[1]!.url}?download=1`);
    expect(attachment.headers['content-disposition']).toBe('attachment; filename="Scan-2.pdf"');
    expect((await inspectPdf(await savePdf(attachment.rawPayload, 'two.pdf'))).pages).toBe(1);

    // The QR's token opens the same pickup.
    const token = decodeURIComponent(finished.pickup.url.split('?pickup=')[1]!);
    const byToken = await ctx.call('GET', `/api/scan/pickup/${token}`);
    expect(byToken.statusCode).toBe(200);
    expect(byToken.json<PickupView>().documents).toHaveLength(2);
  });

  test('a blank page restored by the citizen is exported; moving a page between documents moves it', async () => {
    ctx = await startScanTestApp();
    const scanned = await scanFeeder(ctx);
    const blank = scanned.documents[0]!.pages[4]!;
    await ctx.call('PATCH', `/api/scan/sessions/current/pages/${blank.id}`, { deleted: false });
    await ctx.call('POST', '/api/scan/sessions/current/next-document');
    const first = scanned.documents[0]!.pages[0]!;
    const moved = (await ctx.call('POST', `/api/scan/sessions/current/pages/${first.id}/move`, { documentIndex: 1, position: 0 })).json<SessionView>();
    expect(moved.documents[0]!.pages.map((p) => p.id)).toEqual(scanned.documents[0]!.pages.slice(1).map((p) => p.id));
    expect(moved.documents[1]!.pages.map((p) => p.id)).toEqual([first.id]);
    const reordered = (await ctx.call('POST', `/api/scan/sessions/current/pages/${blank.id}/move`, { documentIndex: 0, position: 0 })).json<SessionView>();
    expect(reordered.documents[0]!.pages[0]!.id).toBe(blank.id);
    const finished = await finish(ctx, 5_000_000);
    expect(finished.documents.map((d) => d.pages)).toEqual([4, 1]);
  });

  test('a rescanned page replaces the page in place', async () => {
    ctx = await startScanTestApp();
    await ctx.startSession({ scannerId: SCANNER, preset: 'document', ocr: false });
    await ctx.scanAndWait('flatbed');
    const { session } = await ctx.scanAndWait('flatbed');
    const [a, b] = session.documents[0]!.pages;
    await ctx.call('PATCH', `/api/scan/sessions/current/pages/${a!.id}`, { rotation: 180 });
    const before = (await ctx.call('GET', `/api/scan/sessions/current/pages/${a!.id}/preview.png`)).rawPayload;
    const after = (await ctx.scanAndWait('flatbed', a!.id)).session;
    expect(after.documents[0]!.pages.map((p) => p.id)).toEqual([a!.id, b!.id]);
    expect(after.documents[0]!.pages[0]!.rotation).toBe(0);
    const now = (await ctx.call('GET', `/api/scan/sessions/current/pages/${a!.id}/preview.png`)).rawPayload;
    expect(Buffer.compare(before, now)).not.toBe(0);
  });

  test('finishing with every page deleted is refused and the session stays editable', async () => {
    ctx = await startScanTestApp();
    await ctx.startSession({ scannerId: SCANNER, preset: 'document', ocr: false });
    const { session } = await ctx.scanAndWait('flatbed');
    await ctx.call('PATCH', `/api/scan/sessions/current/pages/${session.documents[0]!.pages[0]!.id}`, { deleted: true });
    const response = await ctx.call('POST', '/api/scan/sessions/current/finish', { targetBytes: 2_000_000 });
    expect(response.statusCode).toBe(409);
    expect(response.json<{ error: { code: string } }>().error.code).toBe('scan.nothing_to_export');
    expect((await ctx.call('GET', '/api/scan/sessions/current')).json<SessionView>().state).toBe('idle');
  });

  test('the ID card preset puts front and back on one page', async () => {
    ctx = await startScanTestApp();
    await ctx.startSession({ scannerId: SCANNER, preset: 'id-card' });
    await ctx.scanAndWait('flatbed');
    const { session } = await ctx.scanAndWait('flatbed');
    expect(session.ocr).toBe(false);
    expect(session.documents[0]!.pages).toHaveLength(2);
    const finished = await finish(ctx, 2_000_000);
    expect(finished.documents).toEqual([expect.objectContaining({ index: 0, pages: 1 })]);
    const view = (await pickup(ctx, finished.pickup.code)).json<PickupView>();
    const pdf = await inspectPdf(await savePdf((await ctx.call('GET', view.documents[0]!.url)).rawPayload));
    expect(pdf.check.ok).toBe(true);
    expect(pdf.pages).toBe(1);
  });

  test('starting a new session at the scanner discards the unfinished one', async () => {
    ctx = await startScanTestApp();
    await ctx.startSession({ scannerId: SCANNER, preset: 'document', ocr: false });
    await ctx.scanAndWait('flatbed');
    const keysBefore = ctx.db.prepare("SELECT COUNT(*) AS n FROM document_keys WHERE owner_id LIKE 'scan:%'").get() as { n: number };
    expect(keysBefore.n).toBeGreaterThan(0);
    const oldCookie = ctx.cookie();
    ctx.dropCookie();
    await ctx.startSession({ scannerId: SCANNER, preset: 'photo' });
    const keysAfter = ctx.db.prepare("SELECT COUNT(*) AS n FROM document_keys WHERE owner_id LIKE 'scan:%'").get() as { n: number };
    expect(keysAfter.n).toBe(0);
    expect((await ctx.call('GET', '/api/scan/sessions/current')).json<SessionView>().preset).toBe('photo');
    ctx.useCookie(oldCookie);
    expect((await ctx.call('GET', '/api/scan/sessions/current')).statusCode).toBe(404);
  });

  test('an unfinished session idle for 5 minutes is gone', async () => {
    ctx = await startScanTestApp();
    await ctx.startSession({ scannerId: SCANNER, preset: 'document', ocr: false });
    await ctx.scanAndWait('flatbed');
    ctx.clock.advanceBy({ minutes: 4 });
    expect((await ctx.call('GET', '/api/scan/sessions/current')).statusCode).toBe(200);
    ctx.clock.advanceBy({ minutes: 5 });
    const response = await ctx.call('GET', '/api/scan/sessions/current');
    expect(response.statusCode).toBe(404);
    expect(response.json<{ error: { code: string } }>().error.code).toBe('scan.session_not_found');
    expect((ctx.db.prepare('SELECT COUNT(*) AS n FROM document_keys').get() as { n: number }).n).toBe(0);
  });

  test('cancelling shreds every page: keys and files go, the cookie is cleared', async () => {
    ctx = await startScanTestApp();
    await scanFeeder(ctx);
    const stored = () => storedDocumentNames({ db: ctx!.db, dataDir: ctx!.dataDir });
    expect(stored().length).toBeGreaterThan(0);
    const response = await ctx.call('DELETE', '/api/scan/sessions/current');
    expect(response.statusCode).toBe(204);
    expect(stored()).toEqual([]);
    expect((ctx.db.prepare('SELECT COUNT(*) AS n FROM document_keys').get() as { n: number }).n).toBe(0);
    expect((ctx.db.prepare('SELECT COUNT(*) AS n FROM scan_sessions').get() as { n: number }).n).toBe(0);
  });

  test('nothing under the data folder is a plaintext image or PDF, during the scan and after finishing', async () => {
    ctx = await startScanTestApp();
    await scanFeeder(ctx);
    // The store keeps small pages inline in the database and larger ones as files: both count.
    const notCiphertext = () => storedDocuments({ db: ctx!.db, dataDir: ctx!.dataDir }).filter(({ bytes }) => !isStoreCiphertext(bytes));
    expect(storedDocuments({ db: ctx.db, dataDir: ctx.dataDir }).length).toBeGreaterThan(5);
    expect(await plaintextFilesUnder(ctx.dataDir)).toEqual([]);
    expect(notCiphertext()).toEqual([]);
    await finish(ctx, 5_000_000);
    expect(await plaintextFilesUnder(ctx.dataDir)).toEqual([]);
    expect(notCiphertext()).toEqual([]);
  });

  test('the scan is counted in the statistics: one session and the exported pages', async () => {
    ctx = await startScanTestApp();
    await scanFeeder(ctx);
    const finished = await finish(ctx, 5_000_000);
    const rows = ctx.db.prepare("SELECT metric, SUM(value) AS v FROM stats_daily WHERE metric LIKE 'scan_%' GROUP BY metric ORDER BY metric").all();
    expect(rows).toEqual([
      { metric: 'scan_pages', v: finished.documents[0]!.pages },
      { metric: 'scan_sessions', v: 1 },
    ]);
  });

  test('scans count against the site-day budget only when the rules say so', async () => {
    const raw = (await import('../../src/config/demo-config.ts')).demoConfig;
    const config = structuredClone(raw) as { sites: Array<Record<string, unknown>> };
    config.sites[0]!.quota = { scansCounted: true, pagesPerSitePerDay: 3 };
    ctx = await startScanTestApp({ rawConfig: config });
    await scanFeeder(ctx);
    const refused = await ctx.call('POST', '/api/scan/sessions/current/finish', { targetBytes: 5_000_000 });
    expect(refused.statusCode).toBe(409);
    expect(refused.json<{ error: { code: string; details: { missingPages: number } } }>().error).toMatchObject({ code: 'quota.exceeded', details: { missingPages: 1 } });
    const pages = (await ctx.call('GET', '/api/scan/sessions/current')).json<SessionView>().documents[0]!.pages;
    await ctx.call('PATCH', `/api/scan/sessions/current/pages/${pages[0]!.id}`, { deleted: true });
    await finish(ctx, 5_000_000);
    const charged = ctx.db.prepare("SELECT account, pages FROM ledger_entries WHERE reason = 'scan'").all() as { account: string; pages: number }[];
    expect(charged).toHaveLength(1);
    expect(charged[0]!.pages).toBe(-3);
    expect(charged[0]!.account).toMatch(/^site-day:\d{4}-\d{2}-\d{2}$/);
  });
});

describe('scan pickup', () => {
  test('wrong pickup codes are throttled after three tries, persisted in code_failures, and do not touch release-code limits', async () => {
    ctx = await startScanTestApp();
    for (let i = 0; i < 3; i++) {
      const wrong = await pickup(ctx, `00000${i}`);
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json<{ error: { code: string } }>().error.code).toBe('scan.pickup_code_invalid');
    }
    const throttled = await pickup(ctx, '000009');
    expect(throttled.statusCode).toBe(429);
    const body = throttled.json<{ error: { code: string; details: { retryAfterSeconds: number } } }>();
    expect(body.error.code).toBe('scan.pickup_throttled');
    expect(body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    const rows = ctx.db.prepare('SELECT site_id AS siteId, printer_id AS key FROM code_failures').all() as { siteId: string; key: string }[];
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.siteId === 'pickup:lobeda' && r.key.startsWith('pickup:'))).toBe(true);
    // No address in the key.
    expect(rows.some((r) => r.key.includes('127.0.0.1'))).toBe(false);
    ctx.clock.advanceBy({ seconds: 2 });
    expect((await pickup(ctx, '000010')).statusCode).toBe(401);
  });

  test('too many wrong codes lock code entry for this address with 423 scan.pickup_locked', async () => {
    ctx = await startScanTestApp();
    let last = 0;
    for (let i = 0; i < 10; i++) {
      ctx.clock.advanceBy({ seconds: 61 });
      last = (await pickup(ctx, String(100000 + i))).statusCode;
    }
    expect(last).toBe(401);
    ctx.clock.advanceBy({ seconds: 61 });
    const locked = await pickup(ctx, '123123');
    expect(locked.statusCode).toBe(423);
    expect(locked.json<{ error: { code: string } }>().error.code).toBe('scan.pickup_locked');
  });

  test('retention: 2 h after finishing the scan is shredded; the first pickup shortens it to 30 min', async () => {
    ctx = await startScanTestApp();
    await ctx.startSession({ scannerId: SCANNER, preset: 'document', ocr: false });
    await ctx.scanAndWait('flatbed');
    const first = await finish(ctx);
    ctx.dropCookie();
    await ctx.startSession({ scannerId: SCANNER, preset: 'document', ocr: false });
    await ctx.scanAndWait('flatbed');
    const second = await finish(ctx);
    expect(second.pickup.code).not.toBe(first.pickup.code);

    ctx.clock.advanceBy({ minutes: 10 });
    const picked = (await pickup(ctx, second.pickup.code)).json<PickupView>();
    expect(Date.parse(picked.expiresAt)).toBe(ctx.clock.now() + 30 * 60_000);
    const stored = () => storedDocumentNames({ db: ctx!.db, dataDir: ctx!.dataDir });
    const storedBefore = stored().length;

    ctx.clock.advanceBy({ minutes: 31 });
    expect(await ctx.scan.purgeExpired()).toBe(1);
    expect((await pickup(ctx, second.pickup.code)).statusCode).toBe(401);
    expect((await ctx.call('GET', picked.documents[0]!.url)).statusCode).toBe(404);
    expect((await pickup(ctx, first.pickup.code)).statusCode).toBe(200);
    expect(stored().length).toBeLessThan(storedBefore);

    ctx.clock.advanceBy({ hours: 2 });
    expect(await ctx.scan.purgeExpired()).toBe(1);
    expect((ctx.db.prepare("SELECT COUNT(*) AS n FROM document_keys WHERE owner_id LIKE 'scan:%'").get() as { n: number }).n).toBe(0);
    expect(stored()).toEqual([]);
    expect(await ctx.scan.purgeExpired()).toBe(0);
  });

  test('unfinished sessions idle for 5 minutes, also one a crash left half-exported, are shredded by the purge', async () => {
    ctx = await startScanTestApp();
    await ctx.startSession({ scannerId: SCANNER, preset: 'document', ocr: false });
    await ctx.scanAndWait('flatbed');
    ctx.dropCookie();
    await ctx.startSession({ scannerId: 'lobeda-scanner', preset: 'photo' }); // replaces the first
    await ctx.scanAndWait('flatbed');
    ctx.db.prepare("UPDATE scan_sessions SET state = 'finishing'").run();
    ctx.clock.advanceBy({ minutes: 4 });
    expect(await ctx.scan.purgeExpired()).toBe(0);
    ctx.clock.advanceBy({ minutes: 2 });
    expect(await ctx.scan.purgeExpired()).toBe(1);
    expect((ctx.db.prepare('SELECT COUNT(*) AS n FROM document_keys').get() as { n: number }).n).toBe(0);
    expect(storedDocumentNames({ db: ctx.db, dataDir: ctx.dataDir })).toEqual([]);
  });

  test('pickup codes are unique among live scans: a colliding random code is drawn again', async () => {
    ctx = await startScanTestApp();
    const random = ctx.random as unknown as { queueCodes(...codes: string[]): void };
    random.queueCodes('424242');
    await ctx.startSession({ scannerId: SCANNER, preset: 'document', ocr: false });
    await ctx.scanAndWait('flatbed');
    expect((await finish(ctx)).pickup.code).toBe('424242');
    random.queueCodes('424242', '535353');
    ctx.dropCookie();
    await ctx.startSession({ scannerId: SCANNER, preset: 'document', ocr: false });
    await ctx.scanAndWait('flatbed');
    expect((await finish(ctx)).pickup.code).toBe('535353');
  });
});

describe('background OCR', () => {
  test('OCR replaces the PDF with a searchable one of the same pages without changing the pickup', async () => {
    ctx = await startScanTestApp();
    await ctx.startSession({ scannerId: SCANNER, preset: 'document' });
    const { session } = await ctx.scanAndWait('flatbed'); // the demo flatbed's first page: letter-de
    expect(session.ocr).toBe(true);
    const finished = await finish(ctx, 2_000_000);
    const before = (await pickup(ctx, finished.pickup.code)).json<PickupView>();
    const plain = (await ctx.call('GET', before.documents[0]!.url)).rawPayload;
    await ctx.scan.ocrIdle();
    const after = (await pickup(ctx, finished.pickup.code)).json<PickupView>();
    expect(after.expiresAt).toBe(before.expiresAt);
    const searchable = (await ctx.call('GET', after.documents[0]!.url)).rawPayload;
    expect(Buffer.compare(plain, searchable)).not.toBe(0);
    expect(searchable.length).toBeLessThanOrEqual(2_000_000);
    expect(after.documents[0]!.bytes).toBe(searchable.length);
    const file = await savePdf(searchable);
    const pdf = await inspectPdf(file);
    expect(pdf.check.ok).toBe(true);
    expect(pdf.pages).toBe(1);
    const truth = JSON.parse(await readFile(new URL('../../fixtures/scan/letter-de.json', import.meta.url), 'utf8')) as { text: string };
    const word = truth.text.split(/\s+/).find((w) => /^[A-Za-zÄÖÜäöüß]{9,}$/.test(w))!;
    expect(await pdfText(await savePdf(plain, 'plain.pdf'))).not.toContain(word);
    expect(await pdfText(file)).toContain(word);
    // Only the searchable PDF is left in the store for this document.
    expect((ctx.db.prepare("SELECT COUNT(*) AS n FROM document_keys WHERE kind = 'scan-pdf'").get() as { n: number }).n).toBe(1);
  }, 60_000);
});
