import type { Db } from '../db/database.ts';
import type { PeriodKind, QuotaRuleSet, QuotaRuleValues } from './quota.models.ts';

type RulesRow = {
  site_id: string;
  version: number;
  pages_per_session: number;
  pages_per_terminal_per_day: number;
  pages_per_site_per_day: number;
  pages_per_site_per_week: number | null;
  pages_per_site_per_month: number | null;
  color_factor: number;
  scans_counted: number;
  changed_by: string;
  changed_at: number;
};

const toRules = (row: RulesRow): QuotaRuleSet => ({
  siteId: row.site_id,
  version: row.version,
  pagesPerSession: row.pages_per_session,
  pagesPerTerminalPerDay: row.pages_per_terminal_per_day,
  pagesPerSitePerDay: row.pages_per_site_per_day,
  pagesPerSitePerWeek: row.pages_per_site_per_week,
  pagesPerSitePerMonth: row.pages_per_site_per_month,
  colorFactor: row.color_factor,
  scansCounted: row.scans_counted === 1,
  changedBy: row.changed_by,
  changedAt: row.changed_at,
});

type VoucherRow = {
  id: number;
  site_id: string;
  code_hash: string;
  pages: number;
  expires_at: number;
  created_by: string;
  created_at: number;
  redeemed_at: number | null;
  redeemed_session_id: string | null;
  revoked_at: number | null;
};

/** A voucher as staff see it: never the code (only its keyed hash is stored). */
export type Voucher = {
  id: number;
  siteId: string;
  pages: number;
  expiresAt: number;
  createdBy: string;
  createdAt: number;
  redeemedAt: number | null;
  redeemedSessionId: string | null;
  revokedAt: number | null;
};

const toVoucher = (row: VoucherRow): Voucher => ({
  id: row.id,
  siteId: row.site_id,
  pages: row.pages,
  expiresAt: row.expires_at,
  createdBy: row.created_by,
  createdAt: row.created_at,
  redeemedAt: row.redeemed_at,
  redeemedSessionId: row.redeemed_session_id,
  revokedAt: row.revoked_at,
});

export type JobQuotaOverride = { jobId: number; siteId: string; reason: string; grantedBy: string; createdAt: number };

export function createQuotaRepository({ db }: { db: Db }) {
  const s = {
    latestRules: db.prepare<[string], RulesRow>('SELECT * FROM quota_rules WHERE site_id = ? ORDER BY version DESC LIMIT 1'),
    rulesHistory: db.prepare<[string, number], RulesRow>('SELECT * FROM quota_rules WHERE site_id = ? ORDER BY version DESC LIMIT ?'),
    insertRules: db.prepare(
      `INSERT INTO quota_rules (site_id, version, pages_per_session, pages_per_terminal_per_day, pages_per_site_per_day,
         pages_per_site_per_week, pages_per_site_per_month, color_factor, scans_counted, changed_by, changed_at)
       VALUES (@siteId, (SELECT COALESCE(MAX(version), 0) + 1 FROM quota_rules WHERE site_id = @siteId), @pagesPerSession,
         @pagesPerTerminalPerDay, @pagesPerSitePerDay, @pagesPerSitePerWeek, @pagesPerSitePerMonth, @colorFactor,
         @scansCounted, @changedBy, @changedAt)`,
    ),
    lastPeriod: db.prepare<[string, string], { period: string }>('SELECT MAX(period) AS period FROM quota_periods WHERE site_id = ? AND kind = ?'),
    insertPeriod: db.prepare('INSERT OR IGNORE INTO quota_periods (site_id, kind, period, processed_at) VALUES (?, ?, ?, ?)'),
    // Reset markers are zero-page ledger rows: balances are per period by the account name already.
    insertResetRow: db.prepare(
      "INSERT INTO ledger_entries (site_id, account, kind, pages, attempt_id, reason, created_at) VALUES (?, ?, 'reset', 0, NULL, 'period-start', ?)",
    ),
    insertVoucher: db.prepare(
      'INSERT INTO vouchers (site_id, code_hash, pages, expires_at, created_by, created_at) VALUES (@siteId, @codeHash, @pages, @expiresAt, @createdBy, @createdAt)',
    ),
    voucherById: db.prepare<[number], VoucherRow>('SELECT * FROM vouchers WHERE id = ?'),
    voucherByHash: db.prepare<[string], VoucherRow>('SELECT * FROM vouchers WHERE code_hash = ?'),
    vouchersOfSite: db.prepare<[string, number], VoucherRow>('SELECT * FROM vouchers WHERE site_id = ? ORDER BY id DESC LIMIT ?'),
    markRedeemed: db.prepare(
      'UPDATE vouchers SET redeemed_at = ?, redeemed_session_id = ? WHERE id = ? AND redeemed_at IS NULL AND revoked_at IS NULL AND expires_at > ?',
    ),
    revokeVoucher: db.prepare('UPDATE vouchers SET revoked_at = ? WHERE id = ? AND redeemed_at IS NULL AND revoked_at IS NULL'),
    upsertOverride: db.prepare(
      `INSERT INTO job_quota_overrides (job_id, site_id, reason, granted_by, created_at) VALUES (@jobId, @siteId, @reason, @grantedBy, @createdAt)
       ON CONFLICT (job_id) DO UPDATE SET reason = excluded.reason, granted_by = excluded.granted_by, created_at = excluded.created_at`,
    ),
    overrideOf: db.prepare<[number], { job_id: number; site_id: string; reason: string; granted_by: string; created_at: number }>(
      'SELECT * FROM job_quota_overrides WHERE job_id = ?',
    ),
  };

  return {
    latestRules: (siteId: string): QuotaRuleSet | undefined => {
      const row = s.latestRules.get(siteId);
      return row ? toRules(row) : undefined;
    },
    rulesHistory: ({ siteId, limit }: { siteId: string; limit: number }) => s.rulesHistory.all(siteId, limit).map(toRules),
    insertRules: ({ siteId, values, changedBy, changedAt }: { siteId: string; values: QuotaRuleValues; changedBy: string; changedAt: number }) => {
      s.insertRules.run({ siteId, ...values, scansCounted: values.scansCounted ? 1 : 0, changedBy, changedAt });
    },

    lastPeriod: ({ siteId, kind }: { siteId: string; kind: PeriodKind }): string | undefined => s.lastPeriod.get(siteId, kind)?.period ?? undefined,
    /** True when this call recorded the period (false: it was processed before). */
    insertPeriod: ({ siteId, kind, period, at }: { siteId: string; kind: PeriodKind; period: string; at: number }): boolean =>
      s.insertPeriod.run(siteId, kind, period, at).changes === 1,
    insertResetRow: ({ siteId, account, at }: { siteId: string; account: string; at: number }) => {
      s.insertResetRow.run(siteId, account, at);
    },

    insertVoucher: (v: { siteId: string; codeHash: string; pages: number; expiresAt: number; createdBy: string; createdAt: number }): number =>
      Number(s.insertVoucher.run(v).lastInsertRowid),
    getVoucher: (id: number): Voucher | undefined => {
      const row = s.voucherById.get(id);
      return row ? toVoucher(row) : undefined;
    },
    findVoucherByHash: (codeHash: string): Voucher | undefined => {
      const row = s.voucherByHash.get(codeHash);
      return row ? toVoucher(row) : undefined;
    },
    listVouchers: ({ siteId, limit }: { siteId: string; limit: number }) => s.vouchersOfSite.all(siteId, limit).map(toVoucher),
    /** Marks the voucher redeemed if it still can be; false when someone else was first or it expired. */
    markRedeemed: ({ id, sessionId, at }: { id: number; sessionId: string; at: number }): boolean => s.markRedeemed.run(at, sessionId, id, at).changes === 1,
    revokeVoucher: ({ id, at }: { id: number; at: number }): boolean => s.revokeVoucher.run(at, id).changes === 1,

    upsertOverride: (o: JobQuotaOverride) => {
      s.upsertOverride.run(o);
    },
    overrideOf: (jobId: number): JobQuotaOverride | undefined => {
      const row = s.overrideOf.get(jobId);
      return row ? { jobId: row.job_id, siteId: row.site_id, reason: row.reason, grantedBy: row.granted_by, createdAt: row.created_at } : undefined;
    },
  };
}

export type QuotaRepository = ReturnType<typeof createQuotaRepository>;
