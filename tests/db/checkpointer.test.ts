import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { FALLBACK_AUTOCHECKPOINT_PAGES, startCheckpointer, type Checkpointer } from '../../src/db/checkpointer.ts';
import { openDatabase, type Db } from '../../src/db/database.ts';
import { createLogger } from '../../src/shared/logger.ts';

const dirs: string[] = [];
const open: Array<{ db?: Db; checkpointer?: Checkpointer }> = [];

afterEach(async () => {
  for (const item of open.splice(0)) {
    await item.checkpointer?.stop();
    if (item.db?.open) item.db.close();
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dp-checkpointer-'));
  dirs.push(dir);
  return dir;
}

function captureLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  return { logger, lines };
}

/** Rows of `t` in the database FILE alone, i.e. what has been checkpointed out of the WAL. */
function rowsInDatabaseFile(file: string): number {
  const copyDir = tempDir();
  const copy = path.join(copyDir, 'copy.sqlite');
  copyFileSync(file, copy);
  const db = new Database(copy);
  try {
    return (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 't'").get() as { n: number }).n === 0
      ? 0
      : (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

function autocheckpoint(db: Db): number {
  return db.pragma('wal_autocheckpoint', { simple: true }) as number;
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('WAL checkpointer', () => {
  it('moves committed pages into the database file without the main connection checkpointing', async () => {
    const file = path.join(tempDir(), 'db.sqlite');
    const db = openDatabase({ file });
    open.push({ db });
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
    for (let i = 0; i < 20; i++) insert.run('x'.repeat(500));
    // Without a checkpointer, these commits stay in the WAL: the file has none of them.
    expect(rowsInDatabaseFile(file)).toBe(0);

    const { logger } = captureLogger();
    const checkpointer = startCheckpointer({ db, file, logger, intervalMs: 20 });
    open[0]!.checkpointer = checkpointer;
    expect(autocheckpoint(db)).toBe(FALLBACK_AUTOCHECKPOINT_PAGES);
    for (let i = 0; i < 30; i++) insert.run('y'.repeat(500));
    await until(() => rowsInDatabaseFile(file) === 50);
    expect((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(50);
  });

  it('stops cleanly: the main connection checkpoints by itself again and closing folds the WAL in', async () => {
    const file = path.join(tempDir(), 'db.sqlite');
    const db = openDatabase({ file });
    const { logger, lines } = captureLogger();
    const checkpointer = startCheckpointer({ db, file, logger, intervalMs: 20 });
    open.push({ db, checkpointer });
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY)');
    db.prepare('INSERT INTO t DEFAULT VALUES').run();
    await checkpointer.stop();
    expect(autocheckpoint(db)).toBe(1000);
    db.close();
    // The last connection to close checkpoints and removes the WAL: the worker's was closed first.
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(rowsInDatabaseFile(file)).toBe(1);
    expect(lines.filter((line) => line.level === 40)).toEqual([]);
  });

  it('falls back to SQLite checkpointing by itself when the worker cannot open the database', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'db.sqlite');
    const db = openDatabase({ file });
    open.push({ db });
    // A directory where the worker expects the database file: its connection fails at once.
    const notAFile = path.join(dir, 'not-a-file');
    mkdirSync(notAFile);
    const { logger, lines } = captureLogger();
    const checkpointer = startCheckpointer({ db, file: notAFile, logger, intervalMs: 20 });
    open[0]!.checkpointer = checkpointer;
    await until(() => autocheckpoint(db) === 1000);
    await until(() => lines.some((line) => line.level === 40 && String(line.msg).includes('checkpointer')));
    // Stopping a checkpointer whose worker is already gone returns at once.
    await checkpointer.stop();
  });
});
