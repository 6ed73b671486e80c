import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { fitImageToMedia, IMAGE_MARGIN_PT, resolveFormat, sniffFormat } from '../../../src/spool/formats/formats.models.ts';

const fixture = (path: string) => readFile(fileURLToPath(new URL(`../../../fixtures/${path}`, import.meta.url)));

describe('sniffFormat', () => {
  test.each([
    { path: 'pdf/gs-text-3-pages.pdf', format: 'application/pdf' },
    { path: 'pdf/chromium-2-pages.pdf', format: 'application/pdf' },
    { path: 'images/jpeg-exif-orientation-6.jpg', format: 'image/jpeg' },
    { path: 'images/png-alpha.png', format: 'image/png' },
    { path: 'raster/gs-pwg-sgray8-300dpi.pwg', format: 'image/pwg-raster' },
    { path: 'raster/gs-urf-w8-150dpi.urf', format: 'image/urf' },
    { path: 'pdf/source/letter.ps', format: null },
    { path: 'pdf/source/page.html', format: null },
  ])('the first bytes of $path say $format', async ({ path, format }) => {
    const bytes = await fixture(path);
    expect(sniffFormat(bytes.subarray(0, 16))).toBe(format);
  });

  test('a PDF header after a little junk is still a PDF, as PDF readers accept it', () => {
    expect(sniffFormat(Buffer.from('\uFEFF\r\n%PDF-1.4\n'))).toBe('application/pdf');
  });

  test('too few bytes are no format', () => {
    expect(sniffFormat(Buffer.from([0xff, 0xd8]))).toBeNull();
    expect(sniffFormat(Buffer.alloc(0))).toBeNull();
  });
});

describe('resolveFormat', () => {
  test('supported magic bytes win over a contradicting declared type', async () => {
    const png = await fixture('images/png-alpha.png');
    expect(resolveFormat({ declaredFormat: 'application/pdf', firstBytes: png })).toBe('image/png');
  });

  test('bytes of no supported format are refused whatever was declared', async () => {
    const ps = await fixture('pdf/source/letter.ps');
    expect(() => resolveFormat({ declaredFormat: 'image/jpeg', firstBytes: ps })).toThrow(
      expect.objectContaining({ code: 'spool.format_unsupported', statusCode: 415 }),
    );
  });
});

describe('fitImageToMedia', () => {
  test('a wide picture goes on a landscape page inside the margins, centred', () => {
    const fit = fitImageToMedia({ widthPx: 4000, heightPx: 1000, media: 'iso_a4_210x297mm' });
    expect(fit.page.widthPt).toBeGreaterThan(fit.page.heightPt);
    expect(fit.x).toBeCloseTo(IMAGE_MARGIN_PT, 5);
    expect(fit.x + fit.width).toBeCloseTo(fit.page.widthPt - IMAGE_MARGIN_PT, 5);
    expect(fit.y * 2 + fit.height).toBeCloseTo(fit.page.heightPt, 5);
    expect(fit.width / fit.height).toBeCloseTo(4, 5);
  });

  test('a tall picture on Letter goes on a portrait Letter page', () => {
    const fit = fitImageToMedia({ widthPx: 300, heightPx: 400, media: 'na_letter_8.5x11in' });
    expect(fit.page).toEqual({ widthPt: 612, heightPt: 792 });
    expect(fit.width / fit.height).toBeCloseTo(0.75, 5);
    expect(Math.min(fit.x, fit.y)).toBeCloseTo(IMAGE_MARGIN_PT, 5);
  });
});
