import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import type { PDFDocument } from 'pdf-lib';
import type { PageSize } from './formats.models.ts';
import { createOutputPdf, drawXObject, registerJpeg, registerRawImage } from './pdf-assembly.ts';
import { decodeRaster, type RasterDecodeLimits, type RasterPage } from './raster.decoder.ts';

/**
 * Lossless Flate is kept unless JPEG is this many times smaller. Text and line art (what citizens
 * mostly print) deflate to a fraction of a JPEG and stay sharp; photos deflate badly and go JPEG.
 */
const PREFER_FLATE_UP_TO = 1.5;
const JPEG_QUALITY = 85;

export type RasterPageEncoding = 'flate-1bit' | 'flate' | 'jpeg';

async function embedPage({ doc, page }: { doc: PDFDocument; page: RasterPage }) {
  const { width, height, pixels, pixelFormat } = page;
  if (pixelFormat === 'black1') {
    // 1 = black in PWG, 0 = black in PDF DeviceGray: invert through /Decode, no pixel pass needed.
    return {
      ref: registerRawImage({ doc, pixels, width, height, channels: 1, bitsPerComponent: 1, invert: true }),
      encoding: 'flate-1bit' as const,
    };
  }
  const channels = pixelFormat === 'rgb8' ? 3 : 1;
  const invert = pixelFormat === 'black8';
  const flate = deflateSync(pixels);
  const raw = sharp(pixels, { raw: { width, height, channels }, limitInputPixels: false });
  // Without toColourspace, libvips would widen one-channel input to a three-channel sRGB JPEG.
  const jpeg = await (invert ? raw.negate() : raw)
    .toColourspace(channels === 1 ? 'b-w' : 'srgb')
    .jpeg({ quality: JPEG_QUALITY })
    .toBuffer();
  if (flate.length <= jpeg.length * PREFER_FLATE_UP_TO) {
    const ref = doc.context.register(
      doc.context.stream(flate, {
        Type: 'XObject',
        Subtype: 'Image',
        Width: width,
        Height: height,
        ColorSpace: channels === 1 ? 'DeviceGray' : 'DeviceRGB',
        BitsPerComponent: 8,
        Filter: 'FlateDecode',
        ...(invert ? { Decode: [1, 0] } : {}),
      }),
    );
    return { ref, encoding: 'flate' as const };
  }
  return { ref: await registerJpeg({ doc, jpeg }), encoding: 'jpeg' as const };
}

/**
 * A PWG or URF job becomes a PDF with one page per raster page, each at its real size
 * (pixels / dpi). Pages are decoded, compressed and dropped one at a time.
 */
export async function normalizeRaster({
  source,
  format,
  limits,
}: {
  source: AsyncIterable<Uint8Array>;
  format: 'image/pwg-raster' | 'image/urf';
  limits: RasterDecodeLimits;
}) {
  const doc = await createOutputPdf();
  const pageSizes: PageSize[] = [];
  const encodings: RasterPageEncoding[] = [];
  for await (const page of decodeRaster({ source, format, limits })) {
    const size = { widthPt: (page.width / page.xDpi) * 72, heightPt: (page.height / page.yDpi) * 72 };
    const pdfPage = doc.addPage([size.widthPt, size.heightPt]);
    const { ref, encoding } = await embedPage({ doc, page });
    drawXObject({ page: pdfPage, ref, placement: { x: 0, y: 0, width: size.widthPt, height: size.heightPt } });
    pageSizes.push(size);
    encodings.push(encoding);
  }
  const pdf = Buffer.from(await doc.save());
  return { pdf, pages: pageSizes.length, pageSizes, encodings };
}

