import { describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getTasks } from 'node-cron';
import { createStaffTestApp } from '../staff/staff-test-app.ts';
import { createTestDb } from '../helpers/test-db.ts';
import { createTestClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { parseConfig } from '../../src/config/config.ts';
import { demoConfig } from '../../src/config/demo-config.ts';
import { createQuotaResets } from '../../src/quota/quota-resets.ts';
import { isoWeekOf, periodsSince, firstDayOf, localDay } from '../../src/quota/quota.models.ts';

const config = parseConfig({ raw: structuredClone(demoConfig) });
const logger = createLogger({ level: 'silent' });

function setup(start: string) {
  const db = createTestDb();
  const clock = createTestClock(start);
  const resets = createQuotaResets({ db, config, clock, logger });
  const resetRows = (kind: string) =>
    db.prepare("SELECT account FROM ledger_entries WHERE kind = 'reset' AND account LIKE ? ORDER BY id").all(`site-${kind}:%`).map((r) => (r as { account: string }).account);
  return { db, clock, resets, resetRows };
}

describe('quota periods', () => {
  test('ISO weeks follow the calendar across a year boundary', () => {
    expect(isoWeekOf('2026-01-05')).toBe('2026-W02');
    expect(isoWeekOf('2026-01-01')).toBe('2026-W01');
    expect(isoWeekOf('2027-01-01')).toBe('2026-W53');
    expect(isoWeekOf('2027-01-04')).toBe('2027-W01');
    expect(firstDayOf('week', '2026-W53')).toBe('2026-12-28');
    expect(firstDayOf('week', '2026-W02')).toBe('2026-01-05');
  });

  test('the periods since the last one are listed once each, in order', () => {
    expect(periodsSince({ kind: 'day', last: '2026-02-27', today: '2026-03-02' })).toEqual(['2026-02-28', '2026-03-01', '2026-03-02']);
    expect(periodsSince({ kind: 'week', last: '2026-W52', today: '2027-01-12' })).toEqual(['2026-W53', '2027-W01', '2027-W02']);
    expect(periodsSince({ kind: 'month', last: '2026-11', today: '2027-01-01' })).toEqual(['2026-12', '2027-01']);
    expect(periodsSince({ kind: 'day', last: '2026-03-02', today: '2026-03-02' })).toEqual([]);
  });

  test('local midnight in Berlin decides the day, not UTC midnight', () => {
    expect(localDay(Date.parse('2026-07-01T22:30:00Z'))).toBe('2026-07-02');
    expect(localDay(Date.parse('2026-01-01T22:30:00Z'))).toBe('2026-01-01');
  });
});

describe('quota resets', () => {
  test('a fresh database marks the current periods once and nothing before them', () => {
    const { resets, resetRows } = setup('2026-01-07T10:00:00Z');
    expect(resets.runDue().resets).toHaveLength(3);
    expect(resetRows('day')).toEqual(['site-day:2026-01-07']);
    expect(resetRows('week')).toEqual(['site-week:2026-W02']);
    expect(resetRows('month')).toEqual(['site-month:2026-01']);
    expect(resets.runDue().resets).toHaveLength(0);
  });

  test('after three days of downtime within one week, three day resets and no week reset are caught up, once', () => {
    const { clock, resets, resetRows } = setup('2026-01-05T08:00:00Z'); // Monday
    resets.runDue();
    clock.advanceBy({ days: 3 }); // down until Thursday
    const run = resets.runDue();
    expect(run.resets.map((r) => r.period)).toEqual(['2026-01-06', '2026-01-07', '2026-01-08']);
    expect(resetRows('day')).toEqual(['site-day:2026-01-05', 'site-day:2026-01-06', 'site-day:2026-01-07', 'site-day:2026-01-08']);
    expect(resetRows('week')).toEqual(['site-week:2026-W02']);
    // Running again (the minute job right after the start-up catch-up) adds nothing.
    expect(resets.runDue().resets).toEqual([]);
    expect(resetRows('day')).toHaveLength(4);
  });

  test('three days of downtime across a weekend catch up three day resets and exactly one week reset', () => {
    const { clock, resets, resetRows } = setup('2026-01-09T20:00:00Z'); // Friday
    resets.runDue();
    clock.advanceBy({ days: 3 }); // Monday evening
    const run = resets.runDue();
    expect(run.resets.filter((r) => r.kind === 'day').map((r) => r.period)).toEqual(['2026-01-10', '2026-01-11', '2026-01-12']);
    expect(run.resets.filter((r) => r.kind === 'week').map((r) => r.period)).toEqual(['2026-W03']);
    expect(run.resets.filter((r) => r.kind === 'month')).toEqual([]);
    resets.runDue();
    expect(resetRows('week')).toEqual(['site-week:2026-W02', 'site-week:2026-W03']);
  });

  test('two reset runners on the same database (cron and start-up) never write a period twice', () => {
    const { db, clock, resets } = setup('2026-01-30T12:00:00Z');
    const second = createQuotaResets({ db, config, clock, logger });
    resets.runDue();
    clock.advanceBy({ days: 4 });
    const a = resets.runDue();
    const b = second.runDue();
    expect(a.resets.length + b.resets.length).toBe(4 + 1 + 1); // 4 days, week 6, February
    const counts = db.prepare("SELECT account, COUNT(*) AS n FROM ledger_entries WHERE kind = 'reset' GROUP BY account HAVING n > 1").all();
    expect(counts).toEqual([]);
  });
});

describe('quota resets in the app', () => {
  test('a restart after three days of downtime catches up the missed day resets at start-up, and the minute job is scheduled', async () => {
    const db = createTestDb();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dp-resets-'));
    const clock = createTestClock('2026-01-06T09:00:00Z'); // Tuesday
    try {
      const first = await createStaffTestApp({ db, dataDir, clock, startTimers: true });
      await first.app.ready();
      expect([...getTasks().values()].some((task) => task.name === 'quota-resets')).toBe(true);
      await first.close();
      expect([...getTasks().values()].some((task) => task.name === 'quota-resets')).toBe(false);

      clock.advanceBy({ days: 3 }); // down until Friday
      const second = await createStaffTestApp({ db, dataDir, clock, startTimers: true });
      await second.app.ready();
      const days = db.prepare("SELECT period FROM quota_periods WHERE kind = 'day' ORDER BY period").all().map((r) => (r as { period: string }).period);
      expect(days).toEqual(['2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09']);
      expect(db.prepare("SELECT COUNT(*) AS n FROM quota_periods WHERE kind = 'week'").get()).toEqual({ n: 1 });
      await second.close();
    } finally {
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
