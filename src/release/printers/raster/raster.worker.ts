import { parentPort, workerData } from 'node:worker_threads';
import { renderRasterStream, type RasterJob } from './raster-stream.ts';

/**
 * The raster worker's thread (see raster-worker.ts): renders one job and posts its chunks in
 * order. At most CREDITS chunks are ahead of the consumer, so a slow printer never makes the
 * worker hold more than a page or two.
 */
const CREDITS = 2;
const port = parentPort!;
const job = (workerData as { job: RasterJob }).job;
let credits = CREDITS;
let wake: (() => void) | undefined;

port.on('message', (message: { type: string }) => {
  if (message.type !== 'more') return;
  credits++;
  wake?.();
  wake = undefined;
});

try {
  for await (const chunk of renderRasterStream(job)) {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    credits--;
    // A copy of its own, so its memory can move to the main thread instead of being cloned.
    const data = new Uint8Array(chunk.byteLength);
    data.set(chunk);
    port.postMessage({ type: 'chunk', data }, [data.buffer]);
  }
  port.postMessage({ type: 'done' });
} catch (error) {
  port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}
port.close();
