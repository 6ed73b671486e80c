import { afterEach, expect, test } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestApp } from '../helpers/test-app.ts';
import { demoConfig } from '../../src/config/demo-config.ts';
import { migrate, openDatabase, type Db } from '../../src/db/database.ts';
import { createStatsRecorder } from '../../src/stats/stats.usecases.ts';
import { createPurger } from '../../src/purge/purge.usecases.ts';
import { PRINTER, print, upload, type TestCtx } from './purge-helpers.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups.length = 0;
});

/**
 * A one-page PDF written by hand, uncompressed, so the marker stands in the file as plain bytes
 * (pdf-lib would hex-encode and compress the text): in the page's text and in the title.
 */
function pdfWithText(text: string): Buffer {
  const content = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${Buffer.byteLength(content)} >>\nstream\n${content}\nendstream`,
    `<< /Title (${text}) >>`,
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body);
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** The marker in every encoding it could plausibly be stored in. */
function needles(marker: string): Buffer[] {
  return [Buffer.from(marker, 'utf8'), Buffer.from(marker, 'utf16le'), Buffer.from(Buffer.from(marker).toString('hex')), Buffer.from(Buffer.from(marker).toString('hex').toUpperCase())];
}

function containsMarker(bytes: Buffer, marker: string): boolean {
  return needles(marker).some((needle) => bytes.includes(needle));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile());
}

/** Files whose raw bytes, or whose names, contain the marker. */
function filesWithMarker(dir: string, marker: string): string[] {
  return filesUnder(dir).filter((file) => file.includes(marker) || containsMarker(readFileSync(file), marker));
}

function databaseFiles(file: string): string[] {
  return [file, `${file}-wal`, `${file}-shm`];
}

function dbFilesWithMarker(file: string, marker: string): string[] {
  return databaseFiles(file).filter((f) => {
    try {
      return containsMarker(readFileSync(f), marker);
    } catch {
      return false; // -wal / -shm may not exist
    }
  });
}

async function setupOnFileDatabase() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'druckpunkt-privacy-'));
  // The printer's output is the citizen's paper: it lives outside the data folder.
  const printedDir = mkdtempSync(path.join(os.tmpdir(), 'druckpunkt-printed-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }), () => rmSync(printedDir, { recursive: true, force: true }));
  const dbFile = path.join(dataDir, 'druckpunkt.sqlite');
  const db: Db = openDatabase({ file: dbFile });
  migrate({ db });
  cleanups.push(() => void db.close());

  const raw = structuredClone(demoConfig) as { sites: Array<Record<string, unknown>> };
  raw.sites[0]!.printers = [{ id: PRINTER, name: 'Drucker am Empfang', driver: 'file', directory: printedDir }];
  const ctx: TestCtx = await createTestApp({ rawConfig: raw, db, dataDir });
  cleanups.push(() => ctx.close());

  return { ctx, db, dbFile, dataDir, printedDir };
}

test('after one job is printed and another expired and purged, the marker in their names and contents is found nowhere', async () => {
  const { ctx, db, dbFile, dataDir, printedDir } = await setupOnFileDatabase();
  const marker = `DPMARK${randomBytes(8).toString('hex').toUpperCase()}`;
  const pdf = pdfWithText(`Mietschulden ${marker} Aktenzeichen`);
  expect(pdf.includes(Buffer.from(marker))).toBe(true);

  const printed = await upload(ctx, { name: `Mahnung-${marker}.pdf`, data: pdf });
  const expired = await upload(ctx, { name: `Kontoauszug-${marker}.pdf`, data: pdf });
  expect(ctx.app.spool.getJob(expired.job.id)?.name).toBe(`Kontoauszug-${marker}.pdf`);
  // The search works: before the purge the names are in the database files.
  expect(dbFilesWithMarker(dbFile, marker).length).toBeGreaterThan(0);

  // The app records the statistics itself (jobs received, printed, pages).
  const stats = ctx.app.stats;

  const result = await print(ctx, printed.code, [printed.job.id]);
  expect(result.outcomes).toEqual([{ jobId: printed.job.id, started: true }]);
  expect(ctx.app.spool.getJob(printed.job.id)?.state).toBe('completed');
  // The printer got the document (outside the data folder).
  expect(filesWithMarker(printedDir, marker)).toHaveLength(1);

  ctx.clock.advanceBy({ hours: 4, minutes: 1 });
  const purger = createPurger({ config: ctx.config, db, store: ctx.app.store, stats, clock: ctx.clock, logger: ctx.app.log });
  const counts = await purger.runOnce();
  expect(counts).toMatchObject({ heldExpired: 1, finishedRows: 1, failures: 0 });
  expect(ctx.app.spool.getJob(printed.job.id)).toBeUndefined();
  expect(ctx.app.spool.getJob(expired.job.id)).toBeUndefined();

  // Searched while the database is open, as a copy of the disk would be taken.
  expect(dbFilesWithMarker(dbFile, marker)).toEqual([]);
  expect(filesWithMarker(dataDir, marker)).toEqual([]);
  expect(containsMarker(Buffer.from(ctx.logs.text()), marker)).toBe(false);
  const statsRows = JSON.stringify(db.prepare('SELECT * FROM stats_daily').all());
  expect(statsRows).toContain('jobs_expired_unprinted');
  expect(statsRows).not.toContain(marker);
  const csv = stats.csv({ from: '2026-01-01', to: '2026-01-31' });
  expect(csv).toContain('Datum;Standort;Druckaufträge');
  expect(containsMarker(Buffer.from(csv), marker)).toBe(false);
  const summary = stats.summary({ from: '2026-01-01', to: '2026-01-31' });
  expect(summary.totals).toMatchObject({ printJobsReceived: 2, printJobsPrinted: 1, jobsExpiredUnprinted: 1 });
  expect(JSON.stringify(summary)).not.toContain(marker);
});

test('a job the citizen deleted leaves no trace in the WAL after the next purge run, even when that run deletes nothing itself', async () => {
  const { ctx, db, dbFile, dataDir } = await setupOnFileDatabase();
  const marker = `DPMARK${randomBytes(8).toString('hex').toUpperCase()}`;
  const { job } = await upload(ctx, { name: `Attest-${marker}.pdf`, data: pdfWithText(`Diagnose ${marker}`) });
  await ctx.app.spool.deleteJob({ jobId: job.id });
  expect(ctx.app.spool.getJob(job.id)).toBeUndefined();
  // secure_delete cleared the row in the new page, but the WAL still holds the old page images.
  expect(dbFilesWithMarker(dbFile, marker)).toEqual([`${dbFile}-wal`]);

  const stats = createStatsRecorder({ db, clock: ctx.clock, sites: ctx.config.sites });
  const counts = await createPurger({ config: ctx.config, db, store: ctx.app.store, stats, clock: ctx.clock, logger: ctx.app.log }).runOnce();
  expect(counts.heldExpired + counts.finishedRows).toBe(0);
  expect(dbFilesWithMarker(dbFile, marker)).toEqual([]);
  expect(filesWithMarker(dataDir, marker)).toEqual([]);
});
