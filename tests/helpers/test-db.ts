import { openDatabase, migrate, type Db } from '../../src/db/database.ts';

/** A fresh in-memory database with every migration applied. One per test; never shared. */
export function createTestDb(): Db {
  const db = openDatabase({ file: ':memory:' });
  migrate({ db });
  return db;
}
