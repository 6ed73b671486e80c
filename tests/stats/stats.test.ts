import { describe, expect, test } from 'vitest';
import { createTestDb } from '../helpers/test-db.ts';
import { createTestClock } from '../../src/shared/clock.ts';
import { createStatsRecorder } from '../../src/stats/stats.usecases.ts';
import { createLocalSlotter, METRICS } from '../../src/stats/stats.models.ts';
import { isErrorOf } from '../../src/shared/errors.ts';
import { createRangeInvalidError, createSiteUnknownStatsError } from '../../src/stats/stats.errors.ts';

const SITES = [
  { id: 'lobeda', terminals: [{ id: 'terminal-1' }, { id: 'terminal-2' }] },
  { id: 'winzerla', terminals: [{ id: 'terminal-1' }] },
];

function setup({ start = '2026-01-05T08:00:00Z', sites = SITES as typeof SITES | undefined } = {}) {
  const db = createTestDb();
  const clock = createTestClock(start);
  const errors: unknown[] = [];
  const stats = createStatsRecorder({ db, clock, sites, logger: { error: (...args: unknown[]) => void errors.push(args) } });
  const rows = () =>
    db.prepare('SELECT site_id AS siteId, day, hour, weekday, terminal_id AS terminalId, metric, value FROM stats_daily ORDER BY rowid').all() as Array<{
      siteId: string;
      day: string;
      hour: number;
      weekday: number;
      terminalId: string | null;
      metric: string;
      value: number;
    }>;
  return { db, clock, stats, rows, errors };
}

describe('recording', () => {
  test('an event counts in the site’s local day, hour and weekday, not in UTC', () => {
    // 23:30 UTC on Monday 5 January is 00:30 on Tuesday in Berlin (CET, UTC+1).
    const { stats, rows } = setup({ start: '2026-01-05T23:30:00Z' });
    expect(stats.record({ siteId: 'lobeda', terminalId: 'terminal-1', event: { type: 'terminal_session' } })).toBe(true);
    expect(rows()).toEqual([{ siteId: 'lobeda', day: '2026-01-06', hour: 0, weekday: 2, terminalId: 'terminal-1', metric: 'terminal_sessions', value: 1 }]);
  });

  test('summer time shifts the local hour by two', () => {
    const { stats, rows } = setup({ start: '2026-07-05T10:15:00Z' });
    stats.record({ siteId: 'lobeda', event: { type: 'voucher_created' } });
    expect(rows()[0]).toMatchObject({ day: '2026-07-05', hour: 12, weekday: 7, terminalId: null });
  });

  test('repeated events in the same hour add up in one row, also for events of no terminal', () => {
    const { stats, rows, clock } = setup();
    for (let i = 0; i < 3; i++) stats.record({ siteId: 'lobeda', terminalId: 'terminal-1', event: { type: 'pages_printed', pages: 4, color: false } });
    for (let i = 0; i < 2; i++) stats.record({ siteId: 'lobeda', event: { type: 'voucher_created' } });
    clock.advanceBy({ hours: 1 });
    stats.record({ siteId: 'lobeda', terminalId: 'terminal-1', event: { type: 'pages_printed', pages: 1, color: false } });
    expect(rows().map((r) => [r.hour, r.terminalId, r.metric, r.value])).toEqual([
      [9, 'terminal-1', 'pages_printed_mono', 12],
      [9, null, 'vouchers_created', 2],
      [10, 'terminal-1', 'pages_printed_mono', 1],
    ]);
  });

  test('a terminal is kept only by its configured id; guests, addresses and unknown ids count as guest', () => {
    const { stats, rows } = setup();
    stats.record({ siteId: 'lobeda', terminalId: 'terminal-2', event: { type: 'terminal_session' } });
    stats.record({ siteId: 'lobeda', terminalId: 'guest-3f9a0c1d2e4b', event: { type: 'terminal_session' } });
    stats.record({ siteId: 'lobeda', terminalId: '10.20.0.7', event: { type: 'terminal_session' } });
    stats.record({ siteId: 'lobeda', terminalId: 'fe80::1', event: { type: 'terminal_session' } });
    stats.record({ siteId: 'lobeda', terminalId: 'terminal-9', event: { type: 'terminal_session' } });
    expect(rows().map((r) => [r.terminalId, r.value])).toEqual([
      ['terminal-2', 1],
      ['guest', 4],
    ]);
  });

  test('without the site list an address still never becomes a terminal id', () => {
    const { stats, rows } = setup({ sites: undefined });
    stats.record({ siteId: 'lobeda', terminalId: '192.168.1.20', event: { type: 'terminal_session' } });
    stats.record({ siteId: 'lobeda', terminalId: 'terminal-1', event: { type: 'terminal_session' } });
    expect(rows().map((r) => r.terminalId)).toEqual(['guest', 'terminal-1']);
  });

  test('grants and vouchers count events and pages; zero pages add no row', () => {
    const { stats, rows } = setup();
    stats.record({ siteId: 'lobeda', terminalId: 'terminal-1', event: { type: 'grant', pages: 10 } });
    stats.record({ siteId: 'lobeda', terminalId: 'terminal-1', event: { type: 'voucher_redeemed', pages: 5 } });
    stats.record({ siteId: 'lobeda', terminalId: 'terminal-1', event: { type: 'pages_refunded', pages: 0 } });
    expect(rows().map((r) => [r.metric, r.value])).toEqual([
      ['grants', 1],
      ['grant_pages', 10],
      ['vouchers_redeemed', 1],
      ['voucher_pages', 5],
    ]);
  });

  test('a broken event is not counted and does not throw at the caller; the failure is logged', () => {
    const { stats, rows, errors } = setup();
    expect(stats.record({ siteId: 'lobeda', event: { type: 'pages_printed', pages: -3, color: true } })).toBe(false);
    expect(stats.record({ siteId: 'lobeda', event: { type: 'scan_pages', pages: 1.5 } })).toBe(false);
    expect(rows()).toEqual([]);
    expect(errors).toHaveLength(2);
  });
});

describe('summary', () => {
  function seeded() {
    const ctx = setup({ start: '2026-01-05T07:10:00Z' }); // Monday 08:10 in Berlin
    const { stats, clock } = ctx;
    stats.record({ siteId: 'lobeda', terminalId: 'terminal-1', event: { type: 'print_job_received', source: 'ipp' } });
    stats.record({ siteId: 'lobeda', terminalId: 'terminal-1', event: { type: 'print_job_received', source: 'upload' } });
    stats.record({ siteId: 'lobeda', terminalId: 'terminal-1', event: { type: 'pages_printed', pages: 3, color: true } });
    clock.set('2026-01-07T13:00:00Z'); // Wednesday 14:00
    stats.record({ siteId: 'lobeda', terminalId: 'terminal-2', event: { type: 'print_job_received', source: 'ipp' } });
    stats.record({ siteId: 'winzerla', terminalId: 'terminal-1', event: { type: 'print_job_received', source: 'upload' } });
    clock.set('2026-01-12T07:30:00Z'); // the next Monday 08:30
    stats.record({ siteId: 'lobeda', terminalId: 'terminal-1', event: { type: 'quota_exceeded' } });
    return ctx;
  }

  test('totals per counter, with the jobs received being IPP plus uploads', () => {
    const { stats } = seeded();
    const summary = stats.summary({ from: '2026-01-01', to: '2026-01-31' });
    expect(summary.totals).toMatchObject({ printJobsReceived: 4, printJobsIpp: 2, printJobsUpload: 2, pagesPrintedColor: 3, quotaExceeded: 1, pagesPrintedMono: 0 });
    expect(Object.keys(summary.totals).sort()).toEqual(METRICS.map((m) => m.key).sort());
  });

  test('every day of the period is listed, days without events as zeros', () => {
    const { stats } = seeded();
    const summary = stats.summary({ siteId: 'lobeda', from: '2026-01-04', to: '2026-01-08' });
    expect(summary.byDay.map((d) => [d.day, d.totals.printJobsReceived])).toEqual([
      ['2026-01-04', 0],
      ['2026-01-05', 2],
      ['2026-01-06', 0],
      ['2026-01-07', 1],
      ['2026-01-08', 0],
    ]);
  });

  test('hours of day and weekdays Monday to Sunday sum the whole period', () => {
    const { stats } = seeded();
    const summary = stats.summary({ from: '2026-01-01', to: '2026-01-31' });
    expect(summary.byHour).toHaveLength(24);
    expect(summary.byHour.filter((h) => h.totals.printJobsReceived + h.totals.quotaExceeded > 0).map((h) => [h.hour, h.totals.printJobsReceived, h.totals.quotaExceeded])).toEqual([
      [8, 2, 1],
      [14, 2, 0],
    ]);
    expect(summary.byWeekday.map((w) => [w.name, w.totals.printJobsReceived, w.totals.quotaExceeded])).toEqual([
      ['Mo', 2, 1],
      ['Di', 0, 0],
      ['Mi', 2, 0],
      ['Do', 0, 0],
      ['Fr', 0, 0],
      ['Sa', 0, 0],
      ['So', 0, 0],
    ]);
  });

  test('a site filter leaves the other sites out; terminals are listed per site', () => {
    const { stats } = seeded();
    const summary = stats.summary({ siteId: 'winzerla', from: '2026-01-01', to: '2026-01-31' });
    expect(summary.totals.printJobsReceived).toBe(1);
    expect(summary.byTerminal).toEqual([{ siteId: 'winzerla', terminalId: 'terminal-1', totals: expect.objectContaining({ printJobsUpload: 1 }) }]);
    const all = stats.summary({ from: '2026-01-01', to: '2026-01-31' });
    expect(all.byTerminal.map((t) => `${t.siteId}/${t.terminalId}`)).toEqual(['lobeda/terminal-1', 'lobeda/terminal-2', 'winzerla/terminal-1']);
  });

  test('a period that is not a pair of ordered real days, or an unknown site, is refused', () => {
    const { stats } = seeded();
    const refused = (query: Parameters<typeof stats.summary>[0]) => {
      try {
        stats.summary(query);
        return undefined;
      } catch (error) {
        return error;
      }
    };
    expect(isErrorOf(refused({ from: '2026-02-01', to: '2026-01-01' }), createRangeInvalidError)).toBe(true);
    expect(isErrorOf(refused({ from: '2026-02-30', to: '2026-03-01' }), createRangeInvalidError)).toBe(true);
    expect(isErrorOf(refused({ from: '2020-01-01', to: '2026-01-01' }), createRangeInvalidError)).toBe(true);
    expect(isErrorOf(refused({ siteId: 'nirgendwo', from: '2026-01-01', to: '2026-01-02' }), createSiteUnknownStatsError)).toBe(true);
  });
});

describe('CSV export', () => {
  function parseCsv(text: string) {
    expect(text.startsWith('\uFEFF')).toBe(true);
    const lines = text.slice(1).split('\r\n');
    expect(lines.pop()).toBe('');
    const [header, ...rows] = lines.map((line) => line.split(';'));
    return { header: header!, rows };
  }

  test('one row per day and configured site, German headers, ; separated, UTF-8 with BOM, plain numbers', () => {
    const { stats, clock } = setup({ start: '2026-01-05T09:00:00Z' });
    stats.record({ siteId: 'lobeda', terminalId: 'terminal-1', event: { type: 'print_job_received', source: 'upload' } });
    stats.record({ siteId: 'lobeda', terminalId: 'terminal-1', event: { type: 'pages_printed', pages: 1234, color: false } });
    clock.advanceBy({ days: 1 });
    stats.record({ siteId: 'winzerla', terminalId: 'terminal-1', event: { type: 'scan_pages', pages: 7 } });

    const csv = stats.csv({ from: '2026-01-05', to: '2026-01-07' });
    const { header, rows } = parseCsv(csv);
    expect(header.slice(0, 4)).toEqual(['Datum', 'Standort', 'Druckaufträge', 'davon per Drucken (IPP)']);
    expect(header).toHaveLength(2 + METRICS.length);
    expect(rows.map((r) => r.slice(0, 2).join(' '))).toEqual([
      '2026-01-05 lobeda',
      '2026-01-05 winzerla',
      '2026-01-06 lobeda',
      '2026-01-06 winzerla',
      '2026-01-07 lobeda',
      '2026-01-07 winzerla',
    ]);
    const column = (name: string) => header.indexOf(name);
    expect(rows[0]![column('Druckaufträge')]).toBe('1');
    expect(rows[0]![column('Seiten schwarz-weiß')]).toBe('1234');
    expect(rows[3]![column('Gescannte Seiten')]).toBe('7');
    expect(rows[4]!.slice(2).every((cell) => cell === '0')).toBe(true);
    // The bytes are UTF-8: the BOM is EF BB BF and the umlaut is two bytes.
    const bytes = Buffer.from(csv, 'utf8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.includes(Buffer.from('Druckaufträge', 'utf8'))).toBe(true);
  });

  test('each CSV row adds up to the same totals as the summary', () => {
    const { stats, clock } = setup();
    for (let i = 0; i < 40; i++) {
      clock.advanceBy({ minutes: 97 });
      stats.record({ siteId: i % 3 ? 'lobeda' : 'winzerla', terminalId: 'terminal-1', event: { type: 'pages_printed', pages: i, color: i % 2 === 0 } });
    }
    const query = { from: '2026-01-05', to: '2026-01-09' };
    const { header, rows } = parseCsv(stats.csv(query));
    const sum = (name: string) => rows.reduce((total, row) => total + Number(row[header.indexOf(name)]), 0);
    const totals = stats.summary(query).totals;
    expect(sum('Seiten farbig')).toBe(totals.pagesPrintedColor);
    expect(sum('Seiten schwarz-weiß')).toBe(totals.pagesPrintedMono);
    expect(totals.pagesPrintedColor + totals.pagesPrintedMono).toBe((39 * 40) / 2);
  });
});

describe('local time slots', () => {
  test('an event is counted in the local hour on both sides of the spring and autumn clock changes', () => {
    const slotOf = createLocalSlotter('Europe/Berlin');
    // 2026-03-29: 02:00 CET becomes 03:00 CEST at 01:00 UTC. Same UTC quarter hour asked twice first.
    expect(slotOf(Date.UTC(2026, 2, 29, 0, 50))).toEqual({ day: '2026-03-29', hour: 1, weekday: 7 });
    expect(slotOf(Date.UTC(2026, 2, 29, 0, 59, 59, 999))).toEqual({ day: '2026-03-29', hour: 1, weekday: 7 });
    expect(slotOf(Date.UTC(2026, 2, 29, 1, 0))).toEqual({ day: '2026-03-29', hour: 3, weekday: 7 });
    // 2026-10-25: 03:00 CEST becomes 02:00 CET at 01:00 UTC.
    expect(slotOf(Date.UTC(2026, 9, 25, 0, 59))).toEqual({ day: '2026-10-25', hour: 2, weekday: 7 });
    expect(slotOf(Date.UTC(2026, 9, 25, 1, 0))).toEqual({ day: '2026-10-25', hour: 2, weekday: 7 });
    expect(slotOf(Date.UTC(2026, 9, 25, 2, 0))).toEqual({ day: '2026-10-25', hour: 3, weekday: 7 });
    // Midnight: a new local day and weekday.
    expect(slotOf(Date.UTC(2026, 10, 26, 22, 59))).toEqual({ day: '2026-11-26', hour: 23, weekday: 4 });
    expect(slotOf(Date.UTC(2026, 10, 26, 23, 0))).toEqual({ day: '2026-11-27', hour: 0, weekday: 5 });
  });

  test('a zone three quarters off the hour (Asia/Kathmandu, +05:45) changes hour at :15 UTC', () => {
    const slotOf = createLocalSlotter('Asia/Kathmandu');
    expect(slotOf(Date.UTC(2026, 10, 27, 4, 14, 59))).toMatchObject({ hour: 9 });
    expect(slotOf(Date.UTC(2026, 10, 27, 4, 15))).toMatchObject({ hour: 10 });
  });

  test('a slot handed out cannot change the next one', () => {
    const slotOf = createLocalSlotter('Europe/Berlin');
    const first = slotOf(Date.UTC(2026, 10, 27, 10, 0));
    first.hour = 99;
    expect(slotOf(Date.UTC(2026, 10, 27, 10, 1)).hour).toBe(11);
  });
});
