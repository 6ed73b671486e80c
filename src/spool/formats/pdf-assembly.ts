/**
 * Building PDFs out of images with pdf-lib. Raw pixels are compressed with Node's native zlib and
 * written as image XObjects directly: pdf-lib's own PNG path decodes and deflates in JavaScript,
 * several times slower on a 300 dpi page.
 */
import { deflateSync } from 'node:zlib';
import {
  PDFDocument,
  concatTransformationMatrix,
  drawObject,
  popGraphicsState,
  pushGraphicsState,
  type PDFPage,
  type PDFRef,
} from 'pdf-lib';

export type Placement = { x: number; y: number; width: number; height: number };

export async function createOutputPdf(): Promise<PDFDocument> {
  const doc = await PDFDocument.create();
  doc.setProducer('Druckpunkt');
  doc.setCreator('Druckpunkt');
  // No dates: they would tell when a citizen printed, and nothing needs them.
  doc.setCreationDate(new Date(0));
  doc.setModificationDate(new Date(0));
  return doc;
}

/** Draws an already-registered image XObject into `placement` on `page`. */
export function drawXObject({ page, ref, placement }: { page: PDFPage; ref: PDFRef; placement: Placement }) {
  const name = page.node.newXObject('Image', ref);
  page.pushOperators(
    pushGraphicsState(),
    concatTransformationMatrix(placement.width, 0, 0, placement.height, placement.x, placement.y),
    drawObject(name),
    popGraphicsState(),
  );
}

/**
 * Registers raw pixels as a Flate-compressed image. `channels` 1 = grey, 3 = RGB;
 * `bitsPerComponent` 1 packs 8 pixels per byte (MSB first). `alpha` (8-bit, one per pixel)
 * becomes a soft mask. `invert` maps 0 to white, for rasters where 1/255 means ink.
 */
export function registerRawImage({
  doc,
  pixels,
  width,
  height,
  channels,
  bitsPerComponent,
  alpha,
  invert = false,
}: {
  doc: PDFDocument;
  pixels: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
  bitsPerComponent: 1 | 8;
  alpha?: Uint8Array;
  invert?: boolean;
}): PDFRef {
  const dict: Record<string, unknown> = {
    Type: 'XObject',
    Subtype: 'Image',
    Width: width,
    Height: height,
    ColorSpace: channels === 1 ? 'DeviceGray' : 'DeviceRGB',
    BitsPerComponent: bitsPerComponent,
    Filter: 'FlateDecode',
  };
  if (invert) dict.Decode = channels === 1 ? [1, 0] : [1, 0, 1, 0, 1, 0];
  if (alpha) {
    const mask = doc.context.stream(deflateSync(alpha), {
      Type: 'XObject',
      Subtype: 'Image',
      Width: width,
      Height: height,
      ColorSpace: 'DeviceGray',
      BitsPerComponent: 8,
      Filter: 'FlateDecode',
    });
    dict.SMask = doc.context.register(mask);
  }
  // pdf-lib's literal conversion turns strings into names, numbers into numbers, refs stay refs.
  const stream = doc.context.stream(deflateSync(pixels), dict as Parameters<typeof doc.context.stream>[1]);
  return doc.context.register(stream);
}

/** Registers a JPEG file as a DCT image without re-encoding it. */
export async function registerJpeg({ doc, jpeg }: { doc: PDFDocument; jpeg: Uint8Array }): Promise<PDFRef> {
  const image = await doc.embedJpg(jpeg);
  return image.ref;
}
