import type { Db } from '../db/database.ts';
import type { Ledger, QuotaAccount } from './ledger.ts';
import { createQuotaRepository } from './quota.repository.ts';

/**
 * "This job may print although it exceeds the quota" — a staff decision for one held job.
 *
 * Stored per job; applied at release time: for every account the job's cost would overdraw, a
 * 'grant' row of exactly the shortfall is written right before the reservation (in the same
 * transaction), so the reservation brings those accounts to zero and never below. Grants rather
 * than a bypass keep the ledger the single source of balances: every page printed is accounted
 * for, and the grant rows show why an account went past its allowance.
 */
export function createJobOverrides({ db, ledger }: { db: Db; ledger: Ledger }) {
  const repo = createQuotaRepository({ db });
  return {
    allow({ jobId, siteId, reason, grantedBy, at }: { jobId: number; siteId: string; reason: string; grantedBy: string; at: number }) {
      repo.upsertOverride({ jobId, siteId, reason, grantedBy, createdAt: at });
    },

    has: (jobId: number) => repo.overrideOf(jobId) !== undefined,

    /** Grants each account's shortfall for `pages` when the job has an override; returns the pages granted per account. */
    coverShortfall({ siteId, jobId, accounts, pages, at }: { siteId: string; jobId: number; accounts: QuotaAccount[]; pages: number; at: number }): number {
      const override = repo.overrideOf(jobId);
      if (!override) return 0;
      let granted = 0;
      for (const account of accounts) {
        const shortfall = pages - ledger.balance({ siteId, account });
        if (shortfall > 0) {
          ledger.grant({ siteId, account: account.account, pages: shortfall, kind: 'grant', reason: `job-override:${override.reason}`, at });
          granted = Math.max(granted, shortfall);
        }
      }
      return granted;
    },
  };
}

export type JobOverrides = ReturnType<typeof createJobOverrides>;
