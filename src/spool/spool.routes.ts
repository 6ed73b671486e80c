import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import multipart from '@fastify/multipart';
import QRCode from 'qrcode';
import type { Config } from '../config/config.ts';
import type { Clock } from '../shared/clock.ts';
import type { SpoolService } from './spool.usecases.ts';
import type { PrintJob } from './spool.models.ts';
import { createJobNotFoundError, createTerminalUnknownError, createUploadMissingFileError } from './spool.errors.ts';
import { EndSessionBody, JobIdParams, PreviewParams, TerminalSessionView, UploadResponse, type JobView } from './spool.schemas.ts';

export type SpoolRoutesOptions = { config: Config; spool: SpoolService; clock: Clock };

/** The text in the release QR: a prefix the station recognises, then the session's token. */
export function qrTextForToken(token: string): string {
  return `DP1-${token}`;
}

export function printerNameForSite(siteName: string): string {
  return `Druckpunkt ${siteName}`;
}

export function toJobView(job: PrintJob, now: number): JobView {
  return {
    id: job.id,
    name: job.name,
    state: job.state,
    stateReason: job.stateReason,
    source: job.source,
    pages: job.pages,
    copies: job.copies,
    colorMode: job.colorMode,
    sides: job.sides,
    sizeBytes: job.sizeBytes,
    createdAt: new Date(job.createdAt).toISOString(),
    expiresAt: new Date(job.expiresAt).toISOString(),
    secondsLeft: Math.max(0, Math.floor((job.expiresAt - now) / 1000)),
    pagesCompleted: job.pagesCompleted,
  };
}

/**
 * The terminal's API: the citizen's session (code, QR, waiting jobs), ending it, deleting a job,
 * thumbnails, and the upload from the start page. The terminal is identified by its address.
 */
export async function spoolRoutes(fastify: FastifyInstance, { config, spool, clock }: SpoolRoutesOptions) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  await app.register(multipart, {
    limits: { fileSize: config.limits.maxUploadBytes + 1, files: 1, fields: 5, parts: 6, headerPairs: 50 },
    throwFileSizeLimit: false,
  });

  function terminalOf(request: FastifyRequest) {
    const match = spool.identifyClient({ address: request.ip });
    if (!match) throw createTerminalUnknownError();
    return match;
  }

  function ownJob(request: FastifyRequest, jobId: number): PrintJob {
    const match = terminalOf(request);
    const job = spool.getJob(jobId);
    const session = spool.getOrStartSession({ siteId: match.site.id, terminalId: match.terminal.id });
    // Only the current session's jobs are visible on the terminal: the next citizen sees none of the last one's.
    if (!job || job.sessionId !== session.id) throw createJobNotFoundError();
    return job;
  }

  const baseUrl = () => config.server.publicBaseUrl ?? `http://${config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host}:${config.server.port}`;

  app.get('/api/terminal/session', { schema: { response: { 200: TerminalSessionView } } }, async (request, reply) => {
    const match = terminalOf(request);
    const session = spool.getOrStartSession({ siteId: match.site.id, terminalId: match.terminal.id });
    const qrText = qrTextForToken(session.qrToken);
    const qrSvg = await QRCode.toString(qrText, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    const now = clock.now();
    reply.header('cache-control', 'no-store');
    const host = new URL(baseUrl()).host;
    return {
      site: { id: match.site.id, name: match.site.name },
      terminal: { id: match.terminal.id, name: match.terminal.name },
      printerName: printerNameForSite(match.site.name),
      printerUri: `ipp://${host}/ipp/print/${match.site.id}`,
      session: { code: session.code, qrText, qrSvg, startedAt: new Date(session.startedAt).toISOString() },
      jobs: spool
        .listJobsOfSession(session.id)
        .filter((job) => job.state !== 'incoming')
        .map((job) => toJobView(job, now)),
    };
  });

  app.post('/api/terminal/session/end', { schema: { body: EndSessionBody.optional() } }, async (request, reply) => {
    const match = terminalOf(request);
    await spool.endSession({ siteId: match.site.id, terminalId: match.terminal.id, deleteJobs: request.body?.deleteJobs ?? false });
    return reply.status(204).send();
  });

  app.delete('/api/terminal/jobs/:id', { schema: { params: JobIdParams } }, async (request, reply) => {
    const job = ownJob(request, request.params.id);
    await spool.deleteJob({ jobId: job.id });
    return reply.status(204).send();
  });

  app.get('/api/terminal/jobs/:id/pages/:page/preview.png', { schema: { params: PreviewParams } }, async (request, reply) => {
    const job = ownJob(request, request.params.id);
    const png = await spool.getPreview({ jobId: job.id, page: request.params.page });
    return reply.header('content-type', 'image/png').header('cache-control', 'private, no-store').send(png);
  });

  app.post('/api/jobs', { schema: { response: { 201: UploadResponse } } }, async (request, reply) => {
    const match = terminalOf(request);
    if (!request.isMultipart()) throw createUploadMissingFileError();
    const file = await request.file();
    if (!file || file.fieldname !== 'file') {
      file?.file.resume();
      throw createUploadMissingFileError();
    }
    const added = await spool.submitJob({
      match,
      source: 'upload',
      name: cleanFileName(file.filename),
      requestingUser: null,
      options: { copies: 1, sides: 'one-sided', colorMode: 'color', media: 'iso_a4_210x297mm' },
      stream: file.file,
      declaredFormat: file.mimetype,
    });
    // The citizen waits for the verdict on the file here (a failed check discards the upload and
    // answers with its reason), unlike an IPP client, which hears about it through the job state.
    await spool.ensureChecked(added.id);
    const held = spool.requireJob(added.id);
    const session = spool.getSession(held.sessionId)!;
    return reply.status(201).send({ job: toJobView(held, clock.now()), code: session.code });
  });
}

/** A file name fit to show: no folders, no control characters, at most 255 characters. */
export function cleanFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return clean.slice(0, 255) || 'Dokument';
}
