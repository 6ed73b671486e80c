import { startTsWorker } from '../../../shared/ts-worker.ts';
import type { RasterJob } from './raster-stream.ts';

const entryUrl = new URL('./raster.worker.ts', import.meta.url);
/** Loaded before tsx in the worker (plain JS, faster that way); see src/shared/ts-worker.ts. */
const PRELOAD = ['pdfjs-dist/legacy/build/pdf.mjs'];
/**
 * The worker's V8 heap cap. pdfjs keeps a page's operator list and fonts there; page bitmaps
 * live outside it. Past the cap the worker dies and the print attempt fails, not the server.
 */
const HEAP_CAP_MB = 1024;

type WorkerMessage = { type: 'chunk'; data: Uint8Array } | { type: 'done' } | { type: 'error'; message: string };

/**
 * PWG raster or URF for a printer that takes no PDF, rendered in a worker thread of its own: a
 * page at 600 dpi takes pdfjs hundreds of milliseconds, which on the event loop would stall every
 * IPP request, station screen and terminal page meanwhile. pdfjs's legacy build also replaces
 * globals (Array.prototype.push, Set and Iterator methods) with core-js polyfills when it loads;
 * in the worker they stay there. Chunks arrive in order, at most two ahead of the consumer;
 * stopping early (the printer went away) ends the worker.
 */
export async function* pdfToRaster(job: RasterJob): AsyncGenerator<Buffer> {
  const worker = startTsWorker(entryUrl, { preload: PRELOAD, data: { job }, resourceLimits: { maxOldGenerationSizeMb: HEAP_CAP_MB } });
  const ready: Buffer[] = [];
  let done = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  worker.on('message', (message: WorkerMessage) => {
    if (message.type === 'chunk') ready.push(Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength));
    else if (message.type === 'done') done = true;
    else failure ??= new Error(message.message);
    notify();
  });
  worker.on('error', (error) => {
    failure ??= error;
    notify();
  });
  worker.on('exit', (code) => {
    if (!done) failure ??= new Error(`the raster worker stopped (exit code ${code})`);
    notify();
  });
  try {
    for (;;) {
      const chunk = ready.shift();
      if (chunk) {
        worker.postMessage({ type: 'more' });
        yield chunk;
        continue;
      }
      if (failure) throw failure;
      if (done) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    await worker.terminate();
  }
}
