/**
 * The IPP printer endpoint: one queue per site at POST /ipp/print/<site-id>, on the same port as
 * the web pages (as CUPS serves both). IPP-level problems are always answered with HTTP 200 and
 * an IPP status (as CUPS does), never an HTTP error page an IPP client cannot read.
 *
 * The request body is never buffered: the content-type parser hands the raw stream on, the codec
 * reads just the attribute header, and the document streams into the spool. Node answers
 * `Expect: 100-continue` itself and removes chunked transfer encoding.
 */
import { Transform, type Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter } from 'prom-client';
import sharp from 'sharp';
import type { Config } from '../../config/config.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Metrics } from '../../shared/metrics.ts';
import {
  buildResponse,
  IPP_HEADER_PREFIX_BYTES,
  ippStatusForDecodeError,
  isIppDecodeError,
  OPERATION_NAMES,
  readIppRequest,
  Status,
  STATUS_KEYWORDS,
  type IppAttribute,
  type IppMessage,
  type IppVersion,
} from './codec/index.ts';
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
};

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

  const handler = async (request: FastifyRequest<{ Params: { siteId: string } }>, reply: FastifyReply) =>
    handleIpp(request, reply);

  fastify.post('/ipp/print/:siteId', handler);
  // Some clients send job operations to the job's own URI.
  fastify.post('/ipp/print/:siteId/jobs/:jobId', handler);

  let icon: Promise<Buffer> | undefined;
  fastify.get('/ipp/print/:siteId/icon.png', async (_request, reply) => {
    // A plain square in the product colour; printer-icons is required by IPP Everywhere.
    icon ??= sharp({ create: { width: 128, height: 128, channels: 4, background: '#0b4f8a' } }).png().toBuffer();
    return reply.header('content-type', 'image/png').header('cache-control', 'public, max-age=86400').send(await icon);
  });

  async function handleIpp(request: FastifyRequest<{ Params: { siteId: string } }>, reply: FastifyReply) {
    const body = request.body as Readable;
    const prefix = recordPrefix();
    // pipe() forwards neither errors nor an abort; the reader must see both to stop waiting.
    body.on('error', (error) => prefix.stream.destroy(error));
    body.on('close', () => {
      if (!body.readableEnded) prefix.stream.destroy();
    });
    const headerTimer = setTimeout(() => {
      // A header that never ends: give up on the connection (the reader then fails as truncated).
      request.raw.socket?.destroy();
    }, idleTimeoutMs);
    headerTimer.unref();

    let message: IppMessage;
    let document: Readable;
    try {
      ({ message, document } = await readIppRequest(body.pipe(prefix.stream), { maxHeaderBytes }));
    } catch (error) {
      clearTimeout(headerTimer);
      if (!isIppDecodeError(error)) throw error;
      // The client may still be sending; answer and close, never read an unbounded rest.
      const status = ippStatusForDecodeError(error);
      count('unknown', status);
      return sendIpp(reply, {
        version: responseVersion(prefix.version() ?? { major: 1, minor: 1 }),
        requestId: prefix.requestId() ?? 0,
        status,
        statusMessage: 'The request could not be read.',
        close: true,
      });
    }
    clearTimeout(headerTimer);

    const operationName = OPERATION_NAMES[message.code] ?? 'unknown';
    const version = responseVersion(message.version);
    let result: OperationResult;
    let statusMessage: string | undefined;
    let unsupported: IppAttribute[];
    let status: number;
    const guarded = document.pipe(idleGuard(idleTimeoutMs));
    document.on('error', (error) => guarded.destroy(error));
    let ctx: OperationContext | undefined;
    try {
      const checked = checkRequest(message);
      const site = config.sites.find((s) => s.id === request.params.siteId);
      if (!site) throw ippError(Status.clientErrorNotFound, 'There is no such print queue.');
      const host = hostOf(request);
      const printerUri = `ipp://${host}/ipp/print/${site.id}`;
      ctx = {
        request: message,
        operation: checked.operation,
        jobGroup: checked.jobGroup,
        document: guarded,
        site,
        caps: capabilitiesOf(site),
        printerUri,
        requestingUserName: checked.requestingUserName,
        spool,
        config,
        clock,
        log: request.log,
        maxDocumentBytes: config.limits.maxUploadBytes,
        client: () => {
          const match = spool.identifyClient({ address: request.ip, siteId: site.id, requestingUserName: checked.requestingUserName });
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
          const match = spool.identifyClient({ address: request.ip, siteId: site.id, requestingUserName: checked.requestingUserName });
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
      if (!failure.expected) request.log.error({ err: error, operation: operationName }, 'IPP operation failed');
      result = {};
      status = failure.status;
      statusMessage = failure.message;
      unsupported = failure.unsupported;
    }

    // Whatever document data the operation did not take is read and dropped, within limits;
    // otherwise the connection is closed after the answer.
    const drained = await discardRest(ctx?.document ?? guarded, { maxBytes: config.limits.maxUploadBytes, idleMs: idleTimeoutMs });
    count(operationName, status);
    return sendIpp(reply, {
      version,
      requestId: message.requestId,
      status,
      statusMessage,
      unsupported,
      printer: result.printer,
      jobs: result.jobs,
      close: !drained,
    });
  }

  function count(operation: string, status: number) {
    operationsCounter?.inc({ operation, status: STATUS_KEYWORDS[status] ?? `0x${status.toString(16).padStart(4, '0')}` });
  }

  function hostOf(request: FastifyRequest): string {
    const host = request.headers.host;
    // The Host header names the address the client reached us at; anything odd falls back to the config.
    if (host && /^[A-Za-z0-9.\-[\]:]{1,255}$/.test(host)) return host;
    const configured = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
    return `${configured}:${config.server.port}`;
  }
}

function sendIpp(
  reply: FastifyReply,
  args: {
    version: IppVersion;
    requestId: number;
    status: number;
    statusMessage?: string;
    unsupported?: IppAttribute[];
    printer?: IppAttribute[];
    jobs?: IppAttribute[][];
    close: boolean;
  },
) {
  const body = buildResponse({
    version: args.version,
    status: args.status,
    requestId: args.requestId,
    statusMessage: args.statusMessage,
    unsupported: args.unsupported,
    printer: args.printer,
    jobs: args.jobs,
  });
  reply.code(200).header('content-type', 'application/ipp').header('cache-control', 'no-store');
  if (args.close) {
    reply.header('connection', 'close');
    reply.raw.once('finish', () => reply.request.raw.socket?.end());
  }
  return reply.send(body);
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
