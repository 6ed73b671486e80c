/**
 * Helpers for the document data that follows an IPP header: look at whether there is any without
 * consuming it, decompress gzip while streaming, throw it away after a refused request, and give
 * up on a client that stops sending. The data is never collected in memory.
 */
import { Readable, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { IppDecodeError, Status } from './codec/index.ts';
import { ippError } from './ipp.errors.ts';
import type { Compression } from './job-template.ts';

/**
 * Waits for the first byte of the document. Resolves null when there is none; otherwise a stream
 * of the whole document (first chunk included) that still pulls from the source on demand.
 */
export async function peekDocument(stream: Readable): Promise<Readable | null> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let first = await iterator.next();
  while (!first.done && first.value.length === 0) first = await iterator.next();
  if (first.done) return null;
  const firstChunk = first.value;
  async function* rest(): AsyncGenerator<Buffer> {
    yield firstChunk;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return Readable.from(rest(), { objectMode: false });
}

/** gzip documents are inflated as they stream; corrupt data fails with client-error-compression-error. */
export function decompress(stream: Readable, compression: Compression): Readable {
  if (compression === 'none') return stream;
  const gunzip = createGunzip();
  stream.on('error', (error) => gunzip.destroy(error));
  const out = stream.pipe(gunzip);
  return out;
}

/** zlib errors carry codes like Z_DATA_ERROR; they mean the client's compressed data was bad. */
export function asCompressionError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return ippError(Status.clientErrorCompressionError, 'The compressed document data is damaged.');
  }
  return error;
}

/**
 * Passes the data through and fails with a truncated-request error when no byte arrives for
 * `idleMs` while the consumer waits: a client that stops mid-document cannot hold a job open.
 */
export function idleGuard(idleMs: number): Transform {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      guard.destroy(new IppDecodeError({ kind: 'truncated', offset: 0, message: `no document data for ${idleMs} ms` }));
    }, idleMs);
    timer.unref();
  };
  const guard = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      arm();
      callback(null, chunk);
    },
    flush(callback) {
      clearTimeout(timer);
      callback();
    },
    destroy(error, callback) {
      clearTimeout(timer);
      callback(error);
    },
  });
  arm();
  return guard;
}

/**
 * Reads and drops what is left of the document after a request was answered without it, so the
 * connection can carry the next request. Resolves false (close the connection then) when more
 * than `maxBytes` remain or nothing arrives for `idleMs`.
 */
export function discardRest(stream: Readable, { maxBytes, idleMs }: { maxBytes: number; idleMs: number }): Promise<boolean> {
  if (stream.readableEnded || stream.destroyed) return Promise.resolve(stream.readableEnded);
  return new Promise((resolve) => {
    let seen = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (result: boolean) => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      if (!result) stream.destroy();
      resolve(result);
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(false), idleMs);
      timer.unref();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) finish(false);
      else arm();
    };
    const onEnd = () => finish(true);
    const onError = () => finish(false);
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    arm();
  });
}
