import { Readable } from 'node:stream';
import type { Config, SiteConfig } from '../config/config.ts';
import type { Clock } from '../shared/clock.ts';
import type { Random } from '../shared/random.ts';
import type { Logger } from '../shared/logger.ts';
import type { DocumentStore, SealedDocument } from '../shared/store/document-store.ts';
import type { IntakeJournal } from './intake-journal.ts';
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
import { QUICK_COUNT_MAX_BYTES, quickCountPdfPages } from './formats/pdf-quick-count.ts';

/** Turns any accepted document into one PDF (see src/spool/formats). Injected so tests can pick limits. */
export type NormalizeFn = (args: {
  source: AsyncIterable<Uint8Array> | Buffer;
  declaredFormat?: string;
  media?: string;
  limits: { maxBytes: number; maxPages: number; maxImagePixels: number; timeoutMs: number; memoryMb: number };
}) => Promise<{ pdf: Buffer; pages: number; sourceFormat: string }>;

/** Reads from an iterator until more than `maxBytes` came or it ended; the iterator stays usable. */
async function readUpTo(source: AsyncGenerator<Buffer>, maxBytes: number): Promise<{ chunks: Buffer[]; bytes: number; ended: boolean }> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  while (bytes <= maxBytes) {
    const next = await source.next();
    if (next.done) return { chunks, bytes, ended: true };
    chunks.push(next.value);
    bytes += next.value.length;
  }
  return { chunks, bytes, ended: false };
}

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
  /**
   * Called when a job becomes held, e.g. to release it at once in test mode; says whether it may
   * have changed the job (then it is read again before the client is answered). Errors are logged.
   */
  onJobHeld?: (job: PrintJob) => boolean | Promise<boolean>;
  /**
   * Where a Print-Job that is held at once is written before its answer when the caller allows
   * it (`deferCommit`, the IPP queue's own HTTP path); its rows follow within milliseconds.
   * Without one every job is committed before its answer.
   */
  intakeJournal?: IntakeJournal;
};

export type WhichJobs = 'completed' | 'not-completed' | 'all';

const CODE_ATTEMPTS = 50;
/**
 * Journaled jobs are committed together, at most this long after the first of them was answered
 * (or at once when this many wait): one transaction for many jobs writes each shared page (the
 * tables' last leaf pages, statistics, the header) once. Any request that reads jobs commits them
 * first, so no one ever sees a job missing (see `journalHeld`).
 */
const INTAKE_BATCH_MS = 10;
const INTAKE_BATCH_MAX = 128;
/** Background work (full checks, thumbnails) waits until no job arrived for this long. */
const BACKGROUND_IDLE_MS = 20;

/** Error codes of the format checks that are a verdict on the document itself. */
const DOCUMENT_VERDICTS = new Set([
  'spool.format_unsupported',
  'spool.too_large',
  'spool.too_many_pages',
  'spool.pdf_encrypted',
  'spool.pdf_damaged',
  'spool.image_too_large',
  'spool.processing_timeout',
  'spool.processing_failed',
]);
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

  function normalizeLimits() {
    const limits = config.limits;
    return {
      maxBytes: limits.maxUploadBytes,
      maxPages: limits.maxPages,
      maxImagePixels: limits.maxImagePixels,
      timeoutMs: limits.processingTimeoutSeconds * 1000,
      memoryMb: limits.processingMemoryMb,
    };
  }

  // Background work — full checks of quickly counted PDFs and first thumbnails — runs in two
  // lanes, one task each at a time (checks use the conversion worker, thumbnails the preview
  // worker, so the lanes use both cores), and only once no job has arrived for
  // BACKGROUND_IDLE_MS: a burst of jobs is answered first, its checks and thumbnails follow when
  // it is over, so a burst never holds more than one document per lane in memory. Whoever needs
  // one now does not wait for the queue: a release calls ensureChecked, a terminal asking for a
  // thumbnail gets it rendered at once.
  const checkQueue = new Set<number>();
  const previewQueue = new Set<number>();
  const checksRunning = new Map<number, Promise<void>>();
  const lanesBusy = { check: false, preview: false };
  let backgroundTimer: NodeJS.Timeout | undefined;
  let lastArrival = Number.NEGATIVE_INFINITY;
  let closed = false;

  function noteArrival() {
    lastArrival = performance.now();
  }

  function scheduleCheck(jobId: number) {
    if (closed) return;
    checkQueue.add(jobId);
    pumpBackground();
  }

  function schedulePreview(jobId: number) {
    if (closed) return;
    previewQueue.add(jobId);
    pumpBackground();
  }

  function pumpBackground() {
    const checkDue = !lanesBusy.check && checkQueue.size > 0;
    const previewDue = !lanesBusy.preview && previewQueue.size > 0;
    if (closed || backgroundTimer || (!checkDue && !previewDue)) return;
    const wait = lastArrival + BACKGROUND_IDLE_MS - performance.now();
    if (wait > 0) {
      backgroundTimer = setTimeout(() => {
        backgroundTimer = undefined;
        pumpBackground();
      }, wait);
      backgroundTimer.unref();
      return;
    }
    if (checkDue) runLane('check', runNextCheck);
    if (previewDue) runLane('preview', runNextPreview);
  }

  function runLane(lane: keyof typeof lanesBusy, task: () => Promise<void>) {
    lanesBusy[lane] = true;
    void task().finally(() => {
      lanesBusy[lane] = false;
      pumpBackground();
    });
  }

  async function runNextCheck() {
    const [checkId] = checkQueue;
    if (checkId === undefined) return;
    checkQueue.delete(checkId);
    await (checksRunning.get(checkId) ?? startCheck(checkId)).catch(() => undefined);
  }

  async function runNextPreview() {
    const [previewId] = previewQueue;
    if (previewId === undefined) return;
    previewQueue.delete(previewId);
    const job = repo.getJob(previewId);
    if (!job || job.state !== 'held') return;
    await getPreview({ jobId: previewId, page: 1 }).catch((error: unknown) =>
      logger.warn({ jobId: previewId, errorCode: isAppError(error) ? error.code : 'unexpected' }, 'first preview failed'),
    );
  }

  function startCheck(jobId: number): Promise<void> {
    const running = checkJob(jobId).finally(() => checksRunning.delete(jobId));
    checksRunning.set(jobId, running);
    return running;
  }

  /**
   * Runs pdfjs over every unchecked document of the job, in the isolated worker: the page count
   * it finds is the one that counts. A document that fails takes the job with it — an upload is
   * discarded (the citizen is told at once), an IPP job is canceled with document-format-error
   * and its documents shredded, so the terminal shows why it will not print.
   */
  async function checkJob(jobId: number): Promise<void> {
    const state = repo.getJob(jobId)?.state;
    // Gone, canceled or printed meanwhile: its documents are shredded, nothing to check.
    if (state === undefined || state === 'canceled' || state === 'completed') return;
    for (const document of repo.listDocuments(jobId)) {
      if (document.checked) continue;
      try {
        const pdf = await store.readAll(document.documentId);
        const result = await deps.normalize({ source: pdf, declaredFormat: 'application/pdf', limits: normalizeLimits() });
        const others = repo.listDocuments(jobId).filter((d) => d.seq !== document.seq).reduce((sum, d) => sum + d.pages, 0);
        if (others + result.pages > config.limits.maxPages) throw createTooManyPagesError({ details: { maxPages: config.limits.maxPages } });
        repo.markDocumentChecked({ jobId, seq: document.seq, pages: result.pages });
        if (result.pages !== document.pages) logger.warn({ jobId, quick: document.pages, checked: result.pages }, 'page count corrected by the full check');
      } catch (error) {
        const job = repo.getJob(jobId);
        // Deleted or purged meanwhile: nothing left to check.
        if (!job) return;
        const errorCode = isAppError(error) ? error.code : 'unexpected';
        // Only a verdict on the document rejects the job; anything else (the worker pool closing
        // at shutdown, say) leaves it unchecked, to be checked again before it prints.
        if (!DOCUMENT_VERDICTS.has(errorCode)) {
          logger.warn({ jobId, errorCode }, 'full check of a document could not run; it stays unchecked');
          throw error;
        }
        if (job.source === 'upload') {
          await discardJob(jobId);
        } else {
          await shredJobDocuments(jobId);
          repo.setJobState({ id: jobId, state: 'canceled', stateReason: 'document-format-error', completedAt: clock.now() });
        }
        logger.info({ jobId, errorCode }, 'document failed its full check; job not printable');
        throw error;
      }
    }
  }

  /** Resolves once every document of the job passed its full check; rejects with the reason it failed. */
  async function ensureChecked(jobId: number): Promise<void> {
    const running = checksRunning.get(jobId);
    if (running) return running;
    if (repo.listDocuments(jobId).every((document) => document.checked)) return;
    checkQueue.delete(jobId);
    return startCheck(jobId);
  }

  /**
   * A small, plainly structured PDF whose pages were counted quickly becomes a held job in ONE
   * transaction — job row, encrypted document (inline), document row, statistics (`applyIntake`)
   * — so it costs one commit, or, with `deferCommit`, it is journaled and committed with the
   * other jobs of its batch after the answer (`journalHeld`). Its full check follows. Null for
   * anything else.
   */
  async function holdQuickly(job: NewJob, whole: Buffer, { deferCommit = false }: { deferCommit?: boolean } = {}): Promise<PrintJob | null> {
    const pages = store.fitsInline(whole.length) ? quickCountPdfPages(whole, { maxPages: config.limits.maxPages }) : null;
    if (pages === null) return null;
    const row = jobRow(job, { state: 'held', stateReason: 'job-hold-until-specified' });
    const entry: IntakeEntry = {
      job: row,
      sealed: store.sealSmall({ kind: 'document', ownerId: storeOwnerOfJob(row.id), bytes: whole }),
      pages,
      sizeBytes: whole.length,
    };
    // Test mode releases a job the moment it is held: that needs its rows first.
    if (deferCommit && deps.intakeJournal && !job.match.site.autoRelease) return journalHeld(entry, deps.intakeJournal);
    repo.inTransaction(() => applyIntake(entry));
    scheduleCheck(row.id);
    return announceHeld(requireJob(row.id));
  }

  // The intake journal (see intake-journal.ts). An entry holds what holdQuickly's transaction
  // writes, sealed: the job row, the encrypted document with its wrapped key, the document's page
  // count and size. A journal record is the entry with the ciphertext as its data.
  type IntakeEntry = { job: JobRow; sealed: SealedDocument; pages: number; sizeBytes: number };
  type IntakeMeta = {
    job: JobRow;
    document: { id: string; kind: string; ownerId: string | null; wrappedKey: string; size: number; createdAt: number };
    pages: number;
    sizeBytes: number;
  };
  const pendingIntake: IntakeEntry[] = [];
  let intakeFlushTimer: NodeJS.Timeout | undefined;
  let intakeRetry: NodeJS.Timeout | undefined;

  /**
   * Holds a quickly counted PDF by writing it to the journal, then answers; the rows follow within
   * INTAKE_BATCH_MS, in one transaction with the other jobs answered meanwhile. Before that, every
   * request that may read jobs commits them first — every web request (app.ts) and every IPP
   * operation but Print-Job and Validate-Job (ipp.routes.ts) — so nothing anyone asks misses a
   * job that was answered.
   */
  function journalHeld(entry: IntakeEntry, journal: IntakeJournal): PrintJob {
    const { job, sealed, pages, sizeBytes } = entry;
    const meta: IntakeMeta = { job, document: { ...sealed.record, wrappedKey: sealed.record.wrappedKey.toString('base64') }, pages, sizeBytes };
    journal.append(meta, sealed.data);
    pendingIntake.push(entry);
    if (pendingIntake.length >= INTAKE_BATCH_MAX) {
      clearTimeout(intakeFlushTimer);
      intakeFlushTimer = setTimeout(flushIntake, 0);
    } else intakeFlushTimer ??= setTimeout(flushIntake, INTAKE_BATCH_MS);
    return { ...job, pages, sizeBytes, pagesCompleted: 0, completedAt: null };
  }

  function applyIntake({ job, sealed, pages, sizeBytes }: IntakeEntry) {
    repo.insertJob(job);
    store.storeSealed(sealed);
    repo.addFirstDocument({ jobId: job.id, documentId: sealed.record.id, sourceFormat: 'application/pdf', pages, sizeBytes, checked: false });
    deps.stats?.record({ siteId: job.siteId, terminalId: job.terminalId, at: job.createdAt, event: { type: 'print_job_received', source: job.source } });
  }

  /**
   * Puts every journaled job into the database in one transaction and empties the journal. Runs
   * INTAKE_BATCH_MS after the first of them was answered, before every request that reads jobs,
   * and at shutdown. Should the database refuse, the records stay in the journal (replayed at
   * start) and the flush is tried again.
   */
  function flushIntake(): number {
    clearTimeout(intakeFlushTimer);
    intakeFlushTimer = undefined;
    if (pendingIntake.length === 0) return 0;
    const batch = pendingIntake.splice(0);
    try {
      repo.inTransaction(() => {
        for (const entry of batch) applyIntake(entry);
      });
    } catch (error) {
      pendingIntake.unshift(...batch);
      logger.error({ err: error, jobs: batch.length }, 'journaled jobs could not be stored yet; retrying');
      if (!closed) {
        intakeRetry ??= setTimeout(() => {
          intakeRetry = undefined;
          flushIntake();
        }, 1000);
        intakeRetry.unref();
      }
      return 0;
    }
    if (pendingIntake.length === 0) deps.intakeJournal?.clear();
    for (const { job, pages } of batch) {
      scheduleCheck(job.id);
      logger.info({ jobId: job.id, site: job.siteId, terminal: job.terminalId, pages, copies: job.copies }, 'job held');
      schedulePreview(job.id);
    }
    return batch.length;
  }

  /** At start: journaled jobs a crash kept from the database go in now; the journal is emptied. */
  function replayIntake(): number {
    const journal = deps.intakeJournal;
    if (!journal) return 0;
    const entries: IntakeEntry[] = [];
    for (const record of journal.readAll()) {
      const { job, document, pages, sizeBytes } = record.meta as IntakeMeta;
      if (repo.getJob(job.id) !== undefined) continue;
      const { wrappedKey, ...key } = document;
      entries.push({ job, sealed: { record: { ...key, wrappedKey: Buffer.from(wrappedKey, 'base64') }, data: record.data }, pages, sizeBytes });
    }
    let replayed = 0;
    if (entries.length > 0) {
      // Each record on its own (a savepoint): one that cannot be stored must not keep the server
      // from starting; it is reported and the others go in.
      repo.inTransaction(() => {
        for (const entry of entries) {
          try {
            repo.inTransaction(() => applyIntake(entry));
            replayed++;
          } catch (error) {
            logger.error({ err: error, jobId: entry.job.id }, 'a journaled job could not be stored at start; it is lost');
          }
        }
      });
      lastAllocatedJobId = undefined;
      logger.warn({ replayed }, 'jobs answered before a crash were taken from the intake journal');
    }
    journal.clear();
    return replayed;
  }

  /** The way of Create-Job + Send-Document for a one-document job; a failure drains `source`. */
  async function receiveAsDocument({ job, declaredFormat, stream, source }: { job: NewJob; declaredFormat?: string; stream: Readable; source?: Readable }): Promise<PrintJob> {
    const created = createJob(job);
    try {
      return await addDocument({ jobId: created.id, stream, declaredFormat, lastDocument: true });
    } catch (error) {
      source?.resume();
      throw error;
    }
  }

  async function markHeld(job: PrintJob): Promise<PrintJob> {
    repo.setJobState({ id: job.id, state: 'held', stateReason: 'job-hold-until-specified' });
    const held = requireJob(job.id);
    deps.stats?.record({ siteId: held.siteId, terminalId: held.terminalId, event: { type: 'print_job_received', source: held.source } });
    return announceHeld(held);
  }

  /** What follows when a job became held: the log line, its first thumbnail, the test-mode hook. */
  async function announceHeld(held: PrintJob): Promise<PrintJob> {
    logger.info({ jobId: held.id, site: held.siteId, terminal: held.terminalId, pages: held.pages, copies: held.copies }, 'job held');
    // The first thumbnail is rendered ahead, once the spool is idle, so the terminal and station
    // usually find it ready; asked for earlier, it is rendered on demand.
    schedulePreview(held.id);
    let touched = false;
    if (deps.onJobHeld) {
      try {
        touched = await deps.onJobHeld(held);
      } catch (error) {
        touched = true;
        logger.error({ err: error, jobId: held.id }, 'job-held hook failed');
      }
    }
    // Read again only when the hook may have moved the job on (test mode released it).
    return touched ? requireJob(held.id) : held;
  }

  /**
   * Receives one document of an incoming job: streams it, size-limited, into the encrypted
   * store, normalises it to PDF in an isolated worker and stores the PDF. With `lastDocument`
   * the job becomes held. Any failure discards the whole job, so nothing is left behind.
   */
  async function addDocument({
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
    noteArrival();
    const job = requireJob(jobId);
    if (job.state !== 'incoming') {
      stream.resume();
      throw createJobNotIncomingError();
    }
    const limits = config.limits;
    receiving.add(jobId);
    try {
      // A small document is read whole first: a plainly structured PDF is counted here (well
      // under a millisecond) and stored as it is, so the client gets its answer at once; the
      // full check in the worker follows (scheduleCheck) and must pass before the job prints.
      // Everything else streams on into the conversion worker, which holds it within its
      // memory cap; only the resulting PDF is stored, encrypted. Until the client gets its
      // answer the job is not accepted, so a crash here loses nothing the client won't resend.
      const incoming = limitBytes(stream, limits.maxUploadBytes, job.sizeBytes);
      const head = await readUpTo(incoming, QUICK_COUNT_MAX_BYTES);
      let received = head.bytes;
      const whole = head.ended ? Buffer.concat(head.chunks) : undefined;
      const quickPages = whole ? quickCountPdfPages(whole, { maxPages: limits.maxPages }) : null;
      if (whole && quickPages !== null) {
        if (job.pages + quickPages > limits.maxPages) throw createTooManyPagesError({ details: { maxPages: limits.maxPages } });
        const stored = await store.write({ kind: 'document', ownerId: storeOwnerOfJob(jobId), source: whole });
        repo.addDocument({ jobId, documentId: stored.id, sourceFormat: 'application/pdf', pages: quickPages, sizeBytes: received, checked: false });
        scheduleCheck(jobId);
      } else {
        const rest = async function* () {
          yield* head.chunks;
          for await (const chunk of incoming) {
            received += chunk.length;
            yield chunk;
          }
        };
        const normalized = await deps.normalize({
          source: whole ?? rest(),
          declaredFormat,
          media: job.media,
          limits: normalizeLimits(),
        });
        if (job.pages + normalized.pages > limits.maxPages) {
          throw createTooManyPagesError({ details: { maxPages: limits.maxPages } });
        }
        const stored = await store.write({ kind: 'document', ownerId: storeOwnerOfJob(jobId), source: normalized.pdf });
        repo.addDocument({ jobId, documentId: stored.id, sourceFormat: normalized.sourceFormat, pages: normalized.pages, sizeBytes: received, checked: true });
      }
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
  }

  type NewJob = { match: TerminalMatch; source: 'ipp' | 'upload'; name: string; requestingUser: string | null; options: PrintOptions };
  type JobRow = Omit<PrintJob, 'pages' | 'sizeBytes' | 'pagesCompleted' | 'completedAt'>;

  // Job ids come from here, never from AUTOINCREMENT: a journaled job has its id before its row
  // exists, and a job created meanwhile must not take the same one. Every job row is inserted by
  // this service, so the database is asked once (after a replay it is asked again).
  let lastAllocatedJobId: number | undefined;
  function allocateJobId(): number {
    lastAllocatedJobId = (lastAllocatedJobId ?? repo.lastJobId()) + 1;
    return lastAllocatedJobId;
  }

  function jobRow({ match, source, name, requestingUser, options }: NewJob, state: { state: JobState; stateReason?: string }): JobRow {
    const session = getOrStartSession({ siteId: match.site.id, terminalId: match.terminal.id });
    const now = clock.now();
    return {
      id: allocateJobId(),
      siteId: match.site.id,
      sessionId: session.id,
      terminalId: match.terminal.id,
      source,
      name: name.slice(0, 255),
      state: state.state,
      stateReason: state.stateReason ?? null,
      requestingUser,
      copies: options.copies,
      sides: options.sides,
      colorMode: options.colorMode,
      media: options.media,
      createdAt: now,
      expiresAt: now + siteById(match.site.id).holdHours * 3_600_000,
    };
  }

  function insertJob(job: NewJob, state: { state: JobState; stateReason?: string }): number {
    return repo.insertJob(jobRow(job, state));
  }

  function createJob(job: NewJob): PrintJob {
    noteArrival();
    const id = insertJob(job, { state: 'incoming' });
    logger.info({ jobId: id, site: job.match.site.id, terminal: job.match.terminal.id, source: job.source }, 'job created');
    return requireJob(id);
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

    createJob,

    /**
     * A job with exactly one document (Print-Job, upload from the start page): held at once when
     * `holdQuickly` can, otherwise it goes the way of Create-Job + Send-Document.
     */
    async submitJob({
      declaredFormat,
      deferCommit,
      ...args
    }: NewJob & ({ stream: Readable } | { bytes: Buffer }) & { declaredFormat?: string; deferCommit?: boolean }): Promise<PrintJob> {
      noteArrival();
      const { stream, bytes, ...job } = { stream: undefined, bytes: undefined, ...args };
      // A document already in memory (a small IPP request) needs no reading. Bytes over the limit
      // go the stream way, which refuses them as every too-large document.
      if (bytes !== undefined && bytes.length <= config.limits.maxUploadBytes) {
        return (await holdQuickly(job, bytes, { deferCommit })) ?? receiveAsDocument({ job, declaredFormat, stream: Readable.from([bytes], { objectMode: false }) });
      }
      const source = stream ?? Readable.from([bytes!], { objectMode: false });
      const incoming = limitBytes(source, config.limits.maxUploadBytes, 0);
      let head: Awaited<ReturnType<typeof readUpTo>>;
      try {
        head = await readUpTo(incoming, QUICK_COUNT_MAX_BYTES);
      } catch (error) {
        // Too large, or the client went away: whatever still comes is read and dropped.
        source.resume();
        throw error;
      }
      const held = head.ended ? await holdQuickly(job, Buffer.concat(head.chunks)) : null;
      if (held) return held;
      const replay = Readable.from(
        (async function* () {
          yield* head.chunks;
          yield* incoming;
        })(),
      );
      return receiveAsDocument({ job, declaredFormat, stream: replay, source });
    },

    addDocument,

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
    ensureChecked,

    /** After a restart: the full checks that were still due run in the background. */
    checkPendingAfterRestart(): number {
      const jobIds = repo.listJobIdsWithUncheckedDocuments();
      for (const jobId of jobIds) scheduleCheck(jobId);
      return jobIds.length;
    },

    /**
     * Shutdown: queued background work is dropped — checks stay due in the database for the next
     * start, thumbnails are rendered when asked for — and running work is waited for.
     */
    async stopBackground(): Promise<void> {
      closed = true;
      checkQueue.clear();
      previewQueue.clear();
      clearTimeout(intakeRetry);
      intakeRetry = undefined;
      clearTimeout(backgroundTimer);
      backgroundTimer = undefined;
      while (lanesBusy.check || lanesBusy.preview || checksRunning.size > 0) {
        await Promise.allSettled([...checksRunning.values()]);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },

    /** Background tasks (full checks, first thumbnails) queued or running, for /metrics. */
    backgroundPending: (): number =>
      checkQueue.size + previewQueue.size + Math.max(lanesBusy.check ? 1 : 0, checksRunning.size) + (lanesBusy.preview ? 1 : 0),

    /** Resolves when no full check is queued or running (tests). */
    async checksSettled(): Promise<void> {
      while (checksRunning.size > 0 || checkQueue.size > 0) {
        await Promise.allSettled([...checksRunning.values()]);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },

    /**
     * After a crash, a job that was still receiving documents cannot be completed by its
     * client any more: it is discarded (documents shredded), so nothing half-received stays.
     */
    async recoverAfterRestart(): Promise<{ discardedIncoming: number; replayedFromJournal: number }> {
      const replayedFromJournal = replayIntake();
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
      return { discardedIncoming, replayedFromJournal };
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
    /** Journaled jobs into the database now (before a request that reads jobs, and at shutdown). */
    flushIntake,
  };
}

export type SpoolService = ReturnType<typeof createSpoolService>;
