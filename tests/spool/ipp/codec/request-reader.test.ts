import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, test } from 'vitest';
import {
  buildResponse,
  decodeIppMessage,
  decodeIppRequestBytes,
  findGroup,
  getString,
  GroupTag,
  IppDecodeError,
  readIppRequest,
  Status,
  ValueTag,
} from '../../../../src/spool/ipp/codec/index.ts';

const header = readFileSync(join(import.meta.dirname, '../../../../fixtures/ipp/requests/cupsd-print-job.bin'));
const CHUNK = 64 * 1024;

/** Deterministic pseudo-random document bytes, produced on demand chunk by chunk. */
function* documentChunks(totalBytes: number, seed = 0x2545f491): Generator<Buffer> {
  let state = seed;
  for (let sent = 0; sent < totalBytes; sent += CHUNK) {
    const chunk = Buffer.alloc(Math.min(CHUNK, totalBytes - sent));
    for (let i = 0; i < chunk.length; i += 4) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      chunk.writeInt32LE(state | 0, i);
    }
    yield chunk;
  }
}

/** A source that hands out each chunk on its own turn of the event loop, so reads never merge them. */
function trickle(chunks: Buffer[]): Readable & { reads: number } {
  let index = 0;
  const source = Object.assign(
    new Readable({
      read() {
        setImmediate(() => {
          source.reads += 1;
          this.push(index < chunks.length ? chunks[index++] : null);
        });
      },
    }),
    { reads: 0 },
  );
  return source;
}

function sha256Of(chunks: Iterable<Buffer>): string {
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
}

/** Consumes a stream into a hash, slowly enough that an eager reader would pile data up. */
async function hashStream(stream: Readable, onChunk: (length: number) => void = () => {}): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  await pipeline(
    stream,
    new Writable({
      highWaterMark: CHUNK,
      write(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        bytes += chunk.length;
        onChunk(chunk.length);
        setImmediate(callback);
      },
    }),
  );
  return { sha256: hash.digest('hex'), bytes };
}

describe('readIppRequest', () => {
  test('a header split into 1-byte chunks is parsed and the document bytes follow unchanged', async () => {
    const document = [...documentChunks(300_000)];
    const body = Buffer.concat([header, ...document]);
    const oneByteChunks = Array.from({ length: header.length + 50 }, (_, i) => body.subarray(i, i + 1));
    const rest = body.subarray(header.length + 50);
    const source = trickle([...oneByteChunks, rest]);

    const { message, document: stream } = await readIppRequest(source, { maxHeaderBytes: 4096 });

    expect(message).toEqual(decodeIppMessage(header).message);
    expect(source.reads).toBeGreaterThanOrEqual(header.length);
    expect(getString(findGroup(message, GroupTag.operation), 'document-format')).toBe('application/pdf');
    expect((await hashStream(stream)).sha256).toBe(sha256Of(document));
  });

  test('the leftover of the chunk that ends the header is the first document data', async () => {
    const document = Buffer.from('%PDF-1.7\nsmall document');
    const source = Readable.from([Buffer.concat([header, document])]);
    const { document: stream } = await readIppRequest(source);
    const received = await hashStream(stream);
    expect(received).toEqual({ sha256: sha256Of([document]), bytes: document.length });
  });

  test('a request without document data yields an empty document stream', async () => {
    const gpa = readFileSync(join(import.meta.dirname, '../../../../fixtures/ipp/requests/ipptool-get-printer-attributes.bin'));
    const { message, document } = await readIppRequest(Readable.from([gpa]));
    expect(message.code).toBe(0x000b);
    expect((await hashStream(document)).bytes).toBe(0);
  });

  test('the document is read from the source only as fast as it is consumed', async () => {
    const total = 8 * 1024 * 1024;
    let produced = 0;
    let consumed = 0;
    let maxAhead = 0;
    const chunks = documentChunks(total);
    const source = new Readable({
      highWaterMark: CHUNK,
      read() {
        const next = chunks.next();
        if (next.done) {
          this.push(null);
          return;
        }
        produced += next.value.length;
        this.push(next.value);
      },
    });
    source.unshift(header);
    const { document } = await readIppRequest(source);
    await hashStream(document, (length) => {
      consumed += length;
      maxAhead = Math.max(maxAhead, produced - consumed);
    });
    expect(produced).toBe(total);
    // Source buffer + document buffer + writable buffer, a few chunks each: nowhere near 8 MiB.
    expect(maxAhead).toBeLessThan(16 * CHUNK);
  });

  test('a header that never ends is refused once maxHeaderBytes have arrived', async () => {
    let produced = 0;
    const item = Buffer.concat([Buffer.from([ValueTag.keyword, 0, 0, 0, 4]), Buffer.from('none')]);
    const endless = new Readable({
      read() {
        const chunk = produced === 0 ? Buffer.concat([header.subarray(0, 9), item]) : Buffer.concat(Array(100).fill(item));
        produced += chunk.length;
        this.push(chunk);
      },
    });
    const error = await readIppRequest(endless, { maxHeaderBytes: 64 * 1024 }).catch((e: unknown) => e);
    endless.destroy();
    expect(error).toBeInstanceOf(IppDecodeError);
    expect((error as IppDecodeError).kind).toBe('too-large');
    expect((error as IppDecodeError).limit).toBe('header-bytes');
    expect(produced).toBeLessThan(64 * 1024 + 2 * 1024 + 16 * 1024 * 2);
  });

  test('a stream that ends inside the header is truncated', async () => {
    const error = await readIppRequest(Readable.from([header.subarray(0, header.length - 5)])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IppDecodeError);
    expect((error as IppDecodeError).kind).toBe('truncated');
  });

  test('a malformed complete header is rejected with the decoder error', async () => {
    const bad = Buffer.concat([header.subarray(0, 8), Buffer.from([0x0b, GroupTag.endOfAttributes])]);
    const error = await readIppRequest(Readable.from([bad])).catch((e: unknown) => e);
    expect((error as IppDecodeError).kind).toBe('bad-tag');
  });

  test('a 20 MB document sent with chunked HTTP arrives byte-identical with flat memory use', async () => {
    const total = 20 * 1024 * 1024;
    const expected = sha256Of(documentChunks(total));
    const baseline = process.memoryUsage().rss;
    let peakRss = baseline;
    let sent = 0;
    let consumed = 0;
    let maxInFlight = 0;
    let maxBufferedInProcess = 0;
    let buffered = (): number => 0;
    const sample = (length: number) => {
      consumed += length;
      maxInFlight = Math.max(maxInFlight, sent - consumed);
      maxBufferedInProcess = Math.max(maxBufferedInProcess, buffered());
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    };

    const received = new Promise<{ sha256: string; bytes: number; chunked: boolean }>((resolve, reject) => {
      const server = createServer((req: IncomingMessage, res) => {
        readIppRequest(req, { maxHeaderBytes: 64 * 1024 })
          .then(async ({ message, document }) => {
            buffered = () => req.readableLength + document.readableLength;
            const result = await hashStream(document, sample);
            const reply = buildResponse({ version: message.version, status: Status.successfulOk, requestId: message.requestId });
            res.writeHead(200, { 'Content-Type': 'application/ipp' }).end(reply);
            resolve({ ...result, chunked: req.headers['transfer-encoding'] === 'chunked' });
          })
          .catch(reject)
          .finally(() => server.close());
      });
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        const req = httpRequest({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/ipp/print/test',
          headers: { 'Content-Type': 'application/ipp', 'Transfer-Encoding': 'chunked' },
        });
        req.on('response', (res) => res.resume());
        req.on('error', reject);
        // The header goes out in three uneven HTTP chunks, like a client that writes as it encodes.
        const parts = [header.subarray(0, 5), header.subarray(5, 100), header.subarray(100)];
        const body = (function* () {
          yield* parts;
          for (const chunk of documentChunks(total)) {
            sent += chunk.length;
            yield chunk;
          }
        })();
        void pipeline(Readable.from(body), req).catch(reject);
      });
    });

    const result = await received;
    expect(result.chunked).toBe(true);
    expect(result.bytes).toBe(total);
    expect(result.sha256).toBe(expected);
    const rssGrowth = peakRss - baseline;
    console.warn(
      `20 MiB document: at most ${(maxInFlight / 1024 / 1024).toFixed(2)} MiB sent but not yet consumed ` +
        `(${(maxBufferedInProcess / 1024).toFixed(0)} KiB of it in the request and document streams, the rest in socket buffers), ` +
        `peak RSS growth ${(rssGrowth / 1024 / 1024).toFixed(1)} MiB`,
    );
    // What this process holds for the document is a few chunks, whatever the document size.
    expect(maxBufferedInProcess).toBeLessThan(1024 * 1024);
    // The rest in flight sits in loopback socket buffers (kernel autotuning, several MiB) and is bounded too.
    expect(maxInFlight).toBeLessThan(total * 0.75);
    // Garbage chunks count in RSS until collected, so this bound is loose; a whole-document buffer would break it.
    expect(rssGrowth).toBeLessThan(total);
  });
});

describe('decodeIppRequestBytes (a small request already in memory)', () => {
  /** The outcome of the streaming reader for the same bytes, to compare against. */
  async function viaStream(bytes: Buffer, options?: { maxHeaderBytes?: number }) {
    try {
      const { message, document } = await readIppRequest(Readable.from([bytes], { objectMode: false }), options);
      const chunks: Buffer[] = [];
      for await (const chunk of document) chunks.push(chunk as Buffer);
      return { message, document: Buffer.concat(chunks) };
    } catch (error) {
      return { error: { kind: (error as IppDecodeError).kind, limit: (error as IppDecodeError).limit } };
    }
  }
  function viaBytes(bytes: Buffer, options?: { maxHeaderBytes?: number }) {
    try {
      const { message, document } = decodeIppRequestBytes(bytes, options);
      return { message, document: Buffer.from(document) };
    } catch (error) {
      return { error: { kind: (error as IppDecodeError).kind, limit: (error as IppDecodeError).limit } };
    }
  }
  const item = Buffer.concat([Buffer.from([ValueTag.keyword, 0, 0, 0, 4]), Buffer.from('none')]);
  const cases: Array<[string, Buffer, { maxHeaderBytes?: number }?]> = [
    ['a captured Print-Job with its document', Buffer.concat([header, Buffer.from('%PDF-1.4 body bytes')])],
    ['a request without document data', header],
    ['a request cut inside its attributes', header.subarray(0, header.length - 5)],
    ['a request of only 5 bytes', header.subarray(0, 5)],
    ['a reserved delimiter tag', Buffer.concat([header.subarray(0, 8), Buffer.from([0x0b, GroupTag.endOfAttributes])])],
    ['a header longer than the limit', Buffer.concat([header.subarray(0, 9), ...Array(200).fill(item)]), { maxHeaderBytes: 1024 }],
  ];
  test.each(cases)('%s: the same message, document or error as the streaming reader', async (_name, bytes, options) => {
    const expected = await viaStream(bytes, options);
    const actual = viaBytes(bytes, options);
    expect(actual).toEqual(expected);
    if ('message' in expected) expect(getString(findGroup(actual.message!, GroupTag.operation)!, 'attributes-charset')).toBe('utf-8');
  });
});
