import net from 'node:net';

/**
 * A TCP proxy in front of a printer that timestamps, for every HTTP request it passes on, the
 * arrival of the first byte of the request body, and records those of IPP Print-Job requests
 * (operation-id 0x0002 in body bytes 2–3). Bytes are forwarded unchanged; the framing
 * (Content-Length or chunked, keep-alive) is only followed to know where each body starts.
 *
 * Why a proxy: ippeveprinter's print command runs only after the whole document has arrived,
 * and its log has one-second resolution. The timestamps share `performance.now()` with the
 * benchmark client, which runs in the same process.
 */
export type FirstByteProxy = {
  port: number;
  /** performance.now() of the first body byte of each Print-Job, in arrival order. */
  printJobs: number[];
  /** Resolves with the timestamp of Print-Job number `index` (0-based) once it arrived. */
  waitForPrintJob: (args: { index: number; timeoutMs: number }) => Promise<number>;
  close: () => Promise<void>;
};

const PRINT_JOB = 0x0002;

export async function startFirstByteProxy({ targetHost, targetPort }: { targetHost: string; targetPort: number }): Promise<FirstByteProxy> {
  const printJobs: number[] = [];
  const waiters = new Set<() => void>();
  const sockets = new Set<net.Socket>();
  const notify = () => {
    for (const waiter of waiters) waiter();
  };

  const server = net.createServer((client) => {
    const upstream = net.connect({ host: targetHost, port: targetPort });
    sockets.add(client);
    sockets.add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const parser = createRequestFramer({
      onBodyStart: ({ at, firstBytes }) => {
        if (firstBytes.length >= 4 && firstBytes.readUInt16BE(2) === PRINT_JOB) {
          printJobs.push(at);
          notify();
        }
      },
    });
    let framingLost = false;
    client.on('data', (chunk: Buffer) => {
      const at = performance.now();
      upstream.write(chunk);
      if (framingLost) return;
      try {
        parser.push(chunk, at);
      } catch (error) {
        // Forwarding goes on; only the timestamps of this connection are lost (and missed jobs time out).
        framingLost = true;
        console.error(`first-byte proxy: ${(error as Error).message}`);
      }
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('end', () => upstream.end());
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');

  return {
    port: address.port,
    printJobs,
    waitForPrintJob: async ({ index, timeoutMs }) => {
      if (printJobs[index] !== undefined) return printJobs[index]!;
      return await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`Print-Job #${index + 1} did not reach the printer within ${timeoutMs} ms`));
        }, timeoutMs);
        const check = () => {
          const at = printJobs[index];
          if (at === undefined) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(at);
        };
        waiters.add(check);
      });
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type BodyStart = { at: number; firstBytes: Buffer };

/**
 * Follows HTTP/1.1 request framing on one connection: head, then a body of Content-Length bytes
 * or chunked, then the next request. Reports when each body's first byte arrived, together with
 * its first (up to) four bytes.
 */
export function createRequestFramer({ onBodyStart }: { onBodyStart: (start: BodyStart) => void }) {
  type State =
    | { kind: 'head'; buffer: Buffer }
    | { kind: 'length'; remaining: number }
    | { kind: 'chunk-size'; line: string }
    | { kind: 'chunk-data'; remaining: number }
    | { kind: 'chunk-crlf'; remaining: number }
    | { kind: 'trailer'; line: string };
  let state: State = { kind: 'head', buffer: Buffer.alloc(0) };
  let bodyStart: { at: number; bytes: Buffer; reported: boolean } | undefined;

  const bodyBytes = (bytes: Buffer, at: number) => {
    if (bytes.length === 0 || !bodyStart || bodyStart.reported) return;
    if (bodyStart.bytes.length === 0) bodyStart.at = at;
    bodyStart.bytes = Buffer.concat([bodyStart.bytes, bytes.subarray(0, 4 - bodyStart.bytes.length)]);
    if (bodyStart.bytes.length >= 4) {
      bodyStart.reported = true;
      onBodyStart({ at: bodyStart.at, firstBytes: bodyStart.bytes });
    }
  };
  const endBody = () => {
    if (bodyStart && !bodyStart.reported && bodyStart.bytes.length > 0) onBodyStart({ at: bodyStart.at, firstBytes: bodyStart.bytes });
    bodyStart = undefined;
    state = { kind: 'head', buffer: Buffer.alloc(0) };
  };

  function push(chunk: Buffer, at: number) {
    let data = chunk;
    while (data.length > 0) {
      switch (state.kind) {
        case 'head': {
          const buffer = Buffer.concat([state.buffer, data]);
          const end = buffer.indexOf('\r\n\r\n');
          if (end < 0) {
            state = { kind: 'head', buffer };
            return;
          }
          const head = buffer.subarray(0, end).toString('latin1');
          data = buffer.subarray(end + 4);
          const headers = head.split('\r\n').slice(1);
          const header = (name: string) =>
            headers.find((line) => line.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim().toLowerCase();
          bodyStart = { at, bytes: Buffer.alloc(0), reported: false };
          if (header('transfer-encoding')?.includes('chunked')) state = { kind: 'chunk-size', line: '' };
          else {
            const length = Number(header('content-length') ?? '0');
            if (length > 0) state = { kind: 'length', remaining: length };
            else endBody();
          }
          break;
        }
        case 'length': {
          const take = Math.min(state.remaining, data.length);
          bodyBytes(data.subarray(0, take), at);
          data = data.subarray(take);
          state.remaining -= take;
          if (state.remaining === 0) endBody();
          break;
        }
        case 'chunk-size': {
          const newline = data.indexOf('\n');
          if (newline < 0) {
            state.line += data.toString('latin1');
            return;
          }
          const line = (state.line + data.subarray(0, newline).toString('latin1')).trim();
          data = data.subarray(newline + 1);
          const size = Number.parseInt(line.split(';')[0] ?? '', 16);
          if (!Number.isFinite(size)) throw new Error(`bad chunk size line "${line}"`);
          state = size === 0 ? { kind: 'trailer', line: '' } : { kind: 'chunk-data', remaining: size };
          break;
        }
        case 'chunk-data': {
          const take = Math.min(state.remaining, data.length);
          bodyBytes(data.subarray(0, take), at);
          data = data.subarray(take);
          state.remaining -= take;
          if (state.remaining === 0) state = { kind: 'chunk-crlf', remaining: 2 };
          break;
        }
        case 'chunk-crlf': {
          const take = Math.min(state.remaining, data.length);
          data = data.subarray(take);
          state.remaining -= take;
          if (state.remaining === 0) state = { kind: 'chunk-size', line: '' };
          break;
        }
        case 'trailer': {
          // Trailer lines until an empty one; usually just the final CRLF.
          const newline = data.indexOf('\n');
          if (newline < 0) {
            state.line += data.toString('latin1');
            return;
          }
          const line = (state.line + data.subarray(0, newline).toString('latin1')).trim();
          data = data.subarray(newline + 1);
          if (line === '') endBody();
          else state = { kind: 'trailer', line: '' };
          break;
        }
      }
    }
  }
  return { push };
}
