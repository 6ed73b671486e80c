-- Quota rules edited at runtime. Versioned: every change is a new row, the newest version of a
-- site wins; without a row the configuration's values apply (version 0).
CREATE TABLE quota_rules (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  pages_per_session INTEGER NOT NULL CHECK (pages_per_session >= 0),
  pages_per_terminal_per_day INTEGER NOT NULL CHECK (pages_per_terminal_per_day >= 0),
  pages_per_site_per_day INTEGER NOT NULL CHECK (pages_per_site_per_day >= 0),
  -- NULL: no budget for that period.
  pages_per_site_per_week INTEGER CHECK (pages_per_site_per_week >= 0),
  pages_per_site_per_month INTEGER CHECK (pages_per_site_per_month >= 0),
  color_factor REAL NOT NULL CHECK (color_factor >= 1 AND color_factor <= 10),
  scans_counted INTEGER NOT NULL CHECK (scans_counted IN (0, 1)),
  changed_by TEXT NOT NULL,
  changed_at INTEGER NOT NULL,
  UNIQUE (site_id, version)
) STRICT;

-- Each period start (local day, ISO week, month) processed per site, exactly once: the UNIQUE
-- key is what makes the reset job and the start-up catch-up idempotent.
CREATE TABLE quota_periods (
  site_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('day', 'week', 'month')),
  -- '2026-01-05', '2026-W02', '2026-01'
  period TEXT NOT NULL,
  processed_at INTEGER NOT NULL,
  PRIMARY KEY (site_id, kind, period)
) STRICT;

-- Voucher slips with extra pages. Only an HMAC-SHA-256 of the code (keyed by a pepper derived
-- from the master key) is stored: the code itself is shown once, on the slip.
CREATE TABLE vouchers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id TEXT NOT NULL,
  code_hash TEXT NOT NULL UNIQUE,
  pages INTEGER NOT NULL CHECK (pages BETWEEN 1 AND 1000),
  expires_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  redeemed_at INTEGER,
  redeemed_session_id TEXT,
  revoked_at INTEGER
) STRICT;
CREATE INDEX vouchers_by_site ON vouchers (site_id, created_at);

-- "This job may print although it exceeds the quota": granted by staff for one held job. At
-- release the shortfall of each account is granted as a ledger row, then the job is reserved.
CREATE TABLE job_quota_overrides (
  job_id INTEGER PRIMARY KEY REFERENCES print_jobs (id) ON DELETE CASCADE,
  site_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  granted_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
