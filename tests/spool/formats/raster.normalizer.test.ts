import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { normalizeRaster } from '../../../src/spool/formats/raster.normalizer.ts';
import { encodeUrf } from './raster-writer.ts';

const limits = { maxPages: 10, maxImagePixels: 100_000_000 };
const fixture = (name: string) => fileURLToPath(new URL(`../../../fixtures/raster/${name}`, import.meta.url));

async function* once(buffer: Buffer) {
  yield buffer;
}

describe('choice of page compression', () => {
  test('text pages stay lossless: Flate for grey and colour, packed 1-bit for black', async () => {
    const grey = await normalizeRaster({ source: createReadStream(fixture('gs-urf-w8-150dpi.urf')), format: 'image/urf', limits });
    expect(grey.encodings).toEqual(['flate', 'flate']);
    const black = await normalizeRaster({ source: createReadStream(fixture('gs-pwg-black1-300dpi.pwg')), format: 'image/pwg-raster', limits });
    expect(black.encodings).toEqual(['flate-1bit', 'flate-1bit']);
    // Two 300 dpi A4 pages of 1-bit text fit in a few tens of kB.
    expect(black.pdf.length).toBeLessThan(100_000);
  });

  test('a photo-like page (noise) goes JPEG, which is far smaller there', async () => {
    let seed = 7;
    const noise = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 23;
    const width = 600;
    const height = 400;
    const lines = Array.from({ length: height }, (_, y) =>
      Buffer.from(Array.from({ length: width * 3 }, (_, i) => (((i / 3) | 0) + y + noise()) & 0xff)),
    );
    const job = encodeUrf([{ width, height, dpi: 100, colorSpace: 19, bitsPerPixel: 24, line: (y) => lines[y]! }]);
    const result = await normalizeRaster({ source: once(job), format: 'image/urf', limits });
    expect(result.encodings).toEqual(['jpeg']);
    expect(result.pdf.length).toBeLessThan(width * height * 3 * 0.5);
    expect(result.pageSizes[0]).toEqual({ widthPt: 432, heightPt: 288 });
  });
});
