import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { Button } from '../shared/components/Button.tsx';
import { Icon } from '../shared/components/Icon.tsx';
import { IllustratedSteps } from '../shared/components/IllustratedSteps.tsx';
import { announce } from '../shared/components/LiveRegion.tsx';
import { Page } from '../shared/components/Page.tsx';
import { describeError } from '../shared/api.ts';
import { useI18n } from '../shared/i18n/I18nProvider.tsx';
import { directionOf, sourceLanguage, type Language } from '../shared/i18n/i18n.ts';
import { resetDisplayPreferences } from '../shared/preferences.ts';
import { useScreens } from '../shared/screens.ts';
import { useSiteInfo, type SiteInfo } from '../shared/site-info.ts';
import { EidGuide } from './EidGuide.tsx';
import { ChoosePrinter, OpenAndPressPrint, PressPrint } from './illustrations.tsx';
import { AtThePrinter, JobList, ReleaseCode } from './JobsPanel.tsx';
import { QuickLinks, type QuickLink } from './QuickLinks.tsx';
import { endSession, groupedCode, type TerminalJob, type TerminalSession, type UploadResult } from './terminal-api.ts';
import { UploadPanel } from './UploadPanel.tsx';
import { PickupScreen, usePickupToken } from './pickup/PickupScreen.tsx';
import { useTerminalSession } from './use-terminal-session.ts';
import './terminal.css';

/** A message on the start screen after something finished (shown and announced once). */
/** `lang`: the language the text is in, when it is not the page's (see `finish`). */
type Notice = { kind: 'info' | 'error'; text: string; lang?: Language };

/**
 * start: tiles and city links · print: how to print and the upload · jobs: release code and
 * job list · end: ask what happens to waiting jobs · scan: pickup · eid: Online-Ausweis guide.
 */
export type TerminalScreen =
  | { name: 'start'; notice?: Notice }
  | { name: 'print' }
  | { name: 'jobs'; notice?: Notice }
  | { name: 'end' }
  /** `token`: opened from the QR on the station's code screen (`/?pickup=<token>`). */
  | { name: 'scan'; token?: string | null }
  | { name: 'eid' };

/** `GET /api/site-info` with the site's quick links (sent when configured). */
type TerminalSiteInfo = SiteInfo & { quickLinks?: QuickLink[] };

function NoticeBox({ notice }: { notice: Notice | undefined }) {
  const { t } = useI18n();
  if (!notice) return null;
  return (
    <div class={`tm-notice tm-notice--${notice.kind}`} data-testid="notice">
      <p {...(notice.lang ? { lang: notice.lang, dir: directionOf(notice.lang) } : {})}>
        <span class="tm-notice__prefix">
          <span aria-hidden="true">{notice.kind === 'error' ? '⚠ ' : 'ℹ '}</span>
          {notice.kind === 'error' && `${t('form.errorPrefix')} `}
        </span>
        {notice.text}
      </p>
    </div>
  );
}

function BackButton({ onBack }: { onBack: () => void }) {
  const { t } = useI18n();
  return (
    <p class="back">
      <Button variant="secondary" onClick={onBack}>
        <span class="back__arrow" aria-hidden="true">
          ←
        </span>
        {t('terminal.back')}
      </Button>
    </p>
  );
}

/** A problem reading the session, said once where the session is needed. */
function SessionProblem({ error }: { error: unknown }) {
  const { t, has } = useI18n();
  if (!error) return null;
  return <NoticeBox notice={{ kind: 'error', text: describeError({ error, t, has }) }} />;
}

function Tile({ icon, title, text, onClick, testId }: { icon: string; title: string; text: string; onClick: () => void; testId: string }) {
  return (
    <li>
      <button type="button" class="tile" onClick={onClick} data-testid={testId}>
        <Icon name={icon} class="tile__icon" />
        <span class="tile__title">{title}</span>
        <span class="tile__text">{text}</span>
      </button>
    </li>
  );
}

const isWaiting = (job: TerminalJob) => job.state === 'held' || job.state === 'aborted';

/** The start page of the citizen terminal (kiosk browser). */
export function TerminalApp() {
  const { t, has, language, setLanguage } = useI18n();
  const siteInfo = useSiteInfo() as TerminalSiteInfo | null;
  const pickupToken = usePickupToken();
  const { screen, screenKey, show } = useScreens<TerminalScreen>(pickupToken ? { name: 'scan', token: pickupToken } : { name: 'start' });
  const { session, error: sessionError, refresh } = useTerminalSession();
  const [ending, setEnding] = useState(false);
  const [endError, setEndError] = useState<string | null>(null);

  // Jobs uploaded on this page are announced by the upload itself, not a second time by the list.
  const uploadedIds = useRef(new Set<number>());
  useNewJobAnnouncements(session, uploadedIds.current);

  const goStart = useCallback((notice?: Notice) => show({ name: 'start', notice }), [show]);

  const onUploaded = useCallback(
    (result: UploadResult) => {
      uploadedIds.current.add(result.job.id);
      void refresh();
      const text = t('terminal.upload.done', { pages: result.job.pages });
      announce(text);
      show({ name: 'jobs', notice: { kind: 'info', text } });
    },
    [refresh, show, t],
  );

  const finish = async (deleteJobs: boolean) => {
    if (ending) return;
    setEnding(true);
    setEndError(null);
    try {
      await endSession({ deleteJobs });
      await refresh();
      const text = deleteJobs ? t('terminal.end.doneDeleted') : t('terminal.end.doneKept');
      // The next person starts fresh: German, normal text size and contrast. The citizen who
      // ended still reads the confirmation in their own language.
      resetDisplayPreferences();
      if (language !== sourceLanguage) await setLanguage(sourceLanguage);
      announce(text);
      goStart({ kind: 'info', text, ...(language !== sourceLanguage ? { lang: language } : {}) });
    } catch (error) {
      const message = describeError({ error, t, has });
      setEndError(message);
      announce(`${t('form.errorPrefix')} ${message}`, 'assertive');
    } finally {
      setEnding(false);
    }
  };

  const siteName = siteInfo?.site.name ?? session?.site.name;
  const jobs = session?.jobs ?? [];
  const waiting = jobs.filter(isWaiting);

  switch (screen.name) {
    case 'start':
      return (
        <Page title={t('terminal.title')} siteName={siteName} screenKey={screenKey}>
          <NoticeBox notice={screen.notice} />
          <p class="lead">{t('terminal.intro')}</p>
          <nav aria-label={t('terminal.tiles.label')}>
            <ul class="tiles">
              <Tile icon="printer" title={t('terminal.tiles.print')} text={t('terminal.tiles.printText')} onClick={() => show({ name: 'print' })} testId="tile-print" />
              <Tile
                icon="list"
                title={t('terminal.tiles.jobs')}
                text={t('terminal.tiles.jobsText', { count: waiting.length })}
                onClick={() => show({ name: 'jobs' })}
                testId="tile-jobs"
              />
              <Tile icon="scan" title={t('terminal.tiles.scan')} text={t('terminal.tiles.scanText')} onClick={() => show({ name: 'scan' })} testId="tile-scan" />
              <Tile icon="id-card" title={t('terminal.tiles.eid')} text={t('terminal.tiles.eidText')} onClick={() => show({ name: 'eid' })} testId="tile-eid" />
              <Tile icon="logout" title={t('terminal.tiles.end')} text={t('terminal.tiles.endText')} onClick={() => show({ name: 'end' })} testId="tile-end" />
            </ul>
          </nav>
          <QuickLinks links={siteInfo?.quickLinks ?? []} />
        </Page>
      );

    case 'print':
      return (
        <Page title={t('terminal.print.title')} siteName={siteName} screenKey={screenKey}>
          <BackButton onBack={() => goStart()} />
          <section aria-labelledby="from-program-heading">
            <h2 id="from-program-heading">{t('terminal.print.fromProgram.heading')}</h2>
            <SessionProblem error={session ? null : sessionError} />
            <div class="printer-name">
              <p>{t('terminal.print.printerIs')}</p>
              <p class="printer-name__value" data-testid="printer-name">
                <Icon name="printer" class="printer-name__icon" />
                <strong>
                  <bdi>{session?.printerName ?? '…'}</bdi>
                </strong>
              </p>
            </div>
            <IllustratedSteps
              steps={[
                { picture: <OpenAndPressPrint />, text: <p>{t('terminal.print.fromProgram.step1')}</p> },
                {
                  picture: <ChoosePrinter />,
                  text: (
                    <p>
                      {t('terminal.print.fromProgram.step2')}{' '}
                      <strong>
                        <bdi>{session?.printerName ?? '…'}</bdi>
                      </strong>
                    </p>
                  ),
                },
                { picture: <PressPrint />, text: <p>{t('terminal.print.fromProgram.step3')}</p> },
              ]}
            />
            <p>
              <Button variant="secondary" onClick={() => show({ name: 'jobs' })}>
                {t('terminal.print.toJobs')}
              </Button>
            </p>
          </section>
          <UploadPanel onUploaded={onUploaded} />
        </Page>
      );

    case 'jobs':
      return (
        <Page title={t('terminal.jobs.title')} siteName={siteName} screenKey={screenKey}>
          <BackButton onBack={() => goStart()} />
          <NoticeBox notice={screen.notice} />
          <SessionProblem error={sessionError} />
          {session && <ReleaseCode session={session.session} />}
          {session && <JobList jobs={jobs} onDeleted={() => void refresh()} />}
          <AtThePrinter />
          <div class="button-row">
            <Button variant="secondary" onClick={() => show({ name: 'print' })}>
              {t('terminal.jobs.addMore')}
            </Button>
            <Button variant="secondary" onClick={() => show({ name: 'end' })}>
              {t('terminal.tiles.end')}
            </Button>
          </div>
        </Page>
      );

    case 'end':
      return (
        <Page title={t('terminal.end.title')} siteName={siteName} screenKey={screenKey}>
          <BackButton onBack={() => goStart()} />
          <SessionProblem error={sessionError} />
          {endError && <NoticeBox notice={{ kind: 'error', text: endError }} />}
          {waiting.length > 0 ? (
            <>
              <p class="lead">{t('terminal.end.question', { count: waiting.length })}</p>
              <div class="choices">
                <div class="choice">
                  <h2>{t('terminal.end.keepHeading')}</h2>
                  <p>{t('terminal.end.keepText')}</p>
                  {session && (
                    <p>
                      {t('terminal.end.keepCode')}{' '}
                      <strong class="choice__code" dir="ltr">
                        {groupedCode(session.session.code)}
                      </strong>
                    </p>
                  )}
                  <Button onClick={() => void finish(false)} aria-busy={ending ? 'true' : undefined}>
                    {t('terminal.end.keep')}
                  </Button>
                </div>
                <div class="choice">
                  <h2>{t('terminal.end.deleteHeading')}</h2>
                  <p>{t('terminal.end.deleteText')}</p>
                  <Button variant="danger" onClick={() => void finish(true)} aria-busy={ending ? 'true' : undefined}>
                    {t('terminal.end.delete')}
                  </Button>
                </div>
              </div>
            </>
          ) : (
            <>
              <p class="lead">{t('terminal.end.nothingWaiting')}</p>
              <p>
                <Button onClick={() => void finish(true)} aria-busy={ending ? 'true' : undefined}>
                  {t('terminal.end.confirm')}
                </Button>
              </p>
            </>
          )}
          <p>
            <Button variant="secondary" onClick={() => goStart()}>
              {t('terminal.end.cancel')}
            </Button>
          </p>
        </Page>
      );

    case 'scan':
      return <PickupScreen siteName={siteName} screenKey={screenKey} token={screen.token} onBack={() => goStart()} />;

    case 'eid':
      return (
        <Page title={t('terminal.eid.title')} siteName={siteName} screenKey={screenKey}>
          <BackButton onBack={() => goStart()} />
          <EidGuide />
        </Page>
      );
  }
}

/**
 * Says when a job arrives from a print dialog or changes to printed/failed, so a screen-reader
 * user hears it without looking for the list. Nothing is said for the jobs already there on load.
 */
function useNewJobAnnouncements(session: TerminalSession | null, quiet: ReadonlySet<number>) {
  const { t } = useI18n();
  const known = useRef<Map<number, TerminalJob['state']> | null>(null);
  const sessionCode = useRef<string | null>(null);
  useEffect(() => {
    if (!session) return;
    const current = new Map(session.jobs.map((job) => [job.id, job.state] as const));
    if (known.current && sessionCode.current === session.session.code) {
      for (const job of session.jobs) {
        const before = known.current.get(job.id);
        if (before === undefined && !quiet.has(job.id)) announce(t('terminal.jobs.arrived', { pages: job.pages }));
        else if (before !== job.state && job.state === 'completed') announce(t('terminal.jobs.printedAnnouncement'));
        else if (before !== job.state && job.state === 'aborted') announce(t('terminal.jobs.failedAnnouncement'));
      }
    }
    known.current = current;
    sessionCode.current = session.session.code;
  }, [session, t]);
}
