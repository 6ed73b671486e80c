/**
 * A small pool of long-lived worker threads for the heavy, risky work on citizens' documents
 * (pdfjs, sharp, raster decoding). Why workers: a hostile file must not block or crash the
 * server. Each worker has a JavaScript heap cap (`resourceLimits`), each task a deadline; a
 * worker that times out, runs out of memory or dies is thrown away and replaced, and the task
 * fails with a stable code. Why long-lived: starting a worker and loading pdfjs costs ~0.3-0.5 s,
 * too slow for a preview that should show within 300 ms of a job arriving.
 *
 * Native memory (libvips, canvas) is outside the heap cap; pixel limits guard it instead.
 */
import type { Worker } from 'node:worker_threads';
import { startTsWorker } from '../../shared/ts-worker.ts';
import type { AppError, ErrorFactory } from '../../shared/errors.ts';
import {
  createProcessingFailedError,
  createProcessingTimeoutError,
  createTooLargeError,
  formatsErrorFactories,
} from './formats.errors.ts';
import type { FromWorker, ToWorker } from './worker-runtime.ts';

/** A worker that cannot even load its modules in this time is broken, whatever the task's deadline. */
const STARTUP_TIMEOUT_MS = 30_000;
/** Young generation cap; small, so that the configured memory goes to the old generation. */
const YOUNG_GENERATION_MB = 32;

type Slot = {
  worker: Worker;
  memoryMb: number;
  ready: Promise<void>;
  busy: boolean;
  /** Set while a task runs: how the slot reports its death to that task. */
  onDeath?: (error: AppError) => void;
  dead: boolean;
};

export type RunTaskArgs = {
  /** Name of the handler in the worker entry. */
  name: string;
  /** Structured-clonable arguments. */
  args: unknown;
  /** ArrayBuffers in `args` to move instead of copy. */
  transfer?: ArrayBuffer[];
  /** Bytes streamed to the task while it runs; counted against `maxInputBytes`. */
  input?: AsyncIterable<Uint8Array> | undefined;
  maxInputBytes?: number;
  timeoutMs: number;
  memoryMb: number;
};

export type WorkerPool = ReturnType<typeof createWorkerPool>;

/**
 * `entry` is the worker's TypeScript module (it calls `serveTasks`). `size` workers at most run
 * at once; further tasks wait their turn (their deadline starts when they get a worker).
 * `preload` names plain-JS packages to load before tsx (see src/shared/ts-worker.ts).
 */
export function createWorkerPool({
  entry,
  size = 1,
  preload = [],
  errorFactories = {},
  niceness = 0,
}: {
  entry: URL;
  size?: number;
  preload?: string[];
  /**
   * Scheduling priority of the worker threads (Linux nice, 0..19). Background work such as
   * thumbnails runs at 10, so a burst of jobs never slows the event loop that answers clients.
   */
  niceness?: number;
  /** Extra factories (by code) for errors the entry's handlers throw, besides the formats ones. */
  errorFactories?: Record<string, ErrorFactory>;
}) {
  const slots: Slot[] = [];
  const waiting: Array<() => void> = [];
  let nextTaskId = 1;
  let closed = false;
  let spawnCount = 0;

  let sharpLoaded: Promise<unknown> | undefined;

  function spawn(memoryMb: number): Slot {
    spawnCount += 1;
    const worker = startTsWorker(entry, {
      preload,
      niceness,
      resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      quiet: true,
    });
    const slot: Slot = { worker, memoryMb, busy: false, dead: false, ready: Promise.resolve() };
    slot.ready = new Promise<void>((resolve, reject) => {
      const startup = setTimeout(
        () => reject(createProcessingFailedError({ details: { reason: 'worker_start' } })),
        STARTUP_TIMEOUT_MS,
      );
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          clearTimeout(startup);
          resolve();
        }
      });
      const die = (reason: string) => {
        clearTimeout(startup);
        if (slot.dead) return;
        const error = createProcessingFailedError({ details: { reason } });
        reject(error);
        slot.onDeath?.(error);
        retire(slot);
      };
      worker.on('error', (error: Error & { code?: string }) =>
        die(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'out_of_memory' : 'worker_crashed'),
      );
      worker.on('exit', () => die('worker_exited'));
    });
    slot.ready.catch(() => undefined);
    // An idle worker must not keep the process alive; a busy one is ref'd while it works.
    worker.unref();
    slots.push(slot);
    return slot;
  }

  function wakeOne() {
    waiting.shift()?.();
  }

  /** Takes a worker out of service for good (timeout, death, other memory cap, close). */
  function retire(slot: Slot) {
    if (slot.dead) return;
    slot.dead = true;
    const index = slots.indexOf(slot);
    if (index >= 0) slots.splice(index, 1);
    void slot.worker.terminate();
    wakeOne();
  }

  function release(slot: Slot) {
    slot.onDeath = undefined;
    if (slot.dead) return;
    slot.worker.unref();
    slot.busy = false;
    wakeOne();
  }

  async function acquire(memoryMb: number): Promise<Slot> {
    // sharp's docs: on glibc Linux the main thread must load sharp before any worker does, so its
    // shared libraries outlive the workers.
    sharpLoaded ??= import('sharp');
    await sharpLoaded;
    for (;;) {
      if (closed) throw createProcessingFailedError({ details: { reason: 'pool_closed' } });
      const idle = slots.find((slot) => !slot.busy && !slot.dead);
      if (idle) {
        if (idle.memoryMb === memoryMb) {
          idle.busy = true;
          return idle;
        }
        // resourceLimits are fixed when a worker starts: another cap needs another worker.
        retire(idle);
        continue;
      }
      if (slots.length < size) {
        const slot = spawn(memoryMb);
        slot.busy = true;
        return slot;
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
  }

  async function runTask({ name, args, transfer, input, maxInputBytes = Infinity, timeoutMs, memoryMb }: RunTaskArgs): Promise<unknown> {
    const slot = await acquire(memoryMb);
    let settled = false;
    try {
      await slot.ready;
    } catch (error) {
      retire(slot);
      throw error;
    }
    slot.worker.ref();
    const id = nextTaskId++;
    return new Promise<unknown>((resolve, reject) => {
      let stopInput = false;
      const finish = (outcome: { error: unknown } | { value: unknown }, recycle: boolean) => {
        if (settled) return;
        settled = true;
        stopInput = true;
        clearTimeout(timer);
        slot.worker.off('message', onMessage);
        if (recycle) retire(slot);
        release(slot);
        if ('error' in outcome) reject(outcome.error);
        else resolve(outcome.value);
      };
      const timer = setTimeout(
        () => finish({ error: createProcessingTimeoutError({ details: { timeoutMs } }) }, true),
        timeoutMs,
      );
      const onMessage = (message: FromWorker) => {
        if (message.type === 'done' && message.id === id) finish({ value: message.result }, false);
        if (message.type === 'failed' && message.id === id) {
          const factory =
            errorFactories[message.error.code] ?? formatsErrorFactories[message.error.code] ?? createProcessingFailedError;
          finish({ error: factory(message.error.details ? { details: message.error.details } : {}) }, false);
        }
      };
      slot.onDeath = (error) => finish({ error }, false);
      slot.worker.on('message', onMessage);
      slot.worker.postMessage({ type: 'task', id, name, args } satisfies ToWorker, transfer ?? []);

      if (!input) {
        slot.worker.postMessage({ type: 'end', id } satisfies ToWorker);
        return;
      }
      void (async () => {
        let total = 0;
        try {
          for await (const chunk of input) {
            if (stopInput) break;
            total += chunk.byteLength;
            if (total > maxInputBytes) {
              // The worker holds part of the document; throwing it away is simpler than telling it.
              finish({ error: createTooLargeError({ details: { maxBytes: maxInputBytes } }) }, true);
              return;
            }
            // Copy into an ArrayBuffer of its own so it can be moved, not cloned (Buffers often
            // share one pooled ArrayBuffer).
            const own = new Uint8Array(chunk.byteLength);
            own.set(chunk);
            slot.worker.postMessage({ type: 'chunk', id, data: own } satisfies ToWorker, [own.buffer]);
          }
          if (!stopInput) slot.worker.postMessage({ type: 'end', id } satisfies ToWorker);
        } catch (error) {
          // The source failed (e.g. the client went away): pass its own error on, so the caller
          // can tell a broken upload from a broken document.
          finish({ error }, true);
        }
      })();
    });
  }

  return {
    runTask,
    /** Starts workers up to `size` (or `count`) and waits until they have loaded their modules. */
    async warm({ memoryMb, count = size }: { memoryMb: number; count?: number }) {
      sharpLoaded ??= import('sharp');
      await sharpLoaded;
      while (!closed && slots.length < Math.min(count, size)) spawn(memoryMb);
      await Promise.all(slots.map((slot) => slot.ready.catch(() => undefined)));
    },
    /** Workers started so far (for tests and metrics: a rising count means crashes or timeouts). */
    spawnCount: () => spawnCount,
    async close() {
      closed = true;
      const all = slots.splice(0);
      for (const slot of all) {
        slot.onDeath?.(createProcessingFailedError({ details: { reason: 'pool_closed' } }));
        slot.dead = true;
      }
      await Promise.all(all.map((slot) => slot.worker.terminate()));
      for (const wake of waiting.splice(0)) wake();
    },
  };
}
