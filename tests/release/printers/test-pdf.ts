import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';

/**
 * A small real PDF (pdf-lib, standard Helvetica, A4) with a visible page number and a coloured
 * bar on every page, so rasterised pages are not blank and the page count is known.
 */
export async function makeTestPdf({ pages }: { pages: number }): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) {
    const page = doc.addPage([595.28, 841.89]);
    page.drawText(`Druckpunkt test page ${i} of ${pages}`, { x: 72, y: 760, size: 24, font });
    page.drawRectangle({ x: 72, y: 700, width: 200 + i * 10, height: 20, color: rgb(0.8, 0.1, 0.1) });
  }
  return Buffer.from(await doc.save());
}
