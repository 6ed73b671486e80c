import { afterEach, describe, expect, test } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isAppError } from '../../../src/shared/errors.ts';
import { DEFAULT_INLINE_MAX_BYTES } from '../../../src/shared/store/document-store.ts';
import { createStoreKit, patternBytes, type StoreKit } from './store-test-kit.ts';

const SEGMENT = 1024;
const LIMIT = 3000;
let kit: StoreKit;

afterEach(() => kit?.cleanup());

/** `bytes` as a stream of `size`-byte chunks (each a fresh buffer, as streams deliver them). */
async function* chunked(bytes: Buffer, size: number) {
  for (let offset = 0; offset < bytes.length; offset += size) yield Buffer.from(bytes.subarray(offset, offset + size));
}

function countOf(sql: string, ...params: unknown[]): number {
  return kit.db.prepare(sql).pluck().get(...params) as number;
}

describe('small documents inline in the database', () => {
  test('a document of exactly inlineMaxBytes is stored inline, one byte more goes to a file, both read back', async () => {
    kit = createStoreKit({ segmentSize: SEGMENT, inlineMaxBytes: LIMIT });
    const exact = patternBytes(LIMIT, 1);
    const over = patternBytes(LIMIT + 1, 2);
    // Streamed in 700-byte chunks: the last chunk (200 or 201 bytes) decides.
    const a = await kit.store.write({ kind: 'document', source: chunked(exact, 700) });
    const b = await kit.store.write({ kind: 'document', source: chunked(over, 700) });
    // Bytes in hand take the same decision.
    const c = await kit.store.write({ kind: 'document', source: exact });
    const d = await kit.store.write({ kind: 'document', source: over });
    expect(kit.stored()).toEqual({ files: [b.id, d.id].sort(), inline: [a.id, c.id].sort() });
    expect([a.size, b.size, c.size, d.size]).toEqual([LIMIT, LIMIT + 1, LIMIT, LIMIT + 1]);
    for (const [{ id }, plaintext] of [[a, exact], [b, over], [c, exact], [d, over]] as const) {
      expect((await kit.store.readAll(id)).equals(plaintext)).toBe(true);
      expect(kit.store.has(id)).toBe(true);
    }
  });

  test('a streamed document longer than the limit continues into a file with the bytes read so far first', async () => {
    kit = createStoreKit({ segmentSize: SEGMENT, inlineMaxBytes: LIMIT });
    const plaintext = patternBytes(20 * 700 + 13, 3);
    const { id, size } = await kit.store.write({ kind: 'raw', ownerId: 'job:1', source: chunked(plaintext, 700) });
    expect(size).toBe(plaintext.length);
    expect(kit.stored()).toEqual({ files: [id], inline: [] });
    expect((await kit.store.readAll(id)).equals(plaintext)).toBe(true);
  });

  test('a producer that refills one buffer for every chunk still gets exactly its bytes stored, inline and spilled', async () => {
    kit = createStoreKit({ segmentSize: SEGMENT, inlineMaxBytes: LIMIT });
    async function* reusing(chunks: number) {
      const buffer = Buffer.alloc(500);
      for (let i = 0; i < chunks; i++) {
        buffer.fill(i + 1);
        yield buffer;
      }
    }
    const expected = (chunks: number) => Buffer.concat(Array.from({ length: chunks }, (_, i) => Buffer.alloc(500, i + 1)));
    const small = await kit.store.write({ kind: 'document', source: reusing(5) });
    const large = await kit.store.write({ kind: 'document', source: reusing(12) });
    expect(kit.stored()).toEqual({ files: [large.id], inline: [small.id] });
    expect((await kit.store.readAll(small.id)).equals(expected(5))).toBe(true);
    expect((await kit.store.readAll(large.id)).equals(expected(12))).toBe(true);
  });

  test('a source that fails after crossing the limit leaves no file, no key and no inline row', async () => {
    kit = createStoreKit({ segmentSize: SEGMENT, inlineMaxBytes: LIMIT });
    const failure = new Error('upload limit');
    async function* failing() {
      yield patternBytes(2000);
      yield patternBytes(2000);
      yield patternBytes(2000);
      throw failure;
    }
    await expect(kit.store.write({ kind: 'raw', source: failing() })).rejects.toBe(failure);
    expect(kit.stored()).toEqual({ files: [], inline: [] });
    expect(countOf('SELECT count(*) FROM document_keys')).toBe(0);
  });

  test('inlineMaxBytes 0 stores even an empty document as a file; the default is 256 KiB', async () => {
    expect(DEFAULT_INLINE_MAX_BYTES).toBe(256 * 1024);
    kit = createStoreKit({ inlineMaxBytes: 0 });
    const { id } = await kit.store.write({ kind: 'raw', source: Buffer.alloc(0) });
    expect(kit.stored()).toEqual({ files: [id], inline: [] });
    kit.cleanup();
    kit = createStoreKit();
    const atDefault = await kit.store.write({ kind: 'raw', source: patternBytes(DEFAULT_INLINE_MAX_BYTES) });
    const aboveDefault = await kit.store.write({ kind: 'raw', source: patternBytes(DEFAULT_INLINE_MAX_BYTES + 1) });
    expect(kit.stored()).toEqual({ files: [aboveDefault.id], inline: [atDefault.id] });
  });

  test('key row and ciphertext commit in one transaction: when the data insert fails neither row is left', async () => {
    kit = createStoreKit({ inlineMaxBytes: LIMIT });
    // A real SQLite failure at the second insert of the transaction, after the key row went in.
    kit.db.exec(`CREATE TRIGGER fail_inline BEFORE INSERT ON document_inline BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    await expect(kit.store.write({ kind: 'document', ownerId: 'job:1', source: patternBytes(100) })).rejects.toThrow('disk full');
    expect(countOf('SELECT count(*) FROM document_keys')).toBe(0);
    expect(kit.stored()).toEqual({ files: [], inline: [] });
    kit.db.exec('DROP TRIGGER fail_inline');
    const { id } = await kit.store.write({ kind: 'document', ownerId: 'job:1', source: patternBytes(100) });
    expect(kit.stored()).toEqual({ files: [], inline: [id] });
  });

  test('shredding: the key row taking its ciphertext with it, nothing readable, and nothing left in the database file', async () => {
    kit = createStoreKit({ inlineMaxBytes: LIMIT, dbFile: true });
    const direct = await kit.store.write({ kind: 'document', ownerId: 'job:1', source: patternBytes(2500, 1) });
    const removed = await kit.store.write({ kind: 'document', ownerId: 'job:1', source: patternBytes(2500, 2) });
    const byOwner = await kit.store.write({ kind: 'preview', ownerId: 'job:2', source: patternBytes(2500, 3) });
    const kept = await kit.store.write({ kind: 'preview', ownerId: 'job:3', source: patternBytes(2500, 4) });
    const ciphertexts = [direct, removed, byOwner].map(({ id }) => kit.inlineData(id)!);
    kit.db.pragma('wal_checkpoint(TRUNCATE)');
    const before = readFileSync(kit.dbFile!);
    for (const data of ciphertexts) expect(before.includes(data.subarray(0, 64))).toBe(true);

    // Deleting the key row alone (what every shred does first) deletes the ciphertext in the same statement.
    kit.db.prepare('DELETE FROM document_keys WHERE id = ?').run(direct.id);
    expect(kit.inlineData(direct.id)).toBeUndefined();
    await kit.store.remove(removed.id);
    expect(await kit.store.removeByOwner('job:2')).toBe(1);
    expect(kit.stored()).toEqual({ files: [], inline: [kept.id] });
    for (const { id } of [direct, removed, byOwner]) {
      expect(kit.store.has(id)).toBe(false);
      const error = await kit.store.readAll(id).catch((e: unknown) => e);
      expect(isAppError(error) ? error.code : error).toBe('store.document_not_found');
    }
    // secure_delete overwrote the freed cells: once the WAL is checkpointed the file holds none of it.
    kit.db.pragma('wal_checkpoint(TRUNCATE)');
    const after = readFileSync(kit.dbFile!);
    for (const data of ciphertexts) expect(after.includes(data.subarray(0, 64))).toBe(false);
    expect(after.includes(kit.inlineData(kept.id)!.subarray(0, 64))).toBe(true);
  });

  test('the sweep never marks an inline document missing, and removes a stray file under its id', async () => {
    kit = createStoreKit({ inlineMaxBytes: LIMIT });
    const small = await kit.store.write({ kind: 'document', ownerId: 'job:1', source: patternBytes(100) });
    const large = await kit.store.write({ kind: 'document', ownerId: 'job:1', source: patternBytes(LIMIT + 1) });
    writeFileSync(path.join(kit.dir, small.id), patternBytes(100, 9));
    const restarted = kit.reopen();
    kit.clock.advanceBy({ minutes: 5 });
    expect(await restarted.sweep()).toEqual({ removedFiles: 1, missingKeys: 0 });
    expect(await restarted.sweep()).toEqual({ removedFiles: 0, missingKeys: 0 });
    expect(kit.stored()).toEqual({ files: [large.id], inline: [small.id] });
    expect(countOf('SELECT count(*) FROM document_keys WHERE missing_at IS NOT NULL')).toBe(0);
    expect(restarted.has(small.id)).toBe(true);
    expect((await restarted.readAll(small.id)).equals(patternBytes(100))).toBe(true);
  });

  test('no plaintext anywhere: neither the blob nor the database file nor its WAL holds it', async () => {
    kit = createStoreKit({ dbFile: true });
    const marker = Buffer.from('MARKER-Kuendigung-Mietvertrag-Herr-Beispiel');
    const plaintext = Buffer.concat(Array.from({ length: 400 }, () => marker));
    const { id } = await kit.store.write({ kind: 'document', ownerId: 'job:1', source: plaintext });
    expect(kit.stored()).toEqual({ files: [], inline: [id] });
    const blob = kit.inlineData(id)!;
    expect(blob.includes(marker)).toBe(false);
    // The committed transaction sits in the WAL: the ciphertext is there to find, the plaintext is not.
    const wal = readFileSync(`${kit.dbFile!}-wal`);
    expect(wal.includes(blob.subarray(0, 64))).toBe(true);
    expect(wal.includes(marker)).toBe(false);
    kit.db.pragma('wal_checkpoint(TRUNCATE)');
    const main = readFileSync(kit.dbFile!);
    expect(main.includes(blob.subarray(0, 64))).toBe(true);
    expect(main.includes(marker)).toBe(false);
    // The marker really is findable in the plaintext the store hands back.
    expect((await kit.store.readAll(id)).includes(marker)).toBe(true);
  });
});
