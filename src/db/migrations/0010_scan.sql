-- Scan sessions at the station and their pickup. Every image, thumbnail, crop and PDF lives in
-- the encrypted document store under owner 'scan:<id>'; these rows only name store ids, so
-- shredding the owner's keys makes everything unreadable even before the rows go.
CREATE TABLE scan_sessions (
  -- Random UUID; also the store owner suffix.
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL,
  scanner_id TEXT NOT NULL,
  preset TEXT NOT NULL CHECK (preset IN ('document', 'color-document', 'id-card', 'photo')),
  ocr INTEGER NOT NULL CHECK (ocr IN (0, 1)),
  -- open: pages can be scanned and edited; finishing: being exported; finished: pickup exists.
  state TEXT NOT NULL CHECK (state IN ('open', 'finishing', 'finished')),
  -- SHA-256 of the station cookie's value (the value itself is never stored).
  cookie_hash TEXT NOT NULL UNIQUE,
  -- How many documents ("Nächstes Dokument") the session has; pages name their document index.
  document_count INTEGER NOT NULL DEFAULT 1 CHECK (document_count >= 1),
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  finished_at INTEGER,
  -- 6 digits, unique among the live (not expired) pickups; NULL until finished.
  pickup_code TEXT CHECK (pickup_code IS NULL OR length(pickup_code) = 6),
  expires_at INTEGER,
  first_pickup_at INTEGER,
  -- Store id of the legibility crop (a piece of the citizen's page, so encrypted too).
  legibility_doc_id TEXT,
  -- The last scanner error, as a stable code and its generic message.
  last_error_code TEXT,
  last_error_message TEXT
) STRICT;
CREATE INDEX scan_sessions_by_code ON scan_sessions (pickup_code) WHERE pickup_code IS NOT NULL;
CREATE INDEX scan_sessions_by_scanner ON scan_sessions (scanner_id, state);

CREATE TABLE scan_pages (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES scan_sessions (id) ON DELETE CASCADE,
  document_index INTEGER NOT NULL CHECK (document_index >= 0),
  position INTEGER NOT NULL,
  -- The page after the pipeline (PNG), without the citizen's rotation.
  image_doc_id TEXT NOT NULL,
  -- The scan as the device delivered it; kept only for the ID card preset, whose two sides are
  -- composed from the originals at export.
  raw_doc_id TEXT,
  raw_dpi INTEGER,
  thumb_doc_id TEXT NOT NULL,
  dpi INTEGER NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('color', 'gray', 'bw')),
  width_px INTEGER NOT NULL,
  height_px INTEGER NOT NULL,
  rotation INTEGER NOT NULL DEFAULT 0 CHECK (rotation IN (0, 90, 180, 270)),
  blank INTEGER NOT NULL DEFAULT 0 CHECK (blank IN (0, 1)),
  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX scan_pages_by_session ON scan_pages (session_id, document_index, position);

-- One exported PDF per document of a finished session.
CREATE TABLE scan_documents (
  session_id TEXT NOT NULL REFERENCES scan_sessions (id) ON DELETE CASCADE,
  document_index INTEGER NOT NULL,
  pdf_doc_id TEXT NOT NULL,
  pages INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  -- The export ladder rung used, e.g. 'jpeg-200dpi-q75' (no content, for the UI and logs).
  settings TEXT NOT NULL,
  -- off: no OCR asked; pending: the PDF without text is served, OCR queued; done / failed.
  ocr_state TEXT NOT NULL CHECK (ocr_state IN ('off', 'pending', 'done', 'failed')),
  PRIMARY KEY (session_id, document_index)
) STRICT;

-- Bearer tokens for the pickup links (QR code, code entry): SHA-256 only.
CREATE TABLE scan_pickup_tokens (
  token_hash TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES scan_sessions (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX scan_pickup_tokens_by_session ON scan_pickup_tokens (session_id);
