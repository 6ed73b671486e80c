-- Staff accounts for the console. Passwords are scrypt hashes with a per-user salt
-- ('scrypt$<log2 N>$<r>$<p>$<salt b64>$<hash b64>'); nothing here can recover a password.
CREATE TABLE staff_users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 40),
  role TEXT NOT NULL CHECK (role IN ('admin', 'staff')),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  -- Wrong passwords in a row; reset by a successful login or when a lock is set.
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- Server-side staff sessions. The cookie holds a random 32-byte id; only its SHA-256 is stored,
-- so a copy of the database does not let anyone log in.
CREATE TABLE staff_sessions (
  id_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
  -- Per-session token the console sends back in x-csrf-token on every state-changing request.
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  ended_at INTEGER
) STRICT;
CREATE INDEX staff_sessions_by_user ON staff_sessions (user_id);

-- Every staff action: who, what (a stable action keyword), when, on what. `details` is JSON with
-- counts and reasons only, never document names or codes.
CREATE TABLE staff_audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  -- NULL for the command line; the name is copied so the entry survives a renamed/removed user.
  user_id INTEGER,
  user_name TEXT NOT NULL,
  action TEXT NOT NULL,
  site_id TEXT,
  target_type TEXT,
  target_id TEXT,
  details TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX staff_audit_by_at ON staff_audit (at);
