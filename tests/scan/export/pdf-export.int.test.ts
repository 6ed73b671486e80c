import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestClock } from '../../../src/shared/clock.ts';
import { EXPORT_LADDER, exportPdf, type ExportPage } from '../../../src/scan/export/pdf-export.ts';
import { processPage } from '../../../src/scan/pipeline/page-pipeline.ts';
import { requireCommand } from '../../helpers/peers/process.ts';
import { loadFixture } from '../pipeline/scan-fixtures.ts';

const run = promisify(execFile);
const MB = 1024 * 1024;
const clock = createTestClock('2026-03-09T14:37:21Z');

// A realistic 20-page session: letters, a payslip, a sparse and a blank feeder page, ID cards,
// cycled; every page through the real pipeline.
const SESSION = ['letter-de', 'letter-en', 'payslip-de', 'sparse-de', 'blank-noise', 'id-front', 'letter-de', 'payslip-de', 'letter-en', 'id-back'];
let session: ExportPage[] = [];
let work = '';

async function qpdfCheck(pdf: Buffer): Promise<{ ok: boolean; output: string }> {
  const file = path.join(work, `check-${Math.random().toString(36).slice(2)}.pdf`);
  await writeFile(file, pdf);
  try {
    const { stdout } = await run(requireCommand('qpdf', 'qpdf'), ['--check', file]);
    return { ok: true, output: stdout };
  } catch (error) {
    return { ok: false, output: String((error as { stdout?: string }).stdout ?? error) };
  }
}

async function pdfinfo(pdf: Buffer): Promise<Record<string, string>> {
  const file = path.join(work, `info-${Math.random().toString(36).slice(2)}.pdf`);
  await writeFile(file, pdf);
  const { stdout } = await run(requireCommand('pdfinfo', 'poppler-utils'), ['-isodates', file]);
  return Object.fromEntries(stdout.split('\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]));
}

beforeAll(async () => {
  requireCommand('qpdf', 'qpdf');
  requireCommand('pdfinfo', 'poppler-utils');
  work = await mkdtemp(path.join(os.tmpdir(), 'druckpunkt-export-test-'));
  const processed = new Map<string, ExportPage>();
  for (const name of new Set(SESSION)) {
    const { truth, image } = await loadFixture(name);
    const page = await processPage({ image, dpi: truth.dpi, preset: truth.kind === 'id-card' ? 'id-card' : 'document' });
    processed.set(name, { image: page.image, dpi: page.dpi, mode: page.mode });
  }
  session = Array.from({ length: 20 }, (_, i) => processed.get(SESSION[i % SESSION.length]!)!);
}, 180_000);
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('PDF export with a size target', () => {
  for (const budgetMb of [2, 5, 10]) {
    test(`a 20-page degraded session exported for ${budgetMb} MB fits, is a valid PDF and has 20 A4 pages`, async () => {
      const result = await exportPdf({ pages: session, targetBytes: budgetMb * MB, clock });
      expect(result.bytes).toBe(result.pdf.length);
      expect(result.bytes).toBeLessThanOrEqual(budgetMb * MB);
      const check = await qpdfCheck(result.pdf);
      expect(check.output).toContain('No syntax or stream encoding errors');
      expect(check.ok).toBe(true);
      const info = await pdfinfo(result.pdf);
      expect(info.Pages).toBe('20');
      expect(info['Page size']).toMatch(/^595\.2\d x 841\.8\d pts \(A4\)/);
      process.stderr.write(`export ${budgetMb} MB: ${result.settingsUsed.name}, ${(result.bytes / 1024).toFixed(0)} KB\n`);
    }, 120_000);
  }

  test('a bigger budget never gets a lower-quality setting than a smaller one', async () => {
    const small = await exportPdf({ pages: session.slice(0, 6), targetBytes: 250 * 1024, clock });
    const large = await exportPdf({ pages: session.slice(0, 6), targetBytes: 10 * MB, clock });
    expect(large.settingsUsed.name).toBe('jpeg-200dpi-q75');
    const rung = (name: string) => EXPORT_LADDER.findIndex((s) => s.name === name);
    expect(rung(small.settingsUsed.name)).toBeGreaterThan(rung(large.settingsUsed.name));
    expect(large.bytes).toBeGreaterThan(small.bytes);
  }, 120_000);

  test('a tight budget falls back to 1-bit pages and still fits', async () => {
    const pages = session.slice(0, 3).filter((p) => p.mode !== 'color');
    const result = await exportPdf({ pages, targetBytes: 150 * 1024, clock });
    expect(result.settingsUsed.encoding).toBe('bilevel');
    expect(result.bytes).toBeLessThanOrEqual(150 * 1024);
    expect((await qpdfCheck(result.pdf)).ok).toBe(true);
  }, 60_000);

  test('a budget nothing can meet is refused with scan.budget_too_small', async () => {
    await expect(exportPdf({ pages: session, targetBytes: 4000, clock })).rejects.toMatchObject({ code: 'scan.budget_too_small' });
  }, 120_000);

  test('a page is placed at its physical size: 200 dpi pixels are 200 dpi on the PDF page', async () => {
    const result = await exportPdf({ pages: [session[0]!], targetBytes: 10 * MB, clock });
    const file = path.join(work, 'one.pdf');
    await writeFile(file, result.pdf);
    const { stdout } = await run(requireCommand('pdfimages', 'poppler-utils'), ['-list', file]);
    // page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
    const row = stdout.split('\n')[2]!.trim().split(/\s+/);
    expect(Number(row[12])).toBeGreaterThanOrEqual(199);
    expect(Number(row[12])).toBeLessThanOrEqual(201);
    expect(Number(row[13])).toBeGreaterThanOrEqual(199);
  });

  test('metadata names Druckpunkt as producer, keeps only the day, and carries no title or author', async () => {
    const result = await exportPdf({ pages: session.slice(0, 2), targetBytes: 5 * MB, clock });
    const doc = await PDFDocument.load(result.pdf, { updateMetadata: false });
    expect(doc.getProducer()).toBe('Druckpunkt');
    expect(doc.getCreator()).toBe('Druckpunkt');
    expect(doc.getTitle()).toBeUndefined();
    expect(doc.getAuthor()).toBeUndefined();
    expect(doc.getSubject()).toBeUndefined();
    expect(doc.getKeywords()).toBeUndefined();
    expect(doc.getCreationDate()?.toISOString()).toBe('2026-03-09T00:00:00.000Z');
    expect(doc.getModificationDate()?.toISOString()).toBe('2026-03-09T00:00:00.000Z');
  });

  test('the legibility crop is a 100 % cut of the page with the smallest text (the payslip, not the letters)', async () => {
    const pages = [session[0]!, session[2]!, session[1]!]; // letter-de, payslip-de, letter-en
    const result = await exportPdf({ pages, targetBytes: 5 * MB, clock });
    expect(result.legibility).not.toBeNull();
    expect(result.legibility!.pageIndex).toBe(1);
    expect(result.legibility!.box.width).toBe(480);
    expect(result.legibility!.box.height).toBe(240);
  }, 60_000);
});
