/**
 * Worker entry for page previews. Renders with pdfjs onto @napi-rs/canvas: pdfjs 5 in Node finds
 * @napi-rs/canvas by itself (NodeCanvasFactory), and we take our canvas from the same factory so
 * pdfjs and we share one canvas implementation.
 */
import { createPdfDamagedError } from '../formats/formats.errors.ts';
import { loadPdfjs, openPdf } from '../formats/pdfjs.ts';
import { serveTasks } from '../formats/worker-runtime.ts';
import { createPreviewPageNotFoundError } from './previews.errors.ts';

export type PreviewTaskArgs = { pdf: Uint8Array; page: number; widthPx: number; format: 'png' | 'webp' };

type NodeCanvas = {
  width: number;
  height: number;
  encode(format: 'png' | 'webp', quality?: number): Promise<Buffer>;
};

async function preview(args: unknown) {
  const { pdf, page: pageNumber, widthPx, format } = args as PreviewTaskArgs;
  const doc = await openPdf({ bytes: pdf });
  try {
    if (pageNumber < 1 || pageNumber > doc.numPages) throw createPreviewPageNotFoundError({ details: { pages: doc.numPages } });
    const page = await doc.getPage(pageNumber);
    const unit = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: widthPx / unit.width });
    const factory = doc.canvasFactory as {
      create(width: number, height: number): { canvas: NodeCanvas; context: CanvasRenderingContext2D };
    };
    const { canvas, context } = factory.create(Math.round(viewport.width), Math.round(viewport.height));
    try {
      await page.render({ canvas: canvas as unknown as HTMLCanvasElement, canvasContext: context, viewport }).promise;
    } catch (error) {
      throw createPdfDamagedError({ cause: error, details: { reason: 'render failed' } });
    }
    const encoded = await canvas.encode(format, format === 'webp' ? 80 : undefined);
    page.cleanup();
    const image = new Uint8Array(encoded.byteLength);
    image.set(encoded);
    return { result: { image, width: canvas.width, height: canvas.height }, transfer: [image.buffer] };
  } finally {
    await doc.destroy();
  }
}

/**
 * Renders a tiny text page once, so the first real preview does not pay for pdfjs's first font
 * load, canvas set-up and cold JIT (~0.3 s measured on the station hardware class).
 */
async function warmUp() {
  await loadPdfjs();
  const { PDFDocument, StandardFonts } = await import('pdf-lib');
  const doc = await PDFDocument.create();
  const page = doc.addPage([200, 100]);
  page.drawText('Druckpunkt', { x: 10, y: 50, size: 20, font: await doc.embedFont(StandardFonts.Helvetica) });
  await preview({ pdf: await doc.save(), page: 1, widthPx: 64, format: 'png' } satisfies PreviewTaskArgs);
}

await serveTasks({ handlers: { preview }, preload: warmUp });
