import { randomBytes, createCipheriv, createDecipheriv } from 'node:crypto';
import { closeSync, fchmodSync, fstatSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { KEY_LENGTH } from './segmented-aead.ts';
import { createDocumentTamperedError, createMasterKeyInsecureError, createMasterKeyInvalidError } from './store.errors.ts';

export const MASTER_KEY_FILE = 'master.key';
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=$/;

function decodeKey(text: string): Buffer {
  const trimmed = text.trim();
  if (!BASE64_KEY.test(trimmed)) throw createMasterKeyInvalidError();
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_LENGTH) throw createMasterKeyInvalidError();
  return key;
}

function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The site master key that wraps every document key. A configured key (base64, e.g. from a
 * secret store via DRUCKPUNKT_MASTER_KEY) wins; otherwise `<dataDir>/master.key` is read, or
 * created on first start with mode 0600 so only the service user can read it. The file holds the
 * key in base64 so it can be moved into the configuration unchanged. Losing it makes every
 * stored document unreadable, which is acceptable: documents live for hours, not years.
 *
 * Runs once at start-up, before `listen`, hence synchronous.
 */
export function loadOrCreateMasterKey({ dataDir, configuredKey }: { dataDir: string; configuredKey?: string }): Buffer {
  if (configuredKey !== undefined) return decodeKey(configuredKey);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, MASTER_KEY_FILE);
  const existing = readExisting(file);
  if (existing) return existing;

  // Write to a private temp file, then hard-link it into place: the link fails if another process
  // created the key meanwhile, and a crash never leaves a half-written master.key behind.
  const temp = path.join(dataDir, `${MASTER_KEY_FILE}.${process.pid}.tmp`);
  const key = randomBytes(KEY_LENGTH);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    fchmodSync(fd, 0o600); // the umask can only narrow the mode, but be explicit
    writeSync(fd, `${key.toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const raced = readExisting(file);
    if (raced) return raced;
    throw error;
  } finally {
    unlinkSync(temp);
  }
  fsyncDirectory(dataDir);
  return key;
}

function readExisting(file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    // Refuse a key others can read: like ssh with private keys, better to stop than to run on a leaked key.
    if ((fstatSync(fd).mode & 0o077) !== 0) throw createMasterKeyInsecureError();
    return decodeKey(readFileSync(fd, 'utf8'));
  } finally {
    closeSync(fd);
  }
}

const WRAP_VERSION = 1;
const WRAP_NONCE_LENGTH = 12;
const WRAP_TAG_LENGTH = 16;
export const WRAPPED_KEY_LENGTH = 1 + WRAP_NONCE_LENGTH + KEY_LENGTH + WRAP_TAG_LENGTH;

function wrapAad(documentId: string): Buffer {
  return Buffer.from(`druckpunkt/document-key/v${WRAP_VERSION}/${documentId}`, 'utf8');
}

/**
 * Wraps a document key with AES-256-GCM under the master key, binding the document id as
 * additional data, so a wrapped key copied onto another row does not open. GCM rather than
 * AES-KW because it binds the id and every Node build has it; the nonce is random per key.
 * Layout: version (1) | nonce (12) | encrypted key (32) | tag (16).
 */
export function wrapDocumentKey({
  masterKey,
  documentKey,
  documentId,
  nonce,
}: {
  masterKey: Buffer;
  documentKey: Buffer;
  documentId: string;
  nonce: Buffer;
}): Buffer {
  if (masterKey.length !== KEY_LENGTH || documentKey.length !== KEY_LENGTH) throw new RangeError('keys must be 32 bytes');
  if (nonce.length !== WRAP_NONCE_LENGTH) throw new RangeError('wrap nonce must be 12 bytes');
  const cipher = createCipheriv('aes-256-gcm', masterKey, nonce, { authTagLength: WRAP_TAG_LENGTH });
  cipher.setAAD(wrapAad(documentId));
  const body = Buffer.concat([cipher.update(documentKey), cipher.final()]);
  return Buffer.concat([Buffer.from([WRAP_VERSION]), nonce, body, cipher.getAuthTag()]);
}

/** Unwraps a key made by `wrapDocumentKey`; any mismatch (other master key, other id, changed bytes) is tampering. */
export function unwrapDocumentKey({ masterKey, wrappedKey, documentId }: { masterKey: Buffer; wrappedKey: Buffer; documentId: string }): Buffer {
  if (wrappedKey.length !== WRAPPED_KEY_LENGTH || wrappedKey[0] !== WRAP_VERSION) throw createDocumentTamperedError();
  const nonce = wrappedKey.subarray(1, 1 + WRAP_NONCE_LENGTH);
  const body = wrappedKey.subarray(1 + WRAP_NONCE_LENGTH, 1 + WRAP_NONCE_LENGTH + KEY_LENGTH);
  const tag = wrappedKey.subarray(1 + WRAP_NONCE_LENGTH + KEY_LENGTH);
  const decipher = createDecipheriv('aes-256-gcm', masterKey, nonce, { authTagLength: WRAP_TAG_LENGTH });
  decipher.setAAD(wrapAad(documentId));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch (cause) {
    throw createDocumentTamperedError({ cause });
  }
}
