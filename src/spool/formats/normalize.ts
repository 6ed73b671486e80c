/**
 * Public entry of format normalisation: every accepted print format becomes one PDF, checked
 * and page-counted, in an isolated worker with a deadline and a memory cap. The document is only
 * ever in memory here (the encrypted store is the only place it is written to).
 */
import { createTooLargeError } from './formats.errors.ts';
import type { Media, NormalizedDocument, NormalizeLimits } from './formats.models.ts';
import type { NormalizeTaskArgs } from './normalize.worker.ts';
import { PDFJS_PRELOAD } from './pdfjs.ts';
import { createWorkerPool, type WorkerPool } from './worker-pool.ts';

export { sniffFormat, SUPPORTED_FORMATS } from './formats.models.ts';
export type { Media, NormalizedDocument, NormalizeLimits, PageSize, SupportedFormat } from './formats.models.ts';

const normalizeWorkerUrl = new URL('./normalize.worker.ts', import.meta.url);

/**
 * The pool to pass to `normalizeDocument` (create one per process in the composition root and
 * `close()` it on shutdown). `size` 1 suits the 2-core terminals' server: one conversion at a
 * time, the event loop keeps the other core.
 */
export function createNormalizerPool({ size = 1 }: { size?: number } = {}): WorkerPool {
  return createWorkerPool({ entry: normalizeWorkerUrl, size, preload: PDFJS_PRELOAD });
}

export type NormalizeDocumentArgs = {
  /** The document: a stream (IPP, upload) is read with the byte limit enforced as it comes. */
  source: AsyncIterable<Uint8Array> | Buffer;
  /** The client's MIME type; magic bytes win when they disagree (see resolveFormat). */
  declaredFormat?: string | undefined;
  /** Paper for images; rasters and PDFs keep their own page sizes. Default A4. */
  media?: Media | undefined;
  limits: NormalizeLimits;
  /** A warm pool; without one a worker is started for this document alone (slower, ~0.4 s). */
  pool?: WorkerPool | undefined;
};

async function* chunksOf(buffer: Buffer, size = 1 << 20): AsyncIterable<Uint8Array> {
  for (let at = 0; at < buffer.length; at += size) yield buffer.subarray(at, at + size);
}

export async function normalizeDocument({
  source,
  declaredFormat,
  media = 'iso_a4_210x297mm',
  limits,
  pool,
}: NormalizeDocumentArgs): Promise<NormalizedDocument> {
  if (Buffer.isBuffer(source) && source.length > limits.maxBytes) {
    throw createTooLargeError({ details: { maxBytes: limits.maxBytes } });
  }
  const ownPool = pool ?? createNormalizerPool();
  try {
    const args: NormalizeTaskArgs = {
      ...(declaredFormat === undefined ? {} : { declaredFormat }),
      media,
      limits: { maxBytes: limits.maxBytes, maxPages: limits.maxPages, maxImagePixels: limits.maxImagePixels },
    };
    const result = (await ownPool.runTask({
      name: 'normalize',
      args,
      input: Buffer.isBuffer(source) ? chunksOf(source) : source,
      maxInputBytes: limits.maxBytes,
      timeoutMs: limits.timeoutMs,
      memoryMb: limits.memoryMb,
    })) as Omit<NormalizedDocument, 'pdf'> & { pdf: Uint8Array };
    return { ...result, pdf: Buffer.from(result.pdf.buffer, result.pdf.byteOffset, result.pdf.byteLength) };
  } finally {
    if (!pool) await ownPool.close();
  }
}
