-- Small stored documents (by default up to 256 KiB of plaintext: most print jobs, previews and
-- scan thumbnails) keep their ciphertext here instead of in a file of their own
-- (src/shared/store). The key row and this row are inserted in one transaction, so "the key is
-- there" implies "the data is there" with the database's own durability, without a separate
-- file that would need its own fsync before the key row may commit.
CREATE TABLE document_inline (
  -- The document's id; deleting its key row (crypto-shredding) deletes this row in the same
  -- statement, and secure_delete overwrites the freed pages.
  id TEXT PRIMARY KEY REFERENCES document_keys (id) ON DELETE CASCADE,
  -- Exactly the bytes a file would hold: the segmented AES-256-GCM format of segmented-aead.ts,
  -- authenticated with the document id, so a blob moved to another row fails like a moved file.
  data BLOB NOT NULL
) STRICT;
