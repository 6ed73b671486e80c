-- Terminal sessions: one current session per terminal; all jobs of a session share its release
-- code and QR token. A new session (new code) starts when the citizen ends theirs.
CREATE TABLE terminal_sessions (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL,
  terminal_id TEXT NOT NULL,
  code TEXT NOT NULL CHECK (length(code) = 6),
  qr_token TEXT NOT NULL UNIQUE,
  started_at INTEGER NOT NULL,
  ended_at INTEGER
) STRICT;
CREATE UNIQUE INDEX terminal_sessions_one_current ON terminal_sessions (site_id, terminal_id) WHERE ended_at IS NULL;
CREATE INDEX terminal_sessions_by_code ON terminal_sessions (site_id, code);

-- Print jobs. The integer id doubles as the IPP job-id. Names are the citizen's document names:
-- they live only here, never in logs or statistics, and go with the row.
CREATE TABLE print_jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id TEXT NOT NULL,
  session_id TEXT NOT NULL REFERENCES terminal_sessions (id),
  terminal_id TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('ipp', 'upload')),
  name TEXT NOT NULL,
  -- incoming: Create-Job waits for its documents; held: waits for release;
  -- processing: sent to the printer; completed / aborted / canceled: final.
  state TEXT NOT NULL CHECK (state IN ('incoming', 'held', 'processing', 'completed', 'aborted', 'canceled')),
  state_reason TEXT,
  requesting_user TEXT,
  copies INTEGER NOT NULL DEFAULT 1 CHECK (copies >= 1),
  sides TEXT NOT NULL DEFAULT 'one-sided',
  color_mode TEXT NOT NULL DEFAULT 'color',
  media TEXT NOT NULL DEFAULT 'iso_a4_210x297mm',
  pages INTEGER NOT NULL DEFAULT 0,
  size_bytes INTEGER NOT NULL DEFAULT 0,
  pages_completed INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  completed_at INTEGER
) STRICT;
CREATE INDEX print_jobs_by_session ON print_jobs (session_id, state);
CREATE INDEX print_jobs_by_site_state ON print_jobs (site_id, state, expires_at);

-- The documents of a job (Create-Job + Send-Document may bring several), each normalised to PDF
-- and stored encrypted under its own key (document_keys, owner 'job:<id>').
CREATE TABLE print_job_documents (
  job_id INTEGER NOT NULL REFERENCES print_jobs (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  document_id TEXT NOT NULL,
  source_format TEXT NOT NULL,
  pages INTEGER NOT NULL,
  size_bytes INTEGER NOT NULL,
  PRIMARY KEY (job_id, seq)
) STRICT;

-- Page thumbnails, rendered lazily (the first one right after the job arrives), stored encrypted
-- like the documents and shredded with the job (same store owner).
CREATE TABLE print_job_previews (
  job_id INTEGER NOT NULL REFERENCES print_jobs (id) ON DELETE CASCADE,
  page INTEGER NOT NULL,
  width INTEGER NOT NULL,
  document_id TEXT NOT NULL,
  PRIMARY KEY (job_id, page, width)
) STRICT;
