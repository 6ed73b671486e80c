/**
 * Pure helpers and types of format normalisation: which formats we accept, how to recognise them
 * by their first bytes, page geometry. No I/O here, so the worker and the main thread share it.
 */
import { createFormatUnsupportedError } from './formats.errors.ts';

export const SUPPORTED_FORMATS = ['application/pdf', 'image/jpeg', 'image/png', 'image/pwg-raster', 'image/urf'] as const;
export type SupportedFormat = (typeof SUPPORTED_FORMATS)[number];

export type Media = 'iso_a4_210x297mm' | 'na_letter_8.5x11in';

export type NormalizeLimits = {
  /** Most bytes the source may have; enforced while reading. */
  maxBytes: number;
  /** Most pages the resulting PDF may have. */
  maxPages: number;
  /** Most pixels one image or raster page may have (width x height). */
  maxImagePixels: number;
  /** Longest time the worker may spend on one document before it is killed. */
  timeoutMs: number;
  /** JavaScript heap cap of the worker, in MB. */
  memoryMb: number;
};

/** Size of one page in PDF points (1/72 inch), as it will print. */
export type PageSize = { widthPt: number; heightPt: number };

export type NormalizedDocument = {
  /** The one PDF that is stored and printed (the original bytes when the source was a valid PDF). */
  pdf: Buffer;
  pages: number;
  /** The format the bytes really were (after sniffing), e.g. `image/pwg-raster`. */
  sourceFormat: SupportedFormat;
  /** Size of each page, rotation applied. */
  pageSizes: PageSize[];
};

/** Bytes needed to recognise every supported format. */
export const SNIFF_BYTES = 8;

/** The supported format these first bytes belong to, or null. Magic bytes only, no guessing. */
export function sniffFormat(firstBytes: Uint8Array): SupportedFormat | null {
  const b = Buffer.from(firstBytes.buffer, firstBytes.byteOffset, firstBytes.byteLength);
  if (b.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  // Many writers put junk (e.g. a BOM or a mail header) before %PDF-; PDF readers accept the marker
  // within the first KB, and so do we.
  if (b.subarray(0, 1024).indexOf('%PDF-', 0, 'latin1') >= 0) return 'application/pdf';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.subarray(0, 4).toString('latin1') === 'RaS2') return 'image/pwg-raster';
  if (b.length >= 8 && b.subarray(0, 8).toString('latin1') === 'UNIRAST\0') return 'image/urf';
  return null;
}

/**
 * The format to decode: the magic bytes win over the declared type (clients often send
 * application/octet-stream, or a wrong type); bytes that are none of ours are rejected whatever
 * was declared. A declared type that is none of ours is rejected too, unless it is octet-stream
 * and the bytes say otherwise.
 */
export function resolveFormat({ declaredFormat, firstBytes }: { declaredFormat?: string; firstBytes: Uint8Array }): SupportedFormat {
  const sniffed = sniffFormat(firstBytes);
  if (sniffed === null) {
    throw createFormatUnsupportedError({ details: { declaredFormat: declaredFormat ?? null } });
  }
  return sniffed;
}

const MM_TO_PT = 72 / 25.4;
const MEDIA_SIZES: Record<Media, PageSize> = {
  iso_a4_210x297mm: { widthPt: 210 * MM_TO_PT, heightPt: 297 * MM_TO_PT },
  'na_letter_8.5x11in': { widthPt: 8.5 * 72, heightPt: 11 * 72 },
};
/** Printers cannot print to the edge; 5 mm keeps a picture whole on every printer we know. */
export const IMAGE_MARGIN_PT = 5 * MM_TO_PT;

/**
 * Where an image of `widthPx` x `heightPx` goes: on the requested media, turned to landscape when
 * the image is wider than tall, scaled to fit inside the margins (up or down), centred.
 */
export function fitImageToMedia({ widthPx, heightPx, media }: { widthPx: number; heightPx: number; media: Media }) {
  const base = MEDIA_SIZES[media];
  const landscape = widthPx > heightPx;
  const page: PageSize = landscape ? { widthPt: base.heightPt, heightPt: base.widthPt } : { ...base };
  const scale = Math.min((page.widthPt - 2 * IMAGE_MARGIN_PT) / widthPx, (page.heightPt - 2 * IMAGE_MARGIN_PT) / heightPx);
  const drawWidth = widthPx * scale;
  const drawHeight = heightPx * scale;
  return {
    page,
    x: (page.widthPt - drawWidth) / 2,
    y: (page.heightPt - drawHeight) / 2,
    width: drawWidth,
    height: drawHeight,
  };
}
