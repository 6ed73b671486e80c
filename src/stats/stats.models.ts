/**
 * What the statistics count, and the pure helpers around it (event → counters, local time,
 * CSV). Every counter is anonymous: the only dimensions are site, local day/hour/weekday and the
 * configured terminal id.
 */

/** One thing that happened, as the domains report it. Carries counts only, never names or ids. */
export type StatsEvent =
  | { type: 'print_job_received'; source: 'ipp' | 'upload' }
  | { type: 'print_job_printed' }
  | { type: 'pages_printed'; pages: number; color: boolean }
  | { type: 'pages_refunded'; pages: number }
  | { type: 'job_expired_unprinted' }
  | { type: 'job_deleted_by_citizen' }
  | { type: 'scan_session' }
  | { type: 'scan_pages'; pages: number }
  | { type: 'quota_exceeded' }
  | { type: 'grant'; pages: number }
  | { type: 'voucher_redeemed'; pages: number }
  | { type: 'voucher_created' }
  | { type: 'terminal_session' };

export type StatsEventType = StatsEvent['type'];

/**
 * The counters, in CSV column order: the key used in the API, the metric name stored in
 * `stats_daily`, and the German CSV header. `printJobsReceived` is derived (IPP + upload).
 */
export const METRICS = [
  { key: 'printJobsReceived', metric: null, header: 'Druckaufträge' },
  { key: 'printJobsIpp', metric: 'print_jobs_ipp', header: 'davon per Drucken (IPP)' },
  { key: 'printJobsUpload', metric: 'print_jobs_upload', header: 'davon per Hochladen' },
  { key: 'printJobsPrinted', metric: 'print_jobs_printed', header: 'Gedruckte Aufträge' },
  { key: 'pagesPrintedMono', metric: 'pages_printed_mono', header: 'Seiten schwarz-weiß' },
  { key: 'pagesPrintedColor', metric: 'pages_printed_color', header: 'Seiten farbig' },
  { key: 'pagesRefunded', metric: 'pages_refunded', header: 'Seiten erstattet' },
  { key: 'jobsExpiredUnprinted', metric: 'jobs_expired_unprinted', header: 'Abgelaufen ohne Druck' },
  { key: 'jobsDeletedByCitizen', metric: 'jobs_deleted_by_citizen', header: 'Von Bürgern gelöscht' },
  { key: 'scanSessions', metric: 'scan_sessions', header: 'Scan-Vorgänge' },
  { key: 'scanPages', metric: 'scan_pages', header: 'Gescannte Seiten' },
  { key: 'quotaExceeded', metric: 'quota_exceeded', header: 'Kontingent überschritten' },
  { key: 'grants', metric: 'grants', header: 'Freigaben durch Personal' },
  { key: 'grantPages', metric: 'grant_pages', header: 'Freigegebene Seiten' },
  { key: 'vouchersCreated', metric: 'vouchers_created', header: 'Gutscheine ausgegeben' },
  { key: 'vouchersRedeemed', metric: 'vouchers_redeemed', header: 'Gutscheine eingelöst' },
  { key: 'voucherPages', metric: 'voucher_pages', header: 'Seiten aus Gutscheinen' },
  { key: 'terminalSessions', metric: 'terminal_sessions', header: 'Terminal-Sitzungen' },
] as const;

export type MetricKey = (typeof METRICS)[number]['key'];
export type StoredMetric = Exclude<(typeof METRICS)[number]['metric'], null>;
/** Every counter with its value; zero where nothing happened. */
export type MetricTotals = Record<MetricKey, number>;

const KEY_OF_METRIC = new Map<string, MetricKey>(
  METRICS.filter((m) => m.metric !== null).map((m) => [m.metric as string, m.key]),
);

export function emptyTotals(): MetricTotals {
  return Object.fromEntries(METRICS.map((m) => [m.key, 0])) as MetricTotals;
}

/** Adds one stored counter to `totals` (unknown metrics from a newer version are ignored) and keeps the derived sum right. */
export function addMetric(totals: MetricTotals, metric: string, value: number): void {
  const key = KEY_OF_METRIC.get(metric);
  if (!key) return;
  totals[key] += value;
  if (key === 'printJobsIpp' || key === 'printJobsUpload') totals.printJobsReceived += value;
}

const isCount = (value: number) => Number.isSafeInteger(value) && value >= 0;

/**
 * The counters one event adds to. Throws a RangeError for a page count that is not a
 * non-negative integer (a bug in the caller, not something to count).
 */
export function incrementsOf(event: StatsEvent): Array<{ metric: StoredMetric; value: number }> {
  const pages = (n: number) => {
    if (!isCount(n)) throw new RangeError('a page count must be a non-negative integer');
    return n;
  };
  switch (event.type) {
    case 'print_job_received':
      return [{ metric: event.source === 'ipp' ? 'print_jobs_ipp' : 'print_jobs_upload', value: 1 }];
    case 'print_job_printed':
      return [{ metric: 'print_jobs_printed', value: 1 }];
    case 'pages_printed':
      return [{ metric: event.color ? 'pages_printed_color' : 'pages_printed_mono', value: pages(event.pages) }];
    case 'pages_refunded':
      return [{ metric: 'pages_refunded', value: pages(event.pages) }];
    case 'job_expired_unprinted':
      return [{ metric: 'jobs_expired_unprinted', value: 1 }];
    case 'job_deleted_by_citizen':
      return [{ metric: 'jobs_deleted_by_citizen', value: 1 }];
    case 'scan_session':
      return [{ metric: 'scan_sessions', value: 1 }];
    case 'scan_pages':
      return [{ metric: 'scan_pages', value: pages(event.pages) }];
    case 'quota_exceeded':
      return [{ metric: 'quota_exceeded', value: 1 }];
    case 'grant':
      return [
        { metric: 'grants', value: 1 },
        { metric: 'grant_pages', value: pages(event.pages) },
      ];
    case 'voucher_redeemed':
      return [
        { metric: 'vouchers_redeemed', value: 1 },
        { metric: 'voucher_pages', value: pages(event.pages) },
      ];
    case 'voucher_created':
      return [{ metric: 'vouchers_created', value: 1 }];
    case 'terminal_session':
      return [{ metric: 'terminal_sessions', value: 1 }];
    default: {
      const unknown: never = event;
      throw new RangeError(`unknown statistics event ${String((unknown as { type?: unknown }).type)}`);
    }
  }
}

/** Terminal ids as configured (see config.schema.ts): lower-case letters, digits, dashes. */
const TERMINAL_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
export const GUEST_TERMINAL = 'guest';

/**
 * The terminal as the statistics keep it: a configured id, or 'guest' for everything else
 * (unknown clients get `guest-<address hash>` ids from the spool; even a hash of an address is
 * finer than the statistics may be). `knownIds` are the site's configured terminals, when known.
 */
export function statsTerminalOf(terminalId: string | null | undefined, knownIds?: ReadonlySet<string>): string | null {
  if (terminalId === undefined || terminalId === null) return null;
  if (!TERMINAL_ID.test(terminalId) || terminalId.startsWith('guest')) return GUEST_TERMINAL;
  if (knownIds && !knownIds.has(terminalId)) return GUEST_TERMINAL;
  return terminalId;
}

export type LocalSlot = { day: string; hour: number; weekday: number };

const WEEKDAYS = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 } as const;
/** Short German weekday names, Monday first, for charts and tables. */
export const WEEKDAY_NAMES_DE = ['Mo', 'Di', 'Mi', 'Do', 'Fr', 'Sa', 'So'] as const;

/** Returns a function mapping an instant to the site's local day, hour (0–23) and ISO weekday (1 = Monday). */
export function createLocalSlotter(timeZone: string): (at: number) => LocalSlot {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    hourCycle: 'h23',
    weekday: 'short',
  });
  // Every time zone's offset today is a whole number of quarter hours, so the local day, hour and
  // weekday are the same throughout each UTC quarter hour: one formatting per quarter hour.
  let cached: { quarter: number; slot: LocalSlot } | undefined;
  return (at) => {
    const quarter = Math.floor(at / 900_000);
    if (cached?.quarter === quarter) return { ...cached.slot };
    const parts = Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]));
    const slot = {
      day: `${parts.year}-${parts.month}-${parts.day}`,
      hour: Number(parts.hour) % 24,
      weekday: WEEKDAYS[parts.weekday as keyof typeof WEEKDAYS],
    };
    cached = { quarter, slot };
    return { ...slot };
  };
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar day written YYYY-MM-DD. */
export function isIsoDay(value: string): boolean {
  const match = DAY.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}

/** Every day from `from` to `to` inclusive (calendar arithmetic, no time zone involved). */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end; t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** One CSV row: a site's counters on one day. */
export type DailySiteRow = { day: string; siteId: string; totals: MetricTotals };

const BOM = '\uFEFF';

function csvField(value: string | number): string {
  const text = String(value);
  // Spreadsheet formulas are neutralised even though ids cannot start with them today.
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[;"\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * The statistics as CSV for German spreadsheets: UTF-8 with BOM (so Excel detects the
 * encoding), `;` as separator, CRLF line ends, German headers, plain integers, one row per day
 * and site.
 */
export function toCsv({ rows }: { rows: DailySiteRow[] }): string {
  const header = ['Datum', 'Standort', ...METRICS.map((m) => m.header)];
  const lines = [header.map(csvField).join(';')];
  for (const row of rows) {
    lines.push([row.day, row.siteId, ...METRICS.map((m) => row.totals[m.key])].map(csvField).join(';'));
  }
  return `${BOM}${lines.join('\r\n')}\r\n`;
}
