import { immediateTransaction, type Db } from '../../db/database.ts';

/** One stored file's key row (table document_keys). */
export type DocumentKeyRecord = {
  id: string;
  /** What the file is ('document', 'raw', 'preview', 'scan', …); never a document name. */
  kind: string;
  /** The job/scan it belongs to, e.g. 'job:42'. */
  ownerId: string | null;
  /** The document key wrapped by the master key (see master-key.ts). */
  wrappedKey: Buffer;
  /** Plaintext size in bytes. */
  size: number;
  createdAt: number;
  /** When the start-up sweep found the file gone; null while the file is there. */
  missingAt: number | null;
};

type Row = {
  id: string;
  kind: string;
  owner_id: string | null;
  wrapped_key: Buffer;
  size: number;
  created_at: number;
  missing_at: number | null;
};

const toRecord = (row: Row): DocumentKeyRecord => ({
  id: row.id,
  kind: row.kind,
  ownerId: row.owner_id,
  wrappedKey: row.wrapped_key,
  size: row.size,
  createdAt: row.created_at,
  missingAt: row.missing_at,
});

export function createDocumentKeysRepository({ db }: { db: Db }) {
  const insert = db.prepare(
    `INSERT INTO document_keys (id, kind, owner_id, wrapped_key, size, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const get = db.prepare('SELECT * FROM document_keys WHERE id = ?');
  const exists = db.prepare('SELECT 1 FROM document_keys WHERE id = ? AND missing_at IS NULL');
  const remove = db.prepare('DELETE FROM document_keys WHERE id = ?');
  const idsOfOwner = db.prepare('SELECT id FROM document_keys WHERE owner_id = ?').pluck();
  const removeOfOwner = db.prepare('DELETE FROM document_keys WHERE owner_id = ?');
  const allIds = db.prepare('SELECT id FROM document_keys').pluck();
  const presentIds = db.prepare('SELECT id FROM document_keys WHERE missing_at IS NULL').pluck();
  const markMissing = db.prepare('UPDATE document_keys SET missing_at = ? WHERE id = ? AND missing_at IS NULL');

  return {
    insert(record: Omit<DocumentKeyRecord, 'missingAt'>): void {
      insert.run(record.id, record.kind, record.ownerId, record.wrappedKey, record.size, record.createdAt);
    },
    get(id: string): DocumentKeyRecord | undefined {
      const row = get.get(id) as Row | undefined;
      return row ? toRecord(row) : undefined;
    },
    /** True when the key exists and its file was not found missing. */
    isPresent(id: string): boolean {
      return exists.get(id) !== undefined;
    },
    /** Returns whether a row was deleted. */
    remove(id: string): boolean {
      return remove.run(id).changes > 0;
    },
    /** Deletes every key of an owner in one transaction and returns their ids (to unlink the files). */
    removeByOwner: immediateTransaction(db, (ownerId: string): string[] => {
      const ids = idsOfOwner.all(ownerId) as string[];
      removeOfOwner.run(ownerId);
      return ids;
    }),
    allIds(): Set<string> {
      return new Set(allIds.all() as string[]);
    },
    presentIds(): string[] {
      return presentIds.all() as string[];
    },
    /** Returns whether the row was newly marked. */
    markMissing({ id, at }: { id: string; at: number }): boolean {
      return markMissing.run(at, id).changes > 0;
    },
  };
}

export type DocumentKeysRepository = ReturnType<typeof createDocumentKeysRepository>;
