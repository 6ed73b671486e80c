import { useEffect, useState } from 'preact/hooks';
import { Button } from '../shared/components/Button.tsx';
import { BarChart } from '../shared/components/BarChart.tsx';
import { useI18n } from '../shared/i18n/I18nProvider.tsx';
import { intlLocale, type Translate } from '../shared/i18n/i18n.ts';
import { useSiteInfo } from '../shared/site-info.ts';
import { statsCsvUrl, type MetricTotals, type StaffApi, type StatsQuery } from './staff-api.ts';
import { weekdayName } from './staff-format.ts';
import { DateField, Loading, Notice, SelectField, TableBox, useLoad } from './ui.tsx';

/** The counters shown in the totals table, each with its name in the page language. */
export function metricLabel(key: string, t: Translate): string {
  switch (key) {
    case 'printJobsReceived':
      return t('staff.stats.metric.printJobsReceived');
    case 'printJobsIpp':
      return t('staff.stats.metric.printJobsIpp');
    case 'printJobsUpload':
      return t('staff.stats.metric.printJobsUpload');
    case 'printJobsPrinted':
      return t('staff.stats.metric.printJobsPrinted');
    case 'pagesPrintedMono':
      return t('staff.stats.metric.pagesPrintedMono');
    case 'pagesPrintedColor':
      return t('staff.stats.metric.pagesPrintedColor');
    case 'pagesRefunded':
      return t('staff.stats.metric.pagesRefunded');
    case 'jobsExpiredUnprinted':
      return t('staff.stats.metric.jobsExpiredUnprinted');
    case 'jobsDeletedByCitizen':
      return t('staff.stats.metric.jobsDeletedByCitizen');
    case 'scanSessions':
      return t('staff.stats.metric.scanSessions');
    case 'scanPages':
      return t('staff.stats.metric.scanPages');
    case 'quotaExceeded':
      return t('staff.stats.metric.quotaExceeded');
    case 'grants':
      return t('staff.stats.metric.grants');
    case 'grantPages':
      return t('staff.stats.metric.grantPages');
    case 'vouchersCreated':
      return t('staff.stats.metric.vouchersCreated');
    case 'vouchersRedeemed':
      return t('staff.stats.metric.vouchersRedeemed');
    case 'voucherPages':
      return t('staff.stats.metric.voucherPages');
    case 'terminalSessions':
      return t('staff.stats.metric.terminalSessions');
    default:
      return key;
  }
}

const pagesOf = (totals: MetricTotals) => (totals.pagesPrintedMono ?? 0) + (totals.pagesPrintedColor ?? 0);

/**
 * Anonymous usage statistics (admins): a period and a site, the totals, three charts (pages per
 * day, print jobs by hour of day and by weekday) each with its table, and the CSV export.
 */
export function StatsSection({ api }: { api: StaffApi }) {
  const { t, format, language } = useI18n();
  const siteInfo = useSiteInfo() as (ReturnType<typeof useSiteInfo> & { sites?: Array<{ id: string; name: string }> }) | null;
  // The first view asks the server for its default period (the last 30 days by the server's clock
  // and time zone); the fields then show that period.
  const [draft, setDraft] = useState<StatsQuery>({ site: '', from: '', to: '' });
  const [query, setQuery] = useState<StatsQuery | null>(null);
  const [periodError, setPeriodError] = useState<string | undefined>();
  const { data, error } = useLoad(() => api.stats(query ?? {}), [api, query]);
  useEffect(() => {
    if (data && query === null) setDraft((current) => (current.from === '' ? { ...current, from: data.from, to: data.to } : current));
  }, [data, query]);
  const sites = siteInfo?.sites ?? (siteInfo ? [siteInfo.site] : []);
  const locale = intlLocale(language);

  const apply = (event: Event) => {
    event.preventDefault();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(draft.from ?? "") || !/^\d{4}-\d{2}-\d{2}$/.test(draft.to ?? "") || (draft.from ?? "") > (draft.to ?? "")) {
      setPeriodError(t('staff.stats.periodInvalid'));
      return;
    }
    setPeriodError(undefined);
    setQuery({ ...draft });
  };

  const dayFormat = (day: string, options: Intl.DateTimeFormatOptions) => format.date(new Date(`${day}T00:00:00Z`), { ...options, timeZone: 'UTC' });

  return (
    <>
      <p class="lead">{t('staff.stats.intro')}</p>
      <form onSubmit={apply} noValidate class="staff-form staff-form--row">
        <SelectField
          label={t('staff.stats.site')}
          value={draft.site ?? ''}
          options={[{ value: '', label: t('staff.stats.allSites') }, ...sites.map((site) => ({ value: site.id, label: site.name }))]}
          onValueChange={(site) => setDraft((current) => ({ ...current, site }))}
        />
        <DateField type="date" label={t('staff.stats.from')} value={draft.from ?? ''} onValueChange={(from) => setDraft((current) => ({ ...current, from }))} error={periodError} />
        <DateField type="date" label={t('staff.stats.to')} value={draft.to ?? ''} onValueChange={(to) => setDraft((current) => ({ ...current, to }))} />
        <Button type="submit">{t('staff.stats.show')}</Button>
      </form>
      {error && <Notice kind="error">{error}</Notice>}
      {!data && !error && <Loading />}
      {data && (
        <>
          <p>
            {t('staff.stats.period', { from: dayFormat(data.from, { dateStyle: 'long' }), to: dayFormat(data.to, { dateStyle: 'long' }) })}{' '}
            <a class="staff-download" href={statsCsvUrl({ site: data.siteId ?? undefined, from: data.from, to: data.to })} download>
              {t('staff.stats.csv')}
            </a>
          </p>
          <section class="staff-section" aria-labelledby="stats-totals">
            <h2 id="stats-totals">{t('staff.stats.totals')}</h2>
            <TableBox label={t('staff.stats.totals')}>
              <table class="data-table">
                <caption>{t('staff.stats.totalsCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('staff.stats.what')}</th>
                    <th scope="col">{t('staff.stats.count')}</th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(data.totals).map(([key, value]) => (
                    <tr key={key}>
                      <th scope="row">{metricLabel(key, t)}</th>
                      <td>{format.number(value)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableBox>
          </section>
          <section class="staff-section" aria-labelledby="stats-charts">
            <h2 id="stats-charts">{t('staff.stats.charts')}</h2>
            <BarChart
              title={t('staff.stats.chart.pagesPerDay')}
              categoryLabel={t('staff.stats.day')}
              valueLabel={t('staff.stats.pages')}
              tableToggleLabel={t('staff.stats.showTable')}
              data={data.byDay.map(({ day, totals }) => ({
                label: dayFormat(day, { day: 'numeric', month: 'numeric' }),
                longLabel: dayFormat(day, { weekday: 'short', day: 'numeric', month: 'long', year: 'numeric' }),
                value: pagesOf(totals),
              }))}
            />
            <BarChart
              title={t('staff.stats.chart.byHour')}
              categoryLabel={t('staff.stats.hour')}
              valueLabel={t('staff.stats.jobs')}
              tableToggleLabel={t('staff.stats.showTable')}
              data={data.byHour.map(({ hour, totals }) => ({
                label: format.number(hour),
                longLabel: t('staff.stats.hourRange', { from: format.number(hour), to: format.number(hour + 1) }),
                value: totals.printJobsPrinted ?? 0,
              }))}
            />
            <BarChart
              title={t('staff.stats.chart.byWeekday')}
              categoryLabel={t('staff.stats.weekday')}
              valueLabel={t('staff.stats.jobs')}
              tableToggleLabel={t('staff.stats.showTable')}
              data={data.byWeekday.map(({ weekday, totals }) => ({
                label: weekdayName(weekday, locale, 'short'),
                longLabel: weekdayName(weekday, locale),
                value: totals.printJobsPrinted ?? 0,
              }))}
            />
          </section>
        </>
      )}
    </>
  );
}
