import type { Sides } from '../printer-driver.ts';
import { encodePwgPage, PWG_SYNC, type PwgRasterType } from './pwg-raster.ts';
import { renderPdfPages, type PixelLayout } from './render-pdf.ts';
import { encodeUrfPage, urfFileHeader, type UrfType } from './urf.ts';

/** A raster format and its parameters, chosen from what the printer says it supports. */
export type RasterTarget =
  | { format: 'image/pwg-raster'; type: PwgRasterType; dpi: number }
  | { format: 'image/urf'; type: UrfType; dpi: number };

function layoutOf(target: RasterTarget): PixelLayout {
  if (target.type === 'black_1') return 'black1';
  if (target.type === 'sgray_8' || target.type === 'W8') return 'gray8';
  return 'rgb24';
}

/** What one raster stream is made from; crosses to the raster worker as it is. */
export type RasterJob = {
  pdf: Uint8Array;
  /** Pages of one copy, as counted by the spool; headers announce pages × copies up front. */
  pages: number;
  target: RasterTarget;
  sides: Sides;
  media: string;
  copiesInStream?: number;
};

/**
 * Streams `pdf` as PWG raster or URF: the file header first, then one page at a time as it is
 * rendered, so the printer receives the first page while later ones are still being drawn.
 * This renders on the calling thread; the server calls it only inside the raster worker
 * (raster-worker.ts), so pdfjs never runs — nor loads its polyfills — on the event loop.
 *
 * `copiesInStream` > 1 repeats the whole document (collated) inside the stream, for printers whose
 * `copies-supported` does not reach the wanted number for raster; the compressed pages are kept
 * for the repeats instead of rendering again.
 */
export async function* renderRasterStream({ pdf, pages, target, sides, media, copiesInStream = 1 }: RasterJob): AsyncGenerator<Buffer> {
  const total = pages * copiesInStream;
  yield target.format === 'image/pwg-raster' ? PWG_SYNC : urfFileHeader(total);
  const kept: Buffer[] = [];
  let rendered = 0;
  for await (const page of renderPdfPages({ pdf, dpi: target.dpi, layout: layoutOf(target) })) {
    rendered++;
    const encoded =
      target.format === 'image/pwg-raster'
        ? encodePwgPage(page, { type: target.type, dpi: target.dpi, pageSizePoints: page.pageSizePoints, sides, totalPageCount: total, pageSizeName: media })
        : encodeUrfPage(page, { type: target.type, dpi: target.dpi, sides });
    if (copiesInStream > 1) kept.push(encoded);
    yield encoded;
  }
  if (rendered !== pages) {
    // The header promised `pages`; failing the stream makes the printer drop a partial job.
    throw new Error(`the document has ${rendered} pages, not ${pages}`);
  }
  for (let copy = 2; copy <= copiesInStream; copy++) {
    for (const encoded of kept) yield encoded;
  }
}
