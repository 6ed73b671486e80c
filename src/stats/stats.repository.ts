import { immediateTransaction, type Db } from '../db/database.ts';

/** One counter increment: the row key plus how much to add. */
export type StatsIncrement = {
  siteId: string;
  day: string;
  hour: number;
  weekday: number;
  terminalId: string | null;
  metric: string;
  value: number;
};

export type StatsRange = { siteId: string | null; from: string; to: string };

export function createStatsRepository({ db }: { db: Db }) {
  const where = 'WHERE day BETWEEN @from AND @to AND (@siteId IS NULL OR site_id = @siteId)';
  const s = {
    add: db.prepare(
      `INSERT INTO stats_daily (site_id, day, hour, weekday, terminal_id, metric, value)
       VALUES (@siteId, @day, @hour, @weekday, @terminalId, @metric, @value)
       ON CONFLICT (site_id, day, hour, ifnull(terminal_id, ''), metric) DO UPDATE SET value = value + excluded.value`,
    ),
    totals: db.prepare(`SELECT metric, SUM(value) AS value FROM stats_daily ${where} GROUP BY metric`),
    byDay: db.prepare(`SELECT day, metric, SUM(value) AS value FROM stats_daily ${where} GROUP BY day, metric`),
    bySiteDay: db.prepare(`SELECT site_id AS siteId, day, metric, SUM(value) AS value FROM stats_daily ${where} GROUP BY site_id, day, metric`),
    byHour: db.prepare(`SELECT hour, metric, SUM(value) AS value FROM stats_daily ${where} GROUP BY hour, metric`),
    byWeekday: db.prepare(`SELECT weekday, metric, SUM(value) AS value FROM stats_daily ${where} GROUP BY weekday, metric`),
    byTerminal: db.prepare(
      `SELECT site_id AS siteId, ifnull(terminal_id, '') AS terminalId, metric, SUM(value) AS value FROM stats_daily ${where} GROUP BY site_id, terminal_id, metric`,
    ),
    sites: db.prepare(`SELECT DISTINCT site_id FROM stats_daily ${where}`).pluck(),
  };

  return {
    /** Adds every increment, all or nothing. */
    add: immediateTransaction(db, (increments: StatsIncrement[]) => {
      for (const increment of increments) s.add.run(increment);
    }),
    totals: (range: StatsRange) => s.totals.all(range) as Array<{ metric: string; value: number }>,
    byDay: (range: StatsRange) => s.byDay.all(range) as Array<{ day: string; metric: string; value: number }>,
    bySiteDay: (range: StatsRange) => s.bySiteDay.all(range) as Array<{ siteId: string; day: string; metric: string; value: number }>,
    byHour: (range: StatsRange) => s.byHour.all(range) as Array<{ hour: number; metric: string; value: number }>,
    byWeekday: (range: StatsRange) => s.byWeekday.all(range) as Array<{ weekday: number; metric: string; value: number }>,
    /** Per terminal; '' stands for events that belong to no terminal. */
    byTerminal: (range: StatsRange) => s.byTerminal.all(range) as Array<{ siteId: string; terminalId: string; metric: string; value: number }>,
    sitesWithData: (range: StatsRange) => s.sites.all(range) as string[],
  };
}

export type StatsRepository = ReturnType<typeof createStatsRepository>;
