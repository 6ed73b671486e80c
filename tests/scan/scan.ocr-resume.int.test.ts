/**
 * Background OCR of a finished scan is queued in memory; a restart before it ran must not leave
 * the citizen without the searchable PDF. Each test is a real restart: one app finishes a scan
 * with OCR on and is closed at once (its OCR job aborted), a second app opens the same database
 * and data folder, and `resumeOcrAfterRestart` (called by server.ts at start-up) takes over.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { inspectPdf, pdfText, startScanTestApp, type ScanTestApp } from './scan.harness.ts';
import { createTestDb } from '../helpers/test-db.ts';
import { createTestClock, type TestClock } from '../../src/shared/clock.ts';
import type { Db } from '../../src/db/database.ts';
import type { FinishedView, PickupView } from '../../src/scan/scan.schemas.ts';

const SCANNER = 'lobeda-scanner';
const TARGET_BYTES = 2_000_000;

type Restart = { db: Db; dataDir: string; clock: TestClock; first?: ScanTestApp; second?: ScanTestApp; tmp?: string };
let current: Restart | undefined;

afterEach(async () => {
  if (!current) return;
  await current.first?.close();
  await current.second?.close();
  current.db.close();
  rmSync(current.dataDir, { recursive: true, force: true });
  if (current.tmp) await rm(current.tmp, { recursive: true, force: true });
  current = undefined;
});

type DocumentRow = { ocr_state: string; ocr_placements: string | null; target_bytes: number | null; pdf_doc_id: string };

function documentRow(db: Db): DocumentRow {
  const rows = db.prepare('SELECT ocr_state, ocr_placements, target_bytes, pdf_doc_id FROM scan_documents').all() as DocumentRow[];
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

/** Long words of the demo flatbed's first page (letter-de), as the text layer must hold them. */
async function expectedWords(): Promise<string[]> {
  const truth = JSON.parse(await readFile(new URL('../../fixtures/scan/letter-de.json', import.meta.url), 'utf8')) as { text: string };
  const words = [...new Set(truth.text.split(/\s+/).filter((w) => /^[A-Za-zÄÖÜäöüß]{9,}$/.test(w)))].slice(0, 3);
  expect(words).toHaveLength(3);
  return words;
}

/**
 * Scans one page with OCR on, finishes at 2 MB and closes the app right away, before OCR could
 * finish: the document is left 'pending', as after a restart. Returns the pickup code.
 */
async function finishThenStop(): Promise<{ restart: Restart; code: string }> {
  const restart: Restart = { db: createTestDb(), dataDir: mkdtempSync(path.join(os.tmpdir(), 'druckpunkt-ocr-resume-')), clock: createTestClock() };
  current = restart;
  restart.first = await startScanTestApp({ db: restart.db, dataDir: restart.dataDir, clock: restart.clock });
  const session = await restart.first.startSession({ scannerId: SCANNER, preset: 'document' });
  expect(session.ocr).toBe(true);
  await restart.first.scanAndWait('flatbed');
  const response = await restart.first.call('POST', '/api/scan/sessions/current/finish', { targetBytes: TARGET_BYTES });
  expect(response.statusCode, response.body).toBe(200);
  const { pickup } = response.json<FinishedView>();
  await restart.first.close();
  restart.first = undefined;
  const row = documentRow(restart.db);
  expect(row.ocr_state).toBe('pending');
  return { restart, code: pickup.code };
}

/** The next start over the same database and data folder (another seed: fresh store ids). */
async function restartApp(restart: Restart): Promise<ScanTestApp> {
  restart.second = await startScanTestApp({ db: restart.db, dataDir: restart.dataDir, clock: restart.clock, seed: 2 });
  return restart.second;
}

async function download(restart: Restart, app: ScanTestApp, code: string) {
  const picked = await app.call('POST', '/api/scan/pickup', { code });
  expect(picked.statusCode, picked.body).toBe(200);
  const view = picked.json<PickupView>();
  expect(view.documents).toHaveLength(1);
  const body = (await app.call('GET', view.documents[0]!.url)).rawPayload;
  expect(view.documents[0]!.bytes).toBe(body.length);
  restart.tmp ??= await mkdtemp(path.join(os.tmpdir(), 'druckpunkt-ocr-resume-pdf-'));
  const file = path.join(restart.tmp, `${code}.pdf`);
  await writeFile(file, body);
  return { body, file };
}

describe('background OCR across a restart', () => {
  test('a scan finished with OCR just before a restart gets its searchable PDF after the next start', async () => {
    const { restart, code } = await finishThenStop();
    const stored = documentRow(restart.db);
    expect(stored.target_bytes).toBe(TARGET_BYTES);
    const placements = JSON.parse(stored.ocr_placements!) as { width: number; height: number }[];
    expect(placements).toHaveLength(1);
    expect(placements[0]!.width).toBeGreaterThan(500); // an A4 page scanned at its real size, in points

    const app = await restartApp(restart);
    const words = await expectedWords();
    const before = await download(restart, app, code);
    const plainText = await pdfText(before.file);
    for (const word of words) expect(plainText).not.toContain(word);

    expect(app.scan.resumeOcrAfterRestart()).toBe(1);
    expect(app.scan.resumeOcrAfterRestart()).toBe(0); // already queued, not twice
    await app.scan.ocrIdle();
    const after = documentRow(restart.db);
    expect(after.ocr_state).toBe('done');
    expect(after.pdf_doc_id).not.toBe(stored.pdf_doc_id);
    expect(app.scan.resumeOcrAfterRestart()).toBe(0);

    const { body, file } = await download(restart, app, code);
    expect(body.length).toBeLessThanOrEqual(TARGET_BYTES);
    const pdf = await inspectPdf(file);
    expect(pdf.check.ok, pdf.check.output).toBe(true);
    expect(pdf.pages).toBe(1);
    const text = await pdfText(file);
    for (const word of words) expect(text).toContain(word);
    // The PDF without text is gone from the store; only the searchable one is left.
    expect((restart.db.prepare("SELECT COUNT(*) AS n FROM document_keys WHERE kind = 'scan-pdf'").get() as { n: number }).n).toBe(1);
  }, 90_000);

  test('a pending document stored without its page geometry becomes failed at the next start, and its PDF still downloads', async () => {
    const { restart, code } = await finishThenStop();
    // As a row written before migration 0013.
    restart.db.prepare('UPDATE scan_documents SET ocr_placements = NULL, target_bytes = NULL').run();

    const app = await restartApp(restart);
    expect(app.scan.resumeOcrAfterRestart()).toBe(0);
    await app.scan.ocrIdle();
    expect(documentRow(restart.db).ocr_state).toBe('failed');
    expect(app.scan.resumeOcrAfterRestart()).toBe(0);

    const { file } = await download(restart, app, code);
    const pdf = await inspectPdf(file);
    expect(pdf.check.ok, pdf.check.output).toBe(true);
    expect(pdf.pages).toBe(1);
    const text = await pdfText(file);
    for (const word of await expectedWords()) expect(text).not.toContain(word);
    expect(app.logs.text()).toContain('scan OCR could not be resumed after a restart');
  }, 90_000);

  test('a pending document whose page image was lost is not resumed but failed, and its PDF still downloads', async () => {
    const { restart, code } = await finishThenStop();
    const { image_doc_id: imageId } = restart.db.prepare('SELECT image_doc_id FROM scan_pages WHERE deleted = 0').get() as { image_doc_id: string };
    // What the start-up sweep records when a document's file is gone.
    restart.db.prepare('UPDATE document_keys SET missing_at = ? WHERE id = ?').run(restart.clock.now(), imageId);
    const app = await restartApp(restart);
    expect(app.scan.resumeOcrAfterRestart()).toBe(0);
    expect(documentRow(restart.db).ocr_state).toBe('failed');
    expect((await inspectPdf((await download(restart, app, code)).file)).check.ok).toBe(true);
  }, 90_000);

  test('a pending document of a scan past its retention is not resumed but failed', async () => {
    const { restart } = await finishThenStop();
    restart.clock.advanceBy({ hours: 3 }); // past purge.scanHours (2 h), before the purge ran
    const app = await restartApp(restart);
    expect(app.scan.resumeOcrAfterRestart()).toBe(0);
    expect(documentRow(restart.db).ocr_state).toBe('failed');
  }, 90_000);
});
