import type { Db } from '../../db/database.ts';

/**
 * Ciphertexts of small documents kept in the database (table document_inline) instead of a file.
 * A row only ever exists beside its key row: the foreign key cascades the key's deletion here.
 */
export function createDocumentInlineRepository({ db }: { db: Db }) {
  const insert = db.prepare('INSERT INTO document_inline (id, data) VALUES (?, ?)');
  const get = db.prepare('SELECT data FROM document_inline WHERE id = ?').pluck();
  const exists = db.prepare('SELECT 1 FROM document_inline WHERE id = ?');
  const idsOfOwner = db
    .prepare('SELECT i.id FROM document_inline i JOIN document_keys k ON k.id = i.id WHERE k.owner_id = ?')
    .pluck();
  const allIds = db.prepare('SELECT id FROM document_inline').pluck();

  return {
    /** Call inside the transaction that inserts the key row. */
    insert({ id, data }: { id: string; data: Buffer }): void {
      insert.run(id, data);
    },
    /** The stored ciphertext, or undefined when the document is not stored inline. */
    get(id: string): Buffer | undefined {
      return get.get(id) as Buffer | undefined;
    },
    has(id: string): boolean {
      return exists.get(id) !== undefined;
    },
    /** Ids of an owner's inline documents (their shredding needs no unlink). */
    idsOfOwner(ownerId: string): Set<string> {
      return new Set(idsOfOwner.all(ownerId) as string[]);
    },
    allIds(): Set<string> {
      return new Set(allIds.all() as string[]);
    },
  };
}

export type DocumentInlineRepository = ReturnType<typeof createDocumentInlineRepository>;
