import { afterEach, describe, expect, test } from 'vitest';
import { createTestApp } from '../helpers/test-app.ts';
import { createStatsRecorder } from '../../src/stats/stats.usecases.ts';
import { createPurger, type CreatePurgerArgs } from '../../src/purge/purge.usecases.ts';
import { isErrorOf } from '../../src/shared/errors.ts';
import { createPurgeScheduleInvalidError } from '../../src/purge/purge.errors.ts';
import { count, keysOf, print, storedFiles, upload, waitFor, type TestCtx } from './purge-helpers.ts';

let ctx: TestCtx | undefined;
let purgers: Array<ReturnType<typeof createPurger>> = [];
afterEach(async () => {
  await Promise.all(purgers.map((p) => p.close()));
  purgers = [];
  await ctx?.close();
  ctx = undefined;
});

async function setup() {
  ctx = await createTestApp();
  const stats = createStatsRecorder({ db: ctx.db, clock: ctx.clock, sites: ctx.config.sites });
  const makePurger = (overrides: Partial<CreatePurgerArgs> = {}) => {
    const purger = createPurger({ config: ctx!.config, db: ctx!.db, store: ctx!.app.store, stats, clock: ctx!.clock, logger: ctx!.app.log, ...overrides });
    purgers.push(purger);
    return purger;
  };
  const expiredStat = () => stats.summary({ from: '2026-01-01', to: '2026-01-31' }).totals.jobsExpiredUnprinted;
  return { ctx, stats, makePurger, expiredStat };
}

describe('held jobs', () => {
  test('a held job is kept until exactly its hold time and then shredded: keys, files, row, previews', async () => {
    const { ctx, makePurger, expiredStat } = await setup();
    const { job } = await upload(ctx);
    const expiresAt = ctx.app.spool.getJob(job.id)!.expiresAt;
    expect(expiresAt - ctx.clock.now()).toBe(4 * 3_600_000);
    const filesBefore = storedFiles(ctx).length;
    expect(filesBefore).toBeGreaterThanOrEqual(2); // the PDF and its first preview
    const purger = makePurger();

    ctx.clock.set(expiresAt - 1);
    expect((await purger.runOnce()).heldExpired).toBe(0);
    expect(ctx.app.spool.getJob(job.id)?.state).toBe('held');
    expect(keysOf(ctx, job.id)).toBeGreaterThanOrEqual(2);

    ctx.clock.set(expiresAt);
    const counts = await purger.runOnce();
    expect(counts).toMatchObject({ heldExpired: 1, documentKeys: filesBefore, failures: 0 });
    expect(ctx.app.spool.getJob(job.id)).toBeUndefined();
    expect(keysOf(ctx, job.id)).toBe(0);
    expect(storedFiles(ctx)).toEqual([]);
    expect(count(ctx, 'SELECT COUNT(*) AS n FROM print_job_documents')).toBe(0);
    expect(count(ctx, 'SELECT COUNT(*) AS n FROM print_job_previews')).toBe(0);
    expect(expiredStat()).toBe(1);
    const row = ctx.db.prepare("SELECT terminal_id AS terminalId FROM stats_daily WHERE metric = 'jobs_expired_unprinted'").get();
    expect(row).toEqual({ terminalId: 'terminal-1' });
  });

  test('runs are idempotent: the second run deletes nothing and counts nothing again', async () => {
    const { ctx, makePurger, expiredStat } = await setup();
    await upload(ctx);
    await upload(ctx, { name: 'zwei.pdf' });
    ctx.clock.advanceBy({ hours: 4 });
    const purger = makePurger();
    expect((await purger.runOnce()).heldExpired).toBe(2);
    const second = await purger.runOnce();
    expect(Object.values(second).every((n) => n === 0)).toBe(true);
    expect(expiredStat()).toBe(2);
  });

  test('a run that dies after shredding the first job’s keys is finished by the next run, after a restart, counting each job once', async () => {
    const { ctx, makePurger, expiredStat } = await setup();
    const first = (await upload(ctx, { name: 'eins.pdf' })).job.id;
    const second = (await upload(ctx, { name: 'zwei.pdf' })).job.id;
    ctx.clock.advanceBy({ hours: 5 });
    const store = ctx.app.store;
    let failed = false;
    // Key rows deleted, then the process "crashes" before the files are unlinked and the row goes.
    const failingOnce: CreatePurgerArgs['store'] = {
      sweep: () => store.sweep(),
      removeByOwner: async (owner) => {
        if (failed) return store.removeByOwner(owner);
        failed = true;
        ctx.db.prepare('DELETE FROM document_keys WHERE owner_id = ?').run(owner);
        throw new Error('simulated crash');
      },
    };
    const crashed = await makePurger({ store: failingOnce }).runOnce();
    expect(crashed).toMatchObject({ failures: 1, heldExpired: 1 });
    // The first job is claimed: no station can print it any more, and it is not counted yet.
    expect(ctx.app.spool.getJob(first)).toMatchObject({ state: 'canceled', stateReason: 'purge-expired' });
    expect(ctx.app.spool.getJob(second)).toBeUndefined();
    expect(keysOf(ctx, first)).toBe(0);
    expect(expiredStat()).toBe(1);

    const restarted = await makePurger().runOnce();
    expect(restarted).toMatchObject({ heldExpired: 1, failures: 0 });
    expect(count(ctx, 'SELECT COUNT(*) AS n FROM print_jobs')).toBe(0);
    expect(count(ctx, 'SELECT COUNT(*) AS n FROM document_keys')).toBe(0);
    expect(storedFiles(ctx)).toEqual([]);
    expect(expiredStat()).toBe(2);
    expect(Object.values(await makePurger().runOnce()).every((n) => n === 0)).toBe(true);
  });

  test('a job that a station started printing is never purged, even past its hold time', async () => {
    const { ctx, makePurger } = await setup();
    const { job } = await upload(ctx);
    ctx.db.prepare("UPDATE print_jobs SET state = 'processing' WHERE id = ?").run(job.id);
    ctx.clock.advanceBy({ hours: 30 });
    const counts = await makePurger().runOnce();
    expect(counts.heldExpired + counts.failedExpired + counts.finishedRows).toBe(0);
    expect(ctx.app.spool.getJob(job.id)?.state).toBe('processing');
    expect(keysOf(ctx, job.id)).toBeGreaterThan(0);
  });
});

describe('failed and finished jobs', () => {
  test('a failed job stays for reprinting until 24 hours after its failure, then is shredded and counted as unprinted', async () => {
    const { ctx, makePurger, expiredStat } = await setup();
    const { job } = await upload(ctx);
    ctx.clock.advanceBy({ hours: 1 });
    const failedAt = ctx.clock.now();
    ctx.db.prepare("UPDATE print_jobs SET state = 'aborted', state_reason = 'media-jam' WHERE id = ?").run(job.id);
    ctx.db
      .prepare("INSERT INTO print_attempts (job_id, printer_id, state, pages_total, pages_reserved, created_at, updated_at) VALUES (?, 'lobeda-drucker', 'aborted', 3, 3, ?, ?)")
      .run(job.id, failedAt, failedAt);
    const purger = makePurger();
    ctx.clock.set(failedAt + 24 * 3_600_000 - 1);
    expect((await purger.runOnce()).failedExpired).toBe(0);
    expect(keysOf(ctx, job.id)).toBeGreaterThan(0);
    ctx.clock.set(failedAt + 24 * 3_600_000);
    expect((await purger.runOnce()).failedExpired).toBe(1);
    expect(ctx.app.spool.getJob(job.id)).toBeUndefined();
    expect(count(ctx, 'SELECT COUNT(*) AS n FROM print_attempts')).toBe(0);
    expect(storedFiles(ctx)).toEqual([]);
    expect(expiredStat()).toBe(1);
  });

  test('a printed job’s row, which still names the document, goes an hour after printing; station logins go too', async () => {
    const { ctx, makePurger, expiredStat } = await setup();
    const { job, code } = await upload(ctx);
    await print(ctx, code);
    expect(ctx.app.spool.getJob(job.id)?.state).toBe('completed');
    expect(count(ctx, 'SELECT COUNT(*) AS n FROM station_sessions')).toBe(1);
    const purger = makePurger();
    ctx.clock.advanceBy({ minutes: 59 });
    expect(await purger.runOnce()).toMatchObject({ finishedRows: 0, stationSessions: 0 });
    ctx.clock.advanceBy({ minutes: 1 });
    expect(await purger.runOnce()).toMatchObject({ finishedRows: 1, stationSessions: 1 });
    expect(ctx.app.spool.getJob(job.id)).toBeUndefined();
    expect(count(ctx, 'SELECT COUNT(*) AS n FROM station_sessions')).toBe(0);
    expect(expiredStat()).toBe(0);
  });

  test('an ended terminal session (with its code) goes once no job refers to it; the current one stays', async () => {
    const { ctx, makePurger } = await setup();
    const { job } = await upload(ctx);
    await ctx.app.spool.endSession({ siteId: 'lobeda', terminalId: 'terminal-1' });
    expect(count(ctx, 'SELECT COUNT(*) AS n FROM terminal_sessions')).toBe(2);
    const purger = makePurger();
    ctx.clock.advanceBy({ hours: 2 });
    // The ended session still has its held job (valid for another 2 hours): it stays.
    expect((await purger.runOnce()).terminalSessions).toBe(0);
    ctx.clock.advanceBy({ hours: 2 });
    const counts = await purger.runOnce();
    expect(counts).toMatchObject({ heldExpired: 1, terminalSessions: 1 });
    expect(ctx.app.spool.getJob(job.id)).toBeUndefined();
    expect(count(ctx, 'SELECT COUNT(*) AS n FROM terminal_sessions WHERE ended_at IS NULL')).toBe(1);
    expect(count(ctx, 'SELECT COUNT(*) AS n FROM terminal_sessions')).toBe(1);
  });
});

describe('sessions, guessing records, audit log, scans', () => {
  function ensureStaffTables(db: TestCtx['db']) {
    // As in the staff migration; created here when that migration is not in this checkout yet.
    db.exec(`CREATE TABLE IF NOT EXISTS staff_users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL,
               password_hash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0, failed_logins INTEGER NOT NULL DEFAULT 0, locked_until INTEGER,
               created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS staff_sessions (id_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
               csrf_token TEXT NOT NULL, created_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL, ended_at INTEGER);
             CREATE TABLE IF NOT EXISTS staff_audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, user_id INTEGER, user_name TEXT NOT NULL,
               action TEXT NOT NULL, site_id TEXT, target_type TEXT, target_id TEXT, details TEXT NOT NULL DEFAULT '{}');`);
  }

  test('wrong-code records go after a day, staff sessions after a day of disuse, audit entries after a year', async () => {
    const { ctx, makePurger } = await setup();
    ensureStaffTables(ctx.db);
    const now = ctx.clock.now();
    const hour = 3_600_000;
    const day = 24 * hour;
    const failure = ctx.db.prepare("INSERT INTO code_failures (site_id, printer_id, at) VALUES ('lobeda', 'lobeda-drucker', ?)");
    failure.run(now - day);
    failure.run(now - day + 1);
    ctx.db.prepare("INSERT INTO staff_users (name, role, password_hash, created_at, updated_at) VALUES ('anna', 'admin', 'x', 0, 0)").run();
    const session = ctx.db.prepare("INSERT INTO staff_sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, ended_at) VALUES (?, 1, 't', 0, ?, ?)");
    session.run('old', now - 2 * day, null);
    session.run('ended-recently', now - 2 * day, now - hour);
    session.run('active', now - 60_000, null);
    const audit = ctx.db.prepare("INSERT INTO staff_audit (at, user_name, action) VALUES (?, 'anna', 'grant')");
    audit.run(now - 365 * day);
    audit.run(now - 364 * day);

    const counts = await makePurger().runOnce();
    expect(counts).toMatchObject({ codeFailures: 1, staffSessions: 1, auditEntries: 1, failures: 0 });
    expect(ctx.db.prepare('SELECT id_hash FROM staff_sessions ORDER BY id_hash').pluck().all()).toEqual(['active', 'ended-recently']);
    expect(count(ctx, 'SELECT COUNT(*) AS n FROM code_failures')).toBe(1);
    expect(count(ctx, 'SELECT COUNT(*) AS n FROM staff_audit')).toBe(1);
  });

  test('retention comes from the arguments, e.g. a shorter audit log', async () => {
    const { ctx, makePurger } = await setup();
    ensureStaffTables(ctx.db);
    ctx.db.prepare("INSERT INTO staff_audit (at, user_name, action) VALUES (?, 'anna', 'grant')").run(ctx.clock.now() - 31 * 24 * 3_600_000);
    expect((await makePurger().runOnce()).auditEntries).toBe(0);
    expect((await makePurger({ retention: { auditDays: 30 } }).runOnce()).auditEntries).toBe(1);
  });

  test('without the staff tables the purge skips them and still completes', async () => {
    const { ctx, makePurger } = await setup();
    ctx.db.exec('DROP TABLE IF EXISTS staff_sessions; DROP TABLE IF EXISTS staff_audit;');
    await upload(ctx);
    ctx.clock.advanceBy({ hours: 4 });
    expect(await makePurger().runOnce()).toMatchObject({ heldExpired: 1, staffSessions: 0, auditEntries: 0, failures: 0 });
  });

  test('scans are left to the scan domain’s hook; a failing hook does not stop the rest', async () => {
    const { ctx, makePurger } = await setup();
    let calls = 0;
    expect((await makePurger({ purgeScans: async () => ++calls * 3 }).runOnce()).scans).toBe(3);
    await upload(ctx);
    ctx.clock.advanceBy({ hours: 4 });
    const counts = await makePurger({ purgeScans: async () => Promise.reject(new Error('scanner folder gone')) }).runOnce();
    expect(counts).toMatchObject({ scans: 0, failures: 1, heldExpired: 1 });
  });
});

describe('the timer and the log', () => {
  test('each run logs its counts and nothing else', async () => {
    const { ctx, makePurger } = await setup();
    await upload(ctx);
    ctx.clock.advanceBy({ hours: 4 });
    await makePurger().runOnce();
    const line = ctx.logs.lines.map((l) => JSON.parse(l) as { msg: string; purge?: Record<string, number> }).find((l) => l.msg === 'purge run');
    expect(line?.purge).toMatchObject({ heldExpired: 1 });
    expect(Object.values(line!.purge!).every((value) => typeof value === 'number')).toBe(true);
    expect(ctx.logs.text()).not.toContain('brief.pdf');
  });

  test('the schedule runs the purge on its cron expression and stops on close', async () => {
    const { ctx, makePurger } = await setup();
    const { job } = await upload(ctx);
    ctx.clock.advanceBy({ hours: 4 });
    let runs = 0;
    // The scan hook is called once per run: it counts the runs.
    const purger = makePurger({ schedule: '* * * * * *', purgeScans: async () => (runs++, 0) });
    purger.schedule();
    await waitFor(() => ctx.app.spool.getJob(job.id) === undefined, 5000);
    await waitFor(() => runs >= 2, 5000); // the catch-up run at start, then the timer
    await purger.close();
    const after = runs;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(runs).toBe(after);
  });

  test('an invalid cron expression is refused when the purger is made', async () => {
    const { makePurger } = await setup();
    let error: unknown;
    try {
      makePurger({ schedule: 'every five minutes' });
    } catch (caught) {
      error = caught;
    }
    expect(isErrorOf(error, createPurgeScheduleInvalidError)).toBe(true);
  });
});
