import type { Config } from '../config/config.ts';
import type { Db } from '../db/database.ts';
import { createQuotaRepository } from './quota.repository.ts';
import { rulesFromConfig, type QuotaRuleSet, type QuotaRuleValues } from './quota.models.ts';
import { createQuotaSiteUnknownError } from './quota.errors.ts';

/**
 * The quota rules provider: the newest stored version of a site's rules, or the configuration's
 * values while nobody has edited them. Read from the database on every call (one indexed row),
 * so an edit applies to the very next release without any cache to invalidate.
 */
export function createQuotaRules({ db, config }: { db: Db; config: Config }) {
  const repo = createQuotaRepository({ db });

  function siteConfig(siteId: string) {
    const site = config.sites.find((s) => s.id === siteId);
    if (!site) throw createQuotaSiteUnknownError();
    return site;
  }

  function current(siteId: string): QuotaRuleSet {
    const site = siteConfig(siteId);
    return repo.latestRules(site.id) ?? rulesFromConfig({ siteId: site.id, quota: site.quota });
  }

  return {
    current,

    /** The versions of a site's rules, newest first, ending with the configuration's (version 0). */
    history({ siteId, limit = 50 }: { siteId: string; limit?: number }): QuotaRuleSet[] {
      const site = siteConfig(siteId);
      const stored = repo.rulesHistory({ siteId, limit });
      return stored.length < limit ? [...stored, rulesFromConfig({ siteId: site.id, quota: site.quota })] : stored;
    },

    /** Stores a new version; the previous ones stay as the record of who changed what when. */
    update({ siteId, values, changedBy, at }: { siteId: string; values: QuotaRuleValues; changedBy: string; at: number }): QuotaRuleSet {
      siteConfig(siteId);
      repo.insertRules({ siteId, values, changedBy, changedAt: at });
      return current(siteId);
    },
  };
}

export type QuotaRules = ReturnType<typeof createQuotaRules>;
