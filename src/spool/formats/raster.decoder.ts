/**
 * Streaming decoder for the two raster formats driverless clients send: PWG raster
 * (`image/pwg-raster`, PWG 5102.4: "RaS2", 1796-byte page headers) and Apple raster (`image/urf`:
 * "UNIRAST\0", 32-byte page headers). Both compress a page the same way: per line, one
 * line-repeat byte (line is used n+1 times), then run codes per pixel: 0..127 = next pixel n+1
 * times, 129..255 = 257-n literal pixels, 128 = fill the rest of the line with white (CUPS's
 * reader does this for both formats). Pixels of less than 8 bits are run-coded by the byte.
 *
 * Yields one page at a time; only that page's pixels are in memory.
 */
import { createByteReader, type ByteReader } from './byte-reader.ts';
import {
  createFormatUnsupportedError,
  createImageTooLargeError,
  createPdfDamagedError,
  createTooManyPagesError,
} from './formats.errors.ts';

/** How a page's pixels are laid out, reduced to what we can turn into an image. */
export type RasterPixelFormat =
  /** 8-bit grey, 255 = white (PWG sGray/W, URF W8/sGray). */
  | 'gray8'
  /** 8-bit black, 255 = black (PWG K 8). */
  | 'black8'
  /** 1-bit black, packed MSB first, 1 = black (PWG black_1). */
  | 'black1'
  /** 24-bit RGB (sRGB, AdobeRGB or device RGB). */
  | 'rgb8';

export type RasterPage = {
  /** 1-based. */
  number: number;
  width: number;
  height: number;
  xDpi: number;
  yDpi: number;
  pixelFormat: RasterPixelFormat;
  bytesPerLine: number;
  /** height x bytesPerLine bytes, top line first. */
  pixels: Buffer;
};

type PageHeader = Omit<RasterPage, 'pixels' | 'number'> & { bytesPerPixel: number; whiteByte: number };

const PWG_HEADER_BYTES = 1796;
const URF_HEADER_BYTES = 32;

// CUPS colour space numbers (cups/raster.h).
const CUPS_CSPACE_W = 0;
const CUPS_CSPACE_RGB = 1;
const CUPS_CSPACE_K = 3;
const CUPS_CSPACE_SW = 18;
const CUPS_CSPACE_SRGB = 19;
const CUPS_CSPACE_ADOBERGB = 20;

function unsupported(detail: string) {
  return createFormatUnsupportedError({ details: { reason: detail } });
}

function damaged(detail: string) {
  return createPdfDamagedError({ details: { reason: detail } });
}

function parsePwgHeader(h: Buffer): PageHeader {
  const xDpi = h.readUInt32BE(276);
  const yDpi = h.readUInt32BE(280);
  const width = h.readUInt32BE(372);
  const height = h.readUInt32BE(376);
  const bitsPerColor = h.readUInt32BE(384);
  const bitsPerPixel = h.readUInt32BE(388);
  const bytesPerLine = h.readUInt32BE(392);
  const colorOrder = h.readUInt32BE(396);
  const colorSpace = h.readUInt32BE(400);
  if (colorOrder !== 0) throw unsupported('pwg colour order');
  let pixelFormat: RasterPixelFormat;
  if ((colorSpace === CUPS_CSPACE_SW || colorSpace === CUPS_CSPACE_W) && bitsPerPixel === 8 && bitsPerColor === 8) {
    pixelFormat = 'gray8';
  } else if (colorSpace === CUPS_CSPACE_K && bitsPerPixel === 8 && bitsPerColor === 8) {
    pixelFormat = 'black8';
  } else if (colorSpace === CUPS_CSPACE_K && bitsPerPixel === 1 && bitsPerColor === 1) {
    pixelFormat = 'black1';
  } else if (
    (colorSpace === CUPS_CSPACE_SRGB || colorSpace === CUPS_CSPACE_RGB || colorSpace === CUPS_CSPACE_ADOBERGB) &&
    bitsPerPixel === 24 &&
    bitsPerColor === 8
  ) {
    pixelFormat = 'rgb8';
  } else {
    throw unsupported(`pwg colour space ${colorSpace} with ${bitsPerPixel} bits per pixel`);
  }
  const header = finishHeader({ width, height, xDpi, yDpi, pixelFormat });
  if (bytesPerLine !== header.bytesPerLine) throw damaged('pwg bytes per line');
  return header;
}

function parseUrfHeader(h: Buffer): PageHeader {
  const bitsPerPixel = h.readUInt8(0);
  const colorSpace = h.readUInt8(1);
  const width = h.readUInt32BE(12);
  const height = h.readUInt32BE(16);
  const dpi = h.readUInt32BE(20);
  let pixelFormat: RasterPixelFormat;
  // URF colour spaces: 0 sGray, 1 sRGB, 2 CIELab, 3 AdobeRGB, 4 W, 5 RGB, 6 CMYK.
  if ((colorSpace === 0 || colorSpace === 4) && bitsPerPixel === 8) pixelFormat = 'gray8';
  else if ((colorSpace === 1 || colorSpace === 3 || colorSpace === 5) && bitsPerPixel === 24) pixelFormat = 'rgb8';
  else throw unsupported(`urf colour space ${colorSpace} with ${bitsPerPixel} bits per pixel`);
  return finishHeader({ width, height, xDpi: dpi, yDpi: dpi, pixelFormat });
}

function finishHeader(h: Pick<PageHeader, 'width' | 'height' | 'xDpi' | 'yDpi' | 'pixelFormat'>): PageHeader {
  if (h.width === 0 || h.height === 0) throw damaged('empty page');
  // 10..10000 dpi: anything outside is a broken header, and it would make absurd page sizes.
  if (h.xDpi < 10 || h.yDpi < 10 || h.xDpi > 10_000 || h.yDpi > 10_000) throw damaged('resolution');
  const bytesPerPixel = h.pixelFormat === 'rgb8' ? 3 : 1;
  const bytesPerLine = h.pixelFormat === 'black1' ? Math.ceil(h.width / 8) : h.width * bytesPerPixel;
  const whiteByte = h.pixelFormat === 'gray8' || h.pixelFormat === 'rgb8' ? 0xff : 0x00;
  return { ...h, bytesPerLine, bytesPerPixel, whiteByte };
}

async function decodePageData(reader: ByteReader, header: PageHeader): Promise<Buffer> {
  const { bytesPerLine, height, bytesPerPixel: bpp, whiteByte } = header;
  const pixels = Buffer.allocUnsafe(bytesPerLine * height);
  const pixel = new Uint8Array(bpp);
  let y = 0;
  while (y < height) {
    const repeatByte = reader.available() > 0 ? reader.u8Sync() : await reader.u8();
    if (repeatByte === null) throw damaged('truncated page');
    const lineStart = y * bytesPerLine;
    let x = 0; // byte offset within the line
    while (x < bytesPerLine) {
      const code = reader.available() > 0 ? reader.u8Sync() : await reader.u8();
      if (code === null) throw damaged('truncated line');
      if (code === 128) {
        pixels.fill(whiteByte, lineStart + x, lineStart + bytesPerLine);
        x = bytesPerLine;
      } else if (code < 128) {
        const count = (code + 1) * bpp;
        if (x + count > bytesPerLine) throw damaged('run past line end');
        if (!(await reader.readInto(pixel, 0, bpp))) throw damaged('truncated run');
        if (bpp === 1) pixels.fill(pixel[0] as number, lineStart + x, lineStart + x + count);
        else for (let i = 0; i < count; i += bpp) pixels.set(pixel, lineStart + x + i);
        x += count;
      } else {
        const count = (257 - code) * bpp;
        if (x + count > bytesPerLine) throw damaged('literal past line end');
        if (!(await reader.readInto(pixels, lineStart + x, count))) throw damaged('truncated literal');
        x += count;
      }
    }
    const copies = Math.min(repeatByte, height - y - 1);
    for (let i = 1; i <= copies; i++) pixels.copyWithin(lineStart + i * bytesPerLine, lineStart, lineStart + bytesPerLine);
    y += copies + 1;
  }
  return pixels;
}

export type RasterDecodeLimits = { maxPages: number; maxImagePixels: number };

/**
 * Decodes a PWG or URF stream page by page. Limits are checked from each page header before its
 * pixels are allocated, so a hostile header cannot make us allocate gigabytes.
 */
export async function* decodeRaster({
  source,
  format,
  limits,
}: {
  source: AsyncIterable<Uint8Array>;
  format: 'image/pwg-raster' | 'image/urf';
  limits: RasterDecodeLimits;
}): AsyncGenerator<RasterPage> {
  const reader = createByteReader(source);
  const fileHeader = Buffer.alloc(format === 'image/pwg-raster' ? 4 : 12);
  if (!(await reader.readInto(fileHeader, 0, fileHeader.length))) throw damaged('no file header');
  const pageHeaderBytes = format === 'image/pwg-raster' ? PWG_HEADER_BYTES : URF_HEADER_BYTES;
  const headerBuffer = Buffer.alloc(pageHeaderBytes);
  let number = 0;
  while (!(await reader.atEnd())) {
    if (!(await reader.readInto(headerBuffer, 0, pageHeaderBytes))) throw damaged('truncated page header');
    const header = format === 'image/pwg-raster' ? parsePwgHeader(headerBuffer) : parseUrfHeader(headerBuffer);
    number += 1;
    if (number > limits.maxPages) throw createTooManyPagesError({ details: { maxPages: limits.maxPages } });
    if (header.width * header.height > limits.maxImagePixels) {
      throw createImageTooLargeError({ details: { maxImagePixels: limits.maxImagePixels } });
    }
    const pixels = await decodePageData(reader, header);
    yield {
      number,
      width: header.width,
      height: header.height,
      xDpi: header.xDpi,
      yDpi: header.yDpi,
      pixelFormat: header.pixelFormat,
      bytesPerLine: header.bytesPerLine,
      pixels,
    };
  }
  if (number === 0) throw damaged('no pages');
}
