import type { Db } from '../db/database.ts';

export type AttemptState = 'created' | 'submitted' | 'completed' | 'aborted' | 'canceled' | 'unknown' | 'failed';
export const FINAL_ATTEMPT_STATES: readonly AttemptState[] = ['completed', 'aborted', 'canceled', 'unknown', 'failed'];

/** One try to print one job on one printer. Written before anything is sent. */
export type PrintAttempt = {
  id: number;
  jobId: number;
  printerId: string;
  state: AttemptState;
  printerJobRef: string | null;
  /** Impressions the job has with all copies. */
  pagesTotal: number;
  /** Quota pages reserved for it (colour weighted). */
  pagesReserved: number;
  pagesCompleted: number;
  reason: string | null;
  createdAt: number;
  updatedAt: number;
};

export type StationSession = {
  id: string;
  printerId: string;
  siteId: string;
  terminalSessionId: string;
  createdAt: number;
  lastSeenAt: number;
  endedAt: number | null;
};

type AttemptRow = {
  id: number;
  job_id: number;
  printer_id: string;
  state: AttemptState;
  printer_job_ref: string | null;
  pages_total: number;
  pages_reserved: number;
  pages_completed: number;
  reason: string | null;
  created_at: number;
  updated_at: number;
};
type StationRow = {
  id: string;
  printer_id: string;
  site_id: string;
  terminal_session_id: string;
  created_at: number;
  last_seen_at: number;
  ended_at: number | null;
};

const toAttempt = (row: AttemptRow): PrintAttempt => ({
  id: row.id,
  jobId: row.job_id,
  printerId: row.printer_id,
  state: row.state,
  printerJobRef: row.printer_job_ref,
  pagesTotal: row.pages_total,
  pagesReserved: row.pages_reserved,
  pagesCompleted: row.pages_completed,
  reason: row.reason,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});
const toStation = (row: StationRow): StationSession => ({
  id: row.id,
  printerId: row.printer_id,
  siteId: row.site_id,
  terminalSessionId: row.terminal_session_id,
  createdAt: row.created_at,
  lastSeenAt: row.last_seen_at,
  endedAt: row.ended_at,
});

export function createReleaseRepository({ db }: { db: Db }) {
  const s = {
    insertAttempt: db.prepare(
      `INSERT INTO print_attempts (job_id, printer_id, state, pages_total, pages_reserved, created_at, updated_at)
       VALUES (@jobId, @printerId, 'created', @pagesTotal, @pagesReserved, @at, @at)`,
    ),
    attempt: db.prepare<[number], AttemptRow>('SELECT * FROM print_attempts WHERE id = ?'),
    openAttempts: db.prepare<[], AttemptRow>("SELECT * FROM print_attempts WHERE state IN ('created', 'submitted') ORDER BY id"),
    latestOfJob: db.prepare<[number], AttemptRow>('SELECT * FROM print_attempts WHERE job_id = ? ORDER BY id DESC LIMIT 1'),
    submitted: db.prepare("UPDATE print_attempts SET state = 'submitted', printer_job_ref = ?, updated_at = ? WHERE id = ? AND state = 'created'"),
    progress: db.prepare('UPDATE print_attempts SET pages_completed = ?, updated_at = ? WHERE id = ?'),
    finish: db.prepare(
      "UPDATE print_attempts SET state = @state, pages_completed = @pagesCompleted, reason = @reason, updated_at = @at WHERE id = @id AND state IN ('created', 'submitted')",
    ),
    insertStation: db.prepare(
      `INSERT INTO station_sessions (id, printer_id, site_id, terminal_session_id, created_at, last_seen_at)
       VALUES (@id, @printerId, @siteId, @terminalSessionId, @at, @at)`,
    ),
    station: db.prepare<[string], StationRow>('SELECT * FROM station_sessions WHERE id = ?'),
    touchStation: db.prepare('UPDATE station_sessions SET last_seen_at = ? WHERE id = ?'),
    endStation: db.prepare('UPDATE station_sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL'),
    insertFailure: db.prepare('INSERT INTO code_failures (site_id, printer_id, at) VALUES (?, ?, ?)'),
    stationFailures: db.prepare<[string, number], { n: number; last: number | null }>(
      'SELECT COUNT(*) AS n, MAX(at) AS last FROM code_failures WHERE printer_id = ? AND at > ?',
    ),
    siteFailures: db.prepare<[string, number], { n: number; oldest: number | null }>(
      'SELECT COUNT(*) AS n, MIN(at) AS oldest FROM code_failures WHERE site_id = ? AND at > ?',
    ),
    lock: db.prepare<[string], { locked_until: number; alerted_at: number | null }>('SELECT * FROM station_locks WHERE printer_id = ?'),
    setLock: db.prepare(
      'INSERT INTO station_locks (printer_id, locked_until, alerted_at) VALUES (?, ?, ?) ON CONFLICT (printer_id) DO UPDATE SET locked_until = excluded.locked_until, alerted_at = excluded.alerted_at',
    ),
  };

  return {
    insertAttempt: ({ jobId, printerId, pagesTotal, pagesReserved, at }: { jobId: number; printerId: string; pagesTotal: number; pagesReserved: number; at: number }) =>
      Number(s.insertAttempt.run({ jobId, printerId, pagesTotal, pagesReserved, at }).lastInsertRowid),
    getAttempt: (id: number) => {
      const row = s.attempt.get(id);
      return row ? toAttempt(row) : undefined;
    },
    listOpenAttempts: () => s.openAttempts.all().map(toAttempt),
    latestAttemptOfJob: (jobId: number) => {
      const row = s.latestOfJob.get(jobId);
      return row ? toAttempt(row) : undefined;
    },
    markSubmitted: ({ id, ref, at }: { id: number; ref: string; at: number }) => s.submitted.run(ref, at, id).changes > 0,
    setProgress: ({ id, pagesCompleted, at }: { id: number; pagesCompleted: number; at: number }) => {
      s.progress.run(pagesCompleted, at, id);
    },
    /** Moves an open attempt to a final state; false when it was final already (never twice). */
    finishAttempt: ({ id, state, pagesCompleted, reason, at }: { id: number; state: AttemptState; pagesCompleted: number; reason: string | null; at: number }) =>
      s.finish.run({ id, state, pagesCompleted, reason, at }).changes > 0,

    insertStationSession: (session: { id: string; printerId: string; siteId: string; terminalSessionId: string; at: number }) => {
      s.insertStation.run(session);
    },
    getStationSession: (id: string) => {
      const row = s.station.get(id);
      return row ? toStation(row) : undefined;
    },
    touchStationSession: ({ id, at }: { id: string; at: number }) => {
      s.touchStation.run(at, id);
    },
    endStationSession: ({ id, at }: { id: string; at: number }) => {
      s.endStation.run(at, id);
    },

    recordCodeFailure: ({ siteId, printerId, at }: { siteId: string; printerId: string; at: number }) => {
      s.insertFailure.run(siteId, printerId, at);
    },
    stationFailuresSince: ({ printerId, since }: { printerId: string; since: number }) => s.stationFailures.get(printerId, since)!,
    siteFailuresSince: ({ siteId, since }: { siteId: string; since: number }) => s.siteFailures.get(siteId, since)!,
    getLock: (printerId: string) => s.lock.get(printerId),
    setLock: ({ printerId, lockedUntil, alertedAt }: { printerId: string; lockedUntil: number; alertedAt: number | null }) => {
      s.setLock.run(printerId, lockedUntil, alertedAt);
    },
  };
}

export type ReleaseRepository = ReturnType<typeof createReleaseRepository>;
