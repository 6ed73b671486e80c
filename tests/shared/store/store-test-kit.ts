import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestClock, type TestClock } from '../../../src/shared/clock.ts';
import { createTestRandom } from '../../../src/shared/random.ts';
import { createDocumentStore, type DocumentStore } from '../../../src/shared/store/document-store.ts';
import type { Db } from '../../../src/db/database.ts';
import { createTestDb } from '../../helpers/test-db.ts';

export type StoreKit = {
  db: Db;
  dir: string;
  masterKey: Buffer;
  clock: TestClock;
  store: DocumentStore;
  /** Another store over the same database and folder, as after a restart. */
  reopen(args?: { masterKey?: Buffer }): DocumentStore;
  cleanup(): void;
};

/** A store on a fresh in-memory database and a fresh temp folder on the real disk. */
export function createStoreKit({ segmentSize, seed = 7 }: { segmentSize?: number; seed?: number } = {}): StoreKit {
  const root = mkdtempSync(path.join(os.tmpdir(), 'druckpunkt-store-'));
  const dir = path.join(root, 'documents');
  const db = createTestDb();
  const random = createTestRandom(seed);
  const masterKey = random.bytes(32);
  const clock = createTestClock();
  const open = (key: Buffer) => createDocumentStore({ db, dir, masterKey: key, random, clock, segmentSize });
  return {
    db,
    dir,
    masterKey,
    clock,
    store: open(masterKey),
    reopen: (args = {}) => open(args.masterKey ?? masterKey),
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
