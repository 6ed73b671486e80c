/**
 * Test helper: writes PWG raster and Apple URF streams with the same run-length encoding real
 * writers use (CUPS's cups_raster_write), so tests can build edge cases the Ghostscript fixtures
 * do not contain: fill-to-end-of-line codes, long line repeats, hostile headers, truncation.
 */
export type TestRasterPage = {
  width: number;
  height: number;
  dpi: number;
  /** CUPS colour space (PWG) and bits per pixel: 18/8 sGray, 19/24 sRGB, 3/1 black, 3/8 black 8. */
  colorSpace: number;
  bitsPerPixel: 1 | 8 | 24;
  /** height x bytesPerLine bytes, or a function giving line y (for pages too big to hold). */
  line: (y: number) => Uint8Array;
};

function bytesPerLine(page: TestRasterPage) {
  return page.bitsPerPixel === 1 ? Math.ceil(page.width / 8) : page.width * (page.bitsPerPixel / 8);
}

function encodeLine(line: Uint8Array, bpp: number, white: number | null): number[] {
  const out: number[] = [];
  const count = line.length / bpp;
  const same = (a: number, b: number) => {
    for (let k = 0; k < bpp; k++) if (line[a * bpp + k] !== line[b * bpp + k]) return false;
    return true;
  };
  let i = 0;
  while (i < count) {
    if (white !== null && line.subarray(i * bpp).every((byte) => byte === white)) {
      out.push(128);
      break;
    }
    let run = 1;
    while (i + run < count && run < 128 && same(i, i + run)) run++;
    if (run > 1 || i + 1 === count) {
      out.push(run - 1, ...line.subarray(i * bpp, (i + 1) * bpp));
      i += run;
      continue;
    }
    let literal = 1;
    while (i + literal < count && literal < 128 && !(i + literal + 1 < count && same(i + literal, i + literal + 1))) literal++;
    out.push(257 - literal, ...line.subarray(i * bpp, (i + literal) * bpp));
    i += literal;
  }
  return out;
}

function encodePageData(page: TestRasterPage, { fillCode }: { fillCode: boolean }): Buffer {
  const bpp = page.bitsPerPixel === 24 ? 3 : 1;
  const white = fillCode ? (page.colorSpace === 3 ? 0x00 : 0xff) : null;
  const parts: Buffer[] = [];
  let y = 0;
  while (y < page.height) {
    const line = page.line(y);
    let repeat = 0;
    while (repeat < 255 && y + repeat + 1 < page.height && Buffer.compare(page.line(y + repeat + 1), line) === 0) repeat++;
    parts.push(Buffer.from([repeat, ...encodeLine(line, bpp, white)]));
    y += repeat + 1;
  }
  return Buffer.concat(parts);
}

export function encodePwg(pages: TestRasterPage[], { fillCode = false } = {}): Buffer {
  const parts: Buffer[] = [Buffer.from('RaS2', 'latin1')];
  for (const page of pages) {
    const h = Buffer.alloc(1796);
    h.write('PwgRaster', 0, 'latin1');
    h.writeUInt32BE(page.dpi, 276);
    h.writeUInt32BE(page.dpi, 280);
    h.writeUInt32BE(Math.round((page.width / page.dpi) * 72), 352);
    h.writeUInt32BE(Math.round((page.height / page.dpi) * 72), 356);
    h.writeUInt32BE(page.width, 372);
    h.writeUInt32BE(page.height, 376);
    h.writeUInt32BE(page.bitsPerPixel === 1 ? 1 : 8, 384);
    h.writeUInt32BE(page.bitsPerPixel, 388);
    h.writeUInt32BE(bytesPerLine(page), 392);
    h.writeUInt32BE(0, 396);
    h.writeUInt32BE(page.colorSpace, 400);
    h.writeUInt32BE(page.bitsPerPixel === 24 ? 3 : 1, 420);
    parts.push(h, encodePageData(page, { fillCode }));
  }
  return Buffer.concat(parts);
}

/** URF colour space is derived from the PWG one: 19 -> 1 (sRGB), anything else -> 0 (sGray). */
export function encodeUrf(pages: TestRasterPage[], { fillCode = false } = {}): Buffer {
  const file = Buffer.alloc(12);
  file.write('UNIRAST\0', 0, 'latin1');
  file.writeUInt32BE(pages.length, 8);
  const parts: Buffer[] = [file];
  for (const page of pages) {
    const h = Buffer.alloc(32);
    h.writeUInt8(page.bitsPerPixel, 0);
    h.writeUInt8(page.colorSpace === 19 ? 1 : 0, 1);
    h.writeUInt8(1, 2);
    h.writeUInt32BE(page.width, 12);
    h.writeUInt32BE(page.height, 16);
    h.writeUInt32BE(page.dpi, 20);
    parts.push(h, encodePageData(page, { fillCode }));
  }
  return Buffer.concat(parts);
}
