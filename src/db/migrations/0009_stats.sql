-- Anonymous usage statistics for the programme's evaluation: counters per site, local day and
-- hour, and terminal. Kept after purge. Nothing here may identify a person or a document: no
-- document names, no codes, no job ids, no addresses — a terminal is its configured id, every
-- unknown client is 'guest', and NULL means the event belongs to no terminal (e.g. a voucher).
CREATE TABLE stats_daily (
  site_id TEXT NOT NULL,
  -- The site's local calendar day (Europe/Berlin by default), YYYY-MM-DD.
  day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  -- Local hour of day 0–23 and ISO weekday 1 (Monday) – 7 (Sunday), for the evaluation's charts.
  hour INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
  weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  terminal_id TEXT CHECK (terminal_id IS NULL OR (length(terminal_id) BETWEEN 1 AND 40 AND terminal_id NOT GLOB '*[^a-z0-9-]*')),
  metric TEXT NOT NULL CHECK (metric GLOB '[a-z]*' AND metric NOT GLOB '*[^a-z_]*'),
  value INTEGER NOT NULL CHECK (value >= 0)
) STRICT;
-- The key. Not a PRIMARY KEY: SQLite treats NULLs in a key as distinct, so site-wide rows
-- (terminal_id NULL) would never meet on upsert. The expression folds NULL into one value.
CREATE UNIQUE INDEX stats_daily_key ON stats_daily (site_id, day, hour, ifnull(terminal_id, ''), metric);
CREATE INDEX stats_daily_by_day ON stats_daily (day, site_id);
