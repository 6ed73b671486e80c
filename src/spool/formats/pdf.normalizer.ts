import { createPdfDamagedError, createTooManyPagesError } from './formats.errors.ts';
import type { PageSize } from './formats.models.ts';
import { openPdf } from './pdfjs.ts';

/**
 * Checks that a PDF opens without a password and that every page can be read, and counts pages.
 * The original bytes are kept: re-saving could lose fonts or colour, and pdfjs never runs the
 * document's scripts (nor do printers we send to run them).
 */
export async function normalizePdf({ bytes, maxPages }: { bytes: Buffer; maxPages: number }) {
  const doc = await openPdf({ bytes });
  try {
    const pages = doc.numPages;
    if (pages < 1) throw createPdfDamagedError({ details: { reason: 'no pages' } });
    if (pages > maxPages) throw createTooManyPagesError({ details: { maxPages, pages } });
    const pageSizes: PageSize[] = [];
    for (let number = 1; number <= pages; number++) {
      let page;
      try {
        page = await doc.getPage(number);
      } catch (error) {
        throw createPdfDamagedError({ cause: error, details: { reason: 'unreadable page' } });
      }
      // viewBox is the crop box in points; a /Rotate of 90 or 270 swaps what prints.
      const [x0, y0, x1, y1] = page.view as [number, number, number, number];
      const turned = page.rotate % 180 !== 0;
      const width = Math.abs(x1 - x0);
      const height = Math.abs(y1 - y0);
      pageSizes.push(turned ? { widthPt: height, heightPt: width } : { widthPt: width, heightPt: height });
      page.cleanup();
    }
    return { pdf: bytes, pages, pageSizes };
  } finally {
    await doc.destroy();
  }
}
