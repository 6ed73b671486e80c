import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export type Db = Database.Database;

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/**
 * Opens the SQLite database. Never called at import time: `server.ts` opens it, tests call
 * `createTestDb()`. WAL lets readers (status pages) run beside the writer; foreign keys are on;
 * a busy timeout rides out short write locks from a second process (the staff CLI).
 */
export function openDatabase({ file, busyTimeoutMs = 5000 }: { file: string; busyTimeoutMs?: number }): Db {
  const db = new Database(file);
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  db.pragma('synchronous = NORMAL');
  // Deleted rows (document keys, codes) are overwritten, not left in free pages.
  db.pragma('secure_delete = ON');
  return db;
}

/**
 * `db.transaction(fn)` that starts with BEGIN IMMEDIATE (nested calls still become savepoints).
 * The server is not the only writer — the staff CLI (scripts/staff.ts) writes from a process of
 * its own while it runs — and a deferred transaction that reads first and then writes fails at
 * once with SQLITE_BUSY_SNAPSHOT (the busy timeout does not help) when another connection
 * committed in between. Taking the write lock first makes it wait for the other instead. Every
 * transaction that writes uses this.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any argument list, as db.transaction takes
export function immediateTransaction<F extends (...args: any[]) => unknown>(db: Db, fn: F) {
  return db.transaction(fn).immediate;
}

export type Migration = { id: string; sql: string };

/** The migrations in order: every `NNNN_name.sql` file in `src/db/migrations`, sorted by name. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((name) => /^\d{4}_[a-z0-9_]+\.sql$/.test(name))
    .sort()
    .map((name) => ({ id: name.replace(/\.sql$/, ''), sql: readFileSync(path.join(dir, name), 'utf8') }));
}

/**
 * Applies every migration not yet recorded, each in its own transaction, and records it.
 * Returns the ids applied by this call.
 */
export function migrate({ db, migrations = loadMigrations() }: { db: Db; migrations?: Migration[] }): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  ) STRICT`);
  const applied = new Set(
    db.prepare('SELECT id FROM schema_migrations').all().map((row) => (row as { id: string }).id),
  );
  const record = db.prepare('INSERT INTO schema_migrations (id) VALUES (?)');
  const done: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.id)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.id);
    })();
    done.push(migration.id);
  }
  return done;
}
