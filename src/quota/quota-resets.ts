import cron, { type ScheduledTask } from 'node-cron';
import type { Config } from '../config/config.ts';
import { immediateTransaction, type Db } from '../db/database.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import { createQuotaRepository } from './quota.repository.ts';
import { PERIOD_KINDS, localDay, periodOfDay, periodsSince, siteBudgetAccount, SITE_TIME_ZONE, type PeriodKind } from './quota.models.ts';

export type ResetRun = { resets: Array<{ siteId: string; kind: PeriodKind; period: string }> };

/**
 * Periodic quota resets. Balances are per period by their account names already (a new day is
 * a new `site-day:` account), so a reset is a zero-page 'reset' row in the ledger marking the
 * start of the period, plus a `quota_periods` row whose primary key makes it happen exactly once.
 *
 * `runDue()` is both the minute job and the start-up catch-up: it walks from the last period
 * recorded to the current one, so a downtime of three days yields three day resets — never two,
 * never six, however often it runs. A fresh database starts with the current periods (there is no
 * history to catch up on).
 */
export function createQuotaResets({ db, config, clock, logger }: { db: Db; config: Config; clock: Clock; logger: Logger }) {
  const repo = createQuotaRepository({ db });
  let task: ScheduledTask | undefined;

  const runDue = immediateTransaction(db, (): ResetRun => {
    const now = clock.now();
    const today = localDay(now);
    const resets: ResetRun['resets'] = [];
    for (const site of config.sites) {
      for (const kind of PERIOD_KINDS) {
        const last = repo.lastPeriod({ siteId: site.id, kind });
        const due = last === undefined ? [periodOfDay(kind, today)] : periodsSince({ kind, last, today });
        for (const period of due) {
          if (!repo.insertPeriod({ siteId: site.id, kind, period, at: now })) continue;
          repo.insertResetRow({ siteId: site.id, account: siteBudgetAccount(kind, period), at: now });
          resets.push({ siteId: site.id, kind, period });
        }
      }
    }
    return { resets };
  });

  function runAndLog(): ResetRun {
    const run = runDue();
    if (run.resets.length > 0) logger.info({ resets: run.resets.length, periods: run.resets.map((r) => `${r.siteId}/${r.period}`) }, 'quota periods reset');
    return run;
  }

  return {
    runDue: runAndLog,

    /** Catches up now, then checks every minute (a reset lands within a minute of local midnight). */
    start() {
      runAndLog();
      task ??= cron.schedule(
        '* * * * *',
        () => {
          try {
            runAndLog();
          } catch (error) {
            logger.error({ err: error }, 'quota reset run failed');
          }
        },
        { timezone: SITE_TIME_ZONE, name: 'quota-resets', noOverlap: true },
      );
    },

    async stop() {
      if (task) await task.destroy();
      task = undefined;
    },
  };
}

export type QuotaResets = ReturnType<typeof createQuotaResets>;
