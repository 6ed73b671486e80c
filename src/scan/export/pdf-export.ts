import { deflateSync } from 'node:zlib';
import {
  PDFDocument,
  concatTransformationMatrix,
  drawObject,
  popGraphicsState,
  pushGraphicsState,
  type PDFPage,
} from 'pdf-lib';
import sharp from 'sharp';
import type { Clock } from '../../shared/clock.ts';
import type { OutputMode } from '../pipeline/page-pipeline.ts';
import { createScanBudgetTooSmallError, createScanImageInvalidError } from '../scan.errors.ts';
import { findSmallestTextRegion } from './legibility.ts';

/** A processed page (from `processPage`) to put into the PDF. */
export type ExportPage = { image: Buffer; dpi: number; mode: OutputMode };

/** One rung of the quality ladder. */
export type ExportSettings = {
  /** Short id for logs and the UI ("grey 200 dpi q75"). */
  name: string;
  /** Highest resolution pages are stored at (never upsampled). */
  dpi: number;
  /** `jpeg`: mozjpeg at `quality`; `bilevel`: 1-bit, Flate-compressed (text stays crisp, tiny). */
  encoding: 'jpeg' | 'bilevel';
  quality: number;
  /** Whether colour pages keep their colour at this rung (otherwise grey). */
  keepColor: boolean;
};

/** Tried in this order until the file fits; the first that fits is the best quality that fits. */
export const EXPORT_LADDER: ExportSettings[] = [
  { name: 'jpeg-200dpi-q75', dpi: 200, encoding: 'jpeg', quality: 75, keepColor: true },
  { name: 'jpeg-200dpi-q60', dpi: 200, encoding: 'jpeg', quality: 60, keepColor: true },
  { name: 'jpeg-150dpi-q60', dpi: 150, encoding: 'jpeg', quality: 60, keepColor: true },
  { name: 'jpeg-150dpi-q45-grey', dpi: 150, encoding: 'jpeg', quality: 45, keepColor: false },
  { name: 'bilevel-200dpi', dpi: 200, encoding: 'bilevel', quality: 40, keepColor: false },
  { name: 'bilevel-150dpi', dpi: 150, encoding: 'bilevel', quality: 35, keepColor: false },
  // Last resort: ever lower resolutions. Only a tiny budget with many pages gets here.
  ...[120, 100, 75, 60, 50, 40, 30, 20].map((dpi) => ({
    name: `bilevel-${dpi}dpi`,
    dpi,
    encoding: 'bilevel' as const,
    quality: 30,
    keepColor: false,
  })),
];

export type ExportPdfArgs = {
  pages: ExportPage[];
  /** The budget the citizen picked ("passt für 2 / 5 / 10 MB"), in bytes. */
  targetBytes: number;
  /** For the PDF's dates, which are kept to the day (see below). */
  clock: Clock;
  ladder?: ExportSettings[];
  /**
   * Bytes kept free inside the budget for what is added later, e.g. the OCR text layer
   * (~2–6 KB per page), so the searchable PDF still fits. Default 0.
   */
  reserveBytes?: number;
};

/** Where a page's image sits on its PDF page, in points from the bottom-left corner. */
export type PagePlacement = { x: number; y: number; width: number; height: number };

export type ExportPdfResult = {
  pdf: Buffer;
  /** One per page, for the OCR text layer (`addTextLayer`). */
  placements: PagePlacement[];
  bytes: number;
  settingsUsed: ExportSettings;
  /**
   * A 100 % crop (one stored pixel per screen pixel) of the region with the smallest text, taken
   * from the page as stored in the PDF, so the citizen can judge whether it is still legible.
   */
  legibility: { pageIndex: number; image: Buffer; box: { left: number; top: number; width: number; height: number } } | null;
};

const A4 = { width: 595.28, height: 841.89 }; // points
/** Pages encoded at the same time (a station PC has two cores). */
const ENCODE_AT_ONCE = 2;
const PT_PER_INCH = 72;

type Encoded =
  | { kind: 'jpeg'; bytes: Buffer; widthPx: number; heightPx: number; dpi: number }
  | { kind: 'bilevel'; bytes: Buffer; widthPx: number; heightPx: number; dpi: number };

async function encodePage(page: ExportPage, settings: ExportSettings, { fast }: { fast: boolean }): Promise<Encoded> {
  const meta = await sharp(page.image).metadata();
  if (!meta.width || !meta.height) throw createScanImageInvalidError();
  const dpi = Math.min(page.dpi, settings.dpi);
  const widthPx = Math.max(1, Math.round((meta.width * dpi) / page.dpi));
  const heightPx = Math.max(1, Math.round((meta.height * dpi) / page.dpi));
  const resized =
    widthPx === meta.width && heightPx === meta.height
      ? sharp(page.image).removeAlpha()
      : sharp(page.image).removeAlpha().resize(widthPx, heightPx, { fit: 'fill', kernel: 'lanczos3' });
  const color = page.mode === 'color' && settings.keepColor;
  if (settings.encoding === 'jpeg' || page.mode === 'color') {
    // Colour pages (ID cards, photos) are never made 1-bit: they would turn into black blobs.
    const quality = settings.quality;
    const bytes = await (color ? resized.toColourspace('srgb') : resized.toColourspace('b-w'))
      // mozjpeg's quantisation table 2 (tuned for MS-SSIM) instead of its default 3: on whitened
      // text pages the same size for the same quality number, at ~0.5 dB higher PSNR.
      .jpeg({ quality, chromaSubsampling: '4:2:0', ...(fast ? {} : { mozjpeg: true, quantisationTable: 2 }) })
      .toBuffer();
    return { kind: 'jpeg', bytes, widthPx, heightPx, dpi };
  }
  const { data } = await resized.toColourspace('b-w').extractChannel(0).threshold(160).raw().toBuffer({ resolveWithObject: true });
  // DeviceGray, 1 bit per pixel, rows padded to whole bytes; 1 = white.
  const rowBytes = Math.ceil(widthPx / 8);
  const packed = Buffer.alloc(rowBytes * heightPx);
  for (let y = 0; y < heightPx; y++) {
    for (let x = 0; x < widthPx; x++) {
      if (data[y * widthPx + x]! >= 128) packed[y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  return { kind: 'bilevel', bytes: deflateSync(packed, { level: 9 }), widthPx, heightPx, dpi };
}

function placeOnPage(doc: PDFDocument, encoded: Encoded): { page: PDFPage; width: number; height: number; x: number; y: number } {
  // The image at its physical size on an A4 sheet (landscape for landscape images); an image
  // larger than A4 (legal paper, a big photo) is scaled down to fit rather than cut off.
  let width = (encoded.widthPx / encoded.dpi) * PT_PER_INCH;
  let height = (encoded.heightPx / encoded.dpi) * PT_PER_INCH;
  const landscape = width > height;
  const pw = landscape ? A4.height : A4.width;
  const ph = landscape ? A4.width : A4.height;
  const fit = Math.min(1, pw / width, ph / height);
  // Up to 1 % oversize is rounding of a cropped A4 page: keep real size and let it touch the edge.
  const scale = fit > 0.99 ? 1 : fit;
  width *= scale;
  height *= scale;
  const page = doc.addPage([pw, ph]);
  return { page, width, height, x: (pw - width) / 2, y: (ph - height) / 2 };
}

/** The day (UTC midnight) of `now`: a scan's PDF says which day, never the minute it was made. */
function dayOf(clock: Clock): Date {
  const d = clock.date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

async function buildPdf(encoded: Encoded[], clock: Clock): Promise<{ pdf: Buffer; placements: PagePlacement[] }> {
  const placements: PagePlacement[] = [];
  // updateMetadata: false keeps pdf-lib from stamping its own producer and the exact time.
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setProducer('Druckpunkt');
  doc.setCreator('Druckpunkt');
  doc.setCreationDate(dayOf(clock));
  doc.setModificationDate(dayOf(clock));
  for (const img of encoded) {
    const { page, width, height, x, y } = placeOnPage(doc, img);
    placements.push({ x, y, width, height });
    if (img.kind === 'jpeg') {
      const embedded = await doc.embedJpg(img.bytes);
      page.drawImage(embedded, { x, y, width, height });
    } else {
      // The data is deflated already (level 9), so it is stored as is with its filter named.
      const ref = doc.context.register(
        doc.context.stream(img.bytes, {
          Type: 'XObject',
          Subtype: 'Image',
          Width: img.widthPx,
          Height: img.heightPx,
          ColorSpace: 'DeviceGray',
          BitsPerComponent: 1,
          Filter: 'FlateDecode',
        }),
      );
      const name = page.node.newXObject('Im', ref);
      page.pushOperators(pushGraphicsState(), concatTransformationMatrix(width, 0, 0, height, x, y), drawObject(name), popGraphicsState());
    }
  }
  return { pdf: Buffer.from(await doc.save({ useObjectStreams: true })), placements };
}

async function decodeStored(encoded: Encoded): Promise<Buffer> {
  if (encoded.kind === 'jpeg') return await sharp(encoded.bytes).png().toBuffer();
  const { inflateSync } = await import('node:zlib');
  const packed = inflateSync(encoded.bytes);
  const rowBytes = Math.ceil(encoded.widthPx / 8);
  const pixels = Buffer.alloc(encoded.widthPx * encoded.heightPx);
  for (let y = 0; y < encoded.heightPx; y++) {
    for (let x = 0; x < encoded.widthPx; x++) {
      pixels[y * encoded.widthPx + x] = packed[y * rowBytes + (x >> 3)]! & (0x80 >> (x & 7)) ? 255 : 0;
    }
  }
  return await sharp(pixels, { raw: { width: encoded.widthPx, height: encoded.heightPx, channels: 1 } }).png().toBuffer();
}

/**
 * Builds one PDF from processed pages that is at most `targetBytes`, trying `ladder` rungs in
 * order of quality. Each rung first encodes the pages and gives up as soon as their sum alone
 * exceeds the budget (cheap); only a plausible rung builds the PDF, whose real size decides.
 * Guaranteed to fit unless even 20 dpi 1-bit pages cannot (then `scan.budget_too_small`).
 *
 * Metadata: Producer and Creator "Druckpunkt", creation/modification date to the day only; no
 * title, author, subject or keywords, so nothing of the document's content or the citizen's
 * identity is in it.
 */
export async function exportPdf({ pages, targetBytes: budget, clock, ladder = EXPORT_LADDER, reserveBytes = 0 }: ExportPdfArgs): Promise<ExportPdfResult> {
  if (pages.length === 0) throw createScanImageInvalidError({ message: 'There are no pages to export.' });
  const targetBytes = budget - reserveBytes;
  // PDF structure costs roughly this per page beyond the image data.
  const overheadPerPage = 600;
  const encodeAll = async (settings: ExportSettings, fast: boolean, limit: number): Promise<Encoded[] | null> => {
    const encoded: Encoded[] = [];
    let sum = 1000;
    // Two pages at a time: each sharp call runs on its own libuv thread, so both cores encode.
    for (let i = 0; i < pages.length; i += ENCODE_AT_ONCE) {
      const batch = await Promise.all(pages.slice(i, i + ENCODE_AT_ONCE).map((page) => encodePage(page, settings, { fast })));
      for (const e of batch) {
        encoded.push(e);
        sum += e.bytes.length + overheadPerPage;
      }
      // Give up on this rung as soon as the image data alone is over the limit.
      if (sum > limit) return null;
    }
    return encoded;
  };
  for (const settings of ladder) {
    // Probe with the fast encoder (libjpeg-turbo, ~30 ms per A4 page) to skip hopeless rungs;
    // the kept file is always mozjpeg (trellis quantisation: ~35 % smaller text pages at the
    // same quality setting, ~150 ms per page), so a probe up to 60 % over is still worth it.
    const probe = await encodeAll(settings, true, settings.encoding === 'jpeg' ? targetBytes * 1.6 : targetBytes);
    if (!probe) continue;
    const candidates = settings.encoding === 'jpeg' ? [await encodeAll(settings, false, targetBytes)] : [probe];
    for (const encoded of candidates) {
      if (!encoded) continue;
      const { pdf, placements } = await buildPdf(encoded, clock);
      if (pdf.length > targetBytes) continue;
      return { pdf, placements, bytes: pdf.length, settingsUsed: settings, legibility: await legibilityCrop(encoded) };
    }
  }
  throw createScanBudgetTooSmallError({ details: { pages: pages.length, targetBytes: budget } });
}

async function legibilityCrop(encoded: Encoded[]): Promise<ExportPdfResult['legibility']> {
  let best: { pageIndex: number; score: number; box: { left: number; top: number; width: number; height: number } } | null = null;
  for (const [pageIndex, e] of encoded.entries()) {
    // JPEGs are analysed as stored (shrink-on-load keeps it cheap); 1-bit pages need decoding.
    const region = await findSmallestTextRegion({ image: e.kind === 'jpeg' ? e.bytes : await decodeStored(e), dpi: e.dpi });
    if (region && (!best || region.score > best.score)) best = { pageIndex, score: region.score, box: region.box };
  }
  if (!best) return null;
  const winner = encoded[best.pageIndex]!;
  const image = await sharp(winner.kind === 'jpeg' ? winner.bytes : await decodeStored(winner)).extract(best.box).png().toBuffer();
  return { pageIndex: best.pageIndex, image, box: best.box };
}
