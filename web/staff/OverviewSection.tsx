import { useEffect } from 'preact/hooks';
import { Button } from '../shared/components/Button.tsx';
import { useI18n } from '../shared/i18n/I18nProvider.tsx';
import { notReadySentences, reasonSentences } from '../station/readiness.ts';
import type { Dashboard, StaffApi } from './staff-api.ts';
import { Loading, Notice, useLoad } from './ui.tsx';

/** The dashboard reads itself again this often, so a jam shows up without a reload. */
const REFRESH_MS = 15_000;

type Printer = Dashboard['sites'][number]['printers'][number];

function PrinterCard({ printer }: { printer: Printer }) {
  const { t, format } = useI18n();
  const problems = notReadySentences({ readiness: printer.readiness, t });
  return (
    <li class={problems.length > 0 ? 'staff-card staff-card--problem' : 'staff-card'}>
      <h4 class="staff-card__title">{printer.name}</h4>
      {problems.length === 0 ? (
        <p class="staff-state">
          <span aria-hidden="true">✓ </span>
          {printer.readiness.state === 'processing' ? t('staff.overview.printing') : t('staff.overview.ready')}
        </p>
      ) : (
        <>
          <p class="staff-state">
            <span aria-hidden="true">⚠ </span>
            {t('staff.overview.notReady')}
          </p>
          <ul>
            {problems.map((sentence) => (
              <li key={sentence}>{sentence}</li>
            ))}
          </ul>
        </>
      )}
      <dl class="facts">
        <div>
          <dt>{t('staff.overview.jobsWaiting')}</dt>
          <dd>{format.number(printer.jobsWaiting)}</dd>
        </div>
        <div>
          <dt>{t('staff.overview.jobsPrinting')}</dt>
          <dd>{format.number(printer.jobsPrinting)}</dd>
        </div>
        <div>
          <dt>{t('staff.overview.lastError')}</dt>
          <dd>
            {printer.lastError
              ? t('staff.overview.lastErrorAt', {
                  when: format.dateTime(new Date(printer.lastError.at)),
                  what: reasonSentences({ reasons: printer.lastError.reason ? [printer.lastError.reason] : [], t }).join(' '),
                })
              : t('staff.overview.noError')}
          </dd>
        </div>
        {printer.codeEntryLockedUntil && (
          <div>
            <dt>{t('staff.overview.codeEntry')}</dt>
            <dd>
              <strong>{t('staff.overview.codeEntryLocked', { until: format.time(new Date(printer.codeEntryLockedUntil)) })}</strong>
            </dd>
          </div>
        )}
      </dl>
    </li>
  );
}

/** Every printer with its state in plain words, waiting jobs, last error; the scanners. */
export function OverviewSection({ api }: { api: StaffApi }) {
  const { t, format } = useI18n();
  const { data, error, reload } = useLoad(() => api.dashboard(), [api]);
  useEffect(() => {
    const timer = window.setInterval(reload, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [reload]);

  if (error) return <Notice kind="error">{error}</Notice>;
  if (!data) return <Loading />;
  return (
    <>
      <p class="lead">{t('staff.overview.intro')}</p>
      {data.sites.map((site) => (
        <section key={site.id} aria-labelledby={`site-${site.id}`} class="staff-section">
          <h2 id={`site-${site.id}`}>{site.name}</h2>
          <p>{t('staff.overview.siteWaiting', { count: site.jobsWaiting })}</p>
          <h3 class="staff-subtitle">{t('staff.overview.printers')}</h3>
          <ul class="staff-cards">
            {site.printers.map((printer) => (
              <PrinterCard key={printer.id} printer={printer} />
            ))}
          </ul>
          <h3 class="staff-subtitle">{t('staff.overview.scanners')}</h3>
          {site.scanners.length === 0 ? (
            <p>{t('staff.overview.noScanners')}</p>
          ) : (
            <ul>
              {site.scanners.map((scanner) => (
                <li key={scanner.id}>{scanner.name}</li>
              ))}
            </ul>
          )}
        </section>
      ))}
      <p class="staff-muted">{t('staff.overview.updated', { time: format.time(new Date()) })}</p>
      <Button variant="secondary" onClick={reload}>
        {t('staff.refresh')}
      </Button>
    </>
  );
}
