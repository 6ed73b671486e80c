import { describe, expect, test } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDb } from '../helpers/test-db.ts';
import { openDatabase, migrate } from '../../src/db/database.ts';
import { createLedger, accountsFor, costOf, siteDay } from '../../src/quota/ledger.ts';
import { rulesFromConfig } from '../../src/quota/quota.models.ts';
import { parseConfig } from '../../src/config/config.ts';
import { demoConfig } from '../../src/config/demo-config.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const account = (allowance: number) => [{ account: 'session:s1', allowance, label: 'session' as const }];

describe('charging ledger', () => {
  test('reserve then settle by the printed pages refunds exactly the rest, once', () => {
    const ledger = createLedger({ db: createTestDb() });
    const accounts = account(30);
    ledger.reserve({ siteId: 'x', accounts, pages: 10, attemptId: 1, at: 0 });
    expect(ledger.available({ siteId: 'x', accounts })).toBe(20);
    expect(ledger.settle({ attemptId: 1, chargedPages: 4, reason: 'aborted', at: 1 })).toEqual({ refunded: 6 });
    expect(ledger.available({ siteId: 'x', accounts })).toBe(26);
    // Settling again (a resumed follower) refunds nothing more.
    expect(ledger.settle({ attemptId: 1, chargedPages: 4, reason: 'aborted', at: 2 })).toEqual({ refunded: 0 });
    expect(ledger.available({ siteId: 'x', accounts })).toBe(26);
  });

  test('a reservation larger than the balance is refused with the missing pages and writes nothing', () => {
    const db = createTestDb();
    const ledger = createLedger({ db });
    let error: unknown;
    try {
      ledger.reserve({ siteId: 'x', accounts: account(5), pages: 8, attemptId: 1, at: 0 });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'quota.exceeded', details: { missingPages: 3 } });
    expect(db.prepare('SELECT COUNT(*) AS n FROM ledger_entries').get()).toEqual({ n: 0 });
  });

  test('the smallest account decides: a day budget of the site limits every session', () => {
    const site = parseConfig({ raw: structuredClone(demoConfig) }).sites[0]!;
    site.quota.pagesPerSitePerDay = 4;
    const rules = rulesFromConfig({ siteId: site.id, quota: site.quota });
    const ledger = createLedger({ db: createTestDb() });
    const at = Date.parse('2026-03-02T10:00:00Z');
    const a = accountsFor({ rules, sessionId: 'a', terminalId: 't1', at });
    const b = accountsFor({ rules, sessionId: 'b', terminalId: 't2', at });
    ledger.reserve({ siteId: site.id, accounts: a, pages: 3, attemptId: 1, at });
    expect(ledger.available({ siteId: site.id, accounts: b })).toBe(1);
    // The next local day starts fresh (Europe/Berlin midnight is 23:00 UTC in winter).
    const tomorrow = Date.parse('2026-03-02T23:30:00Z');
    expect(siteDay(tomorrow)).toBe('2026-03-03');
    expect(ledger.available({ siteId: site.id, accounts: accountsFor({ rules, sessionId: 'b', terminalId: 't2', at: tomorrow }) })).toBe(4);
  });

  test('colour pages weigh by the colour factor', () => {
    const site = parseConfig({ raw: structuredClone(demoConfig) }).sites[0]!;
    site.quota.colorFactor = 2;
    const rules = rulesFromConfig({ siteId: site.id, quota: site.quota });
    expect(costOf({ impressions: 3, colorMode: 'color', rules })).toBe(6);
    expect(costOf({ impressions: 3, colorMode: 'monochrome', rules })).toBe(3);
  });

  test('20 parallel releases against a balance of 10 pages never overdraw it (in one process)', async () => {
    const ledger = createLedger({ db: createTestDb() });
    const accounts = account(10);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => Promise.resolve().then(() => ledger.reserve({ siteId: 'x', accounts, pages: 1, attemptId: i + 1, at: 0 }))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    expect(ledger.available({ siteId: 'x', accounts })).toBe(0);
  });

  test('4 processes reserving 5 pages each against a balance of 10 on one database file take exactly 10', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'dp-ledger-')), 'db.sqlite');
    const db = openDatabase({ file });
    migrate({ db });
    db.close();
    const outputs = await Promise.all(
      [0, 1, 2, 3].map((n) => run(process.execPath, ['--import', 'tsx', 'tests/quota/ledger-worker.ts', file, String(n * 100 + 1), '5'], { cwd: root })),
    );
    const taken = outputs.map((o) => Number(o.stdout)).reduce((a, b) => a + b, 0);
    expect(taken).toBe(10);
    const check = openDatabase({ file });
    expect(createLedger({ db: check }).available({ siteId: 'lobeda', accounts: account(10) })).toBe(0);
    check.close();
  });
});
