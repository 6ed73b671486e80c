-- One row per stored document or preview file in the encrypted document store
-- (src/shared/store). The row holds the file's own AES-256 key, wrapped by the site master key:
-- deleting the row shreds the file even before (or without) the file being unlinked.
CREATE TABLE document_keys (
  -- Opaque id; the file on disk is named by it and nothing else.
  id TEXT PRIMARY KEY,
  -- What the file is, e.g. 'document', 'raw', 'preview', 'scan'. For counts and sweeps, never a name.
  kind TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 32),
  -- The job/scan it belongs to (e.g. 'job:42'), so an owner's files are shredded together.
  owner_id TEXT,
  -- Version byte | 12-byte nonce | AES-256-GCM(master key, document key) | 16-byte tag,
  -- with the document id as additional data so a wrapped key cannot be moved to another row.
  wrapped_key BLOB NOT NULL,
  -- Plaintext size in bytes.
  size INTEGER NOT NULL CHECK (size >= 0),
  created_at INTEGER NOT NULL,
  -- Set by the start-up sweep when the file was found missing (crash or lost disk).
  missing_at INTEGER
) STRICT;
CREATE INDEX document_keys_by_owner ON document_keys (owner_id) WHERE owner_id IS NOT NULL;
