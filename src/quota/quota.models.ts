import type { QuotaConfig } from '../config/config.ts';

/** The site's time zone: days, weeks and months begin at local midnight. */
export const SITE_TIME_ZONE = 'Europe/Berlin';

/**
 * The quota rules in force for a site. Version 0 means "from the configuration" (nobody has
 * edited them yet); every edit is a new version with who and when.
 */
export type QuotaRuleSet = {
  siteId: string;
  version: number;
  /** Free pages per terminal session. */
  pagesPerSession: number;
  /** Free pages per terminal and local day. */
  pagesPerTerminalPerDay: number;
  /** Pages the whole site may print per local day. */
  pagesPerSitePerDay: number;
  /** Pages the whole site may print per ISO week; null = no weekly budget. */
  pagesPerSitePerWeek: number | null;
  /** Pages the whole site may print per calendar month; null = no monthly budget. */
  pagesPerSitePerMonth: number | null;
  /** How many quota pages one colour impression counts as (duplex: each side is one impression). */
  colorFactor: number;
  /** Whether scanned pages count against the quota. */
  scansCounted: boolean;
  /** Staff user name, or 'config' for version 0. */
  changedBy: string;
  /** Epoch ms of the edit; null for version 0. */
  changedAt: number | null;
};

/** The editable part of the rules (what an admin sends). */
export type QuotaRuleValues = Omit<QuotaRuleSet, 'siteId' | 'version' | 'changedBy' | 'changedAt'>;

export function rulesFromConfig({ siteId, quota }: { siteId: string; quota: QuotaConfig }): QuotaRuleSet {
  return {
    siteId,
    version: 0,
    pagesPerSession: quota.pagesPerSession,
    pagesPerTerminalPerDay: quota.pagesPerTerminalPerDay,
    pagesPerSitePerDay: quota.pagesPerSitePerDay,
    pagesPerSitePerWeek: null,
    pagesPerSitePerMonth: null,
    colorFactor: quota.colorFactor,
    scansCounted: quota.scansCounted,
    changedBy: 'config',
    changedAt: null,
  };
}

export type PeriodKind = 'day' | 'week' | 'month';
export const PERIOD_KINDS: readonly PeriodKind[] = ['day', 'week', 'month'];

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The local calendar day 'YYYY-MM-DD' at `at` in the site's time zone. */
export function localDay(at: number, timeZone = SITE_TIME_ZONE): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

function parseDay(day: string): { y: number; m: number; d: number } {
  const [y, m, d] = day.split('-').map(Number);
  return { y: y!, m: m!, d: d! };
}

/** Calendar arithmetic on 'YYYY-MM-DD' (UTC dates are used only as a calendar, not as instants). */
export function addDays(day: string, days: number): string {
  const { y, m, d } = parseDay(day);
  const date = new Date(Date.UTC(y, m - 1, d + days));
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** ISO 8601 week 'YYYY-Www' of a local day (weeks start on Monday; week 1 holds the first Thursday). */
export function isoWeekOf(day: string): string {
  const { y, m, d } = parseDay(day);
  const date = new Date(Date.UTC(y, m - 1, d));
  const weekday = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - weekday); // the Thursday of this week decides the year
  const year = date.getUTCFullYear();
  const week = Math.ceil(((date.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return `${year}-W${pad(week)}`;
}

/** The period of `kind` a local day belongs to: '2026-01-05', '2026-W02' or '2026-01'. */
export function periodOfDay(kind: PeriodKind, day: string): string {
  if (kind === 'day') return day;
  if (kind === 'week') return isoWeekOf(day);
  return day.slice(0, 7);
}

export function periodAt(kind: PeriodKind, at: number): string {
  return periodOfDay(kind, localDay(at));
}

/** The first local day of a period. */
export function firstDayOf(kind: PeriodKind, period: string): string {
  if (kind === 'day') return period;
  if (kind === 'month') return `${period}-01`;
  const [year, week] = period.split('-W').map(Number);
  // 4 January is always in week 1; step back to its Monday, then forward whole weeks.
  const jan4 = new Date(Date.UTC(year!, 0, 4));
  const monday = addDays(`${year}-01-04`, 1 - (jan4.getUTCDay() || 7));
  return addDays(monday, (week! - 1) * 7);
}

/**
 * Every period of `kind` that began after `last` up to and including the one holding `today`,
 * in order. Periods are compared as strings: all three formats sort chronologically.
 */
export function periodsSince({ kind, last, today }: { kind: PeriodKind; last: string; today: string }): string[] {
  const out: string[] = [];
  const current = periodOfDay(kind, today);
  if (current <= last) return out;
  for (let day = firstDayOf(kind, last); day <= today; day = addDays(day, 1)) {
    const period = periodOfDay(kind, day);
    if (period > last && out[out.length - 1] !== period) out.push(period);
  }
  return out;
}

/** Ledger account of the site's budget for one period. */
export function siteBudgetAccount(kind: PeriodKind, period: string): string {
  return `site-${kind}:${period}`;
}
