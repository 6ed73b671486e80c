import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../../src/db/database.ts';
import { FORMAT_MAGIC } from '../../src/shared/store/segmented-aead.ts';

export type StoredDocument = {
  /** The file name in `<dataDir>/documents`, or the id of the inline row. */
  name: string;
  placement: 'file' | 'inline';
  /** The stored bytes (ciphertext, unless something is badly wrong). */
  bytes: Buffer;
};

/**
 * Everything the encrypted document store holds for a data folder: every file in
 * `<dataDir>/documents` (temp files included) and every ciphertext kept inline in the database.
 * Tests that check "encrypted, not plaintext" and "nothing left after the purge" look at both.
 */
export function storedDocuments({ db, dataDir }: { db: Db; dataDir: string }): StoredDocument[] {
  const dir = path.join(dataDir, 'documents');
  const files = readdirSync(dir).map((name): StoredDocument => ({ name, placement: 'file', bytes: readFileSync(path.join(dir, name)) }));
  const inline = (db.prepare('SELECT id, data FROM document_inline ORDER BY id').all() as { id: string; data: Buffer }[]).map(
    ({ id, data }): StoredDocument => ({ name: id, placement: 'inline', bytes: data }),
  );
  return [...files, ...inline];
}

/** Names of the stored documents (see `storedDocuments`). */
export function storedDocumentNames(args: { db: Db; dataDir: string }): string[] {
  return storedDocuments(args).map((document) => document.name);
}

/** True when the bytes start like our encrypted format and not like a PDF, PNG, JPEG or TIFF. */
export function isStoreCiphertext(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 1024);
  const plaintext =
    head.toString('latin1').includes('%PDF') ||
    head.subarray(0, 8).toString('hex') === '89504e470d0a1a0a' ||
    (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) ||
    ['II*\u0000', 'MM\u0000*'].includes(head.subarray(0, 4).toString('latin1'));
  return !plaintext && head.subarray(0, FORMAT_MAGIC.length).equals(FORMAT_MAGIC);
}
