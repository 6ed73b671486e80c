/**
 * Worker entry for document normalisation (see worker-pool.ts for why it runs in a worker).
 * Everything here sees document bytes; nothing here logs.
 */
import sharp from 'sharp';
import { createPdfDamagedError } from './formats.errors.ts';
import { resolveFormat, SNIFF_BYTES, type Media, type NormalizedDocument, type NormalizeLimits } from './formats.models.ts';
import { normalizeImage } from './image.normalizer.ts';
import { normalizePdf } from './pdf.normalizer.ts';
import { loadPdfjs } from './pdfjs.ts';
import { normalizeRaster } from './raster.normalizer.ts';
import { serveTasks, type TaskContext } from './worker-runtime.ts';

// One libvips thread and no cache: the server has two cores and documents are never reused.
sharp.concurrency(1);
sharp.cache(false);

export type NormalizeTaskArgs = { declaredFormat?: string; media: Media; limits: Omit<NormalizeLimits, 'timeoutMs' | 'memoryMb'> };

/** Reads the first bytes for sniffing, then hands on a stream that starts with them again. */
async function peek(input: AsyncIterable<Uint8Array>, count: number) {
  const iterator = input[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let length = 0;
  while (length < count) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
    length += next.value.byteLength;
  }
  const firstBytes = Buffer.concat(head);
  const stream: AsyncIterable<Uint8Array> = {
    async *[Symbol.asyncIterator]() {
      yield* head;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    },
  };
  return { firstBytes, stream };
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function normalize(args: unknown, { input }: TaskContext) {
  const { declaredFormat, media, limits } = args as NormalizeTaskArgs;
  // 1 KB: a PDF header may follow a little junk (see sniffFormat).
  const { firstBytes, stream } = await peek(input, Math.max(SNIFF_BYTES, 1024));
  if (firstBytes.length === 0) throw createPdfDamagedError({ details: { reason: 'empty' } });
  const format = resolveFormat({ ...(declaredFormat === undefined ? {} : { declaredFormat }), firstBytes });
  let result: Omit<NormalizedDocument, 'sourceFormat'>;
  if (format === 'image/pwg-raster' || format === 'image/urf') {
    result = await normalizeRaster({ source: stream, format, limits });
  } else if (format === 'application/pdf') {
    result = await normalizePdf({ bytes: await collect(stream), maxPages: limits.maxPages });
  } else {
    result = await normalizeImage({ bytes: await collect(stream), format, media, maxImagePixels: limits.maxImagePixels });
  }
  const pdf = new Uint8Array(result.pdf.byteLength);
  pdf.set(result.pdf);
  return {
    result: { pdf, pages: result.pages, pageSizes: result.pageSizes, sourceFormat: format },
    transfer: [pdf.buffer],
  };
}

await serveTasks({
  handlers: { normalize },
  preload: async () => {
    await loadPdfjs();
  },
});
