/**
 * `writeSmall`: bytes in hand sealed synchronously (encryptBytes) and stored inline, so a caller
 * can commit them in its own transaction together with its own rows.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { encryptBytes, encryptSegments } from '../../../src/shared/store/segmented-aead.ts';
import { createStoreKit, patternBytes, type StoreKit } from './store-test-kit.ts';

const SEGMENT = 64;
let kit: StoreKit | undefined;
afterEach(() => {
  kit?.cleanup();
  kit = undefined;
});

async function sealedByStream(bytes: Buffer, key: Buffer, noncePrefix: Buffer): Promise<Buffer> {
  const records: Buffer[] = [];
  async function* source() {
    // Odd chunk sizes, so segment boundaries fall inside chunks.
    for (let at = 0; at < bytes.length; at += 37) yield bytes.subarray(at, at + 37);
  }
  for await (const record of encryptSegments({ source: source(), key, documentId: 'doc-1', noncePrefix, segmentSize: SEGMENT })) records.push(record);
  return Buffer.concat(records);
}

describe('sealing bytes in memory', () => {
  test.each([0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT, 3 * SEGMENT + 5])('%i bytes: exactly what the stream encryption writes', async (length) => {
    const key = Buffer.alloc(32, 7);
    const noncePrefix = Buffer.from('abcdefg');
    const bytes = patternBytes(length, length);
    const expected = await sealedByStream(bytes, key, noncePrefix);
    expect(encryptBytes({ bytes, key, documentId: 'doc-1', noncePrefix, segmentSize: SEGMENT }).equals(expected)).toBe(true);
  });
});

describe('writeSmall', () => {
  test('stores inline and reads back the same bytes; no file is written', async () => {
    kit = createStoreKit({ segmentSize: SEGMENT, inlineMaxBytes: 1000 });
    const bytes = patternBytes(700, 3);
    const { id, size } = kit.store.writeSmall({ kind: 'document', ownerId: 'job:1', bytes });
    expect(size).toBe(700);
    expect((await kit.store.readAll(id)).equals(bytes)).toBe(true);
    expect(kit.db.prepare('SELECT COUNT(*) AS n FROM document_inline WHERE id = ?').get(id)).toEqual({ n: 1 });
    expect(kit.store.has(id)).toBe(true);
    expect(await kit.store.removeByOwner('job:1')).toBe(1);
    expect(kit.db.prepare('SELECT COUNT(*) AS n FROM document_inline').get()).toEqual({ n: 0 });
  });

  test('bytes above the inline limit are refused, and fitsInline says so first', () => {
    kit = createStoreKit({ segmentSize: SEGMENT, inlineMaxBytes: 100 });
    expect(kit.store.fitsInline(100)).toBe(true);
    expect(kit.store.fitsInline(101)).toBe(false);
    expect(() => kit!.store.writeSmall({ kind: 'document', bytes: patternBytes(101) })).toThrow(RangeError);
    expect(kit.db.prepare('SELECT COUNT(*) AS n FROM document_keys').get()).toEqual({ n: 0 });
  });

  test("inside the caller's transaction: when the caller fails afterwards, neither key nor data stays", () => {
    kit = createStoreKit({ segmentSize: SEGMENT, inlineMaxBytes: 1000 });
    const k = kit;
    expect(() =>
      k.db.transaction(() => {
        k.store.writeSmall({ kind: 'document', ownerId: 'job:2', bytes: patternBytes(300) });
        throw new Error('the job row could not be written');
      })(),
    ).toThrow('the job row could not be written');
    expect(k.db.prepare('SELECT COUNT(*) AS n FROM document_keys').get()).toEqual({ n: 0 });
    expect(k.db.prepare('SELECT COUNT(*) AS n FROM document_inline').get()).toEqual({ n: 0 });
  });
});
