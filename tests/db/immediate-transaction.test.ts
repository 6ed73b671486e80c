import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { immediateTransaction, openDatabase } from '../../src/db/database.ts';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** Two connections to one database file, as the server and the staff CLI have. */
function twoConnections() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dp-immediate-'));
  const file = path.join(dir, 'db.sqlite');
  const main = openDatabase({ file });
  main.exec('CREATE TABLE t (x INTEGER)');
  main.exec('INSERT INTO t VALUES (1)');
  const other = new Database(file);
  // Fail at once instead of waiting: both connections live on this one thread.
  other.pragma('busy_timeout = 0');
  cleanups.push(() => {
    other.close();
    main.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { main, other };
}

describe('immediateTransaction', () => {
  it('holds the write lock from its start: no other connection commits between its read and its write', () => {
    const { main, other } = twoConnections();
    const readThenWrite = immediateTransaction(main, () => {
      const { n } = main.prepare('SELECT count(*) AS n FROM t').get() as { n: number };
      expect(() => other.exec('INSERT INTO t VALUES (2)')).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
      main.prepare('INSERT INTO t VALUES (?)').run(n + 10);
    });
    readThenWrite();
    expect(main.prepare('SELECT x FROM t ORDER BY rowid').pluck().all()).toEqual([1, 11]);
  });

  it('is needed: a deferred transaction whose snapshot another connection outdated fails at once', () => {
    const { main, other } = twoConnections();
    const readThenWrite = main.transaction(() => {
      main.prepare('SELECT count(*) FROM t').get();
      other.exec('INSERT INTO t VALUES (2)');
      main.exec('INSERT INTO t VALUES (3)');
    });
    expect(readThenWrite).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY_SNAPSHOT' }));
  });

  it('nests as a savepoint inside another transaction', () => {
    const { main } = twoConnections();
    const inner = immediateTransaction(main, () => {
      main.exec('INSERT INTO t VALUES (5)');
      throw new Error('undo the inner part only');
    });
    immediateTransaction(main, () => {
      main.exec('INSERT INTO t VALUES (4)');
      expect(inner).toThrow('undo the inner part only');
    })();
    expect(main.prepare('SELECT x FROM t ORDER BY rowid').pluck().all()).toEqual([1, 4]);
  });
});
