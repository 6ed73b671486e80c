import { createRequire } from 'node:module';
import path from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/**
 * Renders PDF pages to printer pixels with pdfjs-dist (legacy build, for Node) on @napi-rs/canvas,
 * one page at a time so a 25-page job at 600 dpi never holds more than one page bitmap.
 */

export type PixelLayout = 'black1' | 'gray8' | 'rgb24';

export type RasterPage = {
  width: number;
  height: number;
  /** Page size in points. */
  pageSizePoints: [number, number];
  /** Rows top to bottom; black1: 1 = black, MSB first; gray8: 255 = white; rgb24: R,G,B. */
  data: Uint8Array;
};

const pdfjsPackage = createRequire(import.meta.url).resolve('pdfjs-dist/package.json');
const pdfjsRoot = path.dirname(pdfjsPackage);
// pdfjs-dist 5 ships its own nested @napi-rs/canvas (0.1.x) and polyfills Path2D from it; a
// canvas from the top-level @napi-rs/canvas (1.x) rejects those Path2D objects. So the canvas
// comes from the copy pdfjs itself resolves.
const { createCanvas } = createRequire(pdfjsPackage)('@napi-rs/canvas') as typeof import('@napi-rs/canvas');
const standardFontDataUrl = `${path.join(pdfjsRoot, 'standard_fonts')}/`;

function convert(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number, layout: PixelLayout): Uint8Array {
  const pixels = width * height;
  if (layout === 'rgb24') {
    const out = new Uint8Array(pixels * 3);
    for (let i = 0, o = 0; i < pixels; i++, o += 3) {
      out[o] = rgba[i * 4]!;
      out[o + 1] = rgba[i * 4 + 1]!;
      out[o + 2] = rgba[i * 4 + 2]!;
    }
    return out;
  }
  // Luma with integer Rec. 709 weights (54 + 183 + 19 = 256).
  const luma = (i: number) => (rgba[i * 4]! * 54 + rgba[i * 4 + 1]! * 183 + rgba[i * 4 + 2]! * 19) >> 8;
  if (layout === 'gray8') {
    const out = new Uint8Array(pixels);
    for (let i = 0; i < pixels; i++) out[i] = luma(i);
    return out;
  }
  // black1: a plain threshold. Letters, forms and tickets are text and lines; dithering photos is
  // left to printers that take gray or PDF.
  const stride = Math.ceil(width / 8);
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (luma(y * width + x) < 128) out[y * stride + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  return out;
}

/** Yields the pages of `pdf` rendered at `dpi` in `layout`. */
export async function* renderPdfPages({ pdf, dpi, layout }: { pdf: Uint8Array; dpi: number; layout: PixelLayout }): AsyncGenerator<RasterPage> {
  // pdfjs takes ownership of (and detaches) the array it is given: hand it a copy.
  const task = getDocument({
    data: new Uint8Array(pdf),
    standardFontDataUrl,
    isEvalSupported: false,
    useSystemFonts: false,
    verbosity: 0,
  });
  const doc = await task.promise;
  try {
    for (let number = 1; number <= doc.numPages; number++) {
      const page = await doc.getPage(number);
      const viewport = page.getViewport({ scale: dpi / 72 });
      const width = Math.round(viewport.width);
      const height = Math.round(viewport.height);
      const canvas = createCanvas(width, height);
      const context = canvas.getContext('2d');
      context.fillStyle = '#ffffff';
      context.fillRect(0, 0, width, height);
      await page.render({ canvas: canvas as unknown as HTMLCanvasElement, canvasContext: context as unknown as CanvasRenderingContext2D, viewport }).promise;
      const { data } = context.getImageData(0, 0, width, height);
      const base = page.getViewport({ scale: 1 });
      page.cleanup();
      yield { width, height, pageSizePoints: [base.width, base.height], data: convert(data, width, height, layout) };
    }
  } finally {
    await doc.destroy();
  }
}
