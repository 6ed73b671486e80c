import type { Readable } from 'node:stream';
import type { Config, SiteConfig } from '../config/config.ts';
import type { Clock } from '../shared/clock.ts';
import type { Random } from '../shared/random.ts';
import type { Logger } from '../shared/logger.ts';
import type { DocumentStore } from '../shared/store/document-store.ts';
import { AppError, isAppError } from '../shared/errors.ts';
import type { SpoolRepository } from './spool.repository.ts';
import type { StatsRecorder } from '../stats/stats.usecases.ts';
import type { TerminalResolver, TerminalMatch } from './terminals.ts';
import {
  FINAL_JOB_STATES,
  storeOwnerOfJob,
  type JobState,
  type PrintJob,
  type PrintOptions,
  type TerminalSession,
} from './spool.models.ts';
import {
  createJobEmptyError,
  createJobNotFoundError,
  createJobNotHeldError,
  createJobNotIncomingError,
  createNoCodeAvailableError,
  createPageNotFoundError,
  createSiteUnknownError,
} from './spool.errors.ts';
import { createTooLargeError, createTooManyPagesError } from './formats/formats.errors.ts';

/** Turns any accepted document into one PDF (see src/spool/formats). Injected so tests can pick limits. */
export type NormalizeFn = (args: {
  source: AsyncIterable<Uint8Array> | Buffer;
  declaredFormat?: string;
  media?: string;
  limits: { maxBytes: number; maxPages: number; maxImagePixels: number; timeoutMs: number; memoryMb: number };
}) => Promise<{ pdf: Buffer; pages: number; sourceFormat: string }>;

/** Renders one page of a PDF to a PNG thumbnail (see src/spool/previews). */
export type RenderPreviewFn = (args: { pdf: Buffer; page: number; widthPx: number }) => Promise<Buffer>;

export type SpoolDeps = {
  config: Config;
  repo: SpoolRepository;
  store: DocumentStore;
  normalize: NormalizeFn;
  renderPreview: RenderPreviewFn;
  resolver: TerminalResolver;
  clock: Clock;
  random: Random;
  logger: Logger;
  /** Anonymous statistics for the evaluation (counts only). */
  stats?: Pick<StatsRecorder, 'record'>;
  /** Called when a job becomes held, e.g. to release it at once in test mode. Errors are logged. */
  onJobHeld?: (job: PrintJob) => void | Promise<void>;
};

export type WhichJobs = 'completed' | 'not-completed' | 'all';

const CODE_ATTEMPTS = 50;
export const PREVIEW_WIDTH = 300;

/**
 * The spool: terminal sessions with their release codes, jobs and their documents. One factory
 * because it holds dependencies; every method is a plain use case over the repository and store.
 */
export function createSpoolService(deps: SpoolDeps) {
  const { config, repo, store, clock, random, logger } = deps;
  // Jobs whose document is streaming in right now: never discarded as abandoned meanwhile.
  const receiving = new Set<number>();

  function siteById(siteId: string): SiteConfig {
    const site = config.sites.find((s) => s.id === siteId);
    if (!site) throw createSiteUnknownError();
    return site;
  }

  /** A code nobody else at the site can use right now: unique among the live codes. */
  function freshCode(siteId: string): string {
    for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
      const code = random.numericCode(6);
      if (repo.findLiveSessionsByCode({ siteId, code, now: clock.now() }).length === 0) return code;
    }
    throw createNoCodeAvailableError();
  }

  function startSession({ siteId, terminalId }: { siteId: string; terminalId: string }): TerminalSession {
    const session = {
      id: random.uuid(),
      siteId,
      terminalId,
      code: freshCode(siteId),
      qrToken: random.token(24),
      startedAt: clock.now(),
    };
    repo.insertSession(session);
    logger.info({ sessionId: session.id, site: siteId, terminal: terminalId }, 'terminal session started');
    deps.stats?.record({ siteId, terminalId, event: { type: 'terminal_session' } });
    return { ...session, endedAt: null };
  }

  function getOrStartSession({ siteId, terminalId }: { siteId: string; terminalId: string }): TerminalSession {
    return repo.findCurrentSession({ siteId, terminalId }) ?? startSession({ siteId, terminalId });
  }

  function requireJob(jobId: number): PrintJob {
    const job = repo.getJob(jobId);
    if (!job) throw createJobNotFoundError();
    return job;
  }

  /** Deletes every stored document and preview of a job: keys first (crypto-shredding), then files. */
  async function shredJobDocuments(jobId: number) {
    await store.removeByOwner(storeOwnerOfJob(jobId));
  }

  /** A rejected or broken job leaves nothing behind: documents, previews and the row go. */
  async function discardJob(jobId: number) {
    await shredJobDocuments(jobId);
    repo.deleteJob(jobId);
  }

  /** Passes the stream through and fails with spool.too_large as soon as the job exceeds the limit. */
  async function* limitBytes(stream: Readable, maxBytes: number, alreadyUsed: number): AsyncGenerator<Buffer> {
    let seen = alreadyUsed;
    for await (const chunk of stream) {
      seen += (chunk as Buffer).length;
      if (seen > maxBytes) throw createTooLargeError({ details: { maxBytes } });
      yield chunk as Buffer;
    }
  }

  async function markHeld(job: PrintJob): Promise<PrintJob> {
    repo.setJobState({ id: job.id, state: 'held', stateReason: 'job-hold-until-specified' });
    const held = requireJob(job.id);
    logger.info({ jobId: held.id, site: held.siteId, terminal: held.terminalId, pages: held.pages, copies: held.copies }, 'job held');
    deps.stats?.record({ siteId: held.siteId, terminalId: held.terminalId, event: { type: 'print_job_received', source: held.source } });
    // The first thumbnail is rendered right away so the terminal and station show it without waiting.
    void getPreview({ jobId: held.id, page: 1 }).catch((error: unknown) =>
      logger.warn({ jobId: held.id, errorCode: isAppError(error) ? error.code : 'unexpected' }, 'first preview failed'),
    );
    if (deps.onJobHeld) {
      try {
        await deps.onJobHeld(held);
      } catch (error) {
        logger.error({ err: error, jobId: held.id }, 'job-held hook failed');
      }
    }
    return requireJob(job.id);
  }

  // The first preview is rendered eagerly when a job arrives; a terminal asking for it meanwhile
  // waits for that render instead of starting a second one.
  const previewsInFlight = new Map<string, Promise<Buffer>>();

  function getPreview({ jobId, page, width = PREVIEW_WIDTH }: { jobId: number; page: number; width?: number }): Promise<Buffer> {
    const key = `${jobId}:${page}:${width}`;
    const running = previewsInFlight.get(key);
    if (running) return running;
    const render = renderPreviewOnce({ jobId, page, width }).finally(() => previewsInFlight.delete(key));
    previewsInFlight.set(key, render);
    return render;
  }

  async function renderPreviewOnce({ jobId, page, width }: { jobId: number; page: number; width: number }): Promise<Buffer> {
    const job = requireJob(jobId);
    if (!Number.isInteger(page) || page < 1 || page > job.pages) throw createPageNotFoundError();
    const existing = repo.findPreview({ jobId, page, width });
    if (existing) return store.readAll(existing);
    // Find the document holding this page of the job.
    let offset = 0;
    for (const document of repo.listDocuments(jobId)) {
      if (page <= offset + document.pages) {
        const pdf = await store.readAll(document.documentId);
        const png = await deps.renderPreview({ pdf, page: page - offset, widthPx: width });
        const stored = await store.write({ kind: 'preview', ownerId: storeOwnerOfJob(jobId), source: png });
        // The job may have been printed or deleted while rendering: then shred the preview again.
        if (!repo.getJob(jobId) || !repo.insertPreview({ jobId, page, width, documentId: stored.id })) await store.remove(stored.id);
        return png;
      }
      offset += document.pages;
    }
    throw createPageNotFoundError();
  }

  return {
    identifyClient: ({ address, siteId, requestingUserName }: { address: string; siteId?: string; requestingUserName?: string }) =>
      deps.resolver.resolve({ address, siteId, requestingUserName }),

    getOrStartSession,

    /**
     * Ends the citizen's session: the next person at the terminal gets a new code. Waiting jobs
     * stay releasable with the old code until their hold time runs out, unless `deleteJobs`.
     */
    async endSession({ siteId, terminalId, deleteJobs = false }: { siteId: string; terminalId: string; deleteJobs?: boolean }) {
      const current = repo.findCurrentSession({ siteId, terminalId });
      if (current) {
        if (deleteJobs) {
          for (const job of repo.listJobsOfSession(current.id)) {
            if (job.state === 'held' || job.state === 'incoming' || job.state === 'aborted') await discardJob(job.id);
          }
        }
        repo.endSession({ id: current.id, at: clock.now() });
        logger.info({ sessionId: current.id, site: siteId, terminal: terminalId }, 'terminal session ended');
      }
      return startSession({ siteId, terminalId });
    },

    createJob({
      match,
      source,
      name,
      requestingUser,
      options,
    }: {
      match: TerminalMatch;
      source: 'ipp' | 'upload';
      name: string;
      requestingUser: string | null;
      options: PrintOptions;
    }): PrintJob {
      const session = getOrStartSession({ siteId: match.site.id, terminalId: match.terminal.id });
      const now = clock.now();
      const id = repo.insertJob({
        siteId: match.site.id,
        sessionId: session.id,
        terminalId: match.terminal.id,
        source,
        name: name.slice(0, 255),
        state: 'incoming',
        requestingUser,
        ...options,
        createdAt: now,
        expiresAt: now + siteById(match.site.id).holdHours * 3_600_000,
      });
      logger.info({ jobId: id, site: match.site.id, terminal: match.terminal.id, source }, 'job created');
      return requireJob(id);
    },

    /**
     * Receives one document of an incoming job: streams it, size-limited, into the encrypted
     * store, normalises it to PDF in an isolated worker and stores the PDF. With `lastDocument`
     * the job becomes held. Any failure discards the whole job, so nothing is left behind.
     */
    async addDocument({
      jobId,
      stream,
      declaredFormat,
      lastDocument,
    }: {
      jobId: number;
      stream: Readable;
      declaredFormat?: string;
      lastDocument: boolean;
    }): Promise<PrintJob> {
      const job = requireJob(jobId);
      if (job.state !== 'incoming') {
        stream.resume();
        throw createJobNotIncomingError();
      }
      const limits = config.limits;
      receiving.add(jobId);
      try {
        // The document streams straight into the conversion worker (which holds it within its
        // memory cap); only the resulting PDF is stored, encrypted. Until the client gets its
        // answer the job is not accepted, so a crash here loses nothing the client won't resend.
        let received = 0;
        const counted = async function* () {
          for await (const chunk of limitBytes(stream, limits.maxUploadBytes, job.sizeBytes)) {
            received += chunk.length;
            yield chunk;
          }
        };
        const normalized = await deps.normalize({
          source: counted(),
          declaredFormat,
          media: job.media,
          limits: {
            maxBytes: limits.maxUploadBytes,
            maxPages: limits.maxPages,
            maxImagePixels: limits.maxImagePixels,
            timeoutMs: limits.processingTimeoutSeconds * 1000,
            memoryMb: limits.processingMemoryMb,
          },
        });
        if (job.pages + normalized.pages > limits.maxPages) {
          throw createTooManyPagesError({ details: { maxPages: limits.maxPages } });
        }
        const stored = await store.write({ kind: 'document', ownerId: storeOwnerOfJob(jobId), source: normalized.pdf });
        repo.addDocument({ jobId, documentId: stored.id, sourceFormat: normalized.sourceFormat, pages: normalized.pages, sizeBytes: received });
      } catch (error) {
        stream.resume();
        await discardJob(jobId);
        logger.info({ jobId, errorCode: error instanceof AppError ? error.code : 'unexpected' }, 'document rejected; job discarded');
        throw error;
      } finally {
        receiving.delete(jobId);
      }
      const updated = requireJob(jobId);
      return lastDocument ? markHeld(updated) : updated;
    },

    /** Send-Document with last-document and no data: the job is complete as it is. */
    async closeJob({ jobId }: { jobId: number }): Promise<PrintJob> {
      const job = requireJob(jobId);
      if (job.state !== 'incoming') throw createJobNotIncomingError();
      if (repo.listDocuments(jobId).length === 0) {
        await discardJob(jobId);
        throw createJobEmptyError();
      }
      return markHeld(job);
    },

    /** Cancels a job that has not been printed: its documents are shredded, the row stays as canceled. */
    async cancelJob({ jobId, reason = 'canceled-by-user' }: { jobId: number; reason?: string }): Promise<PrintJob> {
      const job = requireJob(jobId);
      if (FINAL_JOB_STATES.includes(job.state) && job.state !== 'aborted') throw createJobNotHeldError();
      if (job.state === 'processing') throw createJobNotHeldError();
      await shredJobDocuments(jobId);
      repo.setJobState({ id: jobId, state: 'canceled', stateReason: reason, completedAt: clock.now() });
      logger.info({ jobId, reason }, 'job canceled');
      return requireJob(jobId);
    },

    /** Deletes a job completely (the citizen pressed "delete"): shredded, and the row is gone. */
    async deleteJob({ jobId }: { jobId: number }) {
      const job = requireJob(jobId);
      if (job.state === 'processing') throw createJobNotHeldError();
      await discardJob(jobId);
      deps.stats?.record({ siteId: job.siteId, terminalId: job.terminalId, event: { type: 'job_deleted_by_citizen' } });
      logger.info({ jobId }, 'job deleted');
    },

    getJob: (id: number) => repo.getJob(id),
    findSessionByQrToken: (qrToken: string) => repo.findSessionByQrToken(qrToken),
    /** Sessions whose code is live: current, or with jobs still waiting. */
    findLiveSessionsByCode: ({ siteId, code }: { siteId: string; code: string }) =>
      repo.findLiveSessionsByCode({ siteId, code, now: clock.now() }),
    requireJob,
    getSession: (id: string) => repo.getSession(id),

    listJobsOfSession: (sessionId: string) => repo.listJobsOfSession(sessionId),

    listJobs({ siteId, terminalId, which, limit }: { siteId: string; terminalId?: string; which: WhichJobs; limit?: number }): PrintJob[] {
      const isFinal = (state: JobState) => FINAL_JOB_STATES.includes(state);
      const jobs = repo
        .listJobsOfSite(siteId)
        .filter((job) => !terminalId || job.terminalId === terminalId)
        .filter((job) => (which === 'all' ? true : which === 'completed' ? isFinal(job.state) : !isFinal(job.state)));
      // Completed jobs newest first, pending jobs oldest first, as CUPS lists them.
      if (which === 'completed') jobs.reverse();
      return limit ? jobs.slice(0, limit) : jobs;
    },

    /** The normalised PDF of each document of a job, in order, as streams (for printing). */
    listDocuments: (jobId: number) => repo.listDocuments(jobId),
    readDocument: (documentId: string) => store.readAll(documentId),

    getPreview,

    /**
     * After a crash, a job that was still receiving documents cannot be completed by its
     * client any more: it is discarded (documents shredded), so nothing half-received stays.
     */
    async recoverAfterRestart(): Promise<{ discardedIncoming: number }> {
      let discardedIncoming = 0;
      for (const site of config.sites) {
        for (const job of repo.listJobsOfSite(site.id)) {
          if (job.state === 'incoming') {
            await discardJob(job.id);
            discardedIncoming++;
          }
        }
      }
      if (discardedIncoming > 0) logger.warn({ discardedIncoming }, 'discarded jobs left incomplete by a restart');
      return { discardedIncoming };
    },

    /**
     * A Create-Job whose client never sent the last document (it crashed, or the citizen pulled
     * the cable) is discarded after the multiple-operation-time-out, unless data is arriving.
     */
    async discardAbandonedIncoming({ olderThanMs }: { olderThanMs: number }): Promise<number> {
      let discarded = 0;
      for (const site of config.sites) {
        for (const job of repo.listJobsOfSite(site.id)) {
          if (job.state === 'incoming' && !receiving.has(job.id) && clock.now() - job.createdAt > olderThanMs) {
            await discardJob(job.id);
            discarded++;
          }
        }
      }
      if (discarded > 0) logger.info({ discarded }, 'abandoned incoming jobs discarded');
      return discarded;
    },

    discardJob,
    shredJobDocuments,
  };
}

export type SpoolService = ReturnType<typeof createSpoolService>;
