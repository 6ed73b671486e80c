import { PDFDocument } from 'pdf-lib';
import type { Config, PrinterConfig, SiteConfig } from '../config/config.ts';
import { immediateTransaction, type Db } from '../db/database.ts';
import type { Clock } from '../shared/clock.ts';
import type { Random } from '../shared/random.ts';
import type { Logger } from '../shared/logger.ts';
import { isAppError } from '../shared/errors.ts';
import type { SpoolService } from '../spool/spool.usecases.ts';
import type { SpoolRepository } from '../spool/spool.repository.ts';
import type { PrintJob } from '../spool/spool.models.ts';
import { accountsFor, costOf, type Ledger } from '../quota/ledger.ts';
import { createQuotaRules, type QuotaRules } from '../quota/quota-rules.ts';
import { createJobOverrides, type JobOverrides } from '../quota/job-overrides.ts';
import type { PrinterDriver, FollowUpdate, Readiness } from './printers/printer-driver.ts';
import type { CodeGuard } from './code-guard.ts';
import type { StatsRecorder } from '../stats/stats.usecases.ts';
import type { PrintAttempt, ReleaseRepository, StationSession } from './release.repository.ts';
import {
  createCodeInvalidError,
  createNotLoggedInError,
  createNothingToPrintError,
  createPrinterNotReadyReleaseError,
  createStationUnknownError,
} from './release.errors.ts';

/** States in which a job can be printed (again) from the station. */
const RELEASABLE = new Set(['held', 'aborted']);
/** How long a readiness seen at the station stays the queue's word on the printer. */
const QUEUE_STATUS_MAX_AGE_MS = 5 * 60_000;
/** printer-state-reasons (RFC 8011 / PWG 5100.9) passed on as they are; others become "other". */
const IPP_WARNING_REASONS = new Set([
  'media-empty',
  'media-needed',
  'media-jam',
  'media-low',
  'door-open',
  'cover-open',
  'toner-empty',
  'toner-low',
  'marker-supply-empty',
  'marker-supply-low',
  'offline',
  'paused',
  'spool-area-full',
]);

export type ReleaseDeps = {
  config: Config;
  db: Db;
  spool: SpoolService;
  spoolRepo: SpoolRepository;
  repo: ReleaseRepository;
  ledger: Ledger;
  guard: CodeGuard;
  drivers: Map<string, PrinterDriver>;
  clock: Clock;
  random: Random;
  logger: Logger;
  /** Anonymous statistics for the evaluation (counts only). */
  stats?: Pick<StatsRecorder, 'record'>;
  /** How often the follower polls a printer, ms. */
  followIntervalMs?: number;
  /** The quota rules in force (stored, editable by admins); default: read from `db` over `config`. */
  quotaRules?: QuotaRules;
  /** Staff overrides letting a held job print beyond the quota; default: read from `db`. */
  jobOverrides?: JobOverrides;
};

export type JobOutcome = { jobId: number; started: boolean; errorCode?: string; missingPages?: number };

/**
 * The release station's use cases: log in with a code or QR, list the session's jobs with their
 * cost, print them through the printer driver (durably: an attempt row and the reservation exist
 * before anything is sent), follow them to the end, charge only printed pages.
 */
export function createReleaseService(deps: ReleaseDeps) {
  const { config, db, spool, spoolRepo, repo, ledger, guard, drivers, clock, random, logger } = deps;
  const following = new Map<number, Promise<void>>();
  const sends = new Set<Promise<void>>();
  const abort = new AbortController();
  const quotaRules = deps.quotaRules ?? createQuotaRules({ db, config });
  const jobOverrides = deps.jobOverrides ?? createJobOverrides({ db, ledger });

  function stationOf(printerId: string): { site: SiteConfig; printer: PrinterConfig; driver: PrinterDriver } {
    for (const site of config.sites) {
      const printer = site.printers.find((p) => p.id === printerId);
      const driver = drivers.get(printerId);
      if (printer && driver) return { site, printer, driver };
    }
    throw createStationUnknownError();
  }

  function requireStationSession({ sessionId, printerId }: { sessionId: string | undefined; printerId: string }): StationSession {
    const session = sessionId ? repo.getStationSession(sessionId) : undefined;
    const { site } = stationOf(printerId);
    const idleMs = site.release.stationIdleSeconds * 1000;
    if (!session || session.endedAt !== null || session.printerId !== printerId || clock.now() - session.lastSeenAt > idleMs) {
      throw createNotLoggedInError();
    }
    repo.touchStationSession({ id: session.id, at: clock.now() });
    return session;
  }

  function releasableJobs(terminalSessionId: string): PrintJob[] {
    const now = clock.now();
    return spool.listJobsOfSession(terminalSessionId).filter((job) => (RELEASABLE.has(job.state) && job.expiresAt > now) || job.state === 'processing' || job.state === 'completed');
  }

  function impressionsOf(job: PrintJob) {
    return job.pages * job.copies;
  }

  function accountsOfSession(site: SiteConfig, terminalSessionId: string) {
    const session = spool.getSession(terminalSessionId)!;
    return accountsFor({ rules: quotaRules.current(site.id), sessionId: session.id, terminalId: session.terminalId, at: clock.now() });
  }

  async function pdfOfJob(jobId: number): Promise<Buffer> {
    const documents = spool.listDocuments(jobId);
    if (documents.length === 1) return spool.readDocument(documents[0]!.documentId);
    const merged = await PDFDocument.create();
    for (const document of documents) {
      const source = await PDFDocument.load(await spool.readDocument(document.documentId), { ignoreEncryption: true });
      for (const page of await merged.copyPages(source, source.getPageIndices())) merged.addPage(page);
    }
    return Buffer.from(await merged.save());
  }

  /** Ends an attempt exactly once: settles the ledger and moves the job to its outcome. */
  async function finish(attempt: PrintAttempt, update: FollowUpdate) {
    const job = spoolRepo.getJob(attempt.jobId);
    const site = config.sites.find((s) => s.id === job?.siteId);
    const state = update.state === 'completed' ? 'completed' : update.state === 'canceled' ? 'canceled' : update.state === 'unknown' ? 'unknown' : 'aborted';
    const pagesCompleted = Math.min(update.pagesCompleted, attempt.pagesTotal);
    const reason = update.reasons.find((r) => r !== 'none') ?? (state === 'completed' ? null : state);
    const charged = site && job ? Math.min(attempt.pagesReserved, costOf({ impressions: pagesCompleted, colorMode: job.colorMode, rules: quotaRules.current(site.id) })) : 0;
    const finished = immediateTransaction(db, () => {
      if (!repo.finishAttempt({ id: attempt.id, state, pagesCompleted, reason, at: clock.now() })) return false;
      ledger.settle({ attemptId: attempt.id, chargedPages: charged, reason: state, at: clock.now() });
      if (job) {
        // Counted here, inside the transaction that ends the attempt, so each is counted once.
        const where = { siteId: job.siteId, terminalId: job.terminalId };
        if (state === 'completed') deps.stats?.record({ ...where, event: { type: 'print_job_printed' } });
        if (pagesCompleted > 0) deps.stats?.record({ ...where, event: { type: 'pages_printed', pages: pagesCompleted, color: job.colorMode === 'color' } });
        if (attempt.pagesReserved - charged > 0) deps.stats?.record({ ...where, event: { type: 'pages_refunded', pages: attempt.pagesReserved - charged } });
        if (state === 'completed') {
          spoolRepo.setPagesCompleted({ id: job.id, pagesCompleted });
          spoolRepo.setJobState({ id: job.id, state: 'completed', stateReason: 'job-completed-successfully', completedAt: clock.now() });
        } else {
          // Not (fully) printed: the job stays listed with the reason and can be printed again.
          spoolRepo.setPagesCompleted({ id: job.id, pagesCompleted });
          spoolRepo.setJobState({ id: job.id, state: 'aborted', stateReason: reason ?? 'aborted-by-system' });
        }
      }
      return true;
    })();
    if (!finished) return;
    logger.info({ jobId: attempt.jobId, attemptId: attempt.id, state, pagesCompleted, charged }, 'print attempt finished');
    // Printed: the document, its previews and keys go at once (crypto-shredding).
    if (state === 'completed' && job) await spool.shredJobDocuments(job.id);
  }

  async function follow(attempt: PrintAttempt, driver: PrinterDriver) {
    const ref = attempt.printerJobRef!;
    for (;;) {
      try {
        const update = await driver.follow(ref, {
          signal: abort.signal,
          intervalMs: deps.followIntervalMs ?? 1000,
          onUpdate: (u) => repo.setProgress({ id: attempt.id, pagesCompleted: Math.min(u.pagesCompleted, attempt.pagesTotal), at: clock.now() }),
        });
        await finish(attempt, update);
        return;
      } catch (error) {
        if (abort.signal.aborted) return;
        // The printer is unreachable for a while: the job is not lost, keep following.
        logger.warn({ attemptId: attempt.id, errorCode: isAppError(error) ? error.code : 'unexpected' }, 'following a print job failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 5000));
        if (abort.signal.aborted) return;
      }
    }
  }

  function startFollowing(attempt: PrintAttempt, driver: PrinterDriver) {
    if (following.has(attempt.id)) return;
    const run = follow(attempt, driver).finally(() => following.delete(attempt.id));
    following.set(attempt.id, run);
  }

  async function send(attemptId: number, driver: PrinterDriver) {
    const attempt = repo.getAttempt(attemptId)!;
    const job = spoolRepo.getJob(attempt.jobId)!;
    try {
      const pdf = await pdfOfJob(job.id);
      const { printerJobRef } = await driver.submit({
        pdf,
        pages: job.pages,
        options: { copies: job.copies, sides: job.sides, colorMode: job.colorMode, media: job.media, jobName: `Druckpunkt ${job.id}` },
      });
      repo.markSubmitted({ id: attempt.id, ref: printerJobRef, at: clock.now() });
      startFollowing(repo.getAttempt(attempt.id)!, driver);
    } catch (error) {
      // Not accepted by the printer: nothing printed, everything refunded, the job can be printed again.
      const reason = isAppError(error) ? error.code : 'submit-failed';
      logger.warn({ attemptId: attempt.id, jobId: job.id, errorCode: reason }, 'printer did not take the job');
      await finish(attempt, { state: 'aborted', pagesCompleted: 0, reasons: [reason] });
    }
  }

  // The last readiness of each printer, for the IPP queue's printer-state-reasons (queueStatus).
  const lastReadiness = new Map<string, { readiness: Readiness; at: number }>();
  function remember(printerId: string, readiness: Readiness): Readiness {
    lastReadiness.set(printerId, { readiness, at: clock.now() });
    return readiness;
  }

  /** The job as it is once every document passed its full check, or why it cannot print. */
  async function fullyChecked(job: PrintJob): Promise<{ job: PrintJob } | { refused: JobOutcome }> {
    try {
      await spool.ensureChecked(job.id);
    } catch (error) {
      if (isAppError(error)) return { refused: { jobId: job.id, started: false, errorCode: error.code } };
      throw error;
    }
    const current = spool.getJob(job.id);
    return current ? { job: current } : { refused: { jobId: job.id, started: false, errorCode: 'spool.job_not_held' } };
  }

  /**
   * Creates the attempt, reserves the pages and marks the job processing — in one transaction,
   * before anything is sent — then sends in the background.
   */
  function startAttempt({ job, site, printerId, driver, chargeQuota }: { job: PrintJob; site: SiteConfig; printerId: string; driver: PrinterDriver; chargeQuota: boolean }): JobOutcome {
    const impressions = impressionsOf(job);
    const rules = quotaRules.current(site.id);
    const cost = chargeQuota ? costOf({ impressions, colorMode: job.colorMode, rules }) : 0;
    try {
      const attemptId = immediateTransaction(db, () => {
        const current = spoolRepo.getJob(job.id);
        if (!current || !RELEASABLE.has(current.state)) return undefined;
        const id = repo.insertAttempt({ jobId: job.id, printerId, pagesTotal: impressions, pagesReserved: cost, at: clock.now() });
        if (cost > 0) {
          const accounts = accountsFor({ rules, sessionId: job.sessionId, terminalId: job.terminalId, at: clock.now() });
          // Staff let this job print beyond the quota: grant each account's shortfall first.
          jobOverrides.coverShortfall({ siteId: site.id, jobId: job.id, accounts, pages: cost, at: clock.now() });
          ledger.reserve({ siteId: site.id, accounts, pages: cost, attemptId: id, at: clock.now() });
        }
        spoolRepo.setJobState({ id: job.id, state: 'processing', stateReason: 'job-printing' });
        spoolRepo.setPagesCompleted({ id: job.id, pagesCompleted: 0 });
        return id;
      })();
      if (attemptId === undefined) return { jobId: job.id, started: false, errorCode: 'spool.job_not_held' };
      logger.info({ jobId: job.id, attemptId, printer: printerId, impressions, cost }, 'print attempt started');
      const sending = send(attemptId, driver);
      sends.add(sending);
      void sending.finally(() => sends.delete(sending));
      return { jobId: job.id, started: true };
    } catch (error) {
      if (isAppError(error)) {
        if (error.code === 'quota.exceeded') deps.stats?.record({ siteId: site.id, terminalId: job.terminalId, event: { type: 'quota_exceeded' } });
        return { jobId: job.id, started: false, errorCode: error.code, missingPages: error.details?.missingPages as number | undefined };
      }
      throw error;
    }
  }

  return {
    stationOf,

    async readiness(printerId: string): Promise<Readiness> {
      return remember(printerId, await stationOf(printerId).driver.readiness());
    },

    /**
     * What the site's IPP queue tells the terminals' print dialogs about the printer it stands
     * for, from the last readiness seen (the station page asks every few seconds): undefined
     * while it is ready or nothing recent is known. The queue itself keeps accepting jobs, so
     * the reasons are warnings, never errors.
     */
    queueStatus(siteId: string): { state: 'idle'; reasons: string[]; message: string } | undefined {
      const printer = config.sites.find((site) => site.id === siteId)?.printers[0];
      const seen = printer && lastReadiness.get(printer.id);
      if (!seen || seen.readiness.ready || clock.now() - seen.at > QUEUE_STATUS_MAX_AGE_MS) return undefined;
      const blocking = seen.readiness.blocking.length ? seen.readiness.blocking : seen.readiness.reasons;
      const reasons = [...new Set(blocking.map((reason) => (IPP_WARNING_REASONS.has(reason) ? reason : 'other')))].map((reason) => `${reason}-warning`);
      return {
        state: 'idle',
        reasons: reasons.length ? reasons : ['other-warning'],
        message: 'The printer needs attention; jobs are held as usual and print once it is fixed.',
      };
    },

    /** Logs a citizen in at a station by release code or QR token (QR is not throttled: it cannot be guessed). */
    login({ printerId, code, qrToken }: { printerId: string; code?: string; qrToken?: string }): StationSession {
      const { site } = stationOf(printerId);
      let terminalSessionId: string;
      if (qrToken !== undefined) {
        const session = spool.findSessionByQrToken(qrToken.trim().replace(/^DP1-/, ''));
        const live = session && session.siteId === site.id && (session.endedAt === null || releasableJobs(session.id).length > 0);
        if (!session || !live) throw createCodeInvalidError();
        terminalSessionId = session.id;
      } else {
        guard.assertMayTry({ siteId: site.id, printerId, rules: site.release });
        const candidates = /^\d{6}$/.test(code ?? '') ? spool.findLiveSessionsByCode({ siteId: site.id, code: code! }) : [];
        if (candidates.length === 0) {
          guard.recordFailure({ siteId: site.id, printerId, rules: site.release });
          throw createCodeInvalidError();
        }
        terminalSessionId = candidates[0]!.id;
      }
      const session = { id: random.token(24), printerId, siteId: site.id, terminalSessionId, at: clock.now() };
      repo.insertStationSession(session);
      logger.info({ printer: printerId, terminalSession: terminalSessionId }, 'station login');
      return repo.getStationSession(session.id)!;
    },

    logout({ sessionId }: { sessionId: string }) {
      repo.endStationSession({ id: sessionId, at: clock.now() });
    },

    requireStationSession,

    /** The jobs at the station with their cost, the free pages left, and print progress. */
    overview({ session }: { session: StationSession }) {
      const { site } = stationOf(session.printerId);
      const rules = quotaRules.current(site.id);
      const available = ledger.available({ siteId: site.id, accounts: accountsOfSession(site, session.terminalSessionId) });
      const jobs = releasableJobs(session.terminalSessionId).map((job) => {
        const attempt = repo.latestAttemptOfJob(job.id);
        return {
          job,
          impressions: impressionsOf(job),
          cost: costOf({ impressions: impressionsOf(job), colorMode: job.colorMode, rules }),
          attempt: attempt && attempt.printerId === session.printerId ? attempt : undefined,
        };
      });
      return { availablePages: available, idleSeconds: site.release.stationIdleSeconds, jobs };
    },

    /**
     * Prints the selected jobs (all releasable ones when none are named). The printer must be
     * ready, else nothing starts and the jobs stay held. Each job is charged on its own: a job
     * beyond the remaining pages is refused with the missing page count, the others print.
     */
    async print({ session, jobIds }: { session: StationSession; jobIds?: number[] }): Promise<{ outcomes: JobOutcome[] }> {
      const { site, driver } = stationOf(session.printerId);
      const candidates = releasableJobs(session.terminalSessionId).filter((job) => RELEASABLE.has(job.state));
      const selected = jobIds ? candidates.filter((job) => jobIds.includes(job.id)) : candidates;
      if (selected.length === 0) throw createNothingToPrintError();
      const readiness = remember(session.printerId, await driver.readiness());
      if (!readiness.ready) throw createPrinterNotReadyReleaseError({ details: { state: readiness.state, reasons: readiness.blocking.length ? readiness.blocking : readiness.reasons } });
      const outcomes: JobOutcome[] = [];
      for (const job of selected) {
        // A quickly counted PDF prints only after its full check: its page count is then final.
        const checked = await fullyChecked(job);
        outcomes.push('refused' in checked ? checked.refused : startAttempt({ job: checked.job, site, printerId: session.printerId, driver, chargeQuota: true }));
      }
      return { outcomes };
    },

    async deleteJobs({ session, jobIds }: { session: StationSession; jobIds: number[] }) {
      const own = releasableJobs(session.terminalSessionId).filter((job) => RELEASABLE.has(job.state) && jobIds.includes(job.id));
      for (const job of own) await spool.deleteJob({ jobId: job.id });
      return { deleted: own.map((job) => job.id) };
    },

    /** Test mode: a held job goes straight to the site's first printer, without quota. */
    async autoRelease(job: PrintJob) {
      const site = config.sites.find((s) => s.id === job.siteId);
      const printer = site?.printers[0];
      const driver = printer && drivers.get(printer.id);
      if (!site || !printer || !driver) return;
      const checked = await fullyChecked(job);
      if ('refused' in checked) return;
      startAttempt({ job: checked.job, site, printerId: printer.id, driver, chargeQuota: false });
    },

    /**
     * After a restart: attempts that were sent are followed again; attempts whose sending was
     * interrupted are closed as not printed and refunded (never sent again on their own — the
     * citizen can print once more).
     */
    async resumeAfterRestart(): Promise<{ resumed: number; interrupted: number }> {
      let resumed = 0;
      let interrupted = 0;
      for (const attempt of repo.listOpenAttempts()) {
        const driver = drivers.get(attempt.printerId);
        if (attempt.state === 'submitted' && attempt.printerJobRef && driver) {
          startFollowing(attempt, driver);
          resumed++;
        } else {
          await finish(attempt, { state: 'aborted', pagesCompleted: 0, reasons: ['interrupted'] });
          interrupted++;
        }
      }
      if (resumed + interrupted > 0) logger.info({ resumed, interrupted }, 'print attempts recovered after restart');
      return { resumed, interrupted };
    },

    /** Waits for every attempt being followed (tests). */
    async settled() {
      while (following.size > 0 || sends.size > 0) await Promise.allSettled([...following.values(), ...sends]);
    },

    async close() {
      abort.abort();
      await Promise.allSettled([...sends, ...following.values()]);
    },
  };
}

export type ReleaseService = ReturnType<typeof createReleaseService>;
