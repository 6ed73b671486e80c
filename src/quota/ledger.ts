import { immediateTransaction, type Db } from '../db/database.ts';
import { createErrorFactory } from '../shared/errors.ts';
import { isoWeekOf, type QuotaRuleSet } from './quota.models.ts';

export const createQuotaExceededError = createErrorFactory({
  code: 'quota.exceeded',
  statusCode: 409,
  message: 'There are not enough free pages left for this job.',
});

/** The site's calendar day, in the site's time zone (resets happen at local midnight). */
export function siteDay(at: number, timeZone = 'Europe/Berlin'): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

export type QuotaAccount = { account: string; allowance: number; label: 'session' | 'terminal-day' | 'site-day' | 'site-week' | 'site-month' };

/**
 * The accounts a print from this session draws on, with their allowances from the site's current
 * rules (see quota-rules.ts). Week (ISO week) and month budgets only exist when the rules set them.
 */
export function accountsFor({ rules, sessionId, terminalId, at }: { rules: QuotaRuleSet; sessionId: string; terminalId: string; at: number }): QuotaAccount[] {
  const day = siteDay(at);
  const accounts: QuotaAccount[] = [
    { account: `session:${sessionId}`, allowance: rules.pagesPerSession, label: 'session' },
    { account: `terminal-day:${terminalId}:${day}`, allowance: rules.pagesPerTerminalPerDay, label: 'terminal-day' },
    { account: `site-day:${day}`, allowance: rules.pagesPerSitePerDay, label: 'site-day' },
  ];
  if (rules.pagesPerSitePerWeek !== null) accounts.push({ account: `site-week:${isoWeekOf(day)}`, allowance: rules.pagesPerSitePerWeek, label: 'site-week' });
  if (rules.pagesPerSitePerMonth !== null) accounts.push({ account: `site-month:${day.slice(0, 7)}`, allowance: rules.pagesPerSitePerMonth, label: 'site-month' });
  return accounts;
}

/** Quota pages a job costs: every impression of every copy, colour weighted by the rules' factor. */
export function costOf({ impressions, colorMode, rules }: { impressions: number; colorMode: 'color' | 'monochrome'; rules: Pick<QuotaRuleSet, 'colorFactor'> }): number {
  return Math.ceil(impressions * (colorMode === 'color' ? rules.colorFactor : 1));
}

/**
 * The ledger: append-only rows; balances are derived here and only here. `reserve` checks and
 * writes in one immediate transaction, so parallel releases can never overdraw an account.
 */
export function createLedger({ db }: { db: Db }) {
  const sumOf = db.prepare<[string, string], { total: number | null }>(
    'SELECT SUM(pages) AS total FROM ledger_entries WHERE site_id = ? AND account = ?',
  );
  const insert = db.prepare(
    `INSERT INTO ledger_entries (site_id, account, kind, pages, attempt_id, reason, created_at)
     VALUES (@siteId, @account, @kind, @pages, @attemptId, @reason, @createdAt)`,
  );
  const reservedOf = db.prepare<[number], { account: string; site_id: string; reserved: number; refunded: number }>(
    `SELECT account, site_id,
       -SUM(CASE WHEN kind = 'reserve' THEN pages ELSE 0 END) AS reserved,
       SUM(CASE WHEN kind = 'refund' THEN pages ELSE 0 END) AS refunded
     FROM ledger_entries WHERE attempt_id = ? GROUP BY account, site_id`,
  );

  function balance({ siteId, account }: { siteId: string; account: QuotaAccount }): number {
    return account.allowance + (sumOf.get(siteId, account.account)?.total ?? 0);
  }

  return {
    balance,

    /** The pages this session can still print: the smallest balance of its accounts. */
    available({ siteId, accounts }: { siteId: string; accounts: QuotaAccount[] }): number {
      return Math.max(0, Math.min(...accounts.map((account) => balance({ siteId, account }))));
    },

    /**
     * Reserves `pages` on every account, or none: throws quota.exceeded with the missing pages.
     * Runs as an IMMEDIATE transaction so a second process cannot interleave either.
     */
    reserve: immediateTransaction(
      db,
      ({ siteId, accounts, pages, attemptId, at }: { siteId: string; accounts: QuotaAccount[]; pages: number; attemptId: number; at: number }) => {
        const available = Math.min(...accounts.map((account) => balance({ siteId, account })));
        if (pages > available) {
          throw createQuotaExceededError({ details: { missingPages: pages - Math.max(0, available), availablePages: Math.max(0, available) } });
        }
        for (const account of accounts) {
          insert.run({ siteId, account: account.account, kind: 'reserve', pages: -pages, attemptId, reason: null, createdAt: at });
        }
      },
    ),

    /**
     * Settles an attempt: keeps `chargedPages` and refunds the rest of what was reserved, once.
     * Calling it again refunds nothing more (the refund already written counts).
     */
    settle: immediateTransaction(db, ({ attemptId, chargedPages, reason, at }: { attemptId: number; chargedPages: number; reason: string; at: number }) => {
      let refundedNow = 0;
      for (const row of reservedOf.all(attemptId)) {
        const due = Math.max(0, row.reserved - Math.min(chargedPages, row.reserved)) - row.refunded;
        if (due > 0) {
          insert.run({ siteId: row.site_id, account: row.account, kind: 'refund', pages: due, attemptId, reason, createdAt: at });
          refundedNow = Math.max(refundedNow, due);
        }
      }
      return { refunded: refundedNow };
    }),

    grant({ siteId, account, pages, kind = 'grant', reason, at }: { siteId: string; account: string; pages: number; kind?: 'grant' | 'voucher' | 'adjust'; reason: string; at: number }) {
      insert.run({ siteId, account, kind, pages, attemptId: null, reason, createdAt: at });
    },
  };
}

export type Ledger = ReturnType<typeof createLedger>;
