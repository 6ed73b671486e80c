import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { encodePageLines } from '../../../../src/release/printers/raster/rle.ts';

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));

/** The decoder as PWG 5102.4 §4.3 describes it, written from the spec text for this test. */
function decode(encoded: Uint8Array, { height, bytesPerLine, bytesPerPixel }: { height: number; bytesPerLine: number; bytesPerPixel: number }): Uint8Array {
  const out = new Uint8Array(height * bytesPerLine);
  let i = 0;
  let y = 0;
  while (y < height) {
    const repeat = encoded[i++]! + 1;
    const line = new Uint8Array(bytesPerLine);
    let x = 0;
    while (x < bytesPerLine) {
      const c = encoded[i++]!;
      if (c === 128) {
        line.fill(0xff, x);
        x = bytesPerLine;
      } else if (c < 128) {
        const pixel = encoded.subarray(i, i + bytesPerPixel);
        i += bytesPerPixel;
        for (let k = 0; k <= c; k++, x += bytesPerPixel) line.set(pixel, x);
      } else {
        const n = (257 - c) * bytesPerPixel;
        line.set(encoded.subarray(i, i + n), x);
        i += n;
        x += n;
      }
    }
    if (x !== bytesPerLine) throw new Error('line overrun');
    for (let r = 0; r < repeat; r++) out.set(line, (y + r) * bytesPerLine);
    y += repeat;
  }
  if (i !== encoded.length) throw new Error('trailing bytes');
  return out;
}

describe('raster run-length encoding', () => {
  test('any page decodes back to exactly its pixels', () => {
    const page = fc
      .record({ width: fc.integer({ min: 1, max: 300 }), height: fc.integer({ min: 1, max: 12 }), bytesPerPixel: fc.constantFrom(1, 3) })
      .chain(({ width, height, bytesPerPixel }) =>
        fc.record({
          width: fc.constant(width),
          height: fc.constant(height),
          bytesPerPixel: fc.constant(bytesPerPixel),
          // Few distinct values so runs, literals and repeated lines all occur.
          data: fc.uint8Array({ minLength: width * height * bytesPerPixel, maxLength: width * height * bytesPerPixel }).map((d) => d.map((v) => (v % 3) * 127)),
          copyLines: fc.boolean(),
        }),
      );
    fc.assert(
      fc.property(page, ({ width, height, bytesPerPixel, data, copyLines }) => {
        const bytesPerLine = width * bytesPerPixel;
        if (copyLines) for (let y = 1; y < height; y += 2) data.copyWithin(y * bytesPerLine, (y - 1) * bytesPerLine, y * bytesPerLine);
        const encoded = encodePageLines({ data, height, bytesPerLine, bytesPerPixel });
        expect(same(decode(encoded, { height, bytesPerLine, bytesPerPixel }), data)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test('a blank page of 3508 lines shrinks to a few bytes per 256 lines', () => {
    const width = 2480;
    const height = 3508;
    const data = new Uint8Array(width * height).fill(0xff);
    const encoded = encodePageLines({ data, height, bytesPerLine: width, bytesPerPixel: 1 });
    // 14 line groups (13 × 256 + 180), each: repeat byte + 20 runs of 128 (+1 of 48) × 2 bytes.
    expect(encoded.length).toBeLessThan(14 * 50);
    expect(same(decode(encoded, { height, bytesPerLine: width, bytesPerPixel: 1 }), data)).toBe(true);
  });

  test('runs longer than 128 pixels and literals longer than 128 pixels are split', () => {
    const width = 400;
    const line = new Uint8Array(width);
    for (let x = 0; x < 200; x++) line[x] = x % 2 ? 10 : 20; // 200 literal pixels
    line.fill(7, 200); // 200 repeated pixels
    const encoded = encodePageLines({ data: line, height: 1, bytesPerLine: width, bytesPerPixel: 1 });
    expect(same(decode(encoded, { height: 1, bytesPerLine: width, bytesPerPixel: 1 }), line)).toBe(true);
    expect(encoded[1]).toBe(257 - 128);
  });
});
