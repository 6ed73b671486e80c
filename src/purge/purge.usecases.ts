import cron from 'node-cron';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/database.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { DocumentStore } from '../shared/store/document-store.ts';
import { isAppError } from '../shared/errors.ts';
import { storeOwnerOfJob } from '../spool/spool.models.ts';
import type { StatsRecorder } from '../stats/stats.usecases.ts';
import { CLAIM_REASONS, createPurgeRepository, type ClaimReason, type PurgeCandidate } from './purge.repository.ts';
import { createPurgeScheduleInvalidError } from './purge.errors.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How long each kind of data is kept. Held print jobs are not here: each site's `holdHours`
 * decides (it is the job's `expiresAt`). Scans are the scan domain's (see `purgeScans`).
 */
export type PurgeRetention = {
  /** Failed (aborted) jobs, hours after their last failed attempt — never before their hold time ends. Default 24. */
  failedJobHours: number;
  /** Rows of printed and canceled jobs (their documents went at once; the row still names the document), minutes. Default 60. */
  finishedJobMinutes: number;
  /** Station logins after their last use, minutes; never shorter than the sites' idle logout. Default 60. */
  stationSessionMinutes: number;
  /** Ended terminal sessions (their release codes) once no job refers to them, minutes after the end. Default 60. */
  terminalSessionMinutes: number;
  /** Staff sessions after their end or last use, hours; must exceed the staff idle timeout. Default 24. */
  staffSessionHours: number;
  /** Wrong-code records behind the guessing limits, hours; never shorter than their counting windows. Default 24. */
  codeFailureHours: number;
  /** Staff audit log entries, days. Default 365. */
  auditDays: number;
};

export const DEFAULT_RETENTION: PurgeRetention = {
  failedJobHours: 24,
  finishedJobMinutes: 60,
  stationSessionMinutes: 60,
  terminalSessionMinutes: 60,
  staffSessionHours: 24,
  codeFailureHours: 24,
  auditDays: 365,
};

export const DEFAULT_PURGE_SCHEDULE = '*/5 * * * *';

/** What one run deleted. Counts only: this is what goes to the log. */
export type PurgeCounts = {
  /** Held jobs past their hold time (counted as expired unprinted in the statistics). */
  heldExpired: number;
  /** Failed jobs past their retention (also counted as expired unprinted). */
  failedExpired: number;
  /** Jobs whose documents never finished arriving, past their hold time. */
  incompleteExpired: number;
  /** Rows of printed and canceled jobs. */
  finishedRows: number;
  /** Document and preview keys shredded with those jobs. */
  documentKeys: number;
  /** What the scan domain's hook reported. */
  scans: number;
  stationSessions: number;
  terminalSessions: number;
  staffSessions: number;
  codeFailures: number;
  stationLocks: number;
  auditEntries: number;
  /** Files without key and temp files removed by the store's sweep (crash leftovers). */
  sweptFiles: number;
  /** Items that failed this run and stay for the next one. */
  failures: number;
};

export type CreatePurgerArgs = {
  config: Pick<Config, 'sites'>;
  db: Db;
  store: Pick<DocumentStore, 'removeByOwner' | 'sweep'>;
  stats: Pick<StatsRecorder, 'record'>;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'debug' | 'warn' | 'error'>;
  /** Cron expression for `schedule()` (node-cron, 5 or 6 fields). Default every 5 minutes. */
  schedule?: string;
  /** Cron's time zone. Default Europe/Berlin. */
  timeZone?: string;
  retention?: Partial<PurgeRetention>;
  /**
   * Deletes expired scans (2 h after creation, 30 min after the first pickup) with their keys
   * and files, and returns how many went. Provided by the scan domain; the purge only calls it.
   */
  purgeScans?: () => Promise<number>;
};

function emptyCounts(): PurgeCounts {
  return {
    heldExpired: 0,
    failedExpired: 0,
    incompleteExpired: 0,
    finishedRows: 0,
    documentKeys: 0,
    scans: 0,
    stationSessions: 0,
    terminalSessions: 0,
    staffSessions: 0,
    codeFailures: 0,
    stationLocks: 0,
    auditEntries: 0,
    sweptFiles: 0,
    failures: 0,
  };
}

/**
 * The retention timer. Each run deletes what has outlived its retention, by crypto-shredding:
 * a job is first claimed (so no station can start it any more), then its keys go (the files are
 * unreadable from that moment), then its files, then its row — with the statistics counter in
 * the same transaction as the row, so a crash at any point leads to the next run finishing the
 * job and counting it exactly once. Runs are idempotent: a second run finds nothing.
 */
export function createPurger(args: CreatePurgerArgs) {
  const { config, db, store, stats, clock, logger } = args;
  const retention: PurgeRetention = { ...DEFAULT_RETENTION, ...args.retention };
  const expression = args.schedule ?? DEFAULT_PURGE_SCHEDULE;
  if (!cron.validate(expression)) throw createPurgeScheduleInvalidError();
  const repo = createPurgeRepository({ db });
  let running: Promise<PurgeCounts> | undefined;
  let task: ReturnType<typeof cron.schedule> | undefined;
  const warnedMissing = new Set<string>();

  // Retention may not undercut what the release station itself still needs.
  const maxIdleMs = Math.max(0, ...config.sites.map((site) => site.release.stationIdleSeconds * 1000));
  const maxLockMs = Math.max(HOUR, ...config.sites.map((site) => site.release.lockMinutes * MINUTE));

  /** Shreds a job's keys and files, then deletes its row (and counts it) in one transaction. */
  async function shredAndDelete(job: PurgeCandidate, counts: PurgeCounts, countAs: keyof PurgeCounts, expired: boolean) {
    counts.documentKeys += await store.removeByOwner(storeOwnerOfJob(job.id));
    const deleted = repo.transaction(() => {
      if (!repo.deleteJob(job.id)) return false;
      if (expired) stats.record({ siteId: job.siteId, terminalId: job.terminalId, event: { type: 'job_expired_unprinted' } });
      return true;
    });
    if (deleted) counts[countAs] += 1;
  }

  const reasonCounts: Record<ClaimReason, { countAs: keyof PurgeCounts; expired: boolean }> = {
    [CLAIM_REASONS.expired]: { countAs: 'heldExpired', expired: true },
    [CLAIM_REASONS.failed]: { countAs: 'failedExpired', expired: true },
    [CLAIM_REASONS.abandoned]: { countAs: 'incompleteExpired', expired: false },
  };

  async function eachJob(jobs: PurgeCandidate[], counts: PurgeCounts, handle: (job: PurgeCandidate) => Promise<void>) {
    for (const job of jobs) {
      try {
        await handle(job);
      } catch (error) {
        // One stuck job must not keep the others alive; it is retried next run.
        counts.failures += 1;
        logger.error({ jobId: job.id, errorCode: isAppError(error) ? error.code : 'unexpected', err: error }, 'purging a job failed');
      }
    }
  }

  function purgeOptionalTable(table: 'staff_sessions' | 'staff_audit', timeColumns: string[], cutoff: number): number {
    const deleted = repo.deleteOlderIn({ table, timeColumns, cutoff });
    if (deleted === null) {
      if (!warnedMissing.has(table)) logger.debug({ table }, 'purge: table not present (yet); skipped');
      warnedMissing.add(table);
      return 0;
    }
    return deleted;
  }

  async function run(): Promise<PurgeCounts> {
    const counts = emptyCounts();
    const now = clock.now();

    // 1. Jobs a crashed run had claimed: finish them first.
    await eachJob(repo.listClaimedLeftovers(), counts, async (job) => {
      const how = reasonCounts[job.stateReason as ClaimReason];
      await shredAndDelete(job, counts, how.countAs, how.expired);
    });

    // 2. Held jobs at the end of their hold time, failed jobs past theirs.
    const claimAndPurge = (reasonOf: (job: PurgeCandidate) => ClaimReason) => async (job: PurgeCandidate) => {
      const reason = reasonOf(job);
      if (!repo.claim({ job, reason, now: clock.now() })) return; // released or changed meanwhile
      const how = reasonCounts[reason];
      await shredAndDelete(job, counts, how.countAs, how.expired);
    };
    await eachJob(repo.listExpiredWaiting(now), counts, claimAndPurge((job) => (job.state === 'held' ? CLAIM_REASONS.expired : CLAIM_REASONS.abandoned)));
    await eachJob(repo.listExpiredFailed({ now, failedMs: retention.failedJobHours * HOUR }), counts, claimAndPurge(() => CLAIM_REASONS.failed));

    // 3. Printed and canceled jobs: documents are gone already (shredded again in case a late
    //    preview slipped in); the row, which still holds the document name, goes now.
    await eachJob(repo.listFinished(now - retention.finishedJobMinutes * MINUTE), counts, (job) => shredAndDelete(job, counts, 'finishedRows', false));

    // 4. Scans belong to the scan domain.
    if (args.purgeScans) {
      try {
        counts.scans = await args.purgeScans();
      } catch (error) {
        counts.failures += 1;
        logger.error({ errorCode: isAppError(error) ? error.code : 'unexpected', err: error }, 'purging scans failed');
      }
    }

    // 5. Sessions, guessing records, audit log.
    try {
      repo.transaction(() => {
        counts.stationSessions = repo.deleteStationSessions(now - Math.max(retention.stationSessionMinutes * MINUTE, maxIdleMs));
        counts.terminalSessions = repo.deleteEndedTerminalSessions(now - retention.terminalSessionMinutes * MINUTE);
        counts.codeFailures = repo.deleteCodeFailures(now - Math.max(retention.codeFailureHours * HOUR, maxLockMs));
        counts.stationLocks = repo.deleteStationLocks(now - Math.max(retention.codeFailureHours * HOUR, maxLockMs));
        counts.staffSessions = purgeOptionalTable('staff_sessions', ['last_seen_at', 'ended_at'], now - retention.staffSessionHours * HOUR);
        counts.auditEntries = purgeOptionalTable('staff_audit', ['at'], now - retention.auditDays * DAY);
      });
    } catch (error) {
      counts.failures += 1;
      logger.error({ err: error }, 'purging sessions failed');
    }

    // 6. Files a crash left without a key (their content is unreadable, but they take space).
    try {
      counts.sweptFiles = (await store.sweep()).removedFiles;
    } catch (error) {
      counts.failures += 1;
      logger.error({ err: error }, 'store sweep during purge failed');
    }

    // 7. Every run, not only when this run deleted something: the spool and the release delete
    //    rows too (a citizen's "delete", a printed job's keys), and their old page images sit in
    //    the WAL until it is emptied. So nothing deleted outlives the next run there.
    const { busy } = repo.checkpoint();
    if (busy) logger.warn('purge: WAL checkpoint could not complete (readers busy); deleted rows may linger in the WAL until the next run');
    const deletedRows = Object.entries(counts).some(([key, value]) => key !== 'failures' && key !== 'sweptFiles' && value > 0);
    if (deletedRows || counts.sweptFiles > 0 || counts.failures > 0) logger.info({ purge: counts }, 'purge run');
    else logger.debug({ purge: counts }, 'purge run: nothing to delete');
    return counts;
  }

  /** One purge run now. A run already in progress is joined, not started twice. */
  function runOnce(): Promise<PurgeCounts> {
    running ??= run().finally(() => {
      running = undefined;
    });
    return running;
  }

  const runLogged = () => runOnce().catch((error: unknown) => logger.error({ err: error }, 'purge run failed'));

  return {
    retention,
    runOnce,

    /** Starts the cron timer (idempotent) and runs once at once, to catch up after downtime. */
    schedule(): void {
      if (task) return;
      task = cron.schedule(expression, runLogged, { name: 'purge', noOverlap: true, timezone: args.timeZone ?? 'Europe/Berlin' });
      void runLogged();
    },

    /** Stops the timer and waits for a run in progress (graceful shutdown). */
    async close(): Promise<void> {
      if (task) await task.destroy();
      task = undefined;
      await running?.catch(() => undefined);
    },
  };
}

export type Purger = ReturnType<typeof createPurger>;
