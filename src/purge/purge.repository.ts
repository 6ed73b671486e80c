import { immediateTransaction, type Db } from '../db/database.ts';

/** A job the purge is about to delete: ids for shredding and the anonymous counters, nothing else. */
export type PurgeCandidate = { id: number; siteId: string; terminalId: string; state: string; stateReason: string | null };

/**
 * Reasons the purge writes on a job it has claimed (state 'canceled') before shredding it. A job
 * found with one of them was claimed by a run that did not finish (crash): the next run
 * completes it at once and still counts an expired job exactly once.
 */
export const CLAIM_REASONS = { expired: 'purge-expired', failed: 'purge-failed', abandoned: 'purge-abandoned' } as const;
export type ClaimReason = (typeof CLAIM_REASONS)[keyof typeof CLAIM_REASONS];

type CandidateRow = { id: number; site_id: string; terminal_id: string; state: string; state_reason: string | null };
const toCandidate = (row: CandidateRow): PurgeCandidate => ({
  id: row.id,
  siteId: row.site_id,
  terminalId: row.terminal_id,
  state: row.state,
  stateReason: row.state_reason,
});

const CANDIDATE_COLUMNS = 'j.id, j.site_id, j.terminal_id, j.state, j.state_reason';

/** Whole milliseconds of a time column that may hold epoch ms (our tables) or ISO text. */
const msOf = (column: string) => `(CASE typeof(${column}) WHEN 'integer' THEN ${column} WHEN 'real' THEN CAST(${column} AS INTEGER) ELSE CAST(strftime('%s', ${column}) AS INTEGER) * 1000 END)`;

export function createPurgeRepository({ db }: { db: Db }) {
  const s = {
    // Held (and never-completed incoming) jobs whose hold time is over: expires_at is the hold end.
    expiredWaiting: db.prepare<{ now: number }, CandidateRow>(
      `SELECT ${CANDIDATE_COLUMNS} FROM print_jobs j WHERE j.state IN ('held', 'incoming') AND j.expires_at <= @now ORDER BY j.id`,
    ),
    // Failed jobs: kept for reprinting until the hold ends, and until `failedMs` after the last failure.
    expiredFailed: db.prepare<{ now: number; failedMs: number }, CandidateRow>(
      `SELECT ${CANDIDATE_COLUMNS} FROM print_jobs j
       WHERE j.state = 'aborted' AND j.expires_at <= @now
         AND ifnull((SELECT MAX(a.updated_at) FROM print_attempts a WHERE a.job_id = j.id), j.created_at) <= @now - @failedMs
       ORDER BY j.id`,
    ),
    claimedLeftovers: db.prepare<[string, string, string], CandidateRow>(
      `SELECT ${CANDIDATE_COLUMNS} FROM print_jobs j WHERE j.state = 'canceled' AND j.state_reason IN (?, ?, ?) ORDER BY j.id`,
    ),
    // Printed and canceled jobs: their documents went at once; the row (with the name) goes now.
    finished: db.prepare<{ cutoff: number }, CandidateRow>(
      `SELECT ${CANDIDATE_COLUMNS} FROM print_jobs j
       WHERE j.state IN ('completed', 'canceled') AND ifnull(j.completed_at, j.created_at) <= @cutoff ORDER BY j.id`,
    ),
    claim: db.prepare(
      `UPDATE print_jobs SET state = 'canceled', state_reason = @reason, completed_at = @now
       WHERE id = @id AND state = @state AND state_reason IS @stateReason`,
    ),
    deleteJob: db.prepare('DELETE FROM print_jobs WHERE id = ?'),
    stationSessions: db.prepare('DELETE FROM station_sessions WHERE max(last_seen_at, ifnull(ended_at, 0)) <= ?'),
    terminalSessions: db.prepare(
      `DELETE FROM terminal_sessions
       WHERE ended_at IS NOT NULL AND ended_at <= ?
         AND NOT EXISTS (SELECT 1 FROM print_jobs j WHERE j.session_id = terminal_sessions.id)
         AND NOT EXISTS (SELECT 1 FROM station_sessions st WHERE st.terminal_session_id = terminal_sessions.id)`,
    ),
    codeFailures: db.prepare('DELETE FROM code_failures WHERE at <= ?'),
    stationLocks: db.prepare('DELETE FROM station_locks WHERE locked_until <= ?'),
    tableExists: db.prepare<[string], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?").pluck(),
  };

  function columnsOf(table: string): Set<string> {
    return new Set((db.pragma(`table_info(${table})`) as Array<{ name: string }>).map((column) => column.name));
  }

  return {
    listExpiredWaiting: (now: number) => s.expiredWaiting.all({ now }).map(toCandidate),
    listExpiredFailed: ({ now, failedMs }: { now: number; failedMs: number }) => s.expiredFailed.all({ now, failedMs }).map(toCandidate),
    listClaimedLeftovers: () => s.claimedLeftovers.all(CLAIM_REASONS.expired, CLAIM_REASONS.failed, CLAIM_REASONS.abandoned).map(toCandidate),
    listFinished: (cutoff: number) => s.finished.all({ cutoff }).map(toCandidate),

    /**
     * Takes a job out of every other hand before its documents are shredded: only if it is still
     * in the state it was listed in (a release that started meanwhile wins), it becomes
     * canceled with the purge's reason, so the station can no longer start printing it.
     */
    claim: ({ job, reason, now }: { job: PurgeCandidate; reason: ClaimReason; now: number }): boolean =>
      s.claim.run({ id: job.id, state: job.state, stateReason: job.stateReason, reason, now }).changes > 0,

    /** Deletes the job row; documents, previews, attempts and overrides go with it (cascade). */
    deleteJob: (id: number): boolean => s.deleteJob.run(id).changes > 0,

    deleteStationSessions: (cutoff: number): number => s.stationSessions.run(cutoff).changes,
    deleteEndedTerminalSessions: (cutoff: number): number => s.terminalSessions.run(cutoff).changes,
    deleteCodeFailures: (cutoff: number): number => s.codeFailures.run(cutoff).changes,
    deleteStationLocks: (cutoff: number): number => s.stationLocks.run(cutoff).changes,

    /**
     * Deletes rows of a table that may not exist (yet): another domain's table, found through
     * sqlite_master. The first of `timeColumns` the table has decides; rows whose time is at or
     * before `cutoff` go. Returns null when the table or every column is missing.
     */
    deleteOlderIn({ table, timeColumns, cutoff }: { table: 'staff_sessions' | 'staff_audit'; timeColumns: string[]; cutoff: number }): number | null {
      if (!s.tableExists.get(table)) return null;
      const columns = columnsOf(table);
      const present = timeColumns.filter((column) => columns.has(column));
      if (present.length === 0) return null;
      // The latest of the given columns that is set, e.g. max(last_seen_at, ended_at).
      const time = present.length === 1 ? msOf(present[0]!) : `max(${present.map((c) => `ifnull(${msOf(c)}, 0)`).join(', ')})`;
      return db.prepare(`DELETE FROM ${table} WHERE ${time} <= ?`).run(cutoff).changes;
    },

    /**
     * Moves every page written since the last checkpoint into the database file and empties the
     * WAL. With secure_delete the main file no longer holds deleted rows; without this, their
     * old page images would stay in the WAL until SQLite reuses that part of the file.
     */
    checkpoint(): { busy: boolean } {
      const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
      return { busy: (result?.busy ?? 0) !== 0 };
    },

    transaction: <T>(fn: () => T): T => immediateTransaction(db, fn)(),
  };
}

export type PurgeRepository = ReturnType<typeof createPurgeRepository>;
