-- The charging ledger: append-only. A balance is the account's allowance from the rules plus
-- the sum of its rows; nothing else stores a balance. Reserve at release (negative), refund
-- what the printer did not print (positive); grants, vouchers and resets are rows too.
CREATE TABLE ledger_entries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id TEXT NOT NULL,
  -- 'session:<id>', 'terminal-day:<terminal>:<YYYY-MM-DD>', 'site-day:<YYYY-MM-DD>'
  account TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('reserve', 'refund', 'grant', 'voucher', 'reset', 'adjust')),
  pages INTEGER NOT NULL,
  attempt_id INTEGER,
  reason TEXT,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX ledger_entries_by_account ON ledger_entries (site_id, account);
CREATE INDEX ledger_entries_by_attempt ON ledger_entries (attempt_id);

-- One row per job and release attempt, written before anything is sent to the printer, so a
-- restart knows exactly what was sent and follows it instead of sending it again.
CREATE TABLE print_attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id INTEGER NOT NULL REFERENCES print_jobs (id) ON DELETE CASCADE,
  printer_id TEXT NOT NULL,
  -- created: row written, not sent; submitted: the printer has it (ref known);
  -- completed / aborted / canceled / unknown / failed: final.
  state TEXT NOT NULL CHECK (state IN ('created', 'submitted', 'completed', 'aborted', 'canceled', 'unknown', 'failed')),
  printer_job_ref TEXT,
  pages_total INTEGER NOT NULL,
  pages_reserved INTEGER NOT NULL,
  pages_completed INTEGER NOT NULL DEFAULT 0,
  reason TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX print_attempts_open ON print_attempts (state) WHERE state IN ('created', 'submitted');
CREATE INDEX print_attempts_by_job ON print_attempts (job_id);

-- A citizen logged in at a station with a code or QR: bound to that station, short-lived.
CREATE TABLE station_sessions (
  id TEXT PRIMARY KEY,
  printer_id TEXT NOT NULL,
  site_id TEXT NOT NULL,
  terminal_session_id TEXT NOT NULL REFERENCES terminal_sessions (id),
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  ended_at INTEGER
) STRICT;

-- Wrong codes, per station and per site, so throttling and locks survive a restart.
CREATE TABLE code_failures (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id TEXT NOT NULL,
  printer_id TEXT NOT NULL,
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX code_failures_by_station ON code_failures (printer_id, at);
CREATE INDEX code_failures_by_site ON code_failures (site_id, at);

CREATE TABLE station_locks (
  printer_id TEXT PRIMARY KEY,
  locked_until INTEGER NOT NULL,
  alerted_at INTEGER
) STRICT;
