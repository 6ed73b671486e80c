import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import { decodeRaster, type RasterPage } from '../../../src/spool/formats/raster.decoder.ts';
import { encodePwg, encodeUrf, type TestRasterPage } from './raster-writer.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../../fixtures/raster/${name}`, import.meta.url));
const limits = { maxPages: 50, maxImagePixels: 100_000_000 };

async function decodeAll(source: AsyncIterable<Uint8Array> | Buffer, format: 'image/pwg-raster' | 'image/urf', l = limits) {
  const stream = Buffer.isBuffer(source) ? (async function* () { yield source; })() : source;
  const pages: RasterPage[] = [];
  for await (const page of decodeRaster({ source: stream, format, limits: l })) pages.push(page);
  return pages;
}

/** The decoded page as 8-bit grey (255 = white), whatever its pixel format. */
function toGray(page: RasterPage): Buffer {
  if (page.pixelFormat === 'gray8') return page.pixels;
  const gray = Buffer.alloc(page.width * page.height);
  for (let y = 0; y < page.height; y++) {
    for (let x = 0; x < page.width; x++) {
      const at = y * page.bytesPerLine;
      let value: number;
      if (page.pixelFormat === 'black1') value = (page.pixels[at + (x >> 3)]! >> (7 - (x & 7))) & 1 ? 0 : 255;
      else if (page.pixelFormat === 'black8') value = 255 - page.pixels[at + x]!;
      else {
        const p = at + x * 3;
        value = Math.round(0.299 * page.pixels[p]! + 0.587 * page.pixels[p + 1]! + 0.114 * page.pixels[p + 2]!);
      }
      gray[y * page.width + x] = value;
    }
  }
  return gray;
}

/**
 * Mean absolute difference per sample (0-255) between a decoded page, scaled down, and
 * Ghostscript's own 50 dpi rendering of the same page: in colour for RGB pages, else in grey.
 */
async function meanAbsDiffToReference(page: RasterPage, pageNumber: number) {
  const colour = page.pixelFormat === 'rgb8';
  const referencePng = fixture(`reference-${colour ? 'rgb' : 'gray'}-50dpi-page${pageNumber}.png`);
  const reference = await sharp(referencePng)
    .toColourspace(colour ? 'srgb' : 'b-w')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const pixels = colour ? page.pixels : toGray(page);
  const scaled = await sharp(pixels, { raw: { width: page.width, height: page.height, channels: colour ? 3 : 1 } })
    .resize(reference.info.width, reference.info.height, { fit: 'fill', kernel: 'lanczos3' })
    .toColourspace(colour ? 'srgb' : 'b-w')
    .raw()
    .toBuffer();
  expect(scaled.length).toBe(reference.data.length);
  let sum = 0;
  for (let i = 0; i < scaled.length; i++) sum += Math.abs(scaled[i]! - reference.data[i]!);
  return sum / scaled.length;
}

/** Mean absolute difference in grey levels (0-255) allowed against Ghostscript's rendering. */
const tolerance = { gray8: 6, rgb8: 6, black1: 10, black8: 6 } as const;

describe('Ghostscript-made rasters', () => {
  const cases = [
    { file: 'gs-pwg-sgray8-300dpi.pwg', format: 'image/pwg-raster', pixelFormat: 'gray8', dpi: 300 },
    { file: 'gs-pwg-srgb8-150dpi.pwg', format: 'image/pwg-raster', pixelFormat: 'rgb8', dpi: 150 },
    { file: 'gs-pwg-black1-300dpi.pwg', format: 'image/pwg-raster', pixelFormat: 'black1', dpi: 300 },
    { file: 'gs-urf-w8-150dpi.urf', format: 'image/urf', pixelFormat: 'gray8', dpi: 150 },
    { file: 'gs-urf-srgb24-150dpi.urf', format: 'image/urf', pixelFormat: 'rgb8', dpi: 150 },
  ] as const;

  test.each(cases)('$file decodes to two A4 pages that look like Ghostscript\'s own rendering', async ({ file, format, pixelFormat, dpi }) => {
    const pages = await decodeAll(createReadStream(fixture(file), { highWaterMark: 4096 }), format);
    expect(pages.map((page) => page.number)).toEqual([1, 2]);
    for (const page of pages) {
      expect(page.pixelFormat).toBe(pixelFormat);
      expect(page.xDpi).toBe(dpi);
      // A4 is 8.27 x 11.69 in; Ghostscript rounds to whole pixels.
      expect(Math.abs(page.width / dpi - 8.27)).toBeLessThan(0.02);
      expect(Math.abs(page.height / dpi - 11.69)).toBeLessThan(0.02);
      const diff = await meanAbsDiffToReference(page, page.number);
      // Same source, so only resampling (and halftoning for 1-bit) makes a difference.
      expect(diff).toBeLessThan(tolerance[pixelFormat]);
    }
  });

  test('the two pages of a Ghostscript raster are told apart by the comparison', async () => {
    const [page1] = await decodeAll(createReadStream(fixture('gs-urf-w8-150dpi.urf')), 'image/urf');
    const same = await meanAbsDiffToReference(page1!, 1);
    const other = await meanAbsDiffToReference(page1!, 2);
    expect(other).toBeGreaterThan(same * 2);
  });
});

function gradientPage(overrides: Partial<TestRasterPage> = {}): TestRasterPage & { lines: Buffer[] } {
  const width = 37;
  const height = 300;
  const colorSpace = overrides.colorSpace ?? 18;
  const bitsPerPixel = overrides.bitsPerPixel ?? 8;
  const bytes = bitsPerPixel === 1 ? Math.ceil(width / 8) : width * (bitsPerPixel / 8);
  // Blocks of identical lines (line repeats), runs, literals, and white tails (fill code).
  const lines = Array.from({ length: height }, (_, y) => {
    const line = Buffer.alloc(bytes, colorSpace === 3 ? 0x00 : 0xff);
    const band = Math.floor(y / 40);
    for (let i = 0; i < bytes - 5; i++) line[i] = band % 2 === 0 ? (i * 7 + band) & 0xff : 0x40;
    return line;
  });
  return { width, height, dpi: 100, colorSpace, bitsPerPixel, line: (y) => lines[y]!, lines, ...overrides };
}

describe('run-length decoding', () => {
  test.each([
    { name: 'sGray 8', colorSpace: 18, bitsPerPixel: 8 as const, pixelFormat: 'gray8' },
    { name: 'sRGB 24', colorSpace: 19, bitsPerPixel: 24 as const, pixelFormat: 'rgb8' },
    { name: 'black 1', colorSpace: 3, bitsPerPixel: 1 as const, pixelFormat: 'black1' },
    { name: 'black 8', colorSpace: 3, bitsPerPixel: 8 as const, pixelFormat: 'black8' },
  ])('PWG $name pages with repeats, runs, literals and fill codes decode to the exact pixels', async ({ colorSpace, bitsPerPixel, pixelFormat }) => {
    const page = gradientPage({ colorSpace, bitsPerPixel });
    for (const fillCode of [false, true]) {
      const [decoded] = await decodeAll(encodePwg([page], { fillCode }), 'image/pwg-raster');
      expect(decoded!.pixelFormat).toBe(pixelFormat);
      expect(decoded!.pixels.equals(Buffer.concat(page.lines))).toBe(true);
    }
  });

  test('URF pages with fill-to-end-of-line codes decode to the exact pixels', async () => {
    const gray = gradientPage({ colorSpace: 18, bitsPerPixel: 8 });
    const rgb = gradientPage({ colorSpace: 19, bitsPerPixel: 24 });
    const pages = await decodeAll(encodeUrf([gray, rgb], { fillCode: true }), 'image/urf');
    expect(pages.map((p) => p.pixelFormat)).toEqual(['gray8', 'rgb8']);
    expect(pages[0]!.pixels.equals(Buffer.concat(gray.lines))).toBe(true);
    expect(pages[1]!.pixels.equals(Buffer.concat(rgb.lines))).toBe(true);
  });

  test('pages come out one by one while the rest of the stream has not arrived', async () => {
    const job = encodePwg([gradientPage(), gradientPage()]);
    const secondPageAt = 4 + 1796 + encodePwg([gradientPage()]).length - 4;
    let releaseRest!: () => void;
    const restAllowed = new Promise<void>((resolve) => (releaseRest = resolve));
    const source = (async function* () {
      yield job.subarray(0, secondPageAt);
      await restAllowed;
      yield job.subarray(secondPageAt);
    })();
    const seen: number[] = [];
    for await (const page of decodeRaster({ source, format: 'image/pwg-raster', limits })) {
      seen.push(page.number);
      if (page.number === 1) releaseRest();
    }
    expect(seen).toEqual([1, 2]);
  });
});

describe('broken and hostile rasters', () => {
  test('a stream cut in the middle of a page is damaged', async () => {
    const job = encodePwg([gradientPage()]);
    await expect(decodeAll(job.subarray(0, job.length - 20), 'image/pwg-raster')).rejects.toMatchObject({ code: 'spool.pdf_damaged' });
  });

  test('a stream with a file header and no page is damaged', async () => {
    await expect(decodeAll(Buffer.from('RaS2'), 'image/pwg-raster')).rejects.toMatchObject({ code: 'spool.pdf_damaged' });
  });

  test('a colour space we cannot print (CMYK) is unsupported', async () => {
    const job = encodePwg([gradientPage({ colorSpace: 6, bitsPerPixel: 24 })]);
    await expect(decodeAll(job, 'image/pwg-raster')).rejects.toMatchObject({ code: 'spool.format_unsupported' });
  });

  test('a page header claiming a gigantic page is refused before any pixel is allocated', async () => {
    const header = encodePwg([{ ...gradientPage(), width: 200_000, height: 200_000, line: () => Buffer.alloc(0) }]).subarray(0, 4 + 1796);
    await expect(decodeAll(header, 'image/pwg-raster')).rejects.toMatchObject({ code: 'spool.image_too_large' });
  });

  test('more pages than the limit are refused', async () => {
    const job = encodeUrf([gradientPage(), gradientPage(), gradientPage()]);
    await expect(decodeAll(job, 'image/urf', { ...limits, maxPages: 2 })).rejects.toMatchObject({ code: 'spool.too_many_pages' });
  });

  test('a run that would write past the end of its line is damaged, not a buffer overrun', async () => {
    const job = encodePwg([gradientPage({ height: 1 })]);
    // First code of the only line: a run of 128 pixels on a 37-pixel line.
    job[4 + 1796 + 1] = 127;
    await expect(decodeAll(job, 'image/pwg-raster')).rejects.toMatchObject({ code: 'spool.pdf_damaged' });
  });
});
