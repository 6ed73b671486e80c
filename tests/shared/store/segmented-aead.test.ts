import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { isAppError } from '../../../src/shared/errors.ts';
import {
  byteSourceFromIterable,
  decryptSegments,
  encryptSegments,
  HEADER_LENGTH,
  TAG_LENGTH,
} from '../../../src/shared/store/segmented-aead.ts';
import { drain, patternBytes } from './store-test-kit.ts';

const key = Buffer.alloc(32, 0x11);
const noncePrefix = Buffer.from('0102030405060a', 'hex');
const documentId = 'doc-a';

async function encrypt(plaintext: Buffer, { segmentSize = 64, chunkSize = 1000, id = documentId } = {}): Promise<Buffer> {
  async function* chunks() {
    for (let i = 0; i < plaintext.length; i += chunkSize) yield plaintext.subarray(i, i + chunkSize);
  }
  const out: Buffer[] = [];
  for await (const part of encryptSegments({ source: chunks(), key, documentId: id, noncePrefix, segmentSize })) out.push(part);
  return Buffer.concat(out);
}

function decrypt(sealed: Buffer, { id = documentId, readChunk = 37 } = {}) {
  async function* pieces() {
    for (let i = 0; i < sealed.length; i += readChunk) yield sealed.subarray(i, i + readChunk);
  }
  return drain(decryptSegments({ source: byteSourceFromIterable(pieces()), key, documentId: id }));
}

function expectTampered(error: unknown) {
  expect(isAppError(error) && error.code).toBe('store.document_tampered');
}

describe('segmented AES-256-GCM format', () => {
  test('any plaintext round-trips whatever the chunking of writer and reader', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 700 }),
        fc.integer({ min: 16, max: 128 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 300 }),
        async (bytes, segmentSize, chunkSize, readChunk) => {
          const plaintext = Buffer.from(bytes);
          const sealed = await encrypt(plaintext, { segmentSize, chunkSize });
          const segments = Math.max(1, Math.ceil(plaintext.length / segmentSize));
          expect(sealed.length).toBe(HEADER_LENGTH + plaintext.length + segments * TAG_LENGTH);
          const { emitted, error } = await decrypt(sealed, { readChunk });
          expect(error).toBeUndefined();
          expect(emitted.equals(plaintext)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('the file starts with the DPK1 magic, version 1, the nonce prefix and the segment size', async () => {
    const sealed = await encrypt(patternBytes(10), { segmentSize: 4096 });
    expect(sealed.subarray(0, 4).toString('ascii')).toBe('DPK1');
    expect(sealed[4]).toBe(1);
    expect(sealed.subarray(5, 12).equals(noncePrefix)).toBe(true);
    expect(sealed.readUInt32BE(12)).toBe(4096);
  });

  test('a file opened under another document id is rejected before any plaintext', async () => {
    const sealed = await encrypt(patternBytes(300));
    const { emitted, error } = await decrypt(sealed, { id: 'doc-b' });
    expectTampered(error);
    expect(emitted.length).toBe(0);
  });

  test('a flipped bit in the third segment releases exactly the first two segments', async () => {
    const plaintext = patternBytes(64 * 5 + 10);
    const sealed = await encrypt(plaintext);
    const record = 64 + TAG_LENGTH;
    sealed[HEADER_LENGTH + 2 * record + 5]! ^= 0x01;
    const { emitted, error } = await decrypt(sealed);
    expectTampered(error);
    expect(emitted.equals(plaintext.subarray(0, 128))).toBe(true);
  });

  test('a changed header (segment size) fails the first segment', async () => {
    const sealed = await encrypt(patternBytes(200), { segmentSize: 64 });
    sealed.writeUInt32BE(32, 12);
    const { emitted, error } = await decrypt(sealed);
    expectTampered(error);
    expect(emitted.length).toBe(0);
  });

  test('a header claiming gigantic segments is refused before anything is allocated for them', async () => {
    const sealed = await encrypt(patternBytes(200));
    sealed.writeUInt32BE(0xffffffff, 12);
    expectTampered((await decrypt(sealed)).error);
  });

  test('a file cut exactly at a segment boundary is detected by the last-segment flag', async () => {
    const plaintext = patternBytes(64 * 4);
    const sealed = await encrypt(plaintext);
    const cut = sealed.subarray(0, HEADER_LENGTH + 2 * (64 + TAG_LENGTH));
    const { emitted, error } = await decrypt(cut);
    expectTampered(error);
    // Segment 0 was released; segment 1, now posing as the last, was not.
    expect(emitted.equals(plaintext.subarray(0, 64))).toBe(true);
  });

  test('a file with only its header, or with bytes appended, is rejected', async () => {
    const sealed = await encrypt(patternBytes(100));
    expectTampered((await decrypt(sealed.subarray(0, HEADER_LENGTH))).error);
    expectTampered((await decrypt(Buffer.concat([sealed, Buffer.from([0])]))).error);
  });

  test('an empty document is one authenticated empty segment', async () => {
    const sealed = await encrypt(Buffer.alloc(0));
    expect(sealed.length).toBe(HEADER_LENGTH + TAG_LENGTH);
    const { emitted, error } = await decrypt(sealed);
    expect(error).toBeUndefined();
    expect(emitted.length).toBe(0);
  });

  test('a source that yields strings is refused', async () => {
    async function* strings() {
      yield 'text';
    }
    const run = drain(encryptSegments({ source: strings(), key, documentId, noncePrefix }));
    const { error } = await run;
    expect(isAppError(error) && error.code).toBe('store.source_invalid');
  });
});
