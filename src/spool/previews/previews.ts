/**
 * Page previews for the release station. Rendering runs in a warm worker pool: the first preview
 * of a new job should show within ~300 ms, and starting a worker alone costs more than that.
 */
import { createValidationError } from '../../shared/errors.ts';
import { PDFJS_PRELOAD } from '../formats/pdfjs.ts';
import { createWorkerPool, type WorkerPool } from '../formats/worker-pool.ts';
import type { PreviewTaskArgs } from './preview.worker.ts';
import { createPreviewPageNotFoundError } from './previews.errors.ts';

const previewWorkerUrl = new URL('./preview.worker.ts', import.meta.url);

/** One per process (composition root); `warm()` it at start-up, `close()` it on shutdown. */
export function createPreviewPool({ size = 1 }: { size?: number } = {}): WorkerPool {
  return createWorkerPool({
    entry: previewWorkerUrl,
    size,
    preload: PDFJS_PRELOAD,
    // Thumbnails are background work: under a burst of jobs they wait, the answers to clients don't.
    niceness: 10,
    errorFactories: { [createPreviewPageNotFoundError.code]: createPreviewPageNotFoundError },
  });
}

export type RenderPreviewArgs = {
  pdf: Buffer;
  /** 1-based page number. */
  page: number;
  /** Width of the image in pixels (e.g. 300); the height follows the page's aspect. */
  widthPx: number;
  /** PNG (default) or WebP (about a third of the size, for slow station links). */
  format?: 'png' | 'webp';
  /** A warm pool; without one a worker is started for this preview alone (~1 s). */
  pool?: WorkerPool | undefined;
  /** Deadline of one render. Default 10 s. */
  timeoutMs?: number;
  /** JavaScript heap cap of the worker. Default 256 MB. */
  memoryMb?: number;
};

export type Preview = { image: Buffer; width: number; height: number; contentType: 'image/png' | 'image/webp' };

export async function renderPreview({
  pdf,
  page,
  widthPx,
  format = 'png',
  pool,
  timeoutMs = 10_000,
  memoryMb = 256,
}: RenderPreviewArgs): Promise<Preview> {
  if (!Number.isInteger(page) || page < 1) throw createValidationError({ details: { field: 'page' } });
  // Above 2000 px a preview is a print: refuse rather than let a caller burn the worker's memory.
  if (!Number.isInteger(widthPx) || widthPx < 16 || widthPx > 2000) {
    throw createValidationError({ details: { field: 'widthPx' } });
  }
  const ownPool = pool ?? createPreviewPool();
  try {
    const bytes = new Uint8Array(pdf.byteLength);
    bytes.set(pdf);
    const args: PreviewTaskArgs = { pdf: bytes, page, widthPx, format };
    const result = (await ownPool.runTask({
      name: 'preview',
      args,
      transfer: [bytes.buffer],
      timeoutMs,
      memoryMb,
    })) as { image: Uint8Array; width: number; height: number };
    return {
      image: Buffer.from(result.image.buffer, result.image.byteOffset, result.image.byteLength),
      width: result.width,
      height: result.height,
      contentType: format === 'png' ? 'image/png' : 'image/webp',
    };
  } finally {
    if (!pool) await ownPool.close();
  }
}
