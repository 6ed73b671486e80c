/**
 * The run-length scheme shared by PWG raster (PWG 5102.4 §4.3) and Apple raster (URF):
 *
 *   line     = repeat-byte (line is used repeat-byte + 1 times) pixel-groups…
 *   group    = 0…127  then 1 pixel      → that pixel repeated (byte + 1) times
 *            | 129…255 then N pixels    → N = 257 - byte literal pixels (2…128)
 *
 * A "pixel" is `bytesPerPixel` bytes; for 1-bit black the unit is one byte (8 dots). The byte 128
 * ("blank to end of line") is valid for decoders but never produced here. A single pixel has to be
 * written as a run of one (0, pixel) because a literal of one does not exist.
 */

/** Appends the encoded pixel groups of one line to `out` at `offset`; returns the new offset. */
export function encodeLinePixels(line: Uint8Array, bytesPerPixel: number, out: Uint8Array, offset: number): number {
  const pixels = line.length / bytesPerPixel;
  let o = offset;
  let i = 0;
  const same = (a: number, b: number) => {
    const pa = a * bytesPerPixel;
    const pb = b * bytesPerPixel;
    for (let k = 0; k < bytesPerPixel; k++) if (line[pa + k] !== line[pb + k]) return false;
    return true;
  };
  const copyPixels = (from: number, count: number) => {
    out.set(line.subarray(from * bytesPerPixel, (from + count) * bytesPerPixel), o);
    o += count * bytesPerPixel;
  };
  while (i < pixels) {
    let run = 1;
    while (i + run < pixels && run < 128 && same(i, i + run)) run++;
    if (run >= 2 || i + 1 >= pixels) {
      out[o++] = run - 1;
      copyPixels(i, 1);
      i += run;
      continue;
    }
    // Literal: collect pixels until the next run of two starts (or 128 are gathered).
    const start = i;
    let count = 0;
    while (i < pixels && count < 128) {
      if (i + 1 < pixels && same(i, i + 1)) break;
      i++;
      count++;
    }
    if (count === 1) {
      out[o++] = 0;
      copyPixels(start, 1);
    } else {
      out[o++] = 257 - count;
      copyPixels(start, count);
    }
  }
  return o;
}

/** Worst-case encoded size of one line (every pixel a run of one), plus the line-repeat byte. */
export function maxEncodedLineBytes(bytesPerLine: number, bytesPerPixel: number): number {
  return 1 + bytesPerLine + bytesPerLine / bytesPerPixel;
}

/**
 * Encodes a whole page (rows of `bytesPerLine` bytes, top to bottom) with identical consecutive
 * lines folded into the line-repeat byte (≤ 256 per group).
 */
export function encodePageLines({
  data,
  height,
  bytesPerLine,
  bytesPerPixel,
}: {
  data: Uint8Array;
  height: number;
  bytesPerLine: number;
  bytesPerPixel: number;
}): Buffer {
  const chunks: Buffer[] = [];
  const scratch = new Uint8Array(maxEncodedLineBytes(bytesPerLine, bytesPerPixel));
  let y = 0;
  while (y < height) {
    const line = data.subarray(y * bytesPerLine, (y + 1) * bytesPerLine);
    let repeat = 1;
    while (y + repeat < height && repeat < 256) {
      const next = data.subarray((y + repeat) * bytesPerLine, (y + repeat + 1) * bytesPerLine);
      if (Buffer.compare(line, next) !== 0) break;
      repeat++;
    }
    scratch[0] = repeat - 1;
    const end = encodeLinePixels(line, bytesPerPixel, scratch, 1);
    chunks.push(Buffer.from(scratch.subarray(0, end)));
    y += repeat;
  }
  return Buffer.concat(chunks);
}
