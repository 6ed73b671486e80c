import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { createDocumentTamperedError, createSourceInvalidError } from './store.errors.ts';

/**
 * The on-disk format of one stored document: segmented AES-256-GCM, after the STREAM
 * construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015) as used by age and Tink.
 *
 * ```
 * header   16 bytes  'DPK1' | version (1 byte, = 1) | nonce prefix (7 random bytes) | segment size (u32 BE)
 * segment  n times   AES-256-GCM ciphertext of `segment size` plaintext bytes | 16-byte tag
 * last     1 time    the same with 0..`segment size` bytes (0 only when the whole document is empty)
 *
 * nonce(i) = nonce prefix (7) | i as u32 BE (4) | 0x01 on the last segment, else 0x00 (1)
 * AAD      = the 16 header bytes | document id (UTF-8)
 * ```
 *
 * Why this shape: a single GCM tag over a 500 MB file could only be checked after the whole file
 * was read, so plaintext would leave before it was authenticated. Each segment carries its own tag
 * and is released only after its tag verified. The counter in the nonce makes reordering or
 * dropping segments fail; the last-segment flag makes cutting the file at a segment boundary fail
 * (the new final segment was sealed as "not last"); the header in the AAD makes changing the
 * segment size or version fail; the document id in the AAD makes a file renamed to another id
 * fail. Every file has its own random key, so the 7-byte prefix is defence in depth, not what
 * keeps nonces unique.
 */
export const FORMAT_MAGIC = Buffer.from('DPK1', 'ascii');
export const FORMAT_VERSION = 1;
export const HEADER_LENGTH = 16;
export const NONCE_PREFIX_LENGTH = 7;
export const TAG_LENGTH = 16;
export const KEY_LENGTH = 32;
export const DEFAULT_SEGMENT_SIZE = 64 * 1024;
/** Bounds a header may claim, so a hostile header cannot make the reader allocate gigabytes before any tag is checked. */
export const MIN_SEGMENT_SIZE = 16;
export const MAX_SEGMENT_SIZE = 16 * 1024 * 1024;
const MAX_SEGMENTS = 2 ** 32;

export type FormatHeader = { segmentSize: number; noncePrefix: Buffer };

export function encodeHeader({ segmentSize, noncePrefix }: FormatHeader): Buffer {
  if (!Number.isInteger(segmentSize) || segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE) {
    throw new RangeError(`segment size must be an integer in [${MIN_SEGMENT_SIZE}, ${MAX_SEGMENT_SIZE}]`);
  }
  if (noncePrefix.length !== NONCE_PREFIX_LENGTH) throw new RangeError(`nonce prefix must be ${NONCE_PREFIX_LENGTH} bytes`);
  const header = Buffer.alloc(HEADER_LENGTH);
  FORMAT_MAGIC.copy(header, 0);
  header[4] = FORMAT_VERSION;
  noncePrefix.copy(header, 5);
  header.writeUInt32BE(segmentSize, 12);
  return header;
}

/** Parses a header; anything not exactly our format counts as tampering (it is our own file). */
export function decodeHeader(header: Buffer): FormatHeader {
  if (header.length !== HEADER_LENGTH || !header.subarray(0, 4).equals(FORMAT_MAGIC) || header[4] !== FORMAT_VERSION) {
    throw createDocumentTamperedError();
  }
  const segmentSize = header.readUInt32BE(12);
  if (segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE) throw createDocumentTamperedError();
  return { segmentSize, noncePrefix: Buffer.from(header.subarray(5, 12)) };
}

function segmentNonce(noncePrefix: Buffer, index: number, last: boolean): Buffer {
  if (index >= MAX_SEGMENTS) throw new RangeError('document has too many segments');
  const nonce = Buffer.alloc(12);
  noncePrefix.copy(nonce, 0);
  nonce.writeUInt32BE(index, NONCE_PREFIX_LENGTH);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

function additionalData(header: Buffer, documentId: string): Buffer {
  return Buffer.concat([header, Buffer.from(documentId, 'utf8')]);
}

function sealSegment(key: Buffer, nonce: Buffer, aad: Buffer, plaintext: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH });
  cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  const rest = cipher.final();
  return Buffer.concat([body, rest, cipher.getAuthTag()]);
}

function openSegment(key: Buffer, nonce: Buffer, aad: Buffer, record: Buffer): Buffer {
  if (record.length < TAG_LENGTH) throw createDocumentTamperedError();
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH });
  decipher.setAAD(aad);
  decipher.setAuthTag(record.subarray(record.length - TAG_LENGTH));
  // `update` returns unauthenticated bytes; they are held here and returned only after `final`
  // verified the tag, so the caller never sees plaintext of a bad segment.
  const body = decipher.update(record.subarray(0, record.length - TAG_LENGTH));
  try {
    const rest = decipher.final();
    return rest.length === 0 ? body : Buffer.concat([body, rest]);
  } catch (cause) {
    body.fill(0);
    throw createDocumentTamperedError({ cause });
  }
}

function asBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw createSourceInvalidError();
}

/**
 * Encrypts a byte stream into the format above: yields the header, then one sealed segment at a
 * time. Holds at most one segment of plaintext; pulls the source only when the consumer pulls,
 * so backpressure reaches the source.
 */
export async function* encryptSegments({
  source,
  key,
  documentId,
  noncePrefix,
  segmentSize = DEFAULT_SEGMENT_SIZE,
}: {
  source: AsyncIterable<unknown>;
  key: Buffer;
  documentId: string;
  noncePrefix: Buffer;
  segmentSize?: number;
}): AsyncGenerator<Buffer, void, undefined> {
  if (key.length !== KEY_LENGTH) throw new RangeError('document key must be 32 bytes');
  const header = encodeHeader({ segmentSize, noncePrefix });
  const aad = additionalData(header, documentId);
  yield header;
  const segment = Buffer.alloc(segmentSize);
  let filled = 0;
  let index = 0;
  for await (const raw of source) {
    const chunk = asBuffer(raw);
    let offset = 0;
    while (offset < chunk.length) {
      // A full segment is sealed as "not last" only once more bytes arrive: only then is it
      // certain that it is not the final one.
      if (filled === segmentSize) {
        yield sealSegment(key, segmentNonce(noncePrefix, index, false), aad, segment);
        index += 1;
        filled = 0;
      }
      const n = Math.min(segmentSize - filled, chunk.length - offset);
      chunk.copy(segment, filled, offset, offset + n);
      filled += n;
      offset += n;
    }
  }
  yield sealSegment(key, segmentNonce(noncePrefix, index, true), aad, segment.subarray(0, filled));
  segment.fill(0);
}

/**
 * The same format as `encryptSegments`, for bytes already in memory, synchronously: small
 * documents are sealed inside one database transaction (see the store's `writeSmall`).
 */
export function encryptBytes({
  bytes,
  key,
  documentId,
  noncePrefix,
  segmentSize = DEFAULT_SEGMENT_SIZE,
}: {
  bytes: Buffer;
  key: Buffer;
  documentId: string;
  noncePrefix: Buffer;
  segmentSize?: number;
}): Buffer {
  if (key.length !== KEY_LENGTH) throw new RangeError('document key must be 32 bytes');
  const header = encodeHeader({ segmentSize, noncePrefix });
  const aad = additionalData(header, documentId);
  const records = [header];
  // As in the stream: the final segment holds 1..segmentSize bytes (0 only for an empty document).
  const segments = Math.max(1, Math.ceil(bytes.length / segmentSize));
  for (let index = 0; index < segments; index++) {
    const plaintext = bytes.subarray(index * segmentSize, Math.min((index + 1) * segmentSize, bytes.length));
    records.push(sealSegment(key, segmentNonce(noncePrefix, index, index === segments - 1), aad, plaintext));
  }
  return Buffer.concat(records);
}

/** Pull-based bytes: `read(n)` gives exactly `n` bytes, or fewer only at the end. */
export type ByteSource = { read(length: number): Promise<Buffer> };

export function byteSourceFromFile(file: FileHandle): ByteSource {
  return {
    async read(length) {
      const out = Buffer.allocUnsafe(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await file.read(out, filled, length - filled, null);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled === length ? out : out.subarray(0, filled);
    },
  };
}

export function byteSourceFromIterable(source: AsyncIterable<unknown>): ByteSource {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Buffer[] = [];
  let pendingLength = 0;
  let done = false;
  return {
    async read(length) {
      while (pendingLength < length && !done) {
        const next = await iterator.next();
        if (next.done) done = true;
        else {
          const chunk = asBuffer(next.value);
          pending.push(chunk);
          pendingLength += chunk.length;
        }
      }
      const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
      const out = all.subarray(0, Math.min(length, all.length));
      const rest = all.subarray(out.length);
      pending = rest.length > 0 ? [rest] : [];
      pendingLength = rest.length;
      return out;
    },
  };
}

/**
 * Decrypts the format above, yielding one authenticated segment of plaintext at a time. Throws
 * `store.document_tampered` at the first segment that fails, before yielding any of it; a file
 * that ends early, has a bad header, or trailing bytes fails the same way. Reads one segment
 * ahead, because only the end of the file tells whether a full segment must be the last one.
 */
export async function* decryptSegments({
  source,
  key,
  documentId,
}: {
  source: ByteSource;
  key: Buffer;
  documentId: string;
}): AsyncGenerator<Buffer, void, undefined> {
  if (key.length !== KEY_LENGTH) throw new RangeError('document key must be 32 bytes');
  const header = await source.read(HEADER_LENGTH);
  const { segmentSize, noncePrefix } = decodeHeader(header);
  const aad = additionalData(header, documentId);
  const recordSize = segmentSize + TAG_LENGTH;
  let index = 0;
  let current = await source.read(recordSize);
  for (;;) {
    if (current.length < recordSize) {
      // A short record can only be the last one (this also covers a file cut inside a segment,
      // whose remains fail the tag check as "last").
      const plaintext = openSegment(key, segmentNonce(noncePrefix, index, true), aad, current);
      // The writer emits an empty last segment only for an empty document.
      if (plaintext.length === 0 && index > 0) throw createDocumentTamperedError();
      if (plaintext.length > 0) yield plaintext;
      return;
    }
    const next = await source.read(recordSize);
    const last = next.length === 0;
    const plaintext = openSegment(key, segmentNonce(noncePrefix, index, last), aad, current);
    yield plaintext;
    if (last) return;
    current = next;
    index += 1;
  }
}
