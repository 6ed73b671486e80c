import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestClock, type TestClock } from '../../../src/shared/clock.ts';
import { createTestRandom } from '../../../src/shared/random.ts';
import { createDocumentStore, type DocumentStore } from '../../../src/shared/store/document-store.ts';
import { migrate, openDatabase, type Db } from '../../../src/db/database.ts';
import { createTestDb } from '../../helpers/test-db.ts';

export type StoreKit = {
  db: Db;
  /** The database file when the kit was asked for one (`dbFile: true`); WAL beside it. */
  dbFile: string | undefined;
  dir: string;
  masterKey: Buffer;
  clock: TestClock;
  store: DocumentStore;
  /** Another store over the same database and folder, as after a restart. */
  reopen(args?: { masterKey?: Buffer }): DocumentStore;
  /** Where documents are: file names in the folder and ids in the inline table. */
  stored(): { files: string[]; inline: string[] };
  /** The ciphertext of an inline document, or undefined. */
  inlineData(id: string): Buffer | undefined;
  cleanup(): void;
};

export type StoreKitOptions = {
  segmentSize?: number;
  seed?: number;
  /** Passed to the store; 0 keeps every document in a file. Default: the store's default. */
  inlineMaxBytes?: number;
  /** A database file in WAL mode (as the server runs) instead of `:memory:`. */
  dbFile?: boolean;
};

/** A store on a fresh database (in memory unless `dbFile`) and a fresh temp folder on the real disk. */
export function createStoreKit({ segmentSize, seed = 7, inlineMaxBytes, dbFile = false }: StoreKitOptions = {}): StoreKit {
  const root = mkdtempSync(path.join(os.tmpdir(), 'druckpunkt-store-'));
  const dir = path.join(root, 'documents');
  const file = dbFile ? path.join(root, 'druckpunkt.sqlite') : undefined;
  const db = file ? openDatabase({ file }) : createTestDb();
  if (file) migrate({ db });
  const random = createTestRandom(seed);
  const masterKey = random.bytes(32);
  const clock = createTestClock();
  const open = (key: Buffer) => createDocumentStore({ db, dir, masterKey: key, random, clock, segmentSize, inlineMaxBytes });
  return {
    db,
    dbFile: file,
    dir,
    masterKey,
    clock,
    store: open(masterKey),
    reopen: (args = {}) => open(args.masterKey ?? masterKey),
    stored: () => ({
      files: readdirSync(dir).sort(),
      inline: (db.prepare('SELECT id FROM document_inline ORDER BY id').pluck().all() as string[]),
    }),
    inlineData: (id) => db.prepare('SELECT data FROM document_inline WHERE id = ?').pluck().get(id) as Buffer | undefined,
    cleanup: () => {
      db.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Deterministic bytes that differ per position (so swapped or shifted segments are visible). */
export function patternBytes(length: number, salt = 0): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + (i >> 8) * 7 + salt) & 0xff;
  return out;
}

/** Reads a stream to the end; returns what it emitted before failing, and the error. */
export async function drain(stream: AsyncIterable<unknown>): Promise<{ emitted: Buffer; error: unknown }> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { emitted: Buffer.concat(chunks), error: undefined };
  } catch (error) {
    return { emitted: Buffer.concat(chunks), error };
  }
}
