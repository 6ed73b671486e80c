import type { RasterPage } from './render-pdf.ts';
import { encodePageLines } from './rle.ts';

/**
 * PWG Raster (PWG 5102.4-2012): "RaS2" sync word, then per page a 1796-byte big-endian header
 * followed by the run-length encoded lines (see rle.ts).
 */

export const PWG_SYNC = Buffer.from('RaS2', 'ascii');
export const PWG_HEADER_BYTES = 1796;

/** `pwg-raster-document-type-supported` keywords Druckpunkt can produce. */
export type PwgRasterType = 'black_1' | 'sgray_8' | 'srgb_8';

const COLOR_SPACE = { black_1: 3 /* K */, sgray_8: 18 /* sGray */, srgb_8: 19 /* sRGB */ } as const;

export type PwgPageHeaderArgs = {
  type: PwgRasterType;
  width: number;
  height: number;
  dpi: number;
  /** Page size in points (1/72 in), as PWG wants it. */
  pageSizePoints: [number, number];
  /** Duplex: 'one-sided' | 'two-sided-long-edge' | 'two-sided-short-edge'. */
  sides: string;
  /** Number of pages in the whole stream (0 = unknown). */
  totalPageCount: number;
  /** PWG media name, e.g. iso_a4_210x297mm. */
  pageSizeName: string;
};

export function bitsPerPixel(type: PwgRasterType): number {
  return type === 'black_1' ? 1 : type === 'sgray_8' ? 8 : 24;
}

export function bytesPerLine(type: PwgRasterType, width: number): number {
  return type === 'black_1' ? Math.ceil(width / 8) : (width * bitsPerPixel(type)) / 8;
}

function writeCString(header: Buffer, offset: number, value: string): void {
  header.write(value.slice(0, 63), offset, 'ascii');
}

export function pwgPageHeader(args: PwgPageHeaderArgs): Buffer {
  const h = Buffer.alloc(PWG_HEADER_BYTES);
  const u32 = (offset: number, value: number) => h.writeUInt32BE(value >>> 0, offset);
  writeCString(h, 0, 'PwgRaster'); // MediaClass
  u32(272, args.sides === 'one-sided' ? 0 : 1); // Duplex
  u32(276, args.dpi); // HWResolution x
  u32(280, args.dpi); // HWResolution y
  u32(340, 1); // NumCopies (copies travel as the IPP attribute)
  u32(352, Math.round(args.pageSizePoints[0])); // PageSize
  u32(356, Math.round(args.pageSizePoints[1]));
  u32(368, args.sides === 'two-sided-short-edge' ? 1 : 0); // Tumble
  u32(372, args.width);
  u32(376, args.height);
  u32(384, args.type === 'black_1' ? 1 : 8); // BitsPerColor
  u32(388, bitsPerPixel(args.type));
  u32(392, bytesPerLine(args.type, args.width));
  u32(396, 0); // ColorOrder: chunky
  u32(400, COLOR_SPACE[args.type]);
  u32(420, args.type === 'srgb_8' ? 3 : 1); // NumColors
  u32(452, args.totalPageCount);
  u32(456, 1); // CrossFeedTransform
  u32(460, 1); // FeedTransform
  u32(464, 0); // ImageBox: the whole page
  u32(468, 0);
  u32(472, args.width);
  u32(476, args.height);
  writeCString(h, 1732, args.pageSizeName); // PageSizeName
  return h;
}

/** One page: header + compressed lines. `page.data` must already be in `type`'s pixel layout. */
export function encodePwgPage(page: RasterPage, header: Omit<PwgPageHeaderArgs, 'width' | 'height' | 'type'> & { type: PwgRasterType }): Buffer {
  const head = pwgPageHeader({ ...header, width: page.width, height: page.height });
  const body = encodePageLines({
    data: page.data,
    height: page.height,
    bytesPerLine: bytesPerLine(header.type, page.width),
    bytesPerPixel: header.type === 'srgb_8' ? 3 : 1,
  });
  return Buffer.concat([head, body]);
}
