import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createNormalizerPool, normalizeDocument, type NormalizeLimits } from '../../../src/spool/formats/normalize.ts';
import type { WorkerPool } from '../../../src/spool/formats/worker-pool.ts';
import { encodePwg } from './raster-writer.ts';

// Peers: qpdf (structure check) and pdftoppm (an independent renderer). Missing peers fail the run.
const run = promisify(execFile);
const fixture = (folder: string, name: string) => readFile(fileURLToPath(new URL(`../../../fixtures/${folder}/${name}`, import.meta.url)));
const limits: NormalizeLimits = { maxBytes: 10_000_000, maxPages: 30, maxImagePixels: 100_000_000, timeoutMs: 20_000, memoryMb: 512 };
const A4 = { widthPt: 595.28, heightPt: 841.89 };

let pool: WorkerPool;
let workDir: string;
beforeAll(async () => {
  pool = createNormalizerPool();
  await pool.warm({ memoryMb: limits.memoryMb });
  workDir = await mkdtemp(path.join(tmpdir(), 'druckpunkt-normalize-'));
});
afterAll(async () => {
  await pool.close();
  await rm(workDir, { recursive: true, force: true });
});

let fileCounter = 0;
async function writeTemp(pdf: Buffer) {
  const file = path.join(workDir, `out-${++fileCounter}.pdf`);
  await writeFile(file, pdf);
  return file;
}

/** qpdf must find no structural error, and pdfjs must agree on the page count and sizes. */
async function checkPdf(pdf: Buffer) {
  const file = await writeTemp(pdf);
  const { stdout } = await run('qpdf', ['--check', file]);
  expect(stdout).toContain('No syntax or stream encoding errors found');
  const doc = await getDocument({ data: new Uint8Array(pdf), verbosity: 0, isEvalSupported: false }).promise;
  const sizes = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const viewport = (await doc.getPage(n)).getViewport({ scale: 1 });
    sizes.push({ widthPt: viewport.width, heightPt: viewport.height });
  }
  await doc.destroy();
  return { pages: sizes.length, sizes, file };
}

/** Page 1 rendered by pdftoppm at `dpi` as 8-bit grey rows. */
async function renderGray(file: string, dpi: number) {
  const { stdout } = await run('pdftoppm', ['-r', String(dpi), '-gray', '-f', '1', '-l', '1', '-singlefile', file], {
    encoding: 'buffer',
    maxBuffer: 50_000_000,
  });
  const header = stdout.subarray(0, 40).toString('latin1').split(/\s+/);
  const [, width, height] = header.map(Number);
  const offset = stdout.length - width! * height!;
  return { width: width!, height: height!, at: (x: number, y: number) => stdout[offset + y * width! + x]! };
}

function mean(region: { at(x: number, y: number): number }, x0: number, y0: number, x1: number, y1: number) {
  let sum = 0;
  let count = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++, count++) sum += region.at(x, y);
  return sum / count;
}

function expectSize(actual: { widthPt: number; heightPt: number } | undefined, expected: { widthPt: number; heightPt: number }) {
  expect(actual).toBeDefined();
  expect(Math.abs(actual!.widthPt - expected.widthPt)).toBeLessThan(1);
  expect(Math.abs(actual!.heightPt - expected.heightPt)).toBeLessThan(1);
}

describe('every accepted format becomes one valid PDF', () => {
  test.each([
    { folder: 'pdf', file: 'gs-text-3-pages.pdf', declared: 'application/pdf', format: 'application/pdf', pages: 3, size: A4 },
    { folder: 'pdf', file: 'cairo-text-3-pages.pdf', declared: 'application/pdf', format: 'application/pdf', pages: 3, size: A4 },
    { folder: 'pdf', file: 'chromium-2-pages.pdf', declared: 'application/pdf', format: 'application/pdf', pages: 2, size: { widthPt: 612, heightPt: 792 } },
    { folder: 'pdf', file: 'qpdf-owner-password-only.pdf', declared: 'application/pdf', format: 'application/pdf', pages: 3, size: A4 },
    { folder: 'images', file: 'jpeg-landscape-no-exif.jpg', declared: 'image/jpeg', format: 'image/jpeg', pages: 1, size: { widthPt: A4.heightPt, heightPt: A4.widthPt } },
    { folder: 'images', file: 'png-alpha.png', declared: 'image/png', format: 'image/png', pages: 1, size: { widthPt: A4.heightPt, heightPt: A4.widthPt } },
    { folder: 'raster', file: 'gs-pwg-sgray8-300dpi.pwg', declared: 'image/pwg-raster', format: 'image/pwg-raster', pages: 2, size: A4 },
    { folder: 'raster', file: 'gs-pwg-srgb8-150dpi.pwg', declared: 'image/pwg-raster', format: 'image/pwg-raster', pages: 2, size: A4 },
    { folder: 'raster', file: 'gs-pwg-black1-300dpi.pwg', declared: 'image/pwg-raster', format: 'image/pwg-raster', pages: 2, size: A4 },
    { folder: 'raster', file: 'gs-urf-w8-150dpi.urf', declared: 'image/urf', format: 'image/urf', pages: 2, size: A4 },
    { folder: 'raster', file: 'gs-urf-srgb24-150dpi.urf', declared: 'image/urf', format: 'image/urf', pages: 2, size: A4 },
  ])('$file ($declared) gives a PDF of $pages page(s) at the right size', async ({ folder, file, declared, format, pages, size }) => {
    const source = await fixture(folder, file);
    const result = await normalizeDocument({ source, declaredFormat: declared, limits, pool });
    expect(result.sourceFormat).toBe(format);
    expect(result.pages).toBe(pages);
    const checked = await checkPdf(result.pdf);
    expect(checked.pages).toBe(pages);
    for (let i = 0; i < pages; i++) {
      expectSize(checked.sizes[i], size);
      expectSize(result.pageSizes[i], size);
    }
  });

  test('a valid PDF is kept byte for byte', async () => {
    const source = await fixture('pdf', 'chromium-2-pages.pdf');
    const result = await normalizeDocument({ source, declaredFormat: 'application/pdf', limits, pool });
    expect(result.pdf.equals(source)).toBe(true);
  });

  test('a JPEG without rotation is embedded as the same JPEG bytes, not re-encoded', async () => {
    const source = await fixture('images', 'jpeg-landscape-no-exif.jpg');
    const result = await normalizeDocument({ source, declaredFormat: 'image/jpeg', limits, pool });
    expect(result.pdf.includes(source)).toBe(true);
  });

  test('a PWG raster at 300 dpi prints at its real size: pixels divided by resolution', async () => {
    const result = await normalizeDocument({ source: await fixture('raster', 'gs-pwg-black1-300dpi.pwg'), limits, pool });
    // Ghostscript made 2479 x 3508 pixels at 300 dpi.
    expectSize(result.pageSizes[0], { widthPt: (2479 / 300) * 72, heightPt: (3508 / 300) * 72 });
  });

  test('a raster PDF shows the page content: the text area is darker than the empty bottom margin', async () => {
    const result = await normalizeDocument({ source: await fixture('raster', 'gs-urf-w8-150dpi.urf'), limits, pool });
    const { file } = await checkPdf(result.pdf);
    const page = await renderGray(file, 20);
    // Title and text lines sit in the top fifth; the bottom tenth of sample.ps is blank.
    expect(mean(page, 0, 0, page.width, Math.floor(page.height / 5))).toBeLessThan(245);
    expect(mean(page, 0, Math.floor(page.height * 0.9), page.width, page.height)).toBeGreaterThan(250);
  });
});

describe('images', () => {
  test('a JPEG with EXIF orientation 6 is turned upright: portrait page, black half at the top', async () => {
    const source = await fixture('images', 'jpeg-exif-orientation-6.jpg');
    const result = await normalizeDocument({ source, declaredFormat: 'image/jpeg', limits, pool });
    const { sizes, file } = await checkPdf(result.pdf);
    expectSize(sizes[0], A4);
    const page = await renderGray(file, 20);
    const middle = Math.floor(page.height / 2);
    const top = mean(page, 20, Math.floor(page.height * 0.15), page.width - 20, middle - 20);
    const bottom = mean(page, 20, middle + 20, page.width - 20, Math.floor(page.height * 0.85));
    expect(top).toBeLessThan(60);
    expect(bottom).toBeGreaterThan(120);
  });

  test('an image is fitted to US Letter when Letter is requested', async () => {
    const source = await fixture('images', 'png-alpha.png');
    const result = await normalizeDocument({ source, declaredFormat: 'image/png', media: 'na_letter_8.5x11in', limits, pool });
    expectSize(result.pageSizes[0], { widthPt: 792, heightPt: 612 });
  });

  test('a PNG with huge dimensions in a small file hits the pixel limit', async () => {
    const source = await fixture('images', 'png-bomb-12000x12000.png');
    await expect(normalizeDocument({ source, declaredFormat: 'image/png', limits, pool })).rejects.toMatchObject({
      code: 'spool.image_too_large',
      statusCode: 422,
    });
  });
});

describe('octet-stream and wrong declared types', () => {
  test.each([
    { folder: 'raster', file: 'gs-pwg-srgb8-150dpi.pwg', format: 'image/pwg-raster' },
    { folder: 'raster', file: 'gs-urf-w8-150dpi.urf', format: 'image/urf' },
    { folder: 'pdf', file: 'gs-text-3-pages.pdf', format: 'application/pdf' },
    { folder: 'images', file: 'png-alpha.png', format: 'image/png' },
    { folder: 'images', file: 'jpeg-landscape-no-exif.jpg', format: 'image/jpeg' },
  ])('application/octet-stream carrying $file is decoded as $format', async ({ folder, file, format }) => {
    const result = await normalizeDocument({ source: await fixture(folder, file), declaredFormat: 'application/octet-stream', limits, pool });
    expect(result.sourceFormat).toBe(format);
  });

  test('a JPEG declared as PDF is decoded by its magic bytes', async () => {
    const result = await normalizeDocument({ source: await fixture('images', 'jpeg-landscape-no-exif.jpg'), declaredFormat: 'application/pdf', limits, pool });
    expect(result.sourceFormat).toBe('image/jpeg');
    expect(result.pages).toBe(1);
  });

  test.each([
    { name: 'PostScript declared as PDF', folder: 'pdf', file: 'source/letter.ps', declared: 'application/pdf' },
    { name: 'HTML as octet-stream', folder: 'pdf', file: 'source/page.html', declared: 'application/octet-stream' },
    { name: 'PostScript declared as PostScript', folder: 'raster', file: 'source/sample.ps', declared: 'application/postscript' },
  ])('$name is refused as unsupported', async ({ folder, file, declared }) => {
    await expect(normalizeDocument({ source: await fixture(folder, file), declaredFormat: declared, limits, pool })).rejects.toMatchObject({
      code: 'spool.format_unsupported',
      statusCode: 415,
    });
  });
});

describe('bad PDFs get their stable code', () => {
  test('a PDF with a user password is refused as encrypted', async () => {
    const source = await fixture('pdf', 'qpdf-user-password.pdf');
    await expect(normalizeDocument({ source, limits, pool })).rejects.toMatchObject({ code: 'spool.pdf_encrypted', statusCode: 422 });
  });

  test.each(['damaged-truncated.pdf', 'damaged-garbled.pdf'])('%s is refused as damaged', async (file) => {
    await expect(normalizeDocument({ source: await fixture('pdf', file), limits, pool })).rejects.toMatchObject({ code: 'spool.pdf_damaged' });
  });

  test('a PDF with more pages than the limit is refused, one at the limit is accepted', async () => {
    const source = await fixture('pdf', 'gs-text-25-pages.pdf');
    await expect(normalizeDocument({ source, limits: { ...limits, maxPages: 24 }, pool })).rejects.toMatchObject({
      code: 'spool.too_many_pages',
      details: { maxPages: 24, pages: 25 },
    });
    expect((await normalizeDocument({ source, limits: { ...limits, maxPages: 25 }, pool })).pages).toBe(25);
  });
});

describe('limits on the stream and the worker', () => {
  test('a stream longer than maxBytes is cut off as too large while it is read', async () => {
    let chunksPulled = 0;
    const endless = (async function* () {
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      chunk.write('%PDF-1.7\n');
      for (;;) {
        chunksPulled++;
        yield chunk;
      }
    })();
    await expect(normalizeDocument({ source: endless, limits: { ...limits, maxBytes: 1_000_000 }, pool })).rejects.toMatchObject({
      code: 'spool.too_large',
      statusCode: 413,
    });
    // 1 MB in 64 KB chunks: reading stopped right after the limit, not at the end of the stream.
    expect(chunksPulled).toBeLessThan(20);
  });

  test('a buffer longer than maxBytes is refused as too large', async () => {
    const source = await fixture('pdf', 'gs-text-3-pages.pdf');
    await expect(normalizeDocument({ source, limits: { ...limits, maxBytes: 100 }, pool })).rejects.toMatchObject({ code: 'spool.too_large' });
  });

  test('a raster bomb that would take long is killed at the deadline, and the next document still works', async () => {
    // 20 white pages of 5000 x 7000 pixels: a few kB that decode to 700 MB of pixels.
    const white = Buffer.alloc(5000, 0xff);
    const bomb = encodePwg(Array.from({ length: 20 }, () => ({ width: 5000, height: 7000, dpi: 600, colorSpace: 18, bitsPerPixel: 8 as const, line: () => white })));
    expect(bomb.length).toBeLessThan(200_000);
    const spawnedBefore = pool.spawnCount();
    const started = performance.now();
    await expect(normalizeDocument({ source: bomb, limits: { ...limits, timeoutMs: 300 }, pool })).rejects.toMatchObject({
      code: 'spool.processing_timeout',
    });
    expect(performance.now() - started).toBeLessThan(3000);
    const next = await normalizeDocument({ source: await fixture('pdf', 'gs-text-3-pages.pdf'), limits, pool });
    expect(next.pages).toBe(3);
    // The stuck worker was replaced, not reused.
    expect(pool.spawnCount()).toBeGreaterThan(spawnedBefore);
  });

  test('a worker over its memory cap is reported as a processing failure, and the next document still works', async () => {
    const source = await fixture('pdf', 'chromium-2-pages.pdf');
    await expect(normalizeDocument({ source, limits: { ...limits, memoryMb: 16 }, pool })).rejects.toMatchObject({
      code: 'spool.processing_failed',
      details: { reason: 'out_of_memory' },
    });
    expect((await normalizeDocument({ source, limits, pool })).pages).toBe(2);
  });

  test('without a pool a one-off worker does the job and is closed', async () => {
    const result = await normalizeDocument({ source: await fixture('pdf', 'gs-text-10-pages.pdf'), limits });
    expect(result.pages).toBe(10);
  });
});
