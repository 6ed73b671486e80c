/**
 * The worker side of a spool worker pool: runs one task at a time, feeds streamed input to it,
 * and reports results and errors as plain data. Only AppError codes, messages and details leave
 * the worker; anything unexpected is reported as a bare failure so no document text (pdfjs and
 * sharp messages can quote content) reaches logs or clients.
 */
import { parentPort } from 'node:worker_threads';
import { isAppError } from '../../shared/errors.ts';

export type TaskContext = {
  /** The streamed input, when the main thread sends one (chunks in order). */
  input: AsyncIterable<Uint8Array>;
};
export type TaskHandler = (args: unknown, context: TaskContext) => Promise<{ result: unknown; transfer?: ArrayBuffer[] }>;

export type ToWorker =
  | { type: 'task'; id: number; name: string; args: unknown }
  | { type: 'chunk'; id: number; data: Uint8Array }
  | { type: 'end'; id: number };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; id: number; result: unknown }
  | { type: 'failed'; id: number; error: { code: string; details?: Record<string, unknown> } };

function createInputQueue() {
  const chunks: Uint8Array[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const iterable: AsyncIterable<Uint8Array> = {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const chunk = chunks.shift();
        if (chunk) {
          yield chunk;
          continue;
        }
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    },
  };
  return {
    iterable,
    push(chunk: Uint8Array) {
      chunks.push(chunk);
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
  };
}

/** Serves `handlers` on this worker's port; `preload` runs first so the first task starts warm. */
export async function serveTasks({
  handlers,
  preload,
}: {
  handlers: Record<string, TaskHandler>;
  preload?: () => Promise<void>;
}): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('serveTasks must run in a worker thread');
  let current: { id: number; input: ReturnType<typeof createInputQueue> } | undefined;

  port.on('message', (message: ToWorker) => {
    if (message.type === 'chunk' || message.type === 'end') {
      if (current?.id !== message.id) return;
      if (message.type === 'chunk') current.input.push(message.data);
      else current.input.end();
      return;
    }
    const { id, name, args } = message;
    const handler = handlers[name];
    const input = createInputQueue();
    current = { id, input };
    const run = handler ? handler(args, { input: input.iterable }) : Promise.reject(new Error('unknown task'));
    run.then(
      ({ result, transfer }) => {
        current = undefined;
        port.postMessage({ type: 'done', id, result } satisfies FromWorker, transfer ?? []);
      },
      (error: unknown) => {
        current = undefined;
        const reply: FromWorker = isAppError(error)
          ? { type: 'failed', id, error: { code: error.code, ...(error.details ? { details: error.details } : {}) } }
          : { type: 'failed', id, error: { code: 'spool.processing_failed' } };
        port.postMessage(reply);
      },
    );
  });

  await preload?.();
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}
