import type { RasterPage } from './render-pdf.ts';
import { encodePageLines } from './rle.ts';

/**
 * Apple raster (URF), as libcups writes and reads it (CUPS_RASTER_WRITE_APPLE): the file header
 * "UNIRAST\0" + the page count (uint32 BE), then per page a 32-byte header and the lines in the
 * same run-length scheme as PWG raster (rle.ts). URF knows 8-bit gray and 24-bit sRGB here
 * (`urf-supported` W8 / SRGB24); it has no 1-bit type.
 */

export const URF_SYNC = Buffer.from('UNIRAST\0', 'latin1');
export const URF_PAGE_HEADER_BYTES = 32;

export type UrfType = 'W8' | 'SRGB24';

export function urfFileHeader(pageCount: number): Buffer {
  const count = Buffer.alloc(4);
  count.writeUInt32BE(pageCount, 0);
  return Buffer.concat([URF_SYNC, count]);
}

export function urfPageHeader({ type, width, height, dpi, sides }: { type: UrfType; width: number; height: number; dpi: number; sides: string }): Buffer {
  const h = Buffer.alloc(URF_PAGE_HEADER_BYTES);
  h.writeUInt8(type === 'W8' ? 8 : 24, 0); // bits per pixel
  h.writeUInt8(type === 'W8' ? 0 : 1, 1); // colour space: 0 = sGray, 1 = sRGB
  h.writeUInt8(sides === 'one-sided' ? 1 : sides === 'two-sided-short-edge' ? 2 : 3, 2); // duplex: 1 none, 2 short, 3 long
  h.writeUInt8(0, 3); // quality: printer default
  h.writeUInt32BE(width, 12);
  h.writeUInt32BE(height, 16);
  h.writeUInt32BE(dpi, 20);
  return h;
}

export function encodeUrfPage(page: RasterPage, { type, dpi, sides }: { type: UrfType; dpi: number; sides: string }): Buffer {
  const bpp = type === 'W8' ? 1 : 3;
  const body = encodePageLines({ data: page.data, height: page.height, bytesPerLine: page.width * bpp, bytesPerPixel: bpp });
  return Buffer.concat([urfPageHeader({ type, width: page.width, height: page.height, dpi, sides }), body]);
}
