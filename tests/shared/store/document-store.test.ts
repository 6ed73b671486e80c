import { afterEach, describe, expect, test } from 'vitest';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAppError } from '../../../src/shared/errors.ts';
import { createDocumentKeysRepository } from '../../../src/shared/store/document-keys.repository.ts';
import { unwrapDocumentKey, wrapDocumentKey } from '../../../src/shared/store/master-key.ts';
import { HEADER_LENGTH, TAG_LENGTH } from '../../../src/shared/store/segmented-aead.ts';
import { createStoreKit, drain, patternBytes, type StoreKit } from './store-test-kit.ts';

const SEGMENT = 1024;
const RECORD = SEGMENT + TAG_LENGTH;
let kit: StoreKit;

afterEach(() => kit?.cleanup());

function keyRow(id: string) {
  return kit.db.prepare('SELECT id, kind, owner_id, size, missing_at FROM document_keys WHERE id = ?').get(id) as
    | { id: string; kind: string; owner_id: string | null; size: number; missing_at: number | null }
    | undefined;
}

function codeOf(error: unknown): string | undefined {
  return isAppError(error) ? error.code : undefined;
}

async function codeOfRead(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return codeOf(error);
  }
}

describe('document store', () => {
  test('a document written from a stream reads back identically and its size is recorded', async () => {
    kit = createStoreKit({ segmentSize: SEGMENT });
    const plaintext = patternBytes(5 * SEGMENT + 123);
    const { id, size } = await kit.store.write({ kind: 'document', ownerId: 'job:1', source: Readable.from([plaintext.subarray(0, 700), plaintext.subarray(700)]) });
    expect(size).toBe(plaintext.length);
    expect(keyRow(id)).toMatchObject({ kind: 'document', owner_id: 'job:1', size: plaintext.length, missing_at: null });
    expect((await kit.store.readAll(id)).equals(plaintext)).toBe(true);
    const streamed = await drain(kit.store.createReadStream(id));
    expect(streamed.error).toBeUndefined();
    expect(streamed.emitted.equals(plaintext)).toBe(true);
    expect(kit.store.has(id)).toBe(true);
  });

  test('buffers and empty documents are stored too', async () => {
    kit = createStoreKit();
    const small = await kit.store.write({ kind: 'preview', source: Buffer.from('png bytes') });
    const empty = await kit.store.write({ kind: 'raw', source: Buffer.alloc(0) });
    expect((await kit.store.readAll(small.id)).toString()).toBe('png bytes');
    expect(empty.size).toBe(0);
    expect((await kit.store.readAll(empty.id)).length).toBe(0);
  });

  test('the file on disk holds neither the plaintext nor a name, only the opaque id', async () => {
    kit = createStoreKit({ segmentSize: SEGMENT });
    const marker = 'MARKER-Antrag-auf-Wohngeld-Frau-Mustermann';
    const plaintext = Buffer.from(`${marker} `.repeat(200));
    const { id } = await kit.store.write({ kind: 'document', ownerId: 'job:1', source: plaintext });
    expect(readdirSync(kit.dir)).toEqual([id]);
    const raw = readFileSync(path.join(kit.dir, id));
    expect(raw.length).toBe(HEADER_LENGTH + plaintext.length + Math.ceil(plaintext.length / SEGMENT) * TAG_LENGTH);
    expect(raw.includes(Buffer.from(marker))).toBe(false);
    expect(raw.includes(Buffer.from('MARKER'))).toBe(false);
    // The plaintext really was there to find: the same search finds it in the decrypted bytes.
    expect((await kit.store.readAll(id)).includes(Buffer.from(marker))).toBe(true);
    expect(statSync(path.join(kit.dir, id)).mode & 0o777).toBe(0o600);
    expect(statSync(kit.dir).mode & 0o777).toBe(0o700);
  });

  test('two documents with the same content get different keys and different ciphertext', async () => {
    kit = createStoreKit({ segmentSize: SEGMENT });
    const plaintext = patternBytes(3000);
    const a = await kit.store.write({ kind: 'document', source: plaintext });
    const b = await kit.store.write({ kind: 'document', source: plaintext });
    const rawA = readFileSync(path.join(kit.dir, a.id)).subarray(HEADER_LENGTH);
    const rawB = readFileSync(path.join(kit.dir, b.id)).subarray(HEADER_LENGTH);
    expect(rawA.equals(rawB)).toBe(false);
    const keys = createDocumentKeysRepository({ db: kit.db });
    const keyA = unwrapDocumentKey({ masterKey: kit.masterKey, wrappedKey: keys.get(a.id)!.wrappedKey, documentId: a.id });
    const keyB = unwrapDocumentKey({ masterKey: kit.masterKey, wrappedKey: keys.get(b.id)!.wrappedKey, documentId: b.id });
    expect(keyA.equals(keyB)).toBe(false);
  });

  describe('tampering', () => {
    async function tamperedRead(mutate: (file: string, id: string) => void, segments = 6) {
      kit = createStoreKit({ segmentSize: SEGMENT });
      const plaintext = patternBytes(segments * SEGMENT + 100);
      const { id } = await kit.store.write({ kind: 'document', source: plaintext });
      mutate(path.join(kit.dir, id), id);
      const streamed = await drain(kit.store.createReadStream(id));
      return { plaintext, id, ...streamed, readAllCode: await codeOfRead(kit.store.readAll(id)) };
    }

    test('a byte flipped in the middle fails with store.document_tampered and nothing from that segment on is emitted', async () => {
      const result = await tamperedRead((file) => {
        const bytes = readFileSync(file);
        const middle = Math.floor(bytes.length / 2); // inside segment 3 of 7
        bytes[middle]! ^= 0x40;
        writeFileSync(file, bytes);
      });
      expect(codeOf(result.error)).toBe('store.document_tampered');
      expect(result.readAllCode).toBe('store.document_tampered');
      expect(result.emitted.equals(result.plaintext.subarray(0, 3 * SEGMENT))).toBe(true);
    });

    test('a truncated file fails with store.document_tampered, also when cut at a segment boundary', async () => {
      for (const keep of [HEADER_LENGTH + 4 * RECORD + 10, HEADER_LENGTH + 4 * RECORD]) {
        const result = await tamperedRead((file) => writeFileSync(file, readFileSync(file).subarray(0, keep)));
        expect(codeOf(result.error)).toBe('store.document_tampered');
        expect(result.readAllCode).toBe('store.document_tampered');
        expect(result.emitted.length).toBeLessThan(4 * SEGMENT + 1);
        expect(result.emitted.equals(result.plaintext.subarray(0, result.emitted.length))).toBe(true);
        kit.cleanup();
      }
    });

    test('two swapped segments fail with store.document_tampered at the first of them', async () => {
      const result = await tamperedRead((file) => {
        const bytes = readFileSync(file);
        const second = Buffer.from(bytes.subarray(HEADER_LENGTH + 2 * RECORD, HEADER_LENGTH + 3 * RECORD));
        bytes.copy(bytes, HEADER_LENGTH + 2 * RECORD, HEADER_LENGTH + 1 * RECORD, HEADER_LENGTH + 2 * RECORD);
        second.copy(bytes, HEADER_LENGTH + 1 * RECORD);
        writeFileSync(file, bytes);
      });
      expect(codeOf(result.error)).toBe('store.document_tampered');
      expect(result.emitted.equals(result.plaintext.subarray(0, SEGMENT))).toBe(true);
    });

    test('a file moved under another document id fails even when that id is given the right key', async () => {
      kit = createStoreKit({ segmentSize: SEGMENT });
      const plaintext = patternBytes(3 * SEGMENT);
      const { id } = await kit.store.write({ kind: 'document', ownerId: 'job:1', source: plaintext });
      const keys = createDocumentKeysRepository({ db: kit.db });
      const documentKey = unwrapDocumentKey({ masterKey: kit.masterKey, wrappedKey: keys.get(id)!.wrappedKey, documentId: id });
      const otherId = 'other-document';
      keys.insert({
        id: otherId,
        kind: 'document',
        ownerId: 'job:2',
        wrappedKey: wrapDocumentKey({ masterKey: kit.masterKey, documentKey, documentId: otherId, nonce: Buffer.alloc(12, 3) }),
        size: plaintext.length,
        createdAt: kit.clock.now(),
      });
      copyFileSync(path.join(kit.dir, id), path.join(kit.dir, otherId));
      const { emitted, error } = await drain(kit.store.createReadStream(otherId));
      expect(codeOf(error)).toBe('store.document_tampered');
      expect(emitted.length).toBe(0);
      // The original still reads: the failure came from the id binding alone.
      expect((await kit.store.readAll(id)).equals(plaintext)).toBe(true);
    });

    test('a wrapped key copied onto another row does not open', async () => {
      kit = createStoreKit();
      const a = await kit.store.write({ kind: 'document', source: Buffer.from('a') });
      const b = await kit.store.write({ kind: 'document', source: Buffer.from('b') });
      const wrapped = kit.db.prepare('SELECT wrapped_key FROM document_keys WHERE id = ?').pluck().get(a.id) as Buffer;
      kit.db.prepare('UPDATE document_keys SET wrapped_key = ? WHERE id = ?').run(wrapped, b.id);
      expect(await codeOfRead(kit.store.readAll(b.id))).toBe('store.document_tampered');
    });

    test('another master key cannot read the documents', async () => {
      kit = createStoreKit();
      const { id } = await kit.store.write({ kind: 'document', source: Buffer.from('secret') });
      const other = kit.reopen({ masterKey: Buffer.alloc(32, 9) });
      expect(await codeOfRead(other.readAll(id))).toBe('store.document_tampered');
    });
  });

  describe('deleting', () => {
    test('after remove the key row and the file are gone and reads fail with store.document_not_found', async () => {
      kit = createStoreKit();
      const { id } = await kit.store.write({ kind: 'document', ownerId: 'job:1', source: patternBytes(5000) });
      await kit.store.remove(id);
      expect(keyRow(id)).toBeUndefined();
      expect(readdirSync(kit.dir)).toEqual([]);
      expect(kit.store.has(id)).toBe(false);
      expect(await codeOfRead(kit.store.readAll(id))).toBe('store.document_not_found');
      const streamed = await drain(kit.store.createReadStream(id));
      expect(codeOf(streamed.error)).toBe('store.document_not_found');
      await expect(kit.store.remove(id)).resolves.toBeUndefined();
    });

    test('the key goes first: when the file cannot be removed the key is already gone', async () => {
      kit = createStoreKit();
      const { id } = await kit.store.write({ kind: 'document', source: patternBytes(100) });
      // Replace the file by a non-empty folder, which unlink refuses.
      const file = path.join(kit.dir, id);
      renameSync(file, `${file}-moved`);
      mkdirSync(file);
      writeFileSync(path.join(file, 'x'), 'x');
      await expect(kit.store.remove(id)).rejects.toThrow();
      expect(keyRow(id)).toBeUndefined();
    });

    test('removeByOwner shreds every document of that owner and no other', async () => {
      kit = createStoreKit();
      const mine = [
        await kit.store.write({ kind: 'document', ownerId: 'job:1', source: Buffer.from('1') }),
        await kit.store.write({ kind: 'preview', ownerId: 'job:1', source: Buffer.from('2') }),
      ];
      const theirs = await kit.store.write({ kind: 'document', ownerId: 'job:2', source: Buffer.from('3') });
      expect(await kit.store.removeByOwner('job:1')).toBe(2);
      for (const { id } of mine) {
        expect(keyRow(id)).toBeUndefined();
        expect(kit.store.has(id)).toBe(false);
      }
      expect(readdirSync(kit.dir)).toEqual([theirs.id]);
      expect((await kit.store.readAll(theirs.id)).toString()).toBe('3');
      expect(await kit.store.removeByOwner('job:1')).toBe(0);
    });
  });

  describe('writing', () => {
    test('a source that fails midway leaves no file and no key, and its error comes through unchanged', async () => {
      kit = createStoreKit({ segmentSize: SEGMENT });
      const failure = new Error('upload limit');
      async function* failing() {
        yield patternBytes(4 * SEGMENT);
        throw failure;
      }
      await expect(kit.store.write({ kind: 'raw', ownerId: 'job:1', source: failing() })).rejects.toBe(failure);
      expect(readdirSync(kit.dir)).toEqual([]);
      expect(kit.db.prepare('SELECT count(*) FROM document_keys').pluck().get()).toBe(0);
    });

    test('a reader that stops reading stops the disk reads: at most about two segments wait in memory', async () => {
      kit = createStoreKit({ segmentSize: SEGMENT });
      const { id } = await kit.store.write({ kind: 'document', source: patternBytes(200 * SEGMENT) });
      const stream = kit.store.createReadStream(id);
      stream.on('readable', () => undefined);
      await sleep(100);
      expect(stream.readableLength).toBeGreaterThan(0);
      expect(stream.readableLength).toBeLessThanOrEqual(2 * SEGMENT);
      stream.destroy();
    });
  });

  describe('start-up sweep', () => {
    test('after a crash it removes temp and keyless files, marks keys without a file, and missing reads fail clearly', async () => {
      kit = createStoreKit({ segmentSize: SEGMENT });
      const healthy = await kit.store.write({ kind: 'document', ownerId: 'job:1', source: patternBytes(3000) });
      // Crash after the key row, before the rename: the temp file and the key are there.
      const beforeRename = await kit.store.write({ kind: 'document', ownerId: 'job:2', source: patternBytes(3000, 1) });
      renameSync(path.join(kit.dir, beforeRename.id), path.join(kit.dir, `${beforeRename.id}.tmp`));
      // Crash while writing: a temp file without key.
      writeFileSync(path.join(kit.dir, 'half-written-id.tmp'), patternBytes(500));
      // Crash inside remove: key gone, file still there.
      const keyless = await kit.store.write({ kind: 'preview', ownerId: 'job:3', source: patternBytes(200) });
      kit.db.prepare('DELETE FROM document_keys WHERE id = ?').run(keyless.id);
      // A key whose file vanished (lost disk): no temp file at all.
      const lost = await kit.store.write({ kind: 'document', ownerId: 'job:4', source: patternBytes(200) });
      renameSync(path.join(kit.dir, lost.id), path.join(kit.dir, '..', 'elsewhere'));
      // Something that is not ours at all.
      writeFileSync(path.join(kit.dir, 'README.txt'), 'not a document');

      const restarted = kit.reopen();
      kit.clock.advanceBy({ minutes: 5 });
      expect(await restarted.sweep()).toEqual({ removedFiles: 3, missingKeys: 2 });

      expect(readdirSync(kit.dir).sort()).toEqual(['README.txt', healthy.id].sort());
      expect(keyRow(beforeRename.id)?.missing_at).toBe(kit.clock.now());
      expect(keyRow(lost.id)?.missing_at).toBe(kit.clock.now());
      expect(restarted.has(beforeRename.id)).toBe(false);
      expect(await codeOfRead(restarted.readAll(beforeRename.id))).toBe('store.document_missing');
      expect(codeOf((await drain(restarted.createReadStream(lost.id))).error)).toBe('store.document_missing');
      expect(await codeOfRead(restarted.readAll(keyless.id))).toBe('store.document_not_found');
      expect((await restarted.readAll(healthy.id)).equals(patternBytes(3000))).toBe(true);

      expect(await restarted.sweep()).toEqual({ removedFiles: 0, missingKeys: 0 });
      // The owner's purge takes the marked keys with it.
      expect(await restarted.removeByOwner('job:2')).toBe(1);
      expect(keyRow(beforeRename.id)).toBeUndefined();
    });

    test('a key whose file vanished reads as store.document_missing even before any sweep', async () => {
      kit = createStoreKit();
      const { id } = await kit.store.write({ kind: 'document', source: Buffer.from('x') });
      renameSync(path.join(kit.dir, id), path.join(kit.dir, '..', 'gone'));
      expect(kit.store.has(id)).toBe(false);
      expect(await codeOfRead(kit.store.readAll(id))).toBe('store.document_missing');
    });

    test('a write still in progress is left alone by the sweep and completes', async () => {
      kit = createStoreKit({ segmentSize: SEGMENT });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      async function* slow() {
        yield patternBytes(3 * SEGMENT);
        await gate;
        yield patternBytes(SEGMENT, 5);
      }
      const writing = kit.store.write({ kind: 'raw', source: slow() });
      await sleep(50);
      expect(readdirSync(kit.dir).filter((name) => name.endsWith('.tmp'))).toHaveLength(1);
      expect(await kit.store.sweep()).toEqual({ removedFiles: 0, missingKeys: 0 });
      release();
      const { id, size } = await writing;
      expect(size).toBe(4 * SEGMENT);
      expect(readdirSync(kit.dir)).toEqual([id]);
      const back = await kit.store.readAll(id);
      expect(back.equals(Buffer.concat([patternBytes(3 * SEGMENT), patternBytes(SEGMENT, 5)]))).toBe(true);
    });
  });
});
