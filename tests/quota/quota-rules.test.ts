import { describe, expect, test } from 'vitest';
import { createTestDb } from '../helpers/test-db.ts';
import { parseConfig } from '../../src/config/config.ts';
import { demoConfig } from '../../src/config/demo-config.ts';
import { createQuotaRules } from '../../src/quota/quota-rules.ts';
import { accountsFor, createLedger } from '../../src/quota/ledger.ts';

const config = parseConfig({ raw: structuredClone(demoConfig) });
const values = {
  pagesPerSession: 10,
  pagesPerTerminalPerDay: 50,
  pagesPerSitePerDay: 200,
  pagesPerSitePerWeek: 12,
  pagesPerSitePerMonth: null,
  colorFactor: 2,
  scansCounted: true,
};

describe('quota rules', () => {
  test('without an edit the configuration applies as version 0', () => {
    const rules = createQuotaRules({ db: createTestDb(), config });
    expect(rules.current('lobeda')).toMatchObject({ version: 0, pagesPerSession: config.sites[0]!.quota.pagesPerSession, changedBy: 'config' });
  });

  test('every edit is a new version with who and when; the newest wins', () => {
    const rules = createQuotaRules({ db: createTestDb(), config });
    rules.update({ siteId: 'lobeda', values, changedBy: 'anna', at: 1000 });
    rules.update({ siteId: 'lobeda', values: { ...values, pagesPerSession: 20 }, changedBy: 'ben', at: 2000 });
    expect(rules.current('lobeda')).toMatchObject({ version: 2, pagesPerSession: 20, changedBy: 'ben', changedAt: 2000, scansCounted: true });
    expect(rules.history({ siteId: 'lobeda' }).map((r) => [r.version, r.changedBy])).toEqual([
      [2, 'ben'],
      [1, 'anna'],
      [0, 'config'],
    ]);
  });

  test('a weekly site budget becomes an account that limits every session of the week', () => {
    const db = createTestDb();
    const rules = createQuotaRules({ db, config });
    const current = rules.update({ siteId: 'lobeda', values, changedBy: 'anna', at: 0 });
    const ledger = createLedger({ db });
    const monday = Date.parse('2026-01-05T09:00:00Z');
    const a = accountsFor({ rules: current, sessionId: 'a', terminalId: 't1', at: monday });
    expect(a.map((x) => x.account)).toContain('site-week:2026-W02');
    ledger.reserve({ siteId: 'lobeda', accounts: a, pages: 10, attemptId: 1, at: monday });
    const friday = Date.parse('2026-01-09T09:00:00Z');
    expect(ledger.available({ siteId: 'lobeda', accounts: accountsFor({ rules: current, sessionId: 'b', terminalId: 't2', at: friday }) })).toBe(2);
    const nextMonday = Date.parse('2026-01-12T09:00:00Z');
    expect(ledger.available({ siteId: 'lobeda', accounts: accountsFor({ rules: current, sessionId: 'c', terminalId: 't2', at: nextMonday }) })).toBe(10);
  });
});
