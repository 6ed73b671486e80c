import sharp from 'sharp';
import { createImageTooLargeError, createPdfDamagedError } from './formats.errors.ts';
import { fitImageToMedia, type Media, type PageSize } from './formats.models.ts';
import { createOutputPdf, drawXObject, registerJpeg, registerRawImage } from './pdf-assembly.ts';

function isPixelLimitError(error: unknown): boolean {
  return error instanceof Error && /pixel limit/i.test(error.message);
}

/**
 * One JPEG or PNG becomes a one-page PDF: turned upright by its EXIF orientation, fitted inside
 * 5 mm margins on A4 or Letter, portrait or landscape like the picture. A JPEG that needs no turn
 * is embedded byte for byte (no second lossy pass); everything else goes in losslessly.
 */
export async function normalizeImage({
  bytes,
  format,
  media,
  maxImagePixels,
}: {
  bytes: Buffer;
  format: 'image/jpeg' | 'image/png';
  media: Media;
  maxImagePixels: number;
}) {
  const input = () => sharp(bytes, { limitInputPixels: maxImagePixels, failOn: 'error' });
  let metadata;
  try {
    // Header only: no pixels are decoded, so the pixel limit is checked by hand just below and
    // answers image_too_large rather than sharp's generic failure.
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw createPdfDamagedError({ cause: error, details: { reason: 'unreadable image' } });
  }
  if (!metadata.width || !metadata.height) throw createPdfDamagedError({ details: { reason: 'no image size' } });
  if (metadata.width * metadata.height > maxImagePixels) throw createImageTooLargeError({ details: { maxImagePixels } });
  const orientation = metadata.orientation ?? 1;
  const turned = orientation >= 5; // 5..8 swap width and height
  const widthPx = turned ? metadata.height : metadata.width;
  const heightPx = turned ? metadata.width : metadata.height;

  const doc = await createOutputPdf();
  const fit = fitImageToMedia({ widthPx, heightPx, media });
  const page = doc.addPage([fit.page.widthPt, fit.page.heightPt]);
  try {
    // CMYK JPEGs go through sharp too: pdf-lib would embed them with inverted colours for Adobe files.
    if (format === 'image/jpeg' && orientation === 1 && metadata.channels !== 4) {
      drawXObject({ page, ref: await registerJpeg({ doc, jpeg: bytes }), placement: fit });
    } else {
      const { data, info } = await input()
        .rotate()
        .toColourspace(metadata.channels === 1 || metadata.channels === 2 ? 'b-w' : 'srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
      const colour = info.channels >= 3 ? 3 : 1;
      const hasAlpha = info.channels === 2 || info.channels === 4;
      const pixelCount = info.width * info.height;
      let pixels: Uint8Array = data;
      let alpha: Uint8Array | undefined;
      if (hasAlpha) {
        // Split interleaved colour+alpha into two planes: PDF keeps alpha as a separate soft mask.
        pixels = Buffer.allocUnsafe(pixelCount * colour);
        alpha = Buffer.allocUnsafe(pixelCount);
        for (let i = 0, src = 0, dst = 0; i < pixelCount; i++) {
          for (let c = 0; c < colour; c++) pixels[dst++] = data[src++] as number;
          alpha[i] = data[src++] as number;
        }
      }
      const ref = registerRawImage({
        doc,
        pixels,
        width: info.width,
        height: info.height,
        channels: colour,
        bitsPerComponent: 8,
        ...(alpha ? { alpha } : {}),
      });
      drawXObject({ page, ref, placement: fit });
    }
  } catch (error) {
    if (isPixelLimitError(error)) throw createImageTooLargeError({ cause: error, details: { maxImagePixels } });
    throw createPdfDamagedError({ cause: error, details: { reason: 'unreadable image' } });
  }
  const pdf = Buffer.from(await doc.save());
  const pageSizes: PageSize[] = [fit.page];
  return { pdf, pages: 1, pageSizes };
}
