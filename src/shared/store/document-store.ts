import { existsSync, mkdirSync } from 'node:fs';
import { open, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { immediateTransaction, type Db } from '../../db/database.ts';
import type { Clock } from '../clock.ts';
import type { Random } from '../random.ts';
import { createDocumentInlineRepository } from './document-inline.repository.ts';
import { createDocumentKeysRepository, type DocumentKeyRecord } from './document-keys.repository.ts';
import { unwrapDocumentKey, wrapDocumentKey } from './master-key.ts';
import {
  byteSourceFromFile,
  type ByteSource,
  decryptSegments,
  DEFAULT_SEGMENT_SIZE,
  encryptBytes,
  encryptSegments,
  KEY_LENGTH,
  NONCE_PREFIX_LENGTH,
} from './segmented-aead.ts';
import {
  createDocumentMissingError,
  createDocumentNotFoundError,
  createDocumentTamperedError,
  createSourceInvalidError,
} from './store.errors.ts';

/** What can be stored: a byte stream (Node Readable, any async iterable of bytes) or bytes in hand. */
export type DocumentSource = Readable | AsyncIterable<Uint8Array> | Buffer | Uint8Array;

export type CreateDocumentStoreArgs = {
  db: Db;
  /** Folder for the encrypted files; created with mode 0700. Nothing else should live there. */
  dir: string;
  /** The 32-byte site master key (see `loadOrCreateMasterKey`). */
  masterKey: Buffer;
  /** Source of ids, document keys and nonces. */
  random: Random;
  clock: Clock;
  /** Plaintext bytes per authenticated segment. Tests make it small to get many segments. */
  segmentSize?: number;
  /**
   * Documents whose plaintext ends within this many bytes are encrypted in memory and stored in
   * the database beside their key (one transaction, no file, no fsync); larger ones stream into
   * a file. Default 256 KiB; 0 stores every document as a file.
   */
  inlineMaxBytes?: number;
};

export const DEFAULT_INLINE_MAX_BYTES = 256 * 1024;

// Ids become file names, so only a narrow alphabet is accepted: nothing can point outside `dir`.
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const FILE_PATTERN = /^([A-Za-z0-9_-]{1,64})(\.tmp)?$/;
const KIND_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;
const WRAP_NONCE_LENGTH = 12;

function isErrno(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === code;
}

async function unlinkIfPresent(file: string): Promise<boolean> {
  try {
    await unlink(file);
    return true;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
}

/** Makes a rename (or unlink) durable: the directory entry itself must reach the disk. */
async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeFully(file: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await file.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

/** `ByteSource` over bytes in hand (an inline ciphertext). */
function byteSourceFromBuffer(data: Buffer): ByteSource {
  let offset = 0;
  return {
    read(length) {
      const out = data.subarray(offset, Math.min(offset + length, data.length));
      offset += out.length;
      return Promise.resolve(out);
    },
  };
}

async function* fromChunks(chunks: readonly Buffer[]): AsyncGenerator<Buffer> {
  yield* chunks;
}

/**
 * Pulls `chunks` until more than `limit` bytes arrived or the source ended. Kept chunks are
 * copied (a producer may reuse its buffer once it is asked for the next one, and the copies are
 * zeroed after use); the chunk that crossed the limit is passed on as it is, like every later one.
 */
async function readHead(
  chunks: AsyncIterator<Uint8Array>,
  limit: number,
): Promise<{ kept: Buffer[]; overflow: Uint8Array | undefined; ended: boolean }> {
  const kept: Buffer[] = [];
  let bytes = 0;
  try {
    for (;;) {
      const next = await chunks.next();
      if (next.done === true) return { kept, overflow: undefined, ended: true };
      const chunk = next.value;
      if (bytes + chunk.length > limit) return { kept, overflow: chunk, ended: false };
      kept.push(Buffer.from(chunk));
      bytes += chunk.length;
    }
  } catch (error) {
    for (const chunk of kept) chunk.fill(0);
    throw error;
  }
}

/** The head already read, then the rest of the source. */
async function* resumed(kept: readonly Buffer[], overflow: Uint8Array | undefined, rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* kept;
  if (overflow !== undefined) yield overflow;
  for (;;) {
    const next = await rest.next();
    if (next.done === true) return;
    yield next.value;
  }
}

async function* countedBytes(source: DocumentSource, counter: { bytes: number }): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    counter.bytes += source.length;
    yield source;
    return;
  }
  for await (const chunk of source as AsyncIterable<unknown>) {
    // A Readable with setEncoding() yields strings; storing their UTF-16 length would be wrong.
    if (!(chunk instanceof Uint8Array)) throw createSourceInvalidError();
    counter.bytes += chunk.length;
    yield chunk;
  }
}

/**
 * The encrypted document store: every document under its own random AES-256 key, the key wrapped
 * by the master key in `document_keys`, the data in the segmented AEAD format of
 * segmented-aead.ts, either inline in `document_inline` (small documents) or in a file of its own.
 * A factory because it holds the open database, the key and the writes in flight.
 */
export function createDocumentStore({
  db,
  dir,
  masterKey,
  random,
  clock,
  segmentSize = DEFAULT_SEGMENT_SIZE,
  inlineMaxBytes = DEFAULT_INLINE_MAX_BYTES,
}: CreateDocumentStoreArgs) {
  if (masterKey.length !== KEY_LENGTH) throw new RangeError('master key must be 32 bytes');
  if (!Number.isSafeInteger(inlineMaxBytes) || inlineMaxBytes < 0) throw new RangeError('inlineMaxBytes must be an integer >= 0');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys = createDocumentKeysRepository({ db });
  const inline = createDocumentInlineRepository({ db });
  // Key row and data commit together or not at all: a failing insert leaves neither.
  const insertInline = immediateTransaction(db, (record: Omit<DocumentKeyRecord, 'missingAt'>, data: Buffer) => {
    keys.insert(record);
    inline.insert({ id: record.id, data });
  });
  // Ids being written right now: their temp files and keys are not debris for the sweep.
  const inFlight = new Set<string>();
  const finalPath = (id: string) => path.join(dir, id);
  const tempPath = (id: string) => path.join(dir, `${id}.tmp`);

  function keyRecord({ id, kind, ownerId, documentKey, size }: { id: string; kind: string; ownerId: string | null; documentKey: Buffer; size: number }) {
    return {
      id,
      kind,
      ownerId,
      wrappedKey: wrapDocumentKey({ masterKey, documentKey, documentId: id, nonce: random.bytes(WRAP_NONCE_LENGTH) }),
      size,
      createdAt: clock.now(),
    };
  }

  /**
   * Small documents: encrypted in memory, then key row and ciphertext in one transaction. No
   * file system call, so no fsync and no thread-pool hop; durability is the database's.
   */
  async function writeInline({ id, kind, ownerId, documentKey, plaintext, size }: WriteArgs & { plaintext: readonly Buffer[]; size: number }) {
    const records: Buffer[] = [];
    const sealed = encryptSegments({ source: fromChunks(plaintext), key: documentKey, documentId: id, noncePrefix: random.bytes(NONCE_PREFIX_LENGTH), segmentSize });
    for await (const record of sealed) records.push(record);
    insertInline(keyRecord({ id, kind, ownerId, documentKey, size }), Buffer.concat(records));
  }

  /**
   * Larger documents stream into a file. Order matters for crash safety: data to `<id>.tmp` and
   * fsync, then the key row, then rename and fsync the folder. A crash leaves at worst a temp
   * file or a key without a file; `sweep()` clears both.
   */
  async function writeFile({ id, kind, ownerId, documentKey, source, counter }: WriteArgs & { source: AsyncIterable<Uint8Array>; counter: { bytes: number } }) {
    const temp = tempPath(id);
    let keyInserted = false;
    let renamed = false;
    try {
      const file = await open(temp, 'wx', 0o600);
      try {
        const records = encryptSegments({ source, key: documentKey, documentId: id, noncePrefix: random.bytes(NONCE_PREFIX_LENGTH), segmentSize });
        // One sealed segment at a time, each awaited: a slow disk slows the source down.
        for await (const record of records) await writeFully(file, record);
        await file.sync();
      } finally {
        await file.close();
      }
      keys.insert(keyRecord({ id, kind, ownerId, documentKey, size: counter.bytes }));
      keyInserted = true;
      await rename(temp, finalPath(id));
      renamed = true;
      await fsyncDirectory(dir);
    } catch (error) {
      // Key first, as everywhere: without it the leftover bytes are noise.
      if (keyInserted) keys.remove(id);
      await unlinkIfPresent(renamed ? finalPath(id) : temp).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Stores `source` encrypted: up to `inlineMaxBytes` are read into memory; a source that ends
   * within them is stored inline, a longer one continues into a file (the bytes read so far
   * first), so memory stays bounded for any size. Errors from the source (e.g. a size limit) are
   * rethrown unchanged after cleaning up.
   */
  async function write({
    kind,
    ownerId,
    source,
  }: {
    /** What the file is ('document', 'raw', 'preview', 'scan', …); lower-case, at most 32 characters. */
    kind: string;
    /** The job/scan it belongs to, so `removeByOwner` can shred all of it. */
    ownerId?: string | null;
    source: DocumentSource;
  }): Promise<{ id: string; size: number }> {
    if (!KIND_PATTERN.test(kind)) throw new TypeError('document kind must be a short lower-case word');
    const id = random.uuid();
    if (!ID_PATTERN.test(id)) throw new TypeError('random.uuid() gave an id unfit for a file name');
    const documentKey = random.bytes(KEY_LENGTH);
    const counter = { bytes: 0 };
    const chunks = countedBytes(source, counter);
    const args: WriteArgs = { id, kind, ownerId: ownerId ?? null, documentKey };
    inFlight.add(id);
    let kept: Buffer[] = [];
    try {
      if (inlineMaxBytes > 0) {
        const head = await readHead(chunks, inlineMaxBytes);
        kept = head.kept;
        if (head.ended) {
          await writeInline({ ...args, plaintext: kept, size: counter.bytes });
          return { id, size: counter.bytes };
        }
        await writeFile({ ...args, source: resumed(kept, head.overflow, chunks), counter });
      } else {
        await writeFile({ ...args, source: chunks, counter });
      }
      return { id, size: counter.bytes };
    } finally {
      inFlight.delete(id);
      documentKey.fill(0);
      for (const chunk of kept) chunk.fill(0);
    }
  }

  /** True when `size` bytes are stored inline, so `writeSmall` can take them. */
  function fitsInline(size: number): boolean {
    return size <= inlineMaxBytes;
  }

  /**
   * Stores bytes in hand that fit inline, synchronously: callers put it in their own database
   * transaction (e.g. the job row and its document commit together). Throws a RangeError when
   * the bytes do not fit inline (check `fitsInline` first).
   */
  function writeSmall({ kind, ownerId, bytes }: { kind: string; ownerId?: string | null; bytes: Buffer }): { id: string; size: number } {
    const sealed = sealSmall({ kind, ownerId, bytes });
    storeSealed(sealed);
    return { id: sealed.record.id, size: sealed.record.size };
  }

  /**
   * The first half of `writeSmall`, touching no database: the document encrypted under a fresh
   * key and the key wrapped, ready for `storeSealed` (the spool's intake journal keeps it in
   * between). Nothing in it is plaintext.
   */
  function sealSmall({ kind, ownerId, bytes }: { kind: string; ownerId?: string | null; bytes: Buffer }): SealedDocument {
    if (!KIND_PATTERN.test(kind)) throw new TypeError('document kind must be a short lower-case word');
    if (!fitsInline(bytes.length)) throw new RangeError('too large for an inline document');
    const id = random.uuid();
    if (!ID_PATTERN.test(id)) throw new TypeError('random.uuid() gave an id unfit for a file name');
    const documentKey = random.bytes(KEY_LENGTH);
    try {
      const data = encryptBytes({ bytes, key: documentKey, documentId: id, noncePrefix: random.bytes(NONCE_PREFIX_LENGTH), segmentSize });
      return { record: keyRecord({ id, kind, ownerId: ownerId ?? null, documentKey, size: bytes.length }), data };
    } finally {
      documentKey.fill(0);
    }
  }

  /** The second half: key row and ciphertext into the database, together or not at all. */
  function storeSealed({ record, data }: SealedDocument): void {
    if (!ID_PATTERN.test(record.id) || !KIND_PATTERN.test(record.kind)) throw new TypeError('not a sealed document');
    insertInline(record, data);
  }

  async function* plaintextOf(id: string): AsyncGenerator<Buffer, void, undefined> {
    if (!ID_PATTERN.test(id)) throw createDocumentNotFoundError();
    const record = keys.get(id);
    if (!record) throw createDocumentNotFoundError();
    if (record.missingAt !== null) throw createDocumentMissingError();
    const inlineData = inline.get(id);
    const key = unwrapDocumentKey({ masterKey, wrappedKey: record.wrappedKey, documentId: id });
    let file: FileHandle | undefined;
    if (inlineData === undefined) {
      try {
        file = await open(finalPath(id), 'r');
      } catch (error) {
        key.fill(0);
        if (isErrno(error, 'ENOENT')) throw createDocumentMissingError();
        throw error;
      }
    }
    try {
      const source = file ? byteSourceFromFile(file) : byteSourceFromBuffer(inlineData!);
      let total = 0;
      for await (const chunk of decryptSegments({ source, key, documentId: id })) {
        total += chunk.length;
        // Authenticated bytes, but more than were stored means the key row and data disagree.
        if (total > record.size) throw createDocumentTamperedError();
        yield chunk;
      }
      if (total !== record.size) throw createDocumentTamperedError();
    } finally {
      key.fill(0);
      await file?.close();
    }
  }

  /**
   * A byte stream of the document's plaintext. Each segment is released only after its tag
   * verified; the stream errors with `store.document_tampered` at the first bad segment,
   * `store.document_not_found` for an unknown id and `store.document_missing` when the key
   * exists but the file is gone. Reads from disk only as fast as the consumer reads.
   */
  function createReadStream(id: string): Readable {
    return Readable.from(plaintextOf(id), { objectMode: false, highWaterMark: segmentSize });
  }

  /** The whole plaintext in memory: for small things (previews, PDFs handed to pdf-lib). */
  async function readAll(id: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of plaintextOf(id)) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  /**
   * Shreds one document: the key row goes first (that alone makes the data unreadable, and takes
   * an inline ciphertext with it in the same statement), then the file. Idempotent.
   */
  async function remove(id: string): Promise<void> {
    if (!ID_PATTERN.test(id)) return;
    const wasInline = inline.has(id);
    keys.remove(id);
    if (!wasInline) await unlinkIfPresent(finalPath(id));
  }

  /** Shreds every document of an owner (keys and inline data in one transaction, then files); returns how many keys went. */
  async function removeByOwner(ownerId: string): Promise<number> {
    // Read and delete back to back, with no await between: no write can slip in.
    const inlineIds = inline.idsOfOwner(ownerId);
    const ids = keys.removeByOwner(ownerId);
    for (const id of ids) if (!inlineIds.has(id)) await unlinkIfPresent(finalPath(id));
    return ids.length;
  }

  /** True when the document can be read: its key exists, is not marked missing, and its data is there. */
  function has(id: string): boolean {
    return ID_PATTERN.test(id) && keys.isPresent(id) && (inline.has(id) || existsSync(finalPath(id)));
  }

  /**
   * Start-up clean-up after a crash: deletes temp files and files without a key (unreadable
   * anyway) or whose document is stored inline (never read), and marks keys whose file is gone
   * (`missing_at`), so reads fail with `store.document_missing` and the owner's purge removes
   * them. Inline documents are committed with their key, so they are never missing. Writes in
   * flight are left alone. Files whose names are not ours are not touched. Idempotent: a second
   * run counts 0.
   */
  async function sweep(): Promise<{ removedFiles: number; missingKeys: number }> {
    const names = await readdir(dir);
    // Keys read after the listing: a file listed as final had its key inserted before its
    // rename, so a fresh write cannot look keyless here.
    const known = keys.allIds();
    const inlineIds = inline.allIds();
    const present = new Set<string>();
    let removedFiles = 0;
    for (const name of names) {
      const match = FILE_PATTERN.exec(name);
      if (!match) continue;
      const id = match[1]!;
      if (inFlight.has(id)) continue;
      if (match[2] !== undefined || !known.has(id) || inlineIds.has(id)) {
        if (await unlinkIfPresent(path.join(dir, name))) removedFiles += 1;
      } else {
        present.add(id);
      }
    }
    let missingKeys = 0;
    const now = clock.now();
    for (const id of keys.presentIds()) {
      if (present.has(id) || inFlight.has(id) || inline.has(id) || existsSync(finalPath(id))) continue;
      if (keys.markMissing({ id, at: now })) missingKeys += 1;
    }
    return { removedFiles, missingKeys };
  }

  return { write, writeSmall, sealSmall, storeSealed, fitsInline, createReadStream, readAll, remove, removeByOwner, has, sweep };
}

type WriteArgs = { id: string; kind: string; ownerId: string | null; documentKey: Buffer };

export type DocumentStore = ReturnType<typeof createDocumentStore>;

/** A small document encrypted and its key wrapped, not yet stored (see `sealSmall`). */
export type SealedDocument = { record: Omit<DocumentKeyRecord, 'missingAt'>; data: Buffer };
