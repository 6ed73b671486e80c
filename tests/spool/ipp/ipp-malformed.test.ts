/**
 * Hostile and broken IPP requests over a raw TCP connection: each gets the IPP status RFC 8011
 * gives it (HTTP 200, application/ipp) or a clean close, never a crash or a hang, and the server
 * keeps answering afterwards.
 */
import net from 'node:net';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ippRoutes } from '../../../src/spool/ipp/ipp.routes.ts';
import { decodeIppMessage, encodeIppMessage, GroupTag, ipp, Operation, Status, type IppMessage } from '../../../src/spool/ipp/codec/index.ts';
import { startIppTestServer, type IppTestServer } from './ipp-test-server.ts';

let server: IppTestServer;
beforeAll(async () => {
  server = await startIppTestServer();
});
afterAll(async () => {
  await server?.close();
});

function getPrinterAttributes({ version = { major: 2, minor: 0 }, requestId = 7 } = {}): IppMessage {
  return {
    version,
    code: Operation.GetPrinterAttributes,
    requestId,
    groups: [
      {
        tag: GroupTag.operation,
        attributes: [
          { name: 'attributes-charset', values: [ipp.charset('utf-8')] },
          { name: 'attributes-natural-language', values: [ipp.naturalLanguage('en')] },
          { name: 'printer-uri', values: [ipp.uri(server.printerUri())] },
        ],
      },
    ],
  };
}

type RawAnswer = { statusLine: string; headers: string; body: Buffer; closed: boolean };

/** Sends bytes as they are and collects the raw HTTP answer until the server closes or `waitMs` passes. */
function rawExchange({ port, head, body, endAfter = true, waitMs = 3000 }: { port?: number; head: string; body: Buffer; endAfter?: boolean; waitMs?: number }): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port ?? server.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closed = false;
    const finish = () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      const headText = split >= 0 ? all.subarray(0, split).toString('latin1') : all.toString('latin1');
      resolve({
        statusLine: headText.split('\r\n')[0] ?? '',
        headers: headText.toLowerCase(),
        body: split >= 0 ? all.subarray(split + 4) : Buffer.alloc(0),
        closed,
      });
    };
    const timer = setTimeout(() => {
      socket.destroy();
      finish();
    }, waitMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => {
      closed = true;
      clearTimeout(timer);
      finish();
    });
    socket.on('error', (error) => {
      if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET' && (error as NodeJS.ErrnoException).code !== 'EPIPE') reject(error);
    });
    socket.write(head);
    socket.write(body);
    if (endAfter) socket.end();
  });
}

function postHead(length: number | 'chunked'): string {
  return [
    'POST /ipp/print/lobeda HTTP/1.1',
    `Host: 127.0.0.1:${server.port}`,
    'Content-Type: application/ipp',
    length === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${length}`,
    'Connection: close',
    '',
    '',
  ].join('\r\n');
}

/** The IPP body of a chunked answer or a plain one. */
function ippBody(answer: RawAnswer): Buffer {
  if (!answer.headers.includes('transfer-encoding: chunked')) return answer.body;
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = answer.body.indexOf('\r\n', at);
    const size = parseInt(answer.body.subarray(at, lineEnd).toString('latin1'), 16);
    if (!size) break;
    parts.push(answer.body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function decodedAnswer(answer: RawAnswer): IppMessage {
  expect(answer.statusLine).toBe('HTTP/1.1 200 OK');
  expect(answer.headers).toContain('content-type: application/ipp');
  return decodeIppMessage(ippBody(answer)).message;
}

async function serverStillAnswers() {
  const request = encodeIppMessage(getPrinterAttributes());
  const answer = decodedAnswer(await rawExchange({ head: postHead(request.length), body: request }));
  expect(answer.code).toBe(Status.successfulOk);
}

describe('malformed IPP requests over raw TCP', () => {
  test('a well-formed request sent with chunked transfer encoding is answered', async () => {
    const request = encodeIppMessage(getPrinterAttributes());
    const chunked = Buffer.concat([
      Buffer.from(`5\r\n`),
      request.subarray(0, 5),
      Buffer.from(`\r\n${(request.length - 5).toString(16)}\r\n`),
      request.subarray(5),
      Buffer.from('\r\n0\r\n\r\n'),
    ]);
    const answer = decodedAnswer(await rawExchange({ head: postHead('chunked'), body: chunked }));
    expect(answer.code).toBe(Status.successfulOk);
    expect(answer.requestId).toBe(7);
  });

  test('a client that sends Expect: 100-continue gets 100 Continue before it sends the body', async () => {
    const request = encodeIppMessage(getPrinterAttributes());
    const head = postHead(request.length).replace('Connection: close\r\n', 'Expect: 100-continue\r\nConnection: close\r\n');
    const socket = net.connect(server.port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    socket.write(head);
    await expect.poll(() => Buffer.concat(received).toString('latin1'), { timeout: 3000 }).toContain('HTTP/1.1 100 Continue');
    socket.end(request);
    await new Promise((resolve) => socket.on('close', resolve));
    const text = Buffer.concat(received).toString('latin1');
    expect(text).toContain('HTTP/1.1 200 OK');
  });

  test('a request that ends in the middle of its attributes gets bad-request with its request-id', async () => {
    const request = encodeIppMessage(getPrinterAttributes({ requestId: 4242 }));
    const truncated = request.subarray(0, request.length - 10);
    const answer = decodedAnswer(await rawExchange({ head: postHead(truncated.length), body: truncated }));
    expect(answer.code).toBe(Status.clientErrorBadRequest);
    expect(answer.requestId).toBe(4242);
    await serverStillAnswers();
  });

  test('version 9.1 gets version-not-supported, answered in the closest version we speak', async () => {
    const request = encodeIppMessage(getPrinterAttributes({ version: { major: 9, minor: 1 } }));
    const answer = decodedAnswer(await rawExchange({ head: postHead(request.length), body: request }));
    expect(answer.code).toBe(Status.serverErrorVersionNotSupported);
    expect(answer.version).toEqual({ major: 2, minor: 0 });
  });

  test('a reserved delimiter tag gets bad-request', async () => {
    const request = Buffer.from(encodeIppMessage(getPrinterAttributes()));
    // Replace the operation-attributes tag (byte 8) with the reserved 0x0F.
    request[8] = 0x0f;
    const answer = decodedAnswer(await rawExchange({ head: postHead(request.length), body: request }));
    expect(answer.code).toBe(Status.clientErrorBadRequest);
  });

  test('a 1 MB attribute gets request-entity-too-large and the connection is closed', async () => {
    const message = getPrinterAttributes();
    // 40 values of 26 000 bytes each: one attribute of about 1 MB (a single value may only have 32 KB).
    const big = Array.from({ length: 40 }, () => ipp.text('x'.repeat(26_000)));
    message.groups[0]!.attributes.push({ name: 'printer-info-huge', values: big });
    const request = encodeIppMessage(message);
    expect(request.length).toBeGreaterThan(1_000_000);
    const answer = await rawExchange({ head: postHead(request.length), body: request });
    expect(decodedAnswer(answer).code).toBe(Status.clientErrorRequestEntityTooLarge);
    expect(answer.headers).toContain('connection: close');
    await serverStillAnswers();
  });

  test('a header that never ends is cut off after the idle timeout instead of hanging', async () => {
    // A server of its own with a short idle timeout (the default is 60 s).
    const quick = Fastify();
    await quick.register(ippRoutes, { config: server.config, spool: server.app.spool, clock: server.clock, idleTimeoutMs: 300 });
    await quick.listen({ port: 0, host: '127.0.0.1' });
    try {
      const port = (quick.server.address() as net.AddressInfo).port;
      const request = encodeIppMessage(getPrinterAttributes());
      const started = Date.now();
      const answer = await rawExchange({ port, head: postHead(request.length), body: request.subarray(0, 20), endAfter: false, waitMs: 10_000 });
      expect(answer.closed).toBe(true);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await quick.close();
    }
    await serverStillAnswers();
  });
});
