/**
 * IPP requests taken straight from Node's HTTP server (RawIppHandler, ahead of Fastify): a small
 * body is read whole, a large or chunked one streams, and whatever the raw path does not serve
 * goes to Fastify as before. Over real loopback connections, as a terminal sends them.
 */
import http from 'node:http';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ippRoutes, type RawIppHandler } from '../../../src/spool/ipp/ipp.routes.ts';
import { decodeIppMessage, encodeIppMessage, getInteger, findGroup, GroupTag, ipp, Operation, Status } from '../../../src/spool/ipp/codec/index.ts';
import { ippRequest } from './ipp-request.ts';
import { startIppTestServer, type IppTestServer } from './ipp-test-server.ts';

const fixtures = path.resolve(import.meta.dirname, '../../../fixtures');
const smallPdf = readFileSync(path.join(fixtures, 'pdf/gs-text-10-pages.pdf'));

let server: IppTestServer;
let largePdf: Buffer;
beforeAll(async () => {
  server = await startIppTestServer();
  // 3 pages and a 600 KB attachment of random bytes: larger than a body read whole (256 KiB).
  const document = await PDFDocument.create();
  for (let i = 0; i < 3; i++) document.addPage([595, 842]);
  await document.attach(randomBytes(600 * 1024), 'noise.bin', { mimeType: 'application/octet-stream' });
  largePdf = Buffer.from(await document.save());
});
afterAll(async () => {
  await server?.close();
});

function printJob(): Buffer {
  return encodeIppMessage(ippRequest(Operation.PrintJob, [{ name: 'document-format', values: [ipp.mimeMediaType('application/pdf')] }]));
}

/** POSTs an IPP body, with Content-Length or chunked in pieces; resolves with the decoded answer. */
function post({ port = server.port, body, chunked = false, contentType = 'application/ipp' }: { port?: number; body: Buffer; chunked?: boolean; contentType?: string }) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/ipp/print/lobeda',
        method: 'POST',
        agent: false,
        headers: { 'content-type': contentType, ...(chunked ? {} : { 'content-length': body.length }) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
      },
    );
    request.on('error', reject);
    if (!chunked) {
      request.end(body);
      return;
    }
    // 16 KiB pieces on separate turns, as a streaming client sends them.
    let at = 0;
    const next = () => {
      if (at >= body.length) return void request.end();
      request.write(body.subarray(at, at + 16 * 1024));
      at += 16 * 1024;
      setImmediate(next);
    };
    next();
  });
}

function jobIdOf(answer: { body: Buffer }): number {
  const message = decodeIppMessage(answer.body).message;
  expect(message.code).toBe(Status.successfulOk);
  return getInteger(findGroup(message, GroupTag.job)!, 'job-id')!;
}

/**
 * The job as stored, after asking for it over IPP as a client would (Get-Job-Attributes on a new
 * connection): a Print-Job's rows may follow its answer by a few milliseconds, and any operation
 * that reads jobs must commit them first.
 */
async function askedJob(jobId: number) {
  const answer = await post({ body: encodeIppMessage(ippRequest(Operation.GetJobAttributes, [{ name: 'job-id', values: [ipp.integer(jobId)] }])) });
  const message = decodeIppMessage(answer.body).message;
  expect(message.code).toBe(Status.successfulOk);
  expect(getInteger(findGroup(message, GroupTag.job)!, 'job-state')).toBe(4); // pending-held
  return server.app.spool.getJob(jobId);
}

async function storedPdfOf(jobId: number): Promise<Buffer> {
  const [document] = server.app.spool.listDocuments(jobId);
  return server.app.spool.readDocument(document!.documentId);
}

async function metricValue(route: string): Promise<number> {
  const text = (await server.app.inject({ method: 'GET', url: '/metrics' })).body;
  const line = text.split('\n').find((l) => l.startsWith('druckpunkt_http_requests_total{') && l.includes(`route="${route}"`) && l.includes('status="200"'));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('IPP on the raw path', () => {
  test('a small Print-Job is read whole: held with its pages, stored byte-identical, counted in /metrics', async () => {
    const before = await metricValue('/ipp/print/:siteId');
    const answer = await post({ body: Buffer.concat([printJob(), smallPdf]) });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/ipp');
    const jobId = jobIdOf(answer);
    expect(await askedJob(jobId)).toMatchObject({ state: 'held', pages: 10 });
    expect((await storedPdfOf(jobId)).equals(smallPdf)).toBe(true);
    // The Print-Job and askedJob's Get-Job-Attributes.
    expect(await metricValue('/ipp/print/:siteId')).toBe(before + 2);
  });

  test.each([
    ['with Content-Length', false],
    ['chunked, growing past the whole-body limit while it is read', true],
  ])('a 600 KB Print-Job %s streams in and is held byte-identical with its pages', async (_name, chunked) => {
    const answer = await post({ body: Buffer.concat([printJob(), largePdf]), chunked });
    const jobId = jobIdOf(answer);
    expect(await askedJob(jobId)).toMatchObject({ state: 'held', pages: 3 });
    expect((await storedPdfOf(jobId)).equals(largePdf)).toBe(true);
  });

  test('a small chunked Print-Job is read whole as well', async () => {
    const answer = await post({ body: Buffer.concat([printJob(), smallPdf]), chunked: true });
    expect(await askedJob(jobIdOf(answer))).toMatchObject({ state: 'held', pages: 10 });
  });

  test('Print-Jobs answered in a row are committed before any request that reads jobs, else within milliseconds', async () => {
    const jobsInDb = () => (server.db.prepare('SELECT count(*) AS n FROM print_jobs').get() as { n: number }).n;
    const before = jobsInDb();
    const ids: number[] = [];
    // Three Print-Jobs, one after the other, each answered from the journal.
    for (let i = 0; i < 3; i++) ids.push(jobIdOf(await post({ body: Buffer.concat([printJob(), smallPdf]) })));
    expect(ids[1]).toBe(ids[0]! + 1);
    expect(ids[2]).toBe(ids[0]! + 2);
    // Get-Jobs sees all three: it commits what was answered before it reads.
    const answer = await post({ body: encodeIppMessage(ippRequest(Operation.GetJobs, [{ name: 'which-jobs', values: [ipp.keyword('not-completed')] }])) });
    const listed = decodeIppMessage(answer.body).message.groups.filter((g) => g.tag === GroupTag.job).map((g) => getInteger(g, 'job-id'));
    expect(listed).toEqual(expect.arrayContaining(ids));
    expect(jobsInDb() - before).toBe(3);
    // Without a read they are committed within milliseconds, in one go.
    const more = [jobIdOf(await post({ body: Buffer.concat([printJob(), smallPdf]) })), jobIdOf(await post({ body: Buffer.concat([printJob(), smallPdf]) }))];
    for (let waited = 0; jobsInDb() - before < 5 && waited < 2000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(jobsInDb() - before).toBe(5);
    expect(more.map((id) => server.app.spool.getJob(id)?.state)).toEqual(['held', 'held']);
  });

  test('a POST that is not application/ipp is left to Fastify, which refuses it with its error code', async () => {
    const answer = await post({ body: printJob(), contentType: 'text/plain' });
    expect(answer.status).toBe(415);
    expect(JSON.parse(answer.body.toString()).error.code).toBe('http.unsupported_media_type');
  });
});

describe('IPP on the raw path: clients that stop or leave', () => {
  /** A server of its own with the raw path in front and a short idle timeout (the default is 60 s). */
  async function quickServer() {
    let raw: RawIppHandler | undefined;
    const quick = Fastify({
      serverFactory: (handler) =>
        http.createServer((request, response) => {
          if (raw?.(request, response)) return;
          handler(request, response);
        }),
    });
    await quick.register(ippRoutes, {
      config: server.config,
      spool: server.app.spool,
      clock: server.clock,
      idleTimeoutMs: 300,
      exposeRawHandler: (handler) => (raw = handler),
    });
    await quick.listen({ port: 0, host: '127.0.0.1' });
    return { quick, port: (quick.server.address() as net.AddressInfo).port };
  }

  function heldOrIncoming() {
    return server.app.spool.listJobs({ siteId: 'lobeda', which: 'not-completed' }).filter((job) => job.state === 'incoming').length;
  }

  test.each([
    ['a small body (read whole)', 4_000],
    ['a large body (streamed)', 900_000],
  ])('%s that stops half-way is cut off after the idle timeout, and no job is left', async (_name, declared) => {
    const { quick, port } = await quickServer();
    try {
      const incomingBefore = heldOrIncoming();
      const started = Date.now();
      const closed = await new Promise<boolean>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.write(`POST /ipp/print/lobeda HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/ipp\r\nContent-Length: ${declared}\r\n\r\n`);
          socket.write(Buffer.concat([printJob(), smallPdf.subarray(0, 1000)]));
        });
        socket.on('error', () => undefined);
        socket.resume(); // read whatever answer comes, so the server's end of the connection is seen
        socket.on('close', () => resolve(true));
        setTimeout(() => {
          socket.destroy();
          resolve(false);
        }, 10_000);
      });
      expect(closed).toBe(true);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(heldOrIncoming()).toBe(incomingBefore);
    } finally {
      await quick.close();
    }
  });

  test('a client that goes away in the middle of its body leaves no job and is not counted as answered, and the server answers the next one', async () => {
    // On the app's own server: the raw path there counts in /metrics.
    const jobsBefore = server.app.spool.listJobs({ siteId: 'lobeda', which: 'not-completed' }).length;
    const answeredBefore = await metricValue('/ipp/print/:siteId');
    await new Promise<void>((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1', () => {
        socket.write(`POST /ipp/print/lobeda HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/ipp\r\nContent-Length: 900000\r\n\r\n`);
        socket.write(Buffer.concat([printJob(), largePdf.subarray(0, 300_000)]), () => {
          socket.destroy();
          resolve();
        });
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.app.spool.listJobs({ siteId: 'lobeda', which: 'not-completed' }).length).toBe(jobsBefore);
    expect(await metricValue('/ipp/print/:siteId')).toBe(answeredBefore);
    const answer = await post({ body: Buffer.concat([printJob(), smallPdf]) });
    expect(await askedJob(jobIdOf(answer))).toMatchObject({ state: 'held', pages: 10 });
    // The Print-Job and askedJob's Get-Job-Attributes; not the one that left.
    expect(await metricValue('/ipp/print/:siteId')).toBe(answeredBefore + 2);
  });
});
