import { afterEach, describe, expect, test } from 'vitest';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAppError } from '../../../src/shared/errors.ts';
import { loadOrCreateMasterKey, MASTER_KEY_FILE, unwrapDocumentKey, wrapDocumentKey } from '../../../src/shared/store/master-key.ts';

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

function freshDataDir(): string {
  root = mkdtempSync(path.join(os.tmpdir(), 'druckpunkt-key-'));
  return path.join(root, 'data');
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return isAppError(error) ? error.code : String(error);
  }
}

describe('master key', () => {
  test('the first start creates a 32-byte key readable by its owner only, the second start reuses it', () => {
    const dataDir = freshDataDir();
    const first = loadOrCreateMasterKey({ dataDir });
    const file = path.join(dataDir, MASTER_KEY_FILE);
    expect(first.length).toBe(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').equals(first)).toBe(true);
    const second = loadOrCreateMasterKey({ dataDir });
    expect(second.equals(first)).toBe(true);
    // No temp files are left beside it.
    expect(existsSync(path.join(dataDir, `${MASTER_KEY_FILE}.${process.pid}.tmp`))).toBe(false);
  });

  test('two data folders get different keys', () => {
    const a = loadOrCreateMasterKey({ dataDir: freshDataDir() });
    const other = path.join(root, 'other');
    expect(loadOrCreateMasterKey({ dataDir: other }).equals(a)).toBe(false);
  });

  test('a configured key is used as given and no key file is written', () => {
    const dataDir = freshDataDir();
    const configured = Buffer.alloc(32, 0xab);
    const key = loadOrCreateMasterKey({ dataDir, configuredKey: configured.toString('base64') });
    expect(key.equals(configured)).toBe(true);
    expect(existsSync(path.join(dataDir, MASTER_KEY_FILE))).toBe(false);
  });

  test('a configured key that is not 32 bytes of base64 is refused', () => {
    const dataDir = freshDataDir();
    expect(codeOf(() => loadOrCreateMasterKey({ dataDir, configuredKey: Buffer.alloc(16).toString('base64') }))).toBe('store.master_key_invalid');
    expect(codeOf(() => loadOrCreateMasterKey({ dataDir, configuredKey: 'not base64 at all' }))).toBe('store.master_key_invalid');
  });

  test('a key file others can read is refused rather than used', () => {
    const dataDir = freshDataDir();
    loadOrCreateMasterKey({ dataDir });
    chmodSync(path.join(dataDir, MASTER_KEY_FILE), 0o644);
    expect(codeOf(() => loadOrCreateMasterKey({ dataDir }))).toBe('store.master_key_insecure');
  });

  test('a damaged key file is refused', () => {
    const dataDir = freshDataDir();
    loadOrCreateMasterKey({ dataDir });
    writeFileSync(path.join(dataDir, MASTER_KEY_FILE), 'short\n', { mode: 0o600 });
    expect(codeOf(() => loadOrCreateMasterKey({ dataDir }))).toBe('store.master_key_invalid');
  });

  test('a wrapped document key opens only with its master key and its document id', () => {
    const masterKey = Buffer.alloc(32, 1);
    const documentKey = Buffer.alloc(32, 2);
    const wrappedKey = wrapDocumentKey({ masterKey, documentKey, documentId: 'a', nonce: Buffer.alloc(12, 3) });
    expect(wrappedKey.includes(documentKey)).toBe(false);
    expect(unwrapDocumentKey({ masterKey, wrappedKey, documentId: 'a' }).equals(documentKey)).toBe(true);
    expect(codeOf(() => unwrapDocumentKey({ masterKey, wrappedKey, documentId: 'b' }))).toBe('store.document_tampered');
    expect(codeOf(() => unwrapDocumentKey({ masterKey: Buffer.alloc(32, 9), wrappedKey, documentId: 'a' }))).toBe('store.document_tampered');
  });
});
