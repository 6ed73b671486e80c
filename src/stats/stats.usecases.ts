import type { Db } from '../db/database.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import { createStatsRepository, type StatsRange } from './stats.repository.ts';
import {
  addMetric,
  createLocalSlotter,
  daysBetween,
  emptyTotals,
  incrementsOf,
  isIsoDay,
  statsTerminalOf,
  toCsv,
  WEEKDAY_NAMES_DE,
  type DailySiteRow,
  type MetricTotals,
  type StatsEvent,
} from './stats.models.ts';
import { createRangeInvalidError, createSiteUnknownStatsError, MAX_RANGE_DAYS } from './stats.errors.ts';

export type StatsSiteInfo = { id: string; terminals: ReadonlyArray<{ id: string }> };

export type CreateStatsRecorderArgs = {
  db: Db;
  clock: Clock;
  /** Days and hours are counted in this zone (the district offices' local time). */
  timeZone?: string;
  /**
   * The configured sites (`config.sites`). When given, terminal ids that are not configured
   * count as 'guest', unknown sites are refused by queries, and exports list every configured
   * site for every day, zeros included.
   */
  sites?: ReadonlyArray<StatsSiteInfo>;
  /** Where a failed `record` is reported; statistics never break the citizen's action. */
  logger?: Pick<Logger, 'error'>;
};

export type StatsQuery = { siteId?: string | null; from: string; to: string };

/** The numbers behind the console's charts for one period and one site (or all). */
export type StatsSummary = {
  siteId: string | null;
  from: string;
  to: string;
  totals: MetricTotals;
  /** Every day of the period, zeros included. */
  byDay: Array<{ day: string; totals: MetricTotals }>;
  /** Hours 0–23 of the local day, summed over the period. */
  byHour: Array<{ hour: number; totals: MetricTotals }>;
  /** Monday (1) to Sunday (7), summed over the period. */
  byWeekday: Array<{ weekday: number; name: string; totals: MetricTotals }>;
  /** Per configured terminal; 'guest' for unknown clients, null for events of no terminal. */
  byTerminal: Array<{ siteId: string; terminalId: string | null; totals: MetricTotals }>;
};

/**
 * Anonymous statistics: `record` adds an event to its site's counters for the local day, hour
 * and terminal; queries sum them for the console and the CSV export. A factory because it holds
 * the prepared statements and the time-zone formatter.
 */
export function createStatsRecorder({ db, clock, timeZone = 'Europe/Berlin', sites, logger }: CreateStatsRecorderArgs) {
  const repo = createStatsRepository({ db });
  const slotOf = createLocalSlotter(timeZone);
  const terminalsOfSite = new Map(sites?.map((site) => [site.id, new Set(site.terminals.map((t) => t.id))]));

  function range({ siteId, from, to }: StatsQuery): StatsRange {
    if (!isIsoDay(from) || !isIsoDay(to) || from > to) throw createRangeInvalidError();
    if (daysBetween(from, to).length > MAX_RANGE_DAYS) throw createRangeInvalidError();
    if (siteId && sites && !terminalsOfSite.has(siteId)) throw createSiteUnknownStatsError();
    return { siteId: siteId || null, from, to };
  }

  /** Sums rows into counters per key; `keys` are filled with zeros first so no slot is missing. */
  function totalsOf<R extends { metric: string; value: number }, K>(rows: R[], keyOf: (row: R) => K, keys: K[]): Map<K, MetricTotals> {
    const out = new Map<K, MetricTotals>(keys.map((key) => [key, emptyTotals()]));
    for (const row of rows) {
      const key = keyOf(row);
      let totals = out.get(key);
      if (!totals) out.set(key, (totals = emptyTotals()));
      addMetric(totals, row.metric, row.value);
    }
    return out;
  }

  /**
   * One row per day and site over the period, zeros included: for every configured site (or
   * the one asked for), else for every site that has data.
   */
  function dailyRows(query: StatsQuery): DailySiteRow[] {
    const r = range(query);
    const siteIds = r.siteId ? [r.siteId] : sites ? sites.map((s) => s.id) : repo.sitesWithData(r).sort();
    const rows = totalsOf(repo.bySiteDay(r), (row) => `${row.day}\u0000${row.siteId}`, []);
    return daysBetween(r.from, r.to).flatMap((day) =>
      siteIds.map((siteId) => ({ day, siteId, totals: rows.get(`${day}\u0000${siteId}`) ?? emptyTotals() })),
    );
  }

  return {
    /**
     * Counts one event for a site (and terminal) at `at` (default now). Returns false instead
     * of throwing when it could not be counted: the caller is printing for a citizen, and a
     * statistics problem must not stop that. The failure is logged without the event's context.
     */
    record({ siteId, terminalId, event, at }: { siteId: string; terminalId?: string | null; event: StatsEvent; at?: number }): boolean {
      try {
        const slot = slotOf(at ?? clock.now());
        const terminal = statsTerminalOf(terminalId, terminalsOfSite.get(siteId));
        const increments = incrementsOf(event)
          .filter((increment) => increment.value > 0)
          .map((increment) => ({ siteId, terminalId: terminal, ...slot, ...increment }));
        repo.add(increments);
        return true;
      } catch (error) {
        logger?.error({ err: error, statsEvent: event.type }, 'statistics event not recorded');
        return false;
      }
    },

    /** Totals, per day, per hour of day, per weekday and per terminal for a period (days inclusive). */
    summary(query: StatsQuery): StatsSummary {
      const r = range(query);
      const days = daysBetween(r.from, r.to);
      const byDay = totalsOf(repo.byDay(r), (row) => row.day, days);
      const hours = Array.from({ length: 24 }, (_, hour) => hour);
      const byHour = totalsOf(repo.byHour(r), (row) => row.hour, hours);
      const weekdays = [1, 2, 3, 4, 5, 6, 7];
      const byWeekday = totalsOf(repo.byWeekday(r), (row) => row.weekday, weekdays);
      const byTerminal = totalsOf(repo.byTerminal(r), (row) => `${row.siteId}\u0000${row.terminalId}`, []);
      const totals = totalsOf(repo.totals(r), () => 'all', ['all']).get('all')!;
      return {
        siteId: r.siteId,
        from: r.from,
        to: r.to,
        totals,
        byDay: days.map((day) => ({ day, totals: byDay.get(day)! })),
        byHour: hours.map((hour) => ({ hour, totals: byHour.get(hour)! })),
        byWeekday: weekdays.map((weekday) => ({ weekday, name: WEEKDAY_NAMES_DE[weekday - 1]!, totals: byWeekday.get(weekday)! })),
        byTerminal: [...byTerminal.entries()]
          .map(([key, t]) => {
            const [siteId = '', terminalId = ''] = key.split('\u0000');
            return { siteId, terminalId: terminalId === '' ? null : terminalId, totals: t };
          })
          .sort((a, b) => a.siteId.localeCompare(b.siteId) || (a.terminalId ?? '').localeCompare(b.terminalId ?? '')),
      };
    },

    dailyRows,

    /** The period as CSV for German spreadsheets (see `toCsv`). */
    csv(query: StatsQuery): string {
      return toCsv({ rows: dailyRows(query) });
    },

    /** Today in the statistics' time zone, YYYY-MM-DD (the default end of a period). */
    today(): string {
      return slotOf(clock.now()).day;
    },
  };
}

export type StatsRecorder = ReturnType<typeof createStatsRecorder>;
