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

/** Where a document's ciphertext lives, and how a test (or an attacker with our storage) gets at it. */
type Placement = {
  name: string;
  /** Passed to the store; undefined = the store's default (every document here is below it). */
  inlineMaxBytes: number | undefined;
  /** The stored ciphertext. */
  read(id: string): Buffer;
  /** Overwrites the stored ciphertext behind the store's back. */
  replace(id: string, bytes: Buffer): void;
  /** Puts a copy of one document's ciphertext under another id (whose key row exists). */
  copy(fromId: string, toId: string): void;
  /** What `kit.stored()` shows when exactly these documents are stored. */
  expected(ids: string[]): { files: string[]; inline: string[] };
};

const placements: Placement[] = [
  {
    name: 'in a file',
    inlineMaxBytes: 0,
    read: (id) => readFileSync(path.join(kit.dir, id)),
    replace: (id, bytes) => writeFileSync(path.join(kit.dir, id), bytes),
    copy: (fromId, toId) => copyFileSync(path.join(kit.dir, fromId), path.join(kit.dir, toId)),
    expected: (ids) => ({ files: [...ids].sort(), inline: [] }),
  },
  {
    name: 'inline in the database',
    inlineMaxBytes: undefined,
    read: (id) => kit.inlineData(id)!,
    replace: (id, bytes) => kit.db.prepare('UPDATE document_inline SET data = ? WHERE id = ?').run(bytes, id),
    copy: (fromId, toId) => kit.db.prepare('INSERT INTO document_inline (id, data) SELECT ?, data FROM document_inline WHERE id = ?').run(toId, fromId),
    expected: (ids) => ({ files: [], inline: [...ids].sort() }),
  },
];

describe.each(placements)('document store, $name', (placement) => {
  const newKit = (args: { segmentSize?: number } = {}) => createStoreKit({ ...args, inlineMaxBytes: placement.inlineMaxBytes });

  test('a document written from a stream reads back identically and its size is recorded', async () => {
    kit = newKit({ segmentSize: SEGMENT });
    const plaintext = patternBytes(5 * SEGMENT + 123);
    const { id, size } = await kit.store.write({ kind: 'document', ownerId: 'job:1', source: Readable.from([plaintext.subarray(0, 700), plaintext.subarray(700)]) });
    expect(size).toBe(plaintext.length);
    expect(kit.stored()).toEqual(placement.expected([id]));
    expect(keyRow(id)).toMatchObject({ kind: 'document', owner_id: 'job:1', size: plaintext.length, missing_at: null });
    expect((await kit.store.readAll(id)).equals(plaintext)).toBe(true);
    const streamed = await drain(kit.store.createReadStream(id));
    expect(streamed.error).toBeUndefined();
    expect(streamed.emitted.equals(plaintext)).toBe(true);
    expect(kit.store.has(id)).toBe(true);
  });

  test('buffers and empty documents are stored too', async () => {
    kit = newKit();
    const small = await kit.store.write({ kind: 'preview', source: Buffer.from('png bytes') });
    const empty = await kit.store.write({ kind: 'raw', source: Buffer.alloc(0) });
    expect(kit.stored()).toEqual(placement.expected([small.id, empty.id]));
    expect((await kit.store.readAll(small.id)).toString()).toBe('png bytes');
    expect(empty.size).toBe(0);
    expect((await kit.store.readAll(empty.id)).length).toBe(0);
  });

  test('the stored ciphertext holds neither the plaintext nor a name, only the opaque id', async () => {
    kit = newKit({ segmentSize: SEGMENT });
    const marker = 'MARKER-Antrag-auf-Wohngeld-Frau-Mustermann';
    const plaintext = Buffer.from(`${marker} `.repeat(200));
    const { id } = await kit.store.write({ kind: 'document', ownerId: 'job:1', source: plaintext });
    expect(kit.stored()).toEqual(placement.expected([id]));
    const raw = placement.read(id);
    expect(raw.length).toBe(HEADER_LENGTH + plaintext.length + Math.ceil(plaintext.length / SEGMENT) * TAG_LENGTH);
    expect(raw.includes(Buffer.from(marker))).toBe(false);
    expect(raw.includes(Buffer.from('MARKER'))).toBe(false);
    // The plaintext really was there to find: the same search finds it in the decrypted bytes.
    expect((await kit.store.readAll(id)).includes(Buffer.from(marker))).toBe(true);
  });

  test('two documents with the same content get different keys and different ciphertext', async () => {
    kit = newKit({ segmentSize: SEGMENT });
    const plaintext = patternBytes(3000);
    const a = await kit.store.write({ kind: 'document', source: plaintext });
    const b = await kit.store.write({ kind: 'document', source: plaintext });
    expect(placement.read(a.id).subarray(HEADER_LENGTH).equals(placement.read(b.id).subarray(HEADER_LENGTH))).toBe(false);
    const keys = createDocumentKeysRepository({ db: kit.db });
    const keyA = unwrapDocumentKey({ masterKey: kit.masterKey, wrappedKey: keys.get(a.id)!.wrappedKey, documentId: a.id });
    const keyB = unwrapDocumentKey({ masterKey: kit.masterKey, wrappedKey: keys.get(b.id)!.wrappedKey, documentId: b.id });
    expect(keyA.equals(keyB)).toBe(false);
  });

  describe('tampering', () => {
    async function tamperedRead(mutate: (bytes: Buffer) => Buffer, segments = 6) {
      kit = newKit({ segmentSize: SEGMENT });
      const plaintext = patternBytes(segments * SEGMENT + 100);
      const { id } = await kit.store.write({ kind: 'document', source: plaintext });
      expect(kit.stored()).toEqual(placement.expected([id]));
      placement.replace(id, mutate(placement.read(id)));
      const streamed = await drain(kit.store.createReadStream(id));
      return { plaintext, id, ...streamed, readAllCode: await codeOfRead(kit.store.readAll(id)) };
    }

    test('a byte flipped in the middle fails with store.document_tampered and nothing from that segment on is emitted', async () => {
      const result = await tamperedRead((bytes) => {
        const middle = Math.floor(bytes.length / 2); // inside segment 3 of 7
        bytes[middle]! ^= 0x40;
        return bytes;
      });
      expect(codeOf(result.error)).toBe('store.document_tampered');
      expect(result.readAllCode).toBe('store.document_tampered');
      expect(result.emitted.equals(result.plaintext.subarray(0, 3 * SEGMENT))).toBe(true);
    });

    test('truncated data fails with store.document_tampered, also when cut at a segment boundary', async () => {
      for (const keep of [HEADER_LENGTH + 4 * RECORD + 10, HEADER_LENGTH + 4 * RECORD]) {
        const result = await tamperedRead((bytes) => bytes.subarray(0, keep));
        expect(codeOf(result.error)).toBe('store.document_tampered');
        expect(result.readAllCode).toBe('store.document_tampered');
        expect(result.emitted.length).toBeLessThan(4 * SEGMENT + 1);
        expect(result.emitted.equals(result.plaintext.subarray(0, result.emitted.length))).toBe(true);
        kit.cleanup();
      }
    });

    test('two swapped segments fail with store.document_tampered at the first of them', async () => {
      const result = await tamperedRead((bytes) => {
        const second = Buffer.from(bytes.subarray(HEADER_LENGTH + 2 * RECORD, HEADER_LENGTH + 3 * RECORD));
        bytes.copy(bytes, HEADER_LENGTH + 2 * RECORD, HEADER_LENGTH + 1 * RECORD, HEADER_LENGTH + 2 * RECORD);
        second.copy(bytes, HEADER_LENGTH + 1 * RECORD);
        return bytes;
      });
      expect(codeOf(result.error)).toBe('store.document_tampered');
      expect(result.emitted.equals(result.plaintext.subarray(0, SEGMENT))).toBe(true);
    });

    test('data moved under another document id fails even when that id is given the right key', async () => {
      kit = newKit({ segmentSize: SEGMENT });
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
      placement.copy(id, otherId);
      expect(kit.stored()).toEqual(placement.expected([id, otherId]));
      const { emitted, error } = await drain(kit.store.createReadStream(otherId));
      expect(codeOf(error)).toBe('store.document_tampered');
      expect(emitted.length).toBe(0);
      // The original still reads: the failure came from the id binding alone.
      expect((await kit.store.readAll(id)).equals(plaintext)).toBe(true);
    });

    test('a wrapped key copied onto another row does not open', async () => {
      kit = newKit();
      const a = await kit.store.write({ kind: 'document', source: Buffer.from('a') });
      const b = await kit.store.write({ kind: 'document', source: Buffer.from('b') });
      const wrapped = kit.db.prepare('SELECT wrapped_key FROM document_keys WHERE id = ?').pluck().get(a.id) as Buffer;
      kit.db.prepare('UPDATE document_keys SET wrapped_key = ? WHERE id = ?').run(wrapped, b.id);
      expect(await codeOfRead(kit.store.readAll(b.id))).toBe('store.document_tampered');
    });

    test('another master key cannot read the documents', async () => {
      kit = newKit();
      const { id } = await kit.store.write({ kind: 'document', source: Buffer.from('secret') });
      const other = kit.reopen({ masterKey: Buffer.alloc(32, 9) });
      expect(await codeOfRead(other.readAll(id))).toBe('store.document_tampered');
    });
  });

  describe('deleting', () => {
    test('after remove the key row and the data are gone and reads fail with store.document_not_found', async () => {
      kit = newKit();
      const { id } = await kit.store.write({ kind: 'document', ownerId: 'job:1', source: patternBytes(5000) });
      expect(kit.stored()).toEqual(placement.expected([id]));
      await kit.store.remove(id);
      expect(keyRow(id)).toBeUndefined();
      expect(kit.stored()).toEqual({ files: [], inline: [] });
      expect(kit.store.has(id)).toBe(false);
      expect(await codeOfRead(kit.store.readAll(id))).toBe('store.document_not_found');
      const streamed = await drain(kit.store.createReadStream(id));
      expect(codeOf(streamed.error)).toBe('store.document_not_found');
      await expect(kit.store.remove(id)).resolves.toBeUndefined();
    });

    test('removeByOwner shreds every document of that owner and no other', async () => {
      kit = newKit();
      const mine = [
        await kit.store.write({ kind: 'document', ownerId: 'job:1', source: Buffer.from('1') }),
        await kit.store.write({ kind: 'preview', ownerId: 'job:1', source: Buffer.from('2') }),
      ];
      const theirs = await kit.store.write({ kind: 'document', ownerId: 'job:2', source: Buffer.from('3') });
      expect(kit.stored()).toEqual(placement.expected([...mine.map((d) => d.id), theirs.id]));
      expect(await kit.store.removeByOwner('job:1')).toBe(2);
      for (const { id } of mine) {
        expect(keyRow(id)).toBeUndefined();
        expect(kit.store.has(id)).toBe(false);
      }
      expect(kit.stored()).toEqual(placement.expected([theirs.id]));
      expect((await kit.store.readAll(theirs.id)).toString()).toBe('3');
      expect(await kit.store.removeByOwner('job:1')).toBe(0);
    });
  });

  describe('writing', () => {
    test('a source that fails midway leaves no data and no key, and its error comes through unchanged', async () => {
      kit = newKit({ segmentSize: SEGMENT });
      const failure = new Error('upload limit');
      async function* failing() {
        yield patternBytes(4 * SEGMENT);
        throw failure;
      }
      await expect(kit.store.write({ kind: 'raw', ownerId: 'job:1', source: failing() })).rejects.toBe(failure);
      expect(kit.stored()).toEqual({ files: [], inline: [] });
      expect(kit.db.prepare('SELECT count(*) FROM document_keys').pluck().get()).toBe(0);
    });

    test('a reader that stops reading stops the reads: at most about two segments wait in memory', async () => {
      kit = newKit({ segmentSize: SEGMENT });
      const { id } = await kit.store.write({ kind: 'document', source: patternBytes(200 * SEGMENT) });
      expect(kit.stored()).toEqual(placement.expected([id]));
      const stream = kit.store.createReadStream(id);
      stream.on('readable', () => undefined);
      await sleep(100);
      expect(stream.readableLength).toBeGreaterThan(0);
      expect(stream.readableLength).toBeLessThanOrEqual(2 * SEGMENT);
      stream.destroy();
    });
  });
});

describe('document files', () => {
  test('files have mode 0600 in a folder of mode 0700', async () => {
    kit = createStoreKit({ inlineMaxBytes: 0 });
    const { id } = await kit.store.write({ kind: 'document', source: patternBytes(100) });
    expect(readdirSync(kit.dir)).toEqual([id]);
    expect(statSync(path.join(kit.dir, id)).mode & 0o777).toBe(0o600);
    expect(statSync(kit.dir).mode & 0o777).toBe(0o700);
  });

  test('the key goes first: when the file cannot be removed the key is already gone', async () => {
    kit = createStoreKit({ inlineMaxBytes: 0 });
    const { id } = await kit.store.write({ kind: 'document', source: patternBytes(100) });
    // Replace the file by a non-empty folder, which unlink refuses.
    const file = path.join(kit.dir, id);
    renameSync(file, `${file}-moved`);
    mkdirSync(file);
    writeFileSync(path.join(file, 'x'), 'x');
    await expect(kit.store.remove(id)).rejects.toThrow();
    expect(keyRow(id)).toBeUndefined();
  });

  describe('start-up sweep', () => {
    test('after a crash it removes temp and keyless files, marks keys without a file, and missing reads fail clearly', async () => {
      kit = createStoreKit({ segmentSize: SEGMENT, inlineMaxBytes: 0 });
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
      kit = createStoreKit({ inlineMaxBytes: 0 });
      const { id } = await kit.store.write({ kind: 'document', source: Buffer.from('x') });
      renameSync(path.join(kit.dir, id), path.join(kit.dir, '..', 'gone'));
      expect(kit.store.has(id)).toBe(false);
      expect(await codeOfRead(kit.store.readAll(id))).toBe('store.document_missing');
    });

    test('a write still in progress is left alone by the sweep and completes', async () => {
      kit = createStoreKit({ segmentSize: SEGMENT, inlineMaxBytes: 0 });
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
