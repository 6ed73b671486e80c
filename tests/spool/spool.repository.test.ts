import { afterEach, describe, expect, test } from 'vitest';
import { migrate, openDatabase } from '../../src/db/database.ts';
import { createSpoolRepository } from '../../src/spool/spool.repository.ts';

const dbs: Array<ReturnType<typeof openDatabase>> = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

function repository() {
  const db = openDatabase({ file: ':memory:' });
  dbs.push(db);
  migrate({ db });
  return { db, repo: createSpoolRepository({ db }) };
}

const where = { siteId: 'lobeda', terminalId: 'terminal-1' };
const session = (id: string, code: string) => ({ id, ...where, code, qrToken: `qr-${id}`, startedAt: 1000 });

describe('the current session of a terminal (kept in memory, asked for by every job)', () => {
  test('follows sessions that start and end', () => {
    const { repo } = repository();
    expect(repo.findCurrentSession(where)).toBeUndefined();
    repo.insertSession(session('s1', '111111'));
    expect(repo.findCurrentSession(where)).toMatchObject({ id: 's1', code: '111111', endedAt: null });
    // Asked again: the same answer (now from memory).
    expect(repo.findCurrentSession(where)).toMatchObject({ id: 's1' });
    expect(repo.endSession({ id: 's1', at: 2000 })).toBe(true);
    expect(repo.findCurrentSession(where)).toBeUndefined();
    repo.insertSession(session('s2', '222222'));
    expect(repo.findCurrentSession(where)).toMatchObject({ id: 's2', code: '222222' });
    // Another terminal of the site is its own.
    expect(repo.findCurrentSession({ siteId: 'lobeda', terminalId: 'terminal-2' })).toBeUndefined();
  });

  test('a session started in a transaction that is rolled back is not remembered', () => {
    const { repo } = repository();
    expect(() =>
      repo.inTransaction(() => {
        repo.insertSession(session('s1', '111111'));
        expect(repo.findCurrentSession(where)).toMatchObject({ id: 's1' });
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    expect(repo.findCurrentSession(where)).toBeUndefined();
  });

  test('what it gives cannot be changed by a caller', () => {
    const { repo } = repository();
    repo.insertSession(session('s1', '111111'));
    const found = repo.findCurrentSession(where)!;
    expect(() => {
      (found as { code: string }).code = '999999';
    }).toThrow(TypeError);
    expect(repo.findCurrentSession(where)!.code).toBe('111111');
  });
});
