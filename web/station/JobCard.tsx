import { useI18n } from '../shared/i18n/I18nProvider.tsx';
import { reasonSentences } from './readiness.ts';
import { isPrintable, type StationJob } from './station-api.ts';

/** "Seite 3 von 10" while printing; the page being printed, never past the last. */
export function progressNumbers(job: StationJob): { page: number; total: number; completed: number } | null {
  if (!job.progress) return null;
  const total = Math.max(1, job.progress.pagesTotal);
  const completed = Math.min(total, Math.max(0, job.progress.pagesCompleted));
  return { page: Math.min(total, completed + 1), total, completed };
}

/** How far the job is, in one sentence (empty for a job that simply waits). */
export function jobStatusText(job: StationJob, t: ReturnType<typeof useI18n>['t']): string {
  switch (job.state) {
    case 'processing': {
      const numbers = progressNumbers(job);
      return numbers ? t('station.job.progress', { page: numbers.page, total: numbers.total }) : t('station.job.printing');
    }
    case 'completed':
      return t('station.job.completed');
    case 'aborted':
    case 'canceled': {
      const why = job.progress?.reason ?? job.stateReason;
      const reasons = why ? reasonSentences({ reasons: [why], t }) : [];
      return [t('station.job.aborted'), ...reasons, t('station.job.tryAgain')].join(' ');
    }
    default:
      return '';
  }
}

export type JobCardProps = {
  job: StationJob;
  previewUrl: string;
  selected: boolean;
  onSelectedChange: (selected: boolean) => void;
};

/** One waiting document: first-page preview, what it is, what it costs, until when it is kept. */
export function JobCard({ job, previewUrl, selected, onSelectedChange }: JobCardProps) {
  const { t, format } = useI18n();
  const checkboxId = `job-${job.id}-select`;
  const nameId = `job-${job.id}-name`;
  const expires = new Date(job.expiresAt);
  const status = jobStatusText(job, t);
  const numbers = job.state === 'processing' ? progressNumbers(job) : null;
  const statusIcon = job.state === 'completed' ? '✓ ' : job.state === 'aborted' || job.state === 'canceled' ? '⚠ ' : '';
  return (
    <li class={`job-card job-card--${job.state}`}>
      <div class="job-card__preview">
        {/* The preview is read on demand (lazy) and only after login: the cookie is needed. */}
        <img src={previewUrl} alt={t('station.job.preview')} loading="lazy" decoding="async" width={150} height={212} />
      </div>
      <div class="job-card__body">
        <h3 class="job-card__name" id={nameId} dir="auto">
          {job.name}
        </h3>
        <p class="job-card__facts">
          <span>{t('station.job.amount', { pages: job.pages, copies: job.copies })}</span>
          <span>{job.colorMode === 'color' ? t('station.job.color') : t('station.job.monochrome')}</span>
          {job.sides.startsWith('two-sided') && <span>{t('station.job.twoSided')}</span>}
        </p>
        <p class="job-card__cost">{job.cost === 0 ? t('station.job.free') : t('station.job.cost', { cost: job.cost })}</p>
        {isPrintable(job) && (
          <p class="job-card__expiry">
            {t('station.job.expires', { time: job.secondsLeft < 12 * 3600 ? format.time(expires) : format.dateTime(expires) })}
          </p>
        )}
        {status !== '' && (
          <p class="job-card__status">
            {statusIcon && <span aria-hidden="true">{statusIcon}</span>}
            {status}
          </p>
        )}
        {numbers && (
          <progress class="job-card__progress" max={numbers.total} value={numbers.completed} aria-labelledby={nameId} />
        )}
        {isPrintable(job) && (
          <div class="job-card__select">
            {/* Named "Auswählen <document>": the visible word plus which document it selects. */}
            <input
              type="checkbox"
              id={checkboxId}
              aria-labelledby={`${checkboxId}-label ${nameId}`}
              checked={selected}
              onChange={(event) => onSelectedChange(event.currentTarget.checked)}
            />
            <label for={checkboxId} id={`${checkboxId}-label`}>
              {t('station.job.select')}
            </label>
          </div>
        )}
      </div>
    </li>
  );
}
