/**
 * The IPP printer endpoint: one queue per site at POST /ipp/print/<site-id>, on the same port as
 * the web pages (as CUPS serves both). IPP-level problems are always answered with HTTP 200 and
 * an IPP status (as CUPS does), never an HTTP error page an IPP client cannot read.
 *
 * The request body is never buffered: the content-type parser hands the raw stream on, the codec
 * reads just the attribute header, and the document streams into the spool. Node answers
 * `Expect: 100-continue` itself and removes chunked transfer encoding.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable, Transform } from 'node:stream';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter } from 'prom-client';
import sharp from 'sharp';
import type { Config } from '../../config/config.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Metrics } from '../../shared/metrics.ts';
import {
  buildResponse,
  decodeIppRequestBytes,
  IPP_HEADER_PREFIX_BYTES,
  ippStatusForDecodeError,
  isIppDecodeError,
  Operation,
  OPERATION_NAMES,
  readIppRequest,
  Status,
  STATUS_KEYWORDS,
  type IppAttribute,
  type IppMessage,
  type IppVersion,
} from './codec/index.ts';
import { createInternalError, createUnsupportedMediaTypeError } from '../../shared/errors.ts';
import { ippError, ippFailureOf } from './ipp.errors.ts';
import { discardRest, idleGuard } from './document-stream.ts';
import { OPERATION_HANDLERS, type IppSpool, type OperationContext, type OperationResult } from './operations/index.ts';
import { capabilitiesOf, printerUuidForSite, type PrinterContext, type PrinterStatus } from './printer-attributes.ts';
import { checkRequest, responseVersion } from './request-checks.ts';

export type IppRoutesOptions = {
  config: Config;
  spool: IppSpool;
  clock: Clock;
  /** Live state of the site's printer (from the release side); idle when not given. */
  printerStatus?: (siteId: string) => PrinterStatus;
  /** Where to count operations; defaults to the app's `metrics` decoration. */
  metrics?: Metrics;
  /** How long a client may pause while sending the IPP header or document. Default 60 s. */
  idleTimeoutMs?: number;
  /** Largest IPP attribute header. Default 256 KiB (CUPS' biggest requests are a few KiB). */
  maxHeaderBytes?: number;
  /**
   * Receives the handler for the HTTP server's own request event (see `RawIppHandler`); app.ts
   * puts it in front of Fastify. Not given: every IPP request goes through Fastify.
   */
  exposeRawHandler?: (handler: RawIppHandler) => void;
  /** Requests up to this size are read whole before decoding (see `RawIppHandler`). Default 256 KiB. */
  wholeBodyMaxBytes?: number;
};

/**
 * Takes an IPP request straight from Node's HTTP server, ahead of Fastify's routing, hooks and
 * per-request logger: a print queue answers many small requests (CUPS polls every few seconds,
 * a Print-Job of a letter is a few KiB), and those layers cost more than the IPP work itself.
 * Returns false for anything it does not serve (other paths and methods, a content type that
 * is not application/ipp, a proxy setup, a closing server), which then goes to Fastify as usual.
 * A body up to `wholeBodyMaxBytes` is read whole and decoded in one go; a larger one streams.
 */
export type RawIppHandler = (request: IncomingMessage, response: ServerResponse) => boolean;

/** POST /ipp/print/<site> and /ipp/print/<site>/jobs/<id>, as the Fastify routes below. */
const IPP_PATH = /^\/ipp\/print\/([^/?#]+)(?:\/jobs\/[^/?#]+)?(?:\?.*)?$/;
const IPP_ROUTE = '/ipp/print/:siteId';

/** One IPP request as the exchange sees it, whichever way it came in. */
type IppExchange = {
  body: { bytes: Buffer } | { stream: Readable };
  siteId: string;
  ip: string;
  host: string | undefined;
  log: FastifyBaseLogger;
  /** Gives up on the connection (a header that never ends). */
  dropConnection: () => void;
  /** See OperationContext.deferCommit. */
  deferCommit?: boolean;
};

type IppAnswer = { body: Buffer; close: boolean };

export const IDLE_QUEUE_STATUS: PrinterStatus = { state: 'idle', reasons: [], message: 'Ready. Jobs wait for release at the printer.' };

/**
 * Registers the queues. Register at the root (no prefix):
 * `app.register(ippRoutes, { config, spool, clock })`.
 */
export async function ippRoutes(fastify: FastifyInstance, options: IppRoutesOptions) {
  const { config, spool, clock } = options;
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const maxHeaderBytes = options.maxHeaderBytes ?? 256 * 1024;
  const startedAt = clock.date();
  const metrics = options.metrics ?? (fastify as unknown as { metrics?: Metrics }).metrics;
  const operationsCounter = metrics
    ? new Counter({
        name: 'druckpunkt_ipp_operations_total',
        help: 'IPP requests answered, by operation and IPP status.',
        labelNames: ['operation', 'status'] as const,
        registers: [metrics.registry],
      })
    : undefined;

  // The raw stream is the body: no buffering, no body limit here (the spool limits documents).
  fastify.addContentTypeParser('application/ipp', (_request, payload, done) => done(null, payload));

  const handler = async (request: FastifyRequest<{ Params: { siteId: string } }>, reply: FastifyReply) => {
    // Fastify parses text and JSON bodies itself; only application/ipp arrives here as a stream.
    if (!(request.body instanceof Readable)) throw createUnsupportedMediaTypeError();
    const answer = await exchange({
      body: { stream: request.body as Readable },
      siteId: request.params.siteId,
      ip: request.ip,
      host: request.headers.host,
      log: request.log,
      dropConnection: () => request.raw.socket?.destroy(),
    });
    reply.code(200).header('content-type', 'application/ipp').header('cache-control', 'no-store');
    if (answer.close) {
      reply.header('connection', 'close');
      reply.raw.once('finish', () => reply.request.raw.socket?.end());
    }
    return reply.send(answer.body);
  };

  fastify.post(IPP_ROUTE, handler);
  // Some clients send job operations to the job's own URI.
  fastify.post('/ipp/print/:siteId/jobs/:jobId', handler);

  let icon: Promise<Buffer> | undefined;
  fastify.get('/ipp/print/:siteId/icon.png', async (_request, reply) => {
    // A plain square in the product colour; printer-icons is required by IPP Everywhere.
    icon ??= sharp({ create: { width: 128, height: 128, channels: 4, background: '#0b4f8a' } }).png().toBuffer();
    return reply.header('content-type', 'image/png').header('cache-control', 'public, max-age=86400').send(await icon);
  });

  if (options.exposeRawHandler && !config.server.trustProxy) {
    // Behind a proxy the client address comes from headers Fastify evaluates; then Fastify serves.
    let closing = false;
    fastify.addHook('preClose', async () => {
      closing = true;
    });
    options.exposeRawHandler((request, response) => {
      if (closing || request.method !== 'POST') return false;
      const match = IPP_PATH.exec(request.url ?? '');
      if (!match || !/^application\/ipp\s*(?:;|$)/i.test(request.headers['content-type'] ?? '')) return false;
      let siteId: string;
      try {
        siteId = decodeURIComponent(match[1]!);
      } catch {
        return false;
      }
      void serveRaw(request, response, siteId);
      return true;
    });
  }

  async function serveRaw(request: IncomingMessage, response: ServerResponse, siteId: string) {
    const started = performance.now();
    const log = fastify.log;
    // Counted once the answer is out, as Fastify's onResponse does: a client that went away is not.
    response.once('finish', () => {
      if (!metrics) return;
      const labels = { method: 'POST', route: IPP_ROUTE };
      metrics.httpRequests.inc({ ...labels, status: String(response.statusCode) });
      metrics.httpDuration.observe(labels, (performance.now() - started) / 1000);
    });
    try {
      const body = await receiveBody(request, { wholeMaxBytes: options.wholeBodyMaxBytes ?? 256 * 1024, idleMs: idleTimeoutMs });
      if (!body) return; // the client went away or stalled: there is no one to answer
      const answer = await exchange({
        body,
        siteId,
        ip: request.socket.remoteAddress ?? '',
        host: request.headers.host,
        log,
        dropConnection: () => request.socket.destroy(),
        deferCommit: true,
      });
      response.writeHead(200, {
        'content-type': 'application/ipp',
        'cache-control': 'no-store',
        'content-length': answer.body.length,
        ...(answer.close ? { connection: 'close' } : {}),
      });
      if (answer.close) response.once('finish', () => request.socket.end());
      response.end(answer.body);
    } catch (error) {
      log.error({ err: error }, 'IPP request failed');
      if (!response.headersSent) {
        const internal = createInternalError();
        const json = JSON.stringify({ error: { code: internal.code, message: internal.message } });
        response.writeHead(500, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json), connection: 'close' });
        response.end(json);
      } else response.destroy();
    }
  }

  async function exchange(x: IppExchange): Promise<IppAnswer> {
    let message: IppMessage;
    let document: Readable;
    let documentBytes: Buffer | undefined;
    if ('bytes' in x.body) {
      try {
        ({ message, document: documentBytes } = decodeIppRequestBytes(x.body.bytes, { maxHeaderBytes }));
      } catch (error) {
        if (!isIppDecodeError(error)) throw error;
        return unreadable(error, prefixOf(x.body.bytes));
      }
      document = Readable.from(documentBytes.length > 0 ? [documentBytes] : [], { objectMode: false });
    } else {
      const body = x.body.stream;
      const recorder = recordPrefix();
      // pipe() forwards neither errors nor an abort; the reader must see both to stop waiting.
      body.on('error', (error) => recorder.stream.destroy(error));
      body.on('close', () => {
        if (!body.readableEnded) recorder.stream.destroy();
      });
      // A header that never ends: give up on the connection (the reader then fails as truncated).
      const headerTimer = setTimeout(x.dropConnection, idleTimeoutMs);
      headerTimer.unref();
      try {
        ({ message, document } = await readIppRequest(body.pipe(recorder.stream), { maxHeaderBytes }));
      } catch (error) {
        if (!isIppDecodeError(error)) throw error;
        return unreadable(error, { version: recorder.version(), requestId: recorder.requestId() });
      } finally {
        clearTimeout(headerTimer);
      }
    }

    // Jobs answered but only journaled yet are committed before any operation that may read
    // jobs; Print-Job and Validate-Job only add one (or none), so a stream of Print-Jobs batches.
    if (message.code !== Operation.PrintJob && message.code !== Operation.ValidateJob) spool.flushIntake();
    const operationName = OPERATION_NAMES[message.code] ?? 'unknown';
    const version = responseVersion(message.version);
    let result: OperationResult;
    let statusMessage: string | undefined;
    let unsupported: IppAttribute[];
    let status: number;
    const guarded = documentBytes ? document : document.pipe(idleGuard(idleTimeoutMs));
    if (!documentBytes) document.on('error', (error) => guarded.destroy(error));
    let ctx: OperationContext | undefined;
    try {
      const checked = checkRequest(message);
      const site = config.sites.find((s) => s.id === x.siteId);
      if (!site) throw ippError(Status.clientErrorNotFound, 'There is no such print queue.');
      const host = hostOf(x.host);
      const printerUri = `ipp://${host}/ipp/print/${site.id}`;
      ctx = {
        request: message,
        operation: checked.operation,
        jobGroup: checked.jobGroup,
        document: guarded,
        documentBytes,
        deferCommit: x.deferCommit,
        site,
        caps: capabilitiesOf(site),
        printerUri,
        requestingUserName: checked.requestingUserName,
        spool,
        config,
        clock,
        log: x.log,
        maxDocumentBytes: config.limits.maxUploadBytes,
        client: () => {
          const match = spool.identifyClient({ address: x.ip, siteId: site.id, requestingUserName: checked.requestingUserName });
          if (!match) throw ippError(Status.clientErrorForbidden, 'This computer is not registered as a terminal of this site.');
          return match;
        },
        printer: (): PrinterContext => ({
          site,
          caps: capabilitiesOf(site),
          printerUri,
          moreInfoUri: config.server.publicBaseUrl ?? `http://${host}/`,
          iconUri: `http://${host}/ipp/print/${site.id}/icon.png`,
          uuid: printerUuidForSite(site.id),
          status: options.printerStatus?.(site.id) ?? IDLE_QUEUE_STATUS,
          queuedJobCount: spool.listJobs({ siteId: site.id, which: 'not-completed' }).filter((job) => job.state !== 'incoming').length,
          now: clock.date(),
          startedAt,
        }),
        isOwn: (job) => {
          const match = spool.identifyClient({ address: x.ip, siteId: site.id, requestingUserName: checked.requestingUserName });
          if (!match || match.terminal.id !== job.terminalId) return false;
          return spool.getOrStartSession({ siteId: site.id, terminalId: match.terminal.id }).id === job.sessionId;
        },
      };
      const operationHandler = OPERATION_HANDLERS[message.code]!;
      result = await operationHandler(ctx);
      status = result.status ?? Status.successfulOk;
      statusMessage = result.statusMessage;
      unsupported = result.unsupported ?? [];
    } catch (error) {
      const failure = ippFailureOf(error);
      if (!failure.expected) x.log.error({ err: error, operation: operationName }, 'IPP operation failed');
      result = {};
      status = failure.status;
      statusMessage = failure.message;
      unsupported = failure.unsupported;
    }

    // Whatever document data the operation did not take is read and dropped, within limits;
    // otherwise the connection is closed after the answer. A body read whole has nothing left.
    const drained = documentBytes
      ? true
      : await discardRest(ctx?.document ?? guarded, { maxBytes: config.limits.maxUploadBytes, idleMs: idleTimeoutMs });
    count(operationName, status);
    return {
      body: buildResponse({
        version,
        status,
        requestId: message.requestId,
        statusMessage,
        unsupported,
        printer: result.printer,
        jobs: result.jobs,
      }),
      close: !drained,
    };
  }

  /** The answer to a request whose header could not be read: its id echoed, and the connection closed. */
  function unreadable(error: Parameters<typeof ippStatusForDecodeError>[0], head: { version: IppVersion | undefined; requestId: number | undefined }): IppAnswer {
    // The client may still be sending; answer and close, never read an unbounded rest.
    const status = ippStatusForDecodeError(error);
    count('unknown', status);
    return {
      body: buildResponse({
        version: responseVersion(head.version ?? { major: 1, minor: 1 }),
        requestId: head.requestId ?? 0,
        status,
        statusMessage: 'The request could not be read.',
      }),
      close: true,
    };
  }

  function count(operation: string, status: number) {
    operationsCounter?.inc({ operation, status: STATUS_KEYWORDS[status] ?? `0x${status.toString(16).padStart(4, '0')}` });
  }

  function hostOf(host: string | undefined): string {
    // The Host header names the address the client reached us at; anything odd falls back to the config.
    if (host && /^[A-Za-z0-9.\-[\]:]{1,255}$/.test(host)) return host;
    const configured = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
    return `${configured}:${config.server.port}`;
  }
}

/** Keeps the first 8 bytes (version, operation, request-id) so even an unreadable request gets its id echoed. */
function recordPrefix() {
  let prefix = Buffer.alloc(0);
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (prefix.length < IPP_HEADER_PREFIX_BYTES) {
        prefix = Buffer.concat([prefix, chunk.subarray(0, IPP_HEADER_PREFIX_BYTES - prefix.length)]);
      }
      callback(null, chunk);
    },
  });
  return {
    stream,
    version: (): IppVersion | undefined => (prefix.length >= 2 ? { major: prefix[0]!, minor: prefix[1]! } : undefined),
    requestId: (): number | undefined => (prefix.length >= 8 ? prefix.readInt32BE(4) : undefined),
  };
}

function prefixOf(bytes: Buffer): { version: IppVersion | undefined; requestId: number | undefined } {
  return {
    version: bytes.length >= 2 ? { major: bytes[0]!, minor: bytes[1]! } : undefined,
    requestId: bytes.length >= 8 ? bytes.readInt32BE(4) : undefined,
  };
}

/**
 * Reads a request body: whole when it is at most `wholeMaxBytes`, otherwise (a large or chunked
 * body that grows past it) the request itself as a stream, with what was read put back in front.
 * Null when the client goes away, or sends nothing for `idleMs` (then the connection is dropped).
 */
function receiveBody(request: IncomingMessage, { wholeMaxBytes, idleMs }: { wholeMaxBytes: number; idleMs: number }): Promise<BodyOutcome> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > wholeMaxBytes) return Promise.resolve({ stream: request });
  return new Promise((resolve) => {
    const timer = setTimeout(() => onBodyIdle(request), idleMs);
    timer.unref();
    (request as ReadingRequest)[READING] = { chunks: [], length: 0, wholeMaxBytes, timer, resolve };
    request.on('data', onBodyData);
    request.on('end', onBodyEnd);
    request.on('close', onBodyGone);
    request.on('error', onBodyGone);
  });
}

// receiveBody's listeners are plain functions of the request (EventEmitter calls them with it as
// `this`) and its state hangs on the request: a request costs one small object, not five closures.
type BodyOutcome = { bytes: Buffer } | { stream: Readable } | null;
type BodyReading = { chunks: Buffer[]; length: number; wholeMaxBytes: number; timer: NodeJS.Timeout; resolve: (outcome: BodyOutcome) => void };
const READING = Symbol('ipp body being read');
type ReadingRequest = IncomingMessage & { [READING]?: BodyReading };

function finishBody(request: ReadingRequest, outcome: BodyOutcome) {
  const reading = request[READING];
  if (!reading) return;
  request[READING] = undefined;
  clearTimeout(reading.timer);
  request.off('data', onBodyData);
  request.off('end', onBodyEnd);
  request.off('close', onBodyGone);
  request.off('error', onBodyGone);
  reading.resolve(outcome);
}

function onBodyData(this: ReadingRequest, chunk: Buffer) {
  const reading = this[READING]!;
  reading.chunks.push(chunk);
  reading.length += chunk.length;
  if (reading.length <= reading.wholeMaxBytes) {
    reading.timer.refresh();
    return;
  }
  // Too big to hold: from here on it streams, starting with what is already read.
  const { chunks, length } = reading;
  this.pause();
  finishBody(this, { stream: this });
  this.unshift(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length));
}

function onBodyEnd(this: ReadingRequest) {
  const { chunks, length } = this[READING]!;
  finishBody(this, { bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length) });
}

function onBodyGone(this: ReadingRequest) {
  finishBody(this, null);
}

function onBodyIdle(request: ReadingRequest) {
  finishBody(request, null);
  request.socket.destroy();
}
