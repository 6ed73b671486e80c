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

await serveTasks({
  handlers: { preview },
  preload: async () => {
    await loadPdfjs();
    await import('@napi-rs/canvas');
  },
});
