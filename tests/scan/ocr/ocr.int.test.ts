import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exportPdf } from '../../../src/scan/export/pdf-export.ts';
import { addTextLayer, ocrPage } from '../../../src/scan/ocr/ocr.ts';
import { processPage } from '../../../src/scan/pipeline/page-pipeline.ts';
import { createTestClock } from '../../../src/shared/clock.ts';
import { requireCommand } from '../../helpers/peers/process.ts';
import { loadFixture } from '../pipeline/scan-fixtures.ts';
import { wordAccuracy } from './word-accuracy.ts';

const run = promisify(execFile);
let work = '';

beforeAll(async () => {
  requireCommand('tesseract', 'tesseract-ocr (with tesseract-ocr-deu, tesseract-ocr-eng)');
  requireCommand('pdftotext', 'poppler-utils');
  requireCommand('qpdf', 'qpdf');
  work = await mkdtemp(path.join(os.tmpdir(), 'druckpunkt-ocr-test-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('OCR text layer', () => {
  test('word accuracy helper counts order-preserving matches over the true words', () => {
    expect(wordAccuracy('Sehr geehrte Damen und Herren,', 'Sehr geehrte Damen und Herren')).toBe(1);
    expect(wordAccuracy('eins zwei drei vier', 'eins zwel drei vier')).toBe(0.75);
    expect(wordAccuracy('eins zwei', '')).toBe(0);
  });

  for (const name of ['letter-de', 'letter-en', 'payslip-de']) {
    test(`the searchable PDF of degraded ${name} carries its text with at least 95 % word accuracy and still fits 2 MB`, async () => {
      const { truth, image } = await loadFixture(name);
      const page = await processPage({ image, dpi: truth.dpi });
      const exported = await exportPdf({ pages: [page], targetBytes: 2 * 1024 * 1024, clock: createTestClock(), reserveBytes: 16 * 1024 });
      const ocr = await ocrPage({ image: page.image, dpi: page.dpi });
      const pdf = await addTextLayer({ pdf: exported.pdf, pages: [ocr], placements: exported.placements });
      expect(pdf.length).toBeLessThanOrEqual(2 * 1024 * 1024);
      const file = path.join(work, `${name}.pdf`);
      await writeFile(file, pdf);
      await run('qpdf', ['--check', file]);
      // -raw: the text in content-stream order, i.e. the reading order the layer was written in
      // (pdftotext's layout analysis would reorder the payslip's table cells on its own).
      const { stdout: text } = await run('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-']);
      const accuracy = wordAccuracy(truth.text, text);
      process.stderr.write(`OCR ${name}: word accuracy ${(accuracy * 100).toFixed(1)} %\n`);
      expect(accuracy).toBeGreaterThanOrEqual(0.95);
    }, 120_000);
  }

  test('the invisible words sit over their pixels: a word found by pdftotext -bbox lies where tesseract saw it', async () => {
    const { truth, image } = await loadFixture('letter-de');
    const page = await processPage({ image, dpi: truth.dpi });
    const exported = await exportPdf({ pages: [page], targetBytes: 5 * 1024 * 1024, clock: createTestClock() });
    const ocr = await ocrPage({ image: page.image, dpi: page.dpi });
    const target = ocr.words.find((w) => w.text === 'Jobcenter')!;
    expect(target).toBeDefined();
    const pdf = await addTextLayer({ pdf: exported.pdf, pages: [ocr], placements: exported.placements });
    const file = path.join(work, 'bbox.pdf');
    await writeFile(file, pdf);
    const { stdout } = await run('pdftotext', ['-bbox', file, '-']);
    const match = /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">Jobcenter<\/word>/.exec(stdout);
    expect(match).not.toBeNull();
    const place = exported.placements[0]!;
    const k = place.width / ocr.widthPx;
    const expectedX = place.x + target.left * k;
    // pdftotext's y is from the top of the page.
    const pageHeight = 841.89;
    const expectedY = pageHeight - (place.y + place.height) + target.top * k;
    expect(Math.abs(Number(match![1]) - expectedX)).toBeLessThan(3);
    expect(Math.abs(Number(match![2]) - expectedY)).toBeLessThan(6);
  }, 120_000);
});
