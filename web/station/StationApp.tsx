import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Button } from '../shared/components/Button.tsx';
import { CodeKeypad } from '../shared/components/CodeKeypad.tsx';
import { Countdown } from '../shared/components/Countdown.tsx';
import { announce } from '../shared/components/LiveRegion.tsx';
import { Page } from '../shared/components/Page.tsx';
import { TextInput } from '../shared/components/TextInput.tsx';
import { ApiError, describeError } from '../shared/api.ts';
import { useI18n } from '../shared/i18n/I18nProvider.tsx';
import { useScreens } from '../shared/screens.ts';
import { useSiteInfo } from '../shared/site-info.ts';
import { JobCard, jobStatusText, progressNumbers } from './JobCard.tsx';
import { notReadySentences, reasonSentences } from './readiness.ts';
import { createStationApi, isFinal, isPrintable, normalizeVoucherInput, VOUCHER_QR_PREFIX, type PrintOutcome, type StationInfo, type StationOverview } from './station-api.ts';
import { createWedgeDetector } from './wedge.ts';
import { ScanEntry } from './scan/ScanEntry.tsx';
import { ScanFlow } from './scan/ScanFlow.tsx';
import './station.css';

export const CODE_LENGTH = 6;
/** How often the job list is read: fast while a job prints, slower otherwise (keeps the session alive). */
const FAST_POLL_MS = 1000;
const SLOW_POLL_MS = 5000;
/** The end screen returns to the start by itself after this long. */
const DONE_SECONDS = 30;

/** A message shown on a screen until the next action (also announced). */
type Notice = { kind: 'error' | 'info'; lines: string[] };

/**
 * start: printer state and code entry · jobs: the citizen's documents · printing: progress of
 * the jobs just started · done: "take your pages", then back to start.
 */
export type StationScreen =
  | { name: 'start'; notice?: Notice }
  | { name: 'jobs'; notice?: Notice }
  | { name: 'printing'; jobIds: number[]; notes: string[] }
  | { name: 'done'; notes: string[] }
  /** The scan flow (web/station/scan/), which runs its own screens. */
  | { name: 'scan'; scannerId: string };

function printerIdFromAddress(): string | null {
  const id = new URLSearchParams(window.location.search).get('printer');
  return id && id.trim() !== '' ? id.trim() : null;
}

function NoticeBox({ notice }: { notice: Notice | undefined }) {
  const { t } = useI18n();
  if (!notice || notice.lines.length === 0) return null;
  return (
    <div class={`notice notice--${notice.kind}`}>
      {notice.lines.map((line, index) => (
        <p key={index}>
          {index === 0 && (
            <span class="notice__prefix">
              <span aria-hidden="true">{notice.kind === 'error' ? '⚠ ' : 'ℹ '}</span>
              {notice.kind === 'error' && `${t('form.errorPrefix')} `}
            </span>
          )}
          {line}
        </p>
      ))}
    </div>
  );
}

/** The release station beside the shared printer (touch screen, keypad, barcode scanner). */
export function StationApp() {
  const { t, has } = useI18n();
  const siteInfo = useSiteInfo();
  const { screen, screenKey, show } = useScreens<StationScreen>({ name: 'start' });

  const addressPrinter = useMemo(printerIdFromAddress, []);
  // Without ?printer= a site with one printer still works; with several the station must be set up.
  const printerId = addressPrinter ?? (siteInfo && siteInfo.printers.length === 1 ? siteInfo.printers[0]!.id : null);
  const api = useMemo(() => (printerId ? createStationApi(printerId) : null), [printerId]);

  const [info, setInfo] = useState<StationInfo | null>(null);
  const [infoError, setInfoError] = useState<string | null>(null);
  const [digits, setDigits] = useState('');
  const [busy, setBusy] = useState(false);
  const [codeError, setCodeError] = useState<string | null>(null);
  const [overview, setOverview] = useState<StationOverview | null>(null);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const [activity, setActivity] = useState(0);
  // "Gutschein einlösen" on the job list: closed, or open with what is typed and the last problem.
  const [voucher, setVoucher] = useState<{ open: boolean; code: string; error: string | null }>({ open: false, code: '', error: null });

  const describe = useCallback((error: unknown) => describeError({ error, t, has }), [t, has]);

  // Latest values for the document-wide listeners and timers, which are set up once.
  const latest = useRef({ screen, digits, busy, api });
  latest.current = { screen, digits, busy, api };

  /* ---------- printer state on the start screen ---------- */
  useEffect(() => {
    if (!api || screen.name !== 'start') return;
    const controller = new AbortController();
    const load = () =>
      api
        .info(controller.signal)
        .then((answer) => {
          setInfo(answer);
          setInfoError(null);
        })
        .catch((error: unknown) => {
          if (error instanceof DOMException && error.name === 'AbortError') return;
          setInfoError(describe(error));
        });
    void load();
    const timer = window.setInterval(load, 15_000);
    return () => {
      controller.abort();
      window.clearInterval(timer);
    };
  }, [api, screen.name, describe]);

  const goToStart = useCallback(
    (notice?: Notice) => {
      setOverview(null);
      setSelected(new Set());
      setConfirmingDelete(false);
      setDigits('');
      setCodeError(null);
      setVoucher({ open: false, code: '', error: null });
      show({ name: 'start', notice });
    },
    [show],
  );

  const logout = useCallback(
    async (notice?: Notice) => {
      try {
        await latest.current.api?.logout();
      } catch {
        // The server ends the session by itself after its idle time.
      }
      goToStart(notice);
    },
    [goToStart],
  );

  /* ---------- logging in ---------- */
  const enterJobs = useCallback(
    (answer: StationOverview, notice?: Notice) => {
      setOverview(answer);
      setSelected(new Set());
      setConfirmingDelete(false);
      setDigits('');
      setCodeError(null);
      show({ name: 'jobs', notice });
    },
    [show],
  );

  const login = useCallback(
    async (request: () => Promise<StationOverview>) => {
      setBusy(true);
      setCodeError(null);
      announce(t('station.code.checking'));
      try {
        enterJobs(await request());
      } catch (error) {
        const message = describe(error);
        setDigits('');
        announce(message, 'assertive');
        // A scan that fails while someone is still logged in ends that session: the next person is here.
        if (latest.current.screen.name !== 'start') await logout({ kind: 'error', lines: [message] });
        else setCodeError(message);
      } finally {
        setBusy(false);
      }
    },
    [t, describe, enterJobs, logout],
  );

  const addDigit = useCallback(
    (digit: string) => {
      const { digits: current, busy: isBusy, api: stationApi } = latest.current;
      if (isBusy || !stationApi || current.length >= CODE_LENGTH) return;
      const next = current + digit;
      setDigits(next);
      setCodeError(null);
      // The sixth digit sends the code: one step less, and nothing to find on the screen.
      if (next.length === CODE_LENGTH) void login(() => stationApi.loginWithCode(next));
    },
    [login],
  );
  const removeDigit = useCallback(() => setDigits((current) => current.slice(0, -1)), []);
  const clearDigits = useCallback(() => setDigits(''), []);

  /* ---------- voucher slips: typed into the field, or scanned (DPV-…) anywhere while logged in ---------- */
  const redeemVoucher = useCallback(
    async (input: string) => {
      const stationApi = latest.current.api;
      if (!stationApi || latest.current.busy) return;
      const code = normalizeVoucherInput(input);
      if (!code) {
        const message = t('station.voucher.malformed');
        announce(message, 'assertive');
        setVoucher({ open: true, code: input, error: message });
        return;
      }
      setBusy(true);
      try {
        const { pagesAdded, availablePages } = await stationApi.redeemVoucher(code);
        setOverview((current) => (current ? { ...current, availablePages } : current));
        setVoucher({ open: false, code: '', error: null });
        const message = t('station.voucher.done', { pages: pagesAdded, available: availablePages });
        announce(message);
        show({ name: 'jobs', notice: { kind: 'info', lines: [message] } });
      } catch (error) {
        if (error instanceof ApiError && error.code === 'release.not_logged_in') {
          goToStart({ kind: 'info', lines: [t('station.timeout.loggedOut')] });
          return;
        }
        const message = describe(error);
        announce(message, 'assertive');
        setVoucher({ open: true, code: input, error: message });
      } finally {
        setBusy(false);
      }
    },
    [t, describe, show, goToStart],
  );

  // The field takes the focus when opened, so the code can be typed at once.
  useEffect(() => {
    if (voucher.open) document.getElementById('voucher-code')?.focus();
  }, [voucher.open]);

  /* ---------- keyboard: scanner bursts anywhere, digits on the start screen, activity ---------- */
  useEffect(() => {
    const wedge = createWedgeDetector({ otherPrefixes: [VOUCHER_QR_PREFIX] });
    let lastActivity = 0;
    const noteActivity = () => {
      // Re-rendering on every key is not needed: once a second is enough to restart the countdown.
      const now = Date.now();
      if (now - lastActivity < 1000) return;
      lastActivity = now;
      setActivity((value) => value + 1);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      noteActivity();
      if (event.ctrlKey || event.altKey || event.metaKey) return;
      const verdict = wedge.key(event.key, event.timeStamp);
      // In the voucher field, typed letters must arrive (a code may start with D); a scan there still ends as a scan.
      const inTextField = (event.target as HTMLElement | null)?.matches?.('input[type="text"]') ?? false;
      if (verdict.kind === 'swallow' && inTextField) return;
      if (verdict.kind !== 'pass') {
        event.preventDefault();
        event.stopPropagation();
        if (verdict.kind === 'scan' && verdict.text.startsWith(VOUCHER_QR_PREFIX)) {
          if (latest.current.screen.name === 'start') setCodeError(t('station.voucher.loginFirst'));
          else void redeemVoucher(verdict.text);
        } else if (verdict.kind === 'scan') {
          if (inTextField) setVoucher({ open: false, code: '', error: null });
          const stationApi = latest.current.api;
          // While scanning, a release QR must not end the scan behind the citizen's back.
          if (stationApi && !latest.current.busy && latest.current.screen.name !== 'scan') void login(() => stationApi.loginWithQr(verdict.text));
        }
        return;
      }
      if (latest.current.screen.name !== 'start') return;
      const target = event.target as HTMLElement | null;
      const onControl = Boolean(target?.closest?.('button, a, input, select, textarea'));
      if (/^[0-9]$/.test(event.key)) {
        event.preventDefault();
        addDigit(event.key);
      } else if (event.key === 'Backspace') {
        event.preventDefault();
        removeDigit();
      } else if (event.key === 'Escape' || event.key === 'Delete') {
        clearDigits();
      } else if (event.key === 'Enter' && !onControl && latest.current.digits.length === CODE_LENGTH) {
        const stationApi = latest.current.api;
        if (stationApi) void login(() => stationApi.loginWithCode(latest.current.digits));
      }
    };
    // Capture phase: the scanner's keys are taken before a focused button can act on them.
    window.addEventListener('keydown', onKeyDown, true);
    window.addEventListener('pointerdown', noteActivity, true);
    return () => {
      window.removeEventListener('keydown', onKeyDown, true);
      window.removeEventListener('pointerdown', noteActivity, true);
    };
  }, [addDigit, removeDigit, clearDigits, login, redeemVoucher, t]);

  /* ---------- polling the job list while logged in ---------- */
  const overviewRef = useRef(overview);
  overviewRef.current = overview;
  useEffect(() => {
    if (!api || (screen.name !== 'jobs' && screen.name !== 'printing')) return;
    const controller = new AbortController();
    let timer = 0;
    let stopped = false;
    const delay = () =>
      latest.current.screen.name === 'printing' || overviewRef.current?.jobs.some((job) => job.state === 'processing') ? FAST_POLL_MS : SLOW_POLL_MS;
    const tick = async () => {
      try {
        const answer = await api.jobs(controller.signal);
        if (stopped) return;
        setOverview(answer);
      } catch (error) {
        if (stopped || (error instanceof DOMException && error.name === 'AbortError')) return;
        if (error instanceof ApiError && error.code === 'release.not_logged_in') {
          goToStart({ kind: 'info', lines: [t('station.timeout.loggedOut')] });
          return;
        }
        // A short network hiccup: the next round tries again.
      }
      if (!stopped) timer = window.setTimeout(tick, delay());
    };
    // Printing: read at once (a fast printer may be done already); else after the first interval.
    timer = window.setTimeout(tick, screen.name === 'printing' ? 0 : delay());
    return () => {
      stopped = true;
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [api, screen.name, screenKey, goToStart, t]);

  /* ---------- printing: announce progress, move on when every started job is finished ---------- */
  const announcedProgress = useRef(new Map<number, string>());
  // Set once the printing screen has decided where to go, so a late poll cannot decide twice.
  const printingSettled = useRef(false);
  useEffect(() => {
    if (screen.name !== 'printing' || !overview || printingSettled.current) return;
    const started = screen.jobIds.map((id) => overview.jobs.find((job) => job.id === id));
    for (const job of started) {
      if (!job) continue;
      const text = jobStatusText(job, t);
      if (text !== '' && announcedProgress.current.get(job.id) !== text) {
        announcedProgress.current.set(job.id, text);
        announce(`${job.name}: ${text}`);
      }
    }
    // A job no longer listed was finished and removed; only completed, aborted or canceled are final.
    if (!started.every((job) => !job || isFinal(job))) return;
    printingSettled.current = true;
    const failed = started.filter((job) => job && job.state !== 'completed');
    if (failed.length === 0) {
      void (async () => {
        try {
          await api?.logout();
        } catch {
          // See logout().
        }
        show({ name: 'done', notes: screen.notes });
      })();
      return;
    }
    const lines = failed.map((job) => `${job!.name}: ${jobStatusText(job!, t)}`);
    show({ name: 'jobs', notice: { kind: 'error', lines: [...lines, ...screen.notes] } });
  }, [screen, overview, t, api, show]);

  /* ---------- actions on the job list ---------- */
  const noteForOutcome = useCallback(
    (outcome: PrintOutcome) => {
      const name = overviewRef.current?.jobs.find((job) => job.id === outcome.jobId)?.name ?? '';
      const reason = describe(
        new ApiError({ code: outcome.errorCode ?? 'internal.error', status: 0, message: '', details: outcome.missingPages === undefined ? undefined : { missingPages: outcome.missingPages } }),
      );
      return name ? `${name}: ${reason}` : reason;
    },
    [describe],
  );

  const failOnJobs = useCallback(
    (error: unknown) => {
      if (error instanceof ApiError && error.code === 'release.not_logged_in') {
        goToStart({ kind: 'info', lines: [t('station.timeout.loggedOut')] });
        return;
      }
      let lines = [describe(error)];
      if (error instanceof ApiError && error.code === 'release.printer_not_ready') {
        const reasons = Array.isArray(error.details?.reasons) ? error.details.reasons.filter((reason): reason is string => typeof reason === 'string') : [];
        lines = [...reasonSentences({ reasons, t }), describe(error)];
      }
      announce(lines.join(' '), 'assertive');
      show({ name: 'jobs', notice: { kind: 'error', lines } });
    },
    [describe, goToStart, show, t],
  );

  const print = useCallback(
    async (jobIds?: number[]) => {
      if (!api || busy) return;
      setBusy(true);
      try {
        const { outcomes } = await api.print(jobIds);
        const startedIds = outcomes.filter((outcome) => outcome.started).map((outcome) => outcome.jobId);
        const notes = outcomes.filter((outcome) => !outcome.started).map(noteForOutcome);
        if (startedIds.length === 0) {
          announce(notes.join(' '), 'assertive');
          show({ name: 'jobs', notice: { kind: 'error', lines: notes } });
          return;
        }
        announcedProgress.current = new Map();
        printingSettled.current = false;
        // Until the next poll, the started jobs are printing (an earlier "aborted" is not final now).
        setOverview((current) =>
          current
            ? { ...current, jobs: current.jobs.map((job) => (startedIds.includes(job.id) ? { ...job, state: 'processing' as const, progress: null } : job)) }
            : current,
        );
        announce(t('station.printing.started'));
        setSelected(new Set());
        show({ name: 'printing', jobIds: startedIds, notes });
      } catch (error) {
        failOnJobs(error);
      } finally {
        setBusy(false);
      }
    },
    [api, busy, noteForOutcome, show, t, failOnJobs],
  );

  const deleteButton = useRef<HTMLButtonElement>(null);
  const confirmHeading = useRef<HTMLHeadingElement>(null);
  const wasConfirming = useRef(false);
  useEffect(() => {
    // Focus follows the question, and returns to the button that asked it when it is answered "no".
    if (confirmingDelete) confirmHeading.current?.focus();
    else if (wasConfirming.current) deleteButton.current?.focus();
    wasConfirming.current = confirmingDelete;
  }, [confirmingDelete]);

  const removeSelected = useCallback(async () => {
    if (!api || busy) return;
    const ids = [...selected];
    setBusy(true);
    try {
      const { deleted } = await api.remove(ids);
      const answer = await api.jobs();
      wasConfirming.current = false;
      const message = t('station.delete.done', { count: deleted.length });
      announce(message);
      enterJobs(answer, { kind: 'info', lines: [message] });
    } catch (error) {
      setConfirmingDelete(false);
      failOnJobs(error);
    } finally {
      setBusy(false);
    }
  }, [api, busy, selected, t, enterJobs, failOnJobs]);

  /* ---------- rendering ---------- */
  const siteName = info?.site.name ?? siteInfo?.site.name;

  switch (screen.name) {
    case 'start': {
      const notReady = info ? notReadySentences({ readiness: info.readiness, t }) : [];
      return (
        <Page title={t('station.title')} siteName={siteName} screenKey={screenKey}>
          <NoticeBox notice={screen.notice} />
          <p class="lead">{t('station.intro')}</p>
          {!printerId && siteInfo && <NoticeBox notice={{ kind: 'error', lines: [t('station.noPrinter')] }} />}
          {infoError && <NoticeBox notice={{ kind: 'error', lines: [infoError] }} />}
          {info && (
            <section class={notReady.length > 0 ? 'printer-state printer-state--problem' : 'printer-state'} aria-labelledby="printer-state-title">
              <h2 id="printer-state-title" class="printer-state__name">
                {t('station.printer.name', { name: info.printer.name })}
              </h2>
              {notReady.length === 0 ? (
                <p class="printer-state__line">
                  <span aria-hidden="true">✓ </span>
                  {info.readiness.state === 'processing' ? t('station.printer.busy') : t('station.printer.ready')}
                </p>
              ) : (
                <>
                  <p class="printer-state__line">
                    <span aria-hidden="true">⚠ </span>
                    {t('station.printer.notReady')}
                  </p>
                  {notReady.map((sentence) => (
                    <p key={sentence}>{sentence}</p>
                  ))}
                  <p>{t('station.askStaff')}</p>
                </>
              )}
            </section>
          )}
          {printerId && (
            <section class="code-entry" aria-labelledby="code-title">
              <h2 id="code-title">{t('station.code.title')}</h2>
              <p>{t('station.code.hint')}</p>
              <CodeKeypad
                value={digits}
                length={CODE_LENGTH}
                label={t('station.code.label')}
                busy={busy}
                onDigit={addDigit}
                onBackspace={removeDigit}
                onClear={clearDigits}
              />
              {busy && <p class="code-entry__checking">{t('station.code.checking')}</p>}
              {codeError && <NoticeBox notice={{ kind: 'error', lines: [codeError] }} />}
              <p class="code-entry__qr">
                <span class="code-entry__qr-icon" aria-hidden="true">
                  ▦
                </span>{' '}
                {t('station.qr.hint')}
              </p>
            </section>
          )}
          <ScanEntry scanners={siteInfo?.scanners ?? []} onStart={(scannerId) => show({ name: 'scan', scannerId })} />
        </Page>
      );
    }

    case 'scan':
      return <ScanFlow scannerId={screen.scannerId} siteName={siteName} onExit={(notice) => goToStart(notice)} />;

    case 'jobs': {
      const jobs = overview?.jobs ?? [];
      const printable = jobs.filter(isPrintable);
      const total = printable.reduce((sum, job) => sum + job.cost, 0);
      const available = overview?.availablePages ?? 0;
      const chosen = printable.filter((job) => selected.has(job.id)).map((job) => job.id);
      return (
        <Page title={t('station.jobs.title')} siteName={siteName} screenKey={screenKey}>
          <Countdown seconds={overview?.idleSeconds ?? 60} warnAt={20} restartKey={activity} onExpire={() => void logout({ kind: 'info', lines: [t('station.timeout.loggedOut')] })} />
          <NoticeBox notice={screen.notice} />
          <p class="lead">{t('station.jobs.freePages', { available })}</p>
          {printable.length > 0 ? (
            <>
              <p>{t('station.jobs.totalCost', { pages: total })}</p>
              {total > available && <NoticeBox notice={{ kind: 'error', lines: [t('station.jobs.tooFew', { missing: total - available })] }} />}
              <Button class="button--wide button--main" onClick={() => void print()}>
                {t('station.jobs.printAll')}
              </Button>
            </>
          ) : (
            <p>{t('station.jobs.none')}</p>
          )}
          {jobs.length > 0 && (
            <section aria-labelledby="job-list-title">
              <h2 id="job-list-title">{t('station.jobs.listTitle')}</h2>
              <ul class="job-list">
                {jobs.map((job) => (
                  <JobCard
                    key={job.id}
                    job={job}
                    previewUrl={api!.previewUrl(job.id)}
                    selected={selected.has(job.id)}
                    onSelectedChange={(on) =>
                      setSelected((current) => {
                        const next = new Set(current);
                        if (on) next.add(job.id);
                        else next.delete(job.id);
                        return next;
                      })
                    }
                  />
                ))}
              </ul>
            </section>
          )}
          {printable.length > 0 && (
            <section class="selection-actions" aria-labelledby="selection-title">
              <h2 id="selection-title">{t('station.selection.title')}</h2>
              <p>{chosen.length === 0 ? t('station.selection.hint') : t('station.selection.count', { count: chosen.length })}</p>
              <div class="button-row">
                <Button variant="secondary" disabled={chosen.length === 0} onClick={() => void print(chosen)}>
                  {t('station.selection.print')}
                </Button>
                <button
                  ref={deleteButton}
                  type="button"
                  class="button button--danger"
                  disabled={chosen.length === 0}
                  onClick={() => setConfirmingDelete(true)}
                >
                  {t('station.selection.delete')}
                </button>
              </div>
              {confirmingDelete && chosen.length > 0 && (
                <div class="confirm" role="group" aria-labelledby="confirm-title">
                  <h3 id="confirm-title" ref={confirmHeading} tabIndex={-1}>
                    {t('station.delete.question', { count: chosen.length })}
                  </h3>
                  <p>{t('station.delete.warning')}</p>
                  <div class="button-row">
                    <Button variant="danger" onClick={() => void removeSelected()}>
                      {t('station.delete.confirm')}
                    </Button>
                    <Button variant="secondary" onClick={() => setConfirmingDelete(false)}>
                      {t('station.delete.cancel')}
                    </Button>
                  </div>
                </div>
              )}
            </section>
          )}
          <section class="selection-actions" aria-labelledby="voucher-title">
            <h2 id="voucher-title">{t('station.voucher.title')}</h2>
            {voucher.open ? (
              <form
                noValidate
                onSubmit={(event) => {
                  event.preventDefault();
                  void redeemVoucher(voucher.code);
                }}
              >
                <TextInput
                  label={t('station.voucher.label')}
                  hint={t('station.voucher.hint')}
                  value={voucher.code}
                  onValueChange={(code) => setVoucher({ open: true, code, error: null })}
                  error={voucher.error ?? undefined}
                  autoComplete="off"
                  spellcheck={false}
                  maxLength={20}
                  id="voucher-code"
                />
                <div class="button-row">
                  <Button type="submit">{t('station.voucher.submit')}</Button>
                  <Button variant="secondary" onClick={() => setVoucher({ open: false, code: '', error: null })}>
                    {t('station.voucher.close')}
                  </Button>
                </div>
              </form>
            ) : (
              <>
                <p>{t('station.voucher.intro')}</p>
                <Button variant="secondary" onClick={() => setVoucher({ open: true, code: '', error: null })}>
                  {t('station.voucher.open')}
                </Button>
              </>
            )}
          </section>
          <p class="station-logout">
            <Button variant="secondary" onClick={() => void logout()}>
              {t('station.logout')}
            </Button>
          </p>
        </Page>
      );
    }

    case 'printing': {
      const jobs = screen.jobIds.map((id) => overview?.jobs.find((job) => job.id === id)).filter((job) => job !== undefined);
      const progressKey = jobs.map((job) => `${job.state}:${job.progress?.pagesCompleted ?? 0}`).join(',');
      return (
        <Page title={t('station.printing.title')} siteName={siteName} screenKey={screenKey}>
          <p class="lead">{t('station.printing.hint')}</p>
          <ul class="progress-list">
            {jobs.map((job) => {
              const numbers = progressNumbers(job);
              const text = jobStatusText(job, t) || t('station.job.waiting');
              return (
                <li key={job.id} class="progress-list__item">
                  <p class="progress-list__name" id={`progress-${job.id}`} dir="auto">
                    {job.name}
                  </p>
                  <p class="progress-list__status">{text}</p>
                  <progress
                    class="job-card__progress"
                    max={numbers?.total ?? job.impressions}
                    value={job.state === 'completed' ? (numbers?.total ?? job.impressions) : (numbers?.completed ?? 0)}
                    aria-labelledby={`progress-${job.id}`}
                  />
                </li>
              );
            })}
          </ul>
          {screen.notes.length > 0 && <NoticeBox notice={{ kind: 'error', lines: screen.notes }} />}
          {/* A printer that hangs must not keep this citizen's session open for the next person. */}
          <Countdown
            seconds={overview?.idleSeconds ?? 60}
            warnAt={20}
            restartKey={`${activity}/${progressKey}`}
            onExpire={() => void logout({ kind: 'info', lines: [t('station.timeout.loggedOut')] })}
          />
        </Page>
      );
    }

    case 'done':
      return (
        <Page title={t('station.done.title')} siteName={siteName} screenKey={screenKey}>
          <p class="done-message">
            <span class="done-message__icon" aria-hidden="true">
              ✓
            </span>{' '}
            {t('station.done.take')}
          </p>
          {screen.notes.length > 0 && <NoticeBox notice={{ kind: 'error', lines: screen.notes }} />}
          <p>{t('station.done.next')}</p>
          <p>
            <Button class="button--main" onClick={() => goToStart()}>
              {t('station.done.back')}
            </Button>
          </p>
          <Countdown seconds={DONE_SECONDS} warnAt={20} restartKey={activity} onExpire={() => goToStart()} />
        </Page>
      );
  }
}
