import { useEffect, useRef, useState } from 'preact/hooks';
import { Button } from '../shared/components/Button.tsx';
import { CodeCard } from '../shared/components/CodeCard.tsx';
import { IllustratedSteps } from '../shared/components/IllustratedSteps.tsx';
import { announce } from '../shared/components/LiveRegion.tsx';
import { describeError } from '../shared/api.ts';
import { useI18n } from '../shared/i18n/I18nProvider.tsx';
import type { Translate } from '../shared/i18n/i18n.ts';
import { EnterCode, GoToPrinter, TakePages } from './illustrations.tsx';
import {
  deleteJob,
  deletionIn,
  jobStatus,
  previewUrl,
  svgDataUrl,
  type JobStatus,
  type TerminalJob,
  type TerminalSession,
} from './terminal-api.ts';

/** The release code in very large digits and the QR beside it. */
export function ReleaseCode({ session }: { session: TerminalSession['session'] }) {
  const { t } = useI18n();
  return (
    <CodeCard
      id="code-heading"
      title={t('terminal.code.heading')}
      code={session.code}
      codeTestId="release-code"
      qrSrc={svgDataUrl(session.qrSvg)}
      qrAlt={t('terminal.code.qrAlt')}
    >
      <p>{t('terminal.code.hint')}</p>
    </CodeCard>
  );
}

/** One sentence for the job's state, with the printer's reason when it failed. */
export function statusText(job: TerminalJob, t: Translate): string {
  switch (jobStatus(job)) {
    case 'waiting':
      return t('terminal.jobs.status.waiting');
    case 'printing':
      return t('terminal.jobs.status.printing', { done: job.pagesCompleted, pages: job.pages });
    case 'printed':
      return t('terminal.jobs.status.printed');
    case 'failed':
      return `${t('terminal.jobs.status.failed')} ${failureReason(job.stateReason, t)}`;
    case 'deleted':
      return t('terminal.jobs.status.deleted');
    case 'receiving':
      return t('terminal.jobs.status.receiving');
  }
}

/** Printer reasons in words a citizen can act on; anything else gets the general sentence. */
function failureReason(reason: string | null, t: Translate): string {
  const keyword = (reason ?? '').replace(/-(report|warning|error)$/, '');
  if (keyword === 'media-jam') return t('terminal.jobs.reason.jam');
  if (keyword === 'media-empty' || keyword === 'media-needed') return t('terminal.jobs.reason.paper');
  if (keyword === 'toner-empty' || keyword === 'marker-supply-empty') return t('terminal.jobs.reason.toner');
  if (keyword === 'document-format') return t('terminal.jobs.reason.damaged');
  return t('terminal.jobs.reason.other');
}

const statusSymbols: Record<JobStatus, string> = {
  waiting: '◷',
  printing: '▶',
  printed: '✓',
  failed: '⚠',
  deleted: '✕',
  receiving: '…',
};

function canDelete(job: TerminalJob) {
  return job.state === 'held' || job.state === 'aborted';
}

function hasPreview(job: TerminalJob) {
  return job.state === 'held' || job.state === 'aborted' || job.state === 'processing';
}

function JobItem({ job, onDeleted }: { job: TerminalJob; onDeleted: (job: TerminalJob) => void }) {
  const { t, has, format } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [thumbnailFailed, setThumbnailFailed] = useState(false);
  const question = useRef<HTMLParagraphElement>(null);
  const deleteButton = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);

  // Asking moves focus to the question (read out first); cancelling returns it to "Löschen".
  useEffect(() => {
    if (confirming) question.current?.focus();
    else if (wasConfirming.current) deleteButton.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  const remove = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await deleteJob(job.id);
      onDeleted(job);
    } catch (failure) {
      const message = describeError({ error: failure, t, has });
      setError(message);
      announce(`${t('form.errorPrefix')} ${message}`, 'assertive');
      setBusy(false);
    }
  };

  const status = jobStatus(job);
  const deletion = deletionIn(job.secondsLeft);
  const nameId = `job-${job.id}-name`;
  return (
    <li class="job" data-testid="job" data-job-id={job.id}>
      <div class="job__thumbnail">
        {hasPreview(job) && !thumbnailFailed ? (
          <img src={previewUrl(job.id)} alt="" loading="lazy" width={96} height={136} onError={() => setThumbnailFailed(true)} />
        ) : (
          <span class="job__thumbnail-empty" aria-hidden="true" />
        )}
      </div>
      <div class="job__body">
        <h3 class="job__name" id={nameId}>
          <bdi>{job.name}</bdi>
        </h3>
        <p class="job__pages" data-testid="job-pages">
          {t('terminal.jobs.pages', { pages: job.pages })}
        </p>
        <p class={`job__status job__status--${status}`} data-testid="job-status">
          <span aria-hidden="true">{statusSymbols[status]} </span>
          {statusText(job, t)}
        </p>
        {canDelete(job) && (
          <p class="job__expiry">{t('terminal.jobs.deletedIn', { when: format.relativeTime(deletion.value, deletion.unit) })}</p>
        )}
        {error && (
          <p class="tm-notice tm-notice--error">
            <span class="tm-notice__prefix">
              <span aria-hidden="true">⚠ </span>
              {t('form.errorPrefix')}{' '}
            </span>
            {error}
          </p>
        )}
        {canDelete(job) &&
          (confirming ? (
            <div class="job__confirm">
              <p ref={question} tabIndex={-1} class="job__question">
                {t('terminal.jobs.confirmDelete')}
              </p>
              <div class="button-row">
                <Button variant="danger" onClick={() => void remove()} aria-busy={busy ? 'true' : undefined}>
                  {t('terminal.jobs.confirmYes')}
                </Button>
                <Button variant="secondary" onClick={() => setConfirming(false)}>
                  {t('terminal.jobs.confirmNo')}
                </Button>
              </div>
            </div>
          ) : (
            <button
              ref={deleteButton}
              type="button"
              class="button button--secondary job__delete"
              aria-describedby={nameId}
              onClick={() => setConfirming(true)}
            >
              {t('terminal.jobs.delete')}
            </button>
          ))}
      </div>
    </li>
  );
}

/**
 * The waiting jobs of this session. The page re-reads the session every few seconds, so the list
 * follows prints from other programs and the station without a reload.
 */
export function JobList({ jobs, onDeleted }: { jobs: TerminalJob[]; onDeleted: (job: TerminalJob) => void }) {
  const { t, format } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  const lastSpoken = useRef<string | null>(null);

  // The soonest deletion is read out when its minute (or hour) changes, politely: it is
  // information, nothing the citizen has to act on, and a per-second voice would drown the page.
  const soonest = jobs.filter(canDelete).reduce<TerminalJob | null>((first, job) => (!first || job.secondsLeft < first.secondsLeft ? job : first), null);
  const soonestText = soonest
    ? t('terminal.jobs.soonestDeletion', { when: format.relativeTime(deletionIn(soonest.secondsLeft).value, deletionIn(soonest.secondsLeft).unit) })
    : null;
  useEffect(() => {
    if (soonestText && lastSpoken.current !== null && soonestText !== lastSpoken.current) announce(soonestText);
    lastSpoken.current = soonestText;
  }, [soonestText]);

  const deleted = (job: TerminalJob) => {
    announce(t('terminal.jobs.deletedAnnouncement'));
    heading.current?.focus();
    onDeleted(job);
  };

  return (
    <section class="jobs" aria-labelledby="jobs-heading">
      <h2 id="jobs-heading" ref={heading} tabIndex={-1}>
        {t('terminal.jobs.heading')}
      </h2>
      {jobs.length === 0 ? (
        <p data-testid="jobs-empty">{t('terminal.jobs.empty')}</p>
      ) : (
        <ul class="job-list">
          {jobs.map((job) => (
            <JobItem key={job.id} job={job} onDeleted={deleted} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** "So drucken Sie am Drucker": three illustrated steps. */
export function AtThePrinter() {
  const { t } = useI18n();
  return (
    <section aria-labelledby="at-printer-heading">
      <h2 id="at-printer-heading">{t('terminal.atPrinter.heading')}</h2>
      <IllustratedSteps
        steps={[
          { picture: <GoToPrinter />, text: <p>{t('terminal.atPrinter.step1')}</p> },
          { picture: <EnterCode />, text: <p>{t('terminal.atPrinter.step2')}</p> },
          { picture: <TakePages />, text: <p>{t('terminal.atPrinter.step3')}</p> },
        ]}
      />
    </section>
  );
}
