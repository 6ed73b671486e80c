import { z } from 'zod';
import { METRICS, type MetricKey } from './stats.models.ts';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD');

/** `?site=&from=&to=`: site optional (all sites), days default to the last 30 days. */
export const StatsQuerystring = z
  .object({
    site: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/).optional(),
    from: day.optional(),
    to: day.optional(),
  })
  .strict();
export type StatsQuerystring = z.infer<typeof StatsQuerystring>;

// Every counter by name, so the response can never carry anything but numbers.
export const MetricTotalsSchema = z
  .object(Object.fromEntries(METRICS.map((m) => [m.key, z.number().int().nonnegative()])) as Record<MetricKey, z.ZodNumber>)
  .strict();

export const StatsSummaryResponse = z.object({
  siteId: z.string().nullable(),
  from: day,
  to: day,
  totals: MetricTotalsSchema,
  byDay: z.array(z.object({ day, totals: MetricTotalsSchema })),
  byHour: z.array(z.object({ hour: z.number().int().min(0).max(23), totals: MetricTotalsSchema })),
  byWeekday: z.array(z.object({ weekday: z.number().int().min(1).max(7), name: z.string(), totals: MetricTotalsSchema })),
  byTerminal: z.array(z.object({ siteId: z.string(), terminalId: z.string().nullable(), totals: MetricTotalsSchema })),
  /** Column headers for tables and charts, German, by counter key. */
  labels: z.record(z.string(), z.string()),
});
