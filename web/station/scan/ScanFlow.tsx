import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { Button } from '../../shared/components/Button.tsx';
import { Countdown } from '../../shared/components/Countdown.tsx';
import { announce } from '../../shared/components/LiveRegion.tsx';
import { Page } from '../../shared/components/Page.tsx';
import { ProgressBar } from '../../shared/components/ProgressBar.tsx';
import { ApiError } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n/I18nProvider.tsx';
import type { Translate } from '../../shared/i18n/i18n.ts';
import { useScreens } from '../../shared/screens.ts';
import {
  defaultTargetBytes,
  presets,
  scanApi,
  targetSizes,
  type FinishedView,
  type Preset,
  type ScannerInfo,
  type ScanPage,
  type SessionView,
  type Source,
  type TargetBytes,
} from './scan-api.ts';
import { describeScanError, scanProblemText } from './scan-errors.ts';
import { defaultSource, keptPageCount, megabytes, moveTarget, offeredSources, pageIds, placeOf, rotated, spokenDigits, svgDataUrl } from './scan-model.ts';
import { CodeCard } from '../../shared/components/CodeCard.tsx';
import './scan.css';

/** Without a touch or key for this long the scan is dropped (the server's own limit is 5 minutes). */
const IDLE_SECONDS = 180;
/** The code screen goes back to the start by itself; the code stays valid. */
const RESULT_SECONDS = 120;
/** How often the session is read while the scanner works. */
const POLL_MS = 700;

export type ScanNotice = { kind: 'error' | 'info'; lines: string[] };

/** preset: what is scanned · pages: place paper, scan, check pages · size: file limit · result: code. */
export type ScanScreen = { name: 'preset' } | { name: 'pages' } | { name: 'size' } | { name: 'result'; finished: FinishedView };

export type ScanFlowProps = {
  scannerId: string;
  siteName?: string | undefined;
  /** Back to the station's start screen, with a message for it. */
  onExit: (notice?: ScanNotice) => void;
};

function Notice({ kind, lines }: ScanNotice) {
  const { t } = useI18n();
  if (lines.length === 0) return null;
  return (
    <div class={`notice notice--${kind}`} data-testid={`scan-notice-${kind}`}>
      {lines.map((line, index) => (
        <p key={index}>
          {index === 0 && (
            <span class="notice__prefix">
              <span aria-hidden="true">{kind === 'error' ? '⚠ ' : 'ℹ '}</span>
              {kind === 'error' && `${t('form.errorPrefix')} `}
            </span>
          )}
          {line}
        </p>
      ))}
    </div>
  );
}

/**
 * A button that stays focusable while it cannot act (aria-disabled): a disabled button would
 * drop the focus of the person who just pressed it.
 */
function GuardedButton({
  inactive,
  onPress,
  variant = 'secondary',
  extra,
  focusKey,
  children,
}: {
  inactive: boolean;
  onPress: () => void;
  variant?: 'primary' | 'secondary' | 'danger';
  extra?: string;
  focusKey?: string;
  children: ComponentChildren;
}) {
  return (
    <Button
      variant={variant}
      class={extra}
      aria-disabled={inactive ? 'true' : undefined}
      data-focus-key={focusKey}
      onClick={() => {
        if (!inactive) onPress();
      }}
    >
      {children}
    </Button>
  );
}

function presetTitle(preset: Preset, t: Translate): string {
  switch (preset) {
    case 'document':
      return t('scan.preset.document');
    case 'color-document':
      return t('scan.preset.colorDocument');
    case 'id-card':
      return t('scan.preset.idCard');
    case 'photo':
      return t('scan.preset.photo');
  }
}

function presetText(preset: Preset, t: Translate): string {
  switch (preset) {
    case 'document':
      return t('scan.preset.documentText');
    case 'color-document':
      return t('scan.preset.colorDocumentText');
    case 'id-card':
      return t('scan.preset.idCardText');
    case 'photo':
      return t('scan.preset.photoText');
  }
}

function sizeLabel(bytes: TargetBytes, t: Translate): string {
  switch (bytes) {
    case 2_000_000:
      return t('scan.size.fits2');
    case 5_000_000:
      return t('scan.size.fits5');
    case 10_000_000:
      return t('scan.size.fits10');
  }
}

/** The scan flow at the station: preset → paper → scan and check pages → size → pickup code. */
export function ScanFlow({ scannerId, siteName, onExit }: ScanFlowProps) {
  const { t, has, format } = useI18n();
  const { screen, screenKey, show } = useScreens<ScanScreen>({ name: 'preset' });
  const [scanner, setScanner] = useState<ScannerInfo | null>(null);
  const [scannerError, setScannerError] = useState<string | null>(null);
  const [view, setView] = useState<SessionView | null>(null);
  const [source, setSource] = useState<Source>('adf');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  const [target, setTarget] = useState<TargetBytes>(defaultTargetBytes);
  const [activity, setActivity] = useState(0);
  // Picture versions of pages scanned again, so their thumbnails are fetched anew.
  const [rescans, setRescans] = useState<Record<string, number>>({});
  const rescanning = useRef<string | null>(null);
  // Pages there before the running scan began: what is new is counted against these, not against the last poll.
  const pagesBeforeScan = useRef<Set<string> | null>(null);
  const pendingFocus = useRef<{ pageId: string; keys: string[] } | null>(null);

  const describe = useCallback((error: unknown) => describeScanError({ error, t, has }), [t, has]);
  // Dropped by the server (idle too long, or replaced by a new scan at this station).
  const sessionGone = useCallback((error: unknown) => error instanceof ApiError && error.code === 'scan.session_not_found', []);

  /* ---------- the scanner's abilities and state ---------- */
  useEffect(() => {
    const controller = new AbortController();
    scanApi
      .scanner(scannerId, controller.signal)
      .then((answer) => {
        setScanner(answer);
        setScannerError(null);
      })
      .catch((error: unknown) => {
        if (error instanceof DOMException && error.name === 'AbortError') return;
        setScannerError(describe(error));
      });
    return () => controller.abort();
  }, [scannerId, describe]);

  /* ---------- touches and keys count as "still here" ---------- */
  useEffect(() => {
    let last = 0;
    const note = () => {
      const now = Date.now();
      if (now - last < 1000) return;
      last = now;
      setActivity((value) => value + 1);
    };
    window.addEventListener('keydown', note, true);
    window.addEventListener('pointerdown', note, true);
    return () => {
      window.removeEventListener('keydown', note, true);
      window.removeEventListener('pointerdown', note, true);
    };
  }, []);

  const leave = useCallback(
    async (notice?: ScanNotice) => {
      try {
        await scanApi.cancel();
      } catch {
        // The server drops an idle session by itself.
      }
      onExit(notice);
    },
    [onExit],
  );

  /* ---------- reading the session while the scanner works ---------- */
  const scanning = view?.state === 'scanning';
  useEffect(() => {
    if (!scanning) return;
    const controller = new AbortController();
    let stopped = false;
    let timer = 0;
    const tick = async () => {
      try {
        const answer = await scanApi.current(controller.signal);
        if (stopped) return;
        setView(answer);
      } catch (error) {
        if (stopped || (error instanceof DOMException && error.name === 'AbortError')) return;
        if (sessionGone(error)) {
          onExit({ kind: 'info', lines: [t('scan.timeout.gone')] });
          return;
        }
        // A short hiccup: the next round tries again.
      }
      if (!stopped) timer = window.setTimeout(tick, POLL_MS);
    };
    timer = window.setTimeout(tick, POLL_MS);
    return () => {
      stopped = true;
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [scanning, sessionGone, onExit, t]);

  /* ---------- saying what changed ---------- */
  const previous = useRef<SessionView | null>(null);
  useEffect(() => {
    const before = previous.current;
    previous.current = view;
    if (!view || !before) return;
    if (view.state === 'scanning' && view.progress && view.progress.page !== before.progress?.page) {
      announce(t('scan.progress.page', { page: view.progress.page }));
    }
    if (before.state === 'scanning' && view.state !== 'scanning') {
      const id = rescanning.current;
      rescanning.current = null;
      if (id) setRescans((current) => ({ ...current, [id]: (current[id] ?? 0) + 1 }));
      if (view.lastError) {
        announce(scanProblemText(view.lastError.code, t) ?? t('error.unknown'), 'assertive');
        return;
      }
      const known = pagesBeforeScan.current ?? new Set(pageIds(before.documents));
      pagesBeforeScan.current = null;
      const added = view.documents.flatMap((document) => document.pages).filter((page) => !known.has(page.id));
      const blank = added.filter((page) => page.blank).length;
      const parts = [id ? t('scan.progress.rescanned') : t('scan.progress.done', { count: added.length })];
      if (blank > 0) parts.push(t('scan.progress.blank', { count: blank }));
      announce(parts.join(' '));
    }
  }, [view, t]);

  /* ---------- focus follows the page that was changed ---------- */
  useEffect(() => {
    const wanted = pendingFocus.current;
    if (!wanted) return;
    pendingFocus.current = null;
    for (const key of wanted.keys) {
      const element = document.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(`${wanted.pageId}:${key}`)}"]`);
      if (element && element.getAttribute('aria-disabled') !== 'true' && !(element as HTMLButtonElement).disabled) {
        element.focus();
        return;
      }
    }
    document.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(`${wanted.pageId}:title`)}"]`)?.focus();
  }, [view]);

  /** Runs one call that answers with the session; failures are shown and announced. */
  const act = useCallback(
    async (call: () => Promise<SessionView>, after?: (answer: SessionView) => void) => {
      if (busy) return;
      setBusy(true);
      setProblem(null);
      try {
        const answer = await call();
        setView(answer);
        after?.(answer);
      } catch (error) {
        if (sessionGone(error)) {
          onExit({ kind: 'info', lines: [t('scan.timeout.gone')] });
          return;
        }
        const message = describe(error);
        setProblem(message);
        announce(message, 'assertive');
      } finally {
        setBusy(false);
      }
    },
    [busy, describe, onExit, sessionGone, t],
  );

  const sources = scanner ? offeredSources(scanner.capabilities) : (['adf', 'flatbed'] as Source[]);

  const choosePreset = (preset: Preset) =>
    void act(
      () => scanApi.start({ scannerId, preset }),
      () => {
        setSource(defaultSource(preset, sources));
        setRescans({});
        announce(t('scan.preset.chosen', { preset: presetTitle(preset, t) }));
        show({ name: 'pages' });
      },
    );

  const startScan = () => {
    pagesBeforeScan.current = new Set(pageIds(view?.documents ?? []));
    void act(() => scanApi.scan(source), () => announce(t('scan.progress.started')));
  };

  const finish = async () => {
    if (busy) return;
    setBusy(true);
    setProblem(null);
    announce(t('scan.size.working'));
    try {
      const finished = await scanApi.finish(target);
      announce(`${t('scan.result.title')} ${t('scan.result.codeSpoken', { digits: spokenDigits(finished.pickup.code) })}`);
      show({ name: 'result', finished });
    } catch (error) {
      if (sessionGone(error)) {
        onExit({ kind: 'info', lines: [t('scan.timeout.gone')] });
        return;
      }
      const message = describe(error);
      setProblem(message);
      announce(message, 'assertive');
    } finally {
      setBusy(false);
    }
  };

  const cancelQuestion = useRef<HTMLHeadingElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);
  useEffect(() => {
    if (confirmingCancel) cancelQuestion.current?.focus();
    else if (wasConfirming.current) cancelButton.current?.focus();
    wasConfirming.current = confirmingCancel;
  }, [confirmingCancel]);

  const timeUp = () => void leave({ kind: 'info', lines: [t('scan.timeout.deleted')] });
  const progressKey = view ? `${view.state}/${view.progress?.page ?? 0}/${pageIds(view.documents).length}` : '';

  const cancelBlock = (
    <div class="scan-cancel">
      <button ref={cancelButton} type="button" class="button button--secondary" onClick={() => setConfirmingCancel(true)}>
        {t('scan.cancel.button')}
      </button>
      {confirmingCancel && (
        <div class="confirm" role="group" aria-labelledby="scan-cancel-question">
          <h2 id="scan-cancel-question" ref={cancelQuestion} tabIndex={-1}>
            {t('scan.cancel.question')}
          </h2>
          <p>{t('scan.cancel.warning')}</p>
          <div class="button-row">
            <Button variant="danger" onClick={() => void leave({ kind: 'info', lines: [t('scan.cancel.done')] })}>
              {t('scan.cancel.confirm')}
            </Button>
            <Button variant="secondary" onClick={() => setConfirmingCancel(false)}>
              {t('scan.cancel.keep')}
            </Button>
          </div>
        </div>
      )}
    </div>
  );

  switch (screen.name) {
    case 'preset': {
      const notReady = scanner && !scanner.status.ready;
      return (
        <Page title={t('scan.title')} siteName={siteName} screenKey={screenKey}>
          <Countdown seconds={IDLE_SECONDS} warnAt={30} restartKey={activity} onExpire={() => onExit()} />
          <p class="lead">{t('scan.intro')}</p>
          {scanner && <p>{t('scan.scannerName', { name: scanner.scanner.name })}</p>}
          {scannerError && <Notice kind="error" lines={[scannerError]} />}
          {notReady && (
            <Notice
              kind="error"
              lines={[t('scan.notReady'), ...(scanner.status.reason ? [scanProblemText(scanner.status.reason, t) ?? ''] : []), t('scan.askStaff')].filter(Boolean)}
            />
          )}
          {problem && <Notice kind="error" lines={[problem]} />}
          <section aria-labelledby="scan-preset-title">
            <h2 id="scan-preset-title">{t('scan.preset.question')}</h2>
            <ul class="scan-presets">
              {presets.map((preset) => (
                <li key={preset}>
                  <button
                    type="button"
                    class="scan-preset"
                    data-preset={preset}
                    aria-disabled={busy ? 'true' : undefined}
                    aria-describedby={`scan-preset-${preset}-text`}
                    onClick={() => choosePreset(preset)}
                  >
                    <span class="scan-preset__title">{presetTitle(preset, t)}</span>
                    <span class="scan-preset__text" id={`scan-preset-${preset}-text`}>
                      {presetText(preset, t)}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
          <p>
            <Button variant="secondary" onClick={() => onExit()}>
              {t('scan.back')}
            </Button>
          </p>
        </Page>
      );
    }

    case 'pages': {
      const documents = view?.documents ?? [];
      const kept = view ? keptPageCount(documents) : 0;
      const lastDocument = documents[documents.length - 1];
      const inactive = busy || scanning;
      const error = !scanning && view?.lastError ? (scanProblemText(view.lastError.code, t) ?? t('error.unknown')) : null;
      const several = documents.length > 1;
      return (
        <Page title={t('scan.pages.title')} siteName={siteName} screenKey={screenKey}>
          <Countdown seconds={IDLE_SECONDS} warnAt={30} restartKey={`${activity}/${progressKey}`} onExpire={timeUp} />
          {error && <Notice kind="error" lines={[error]} />}
          {problem && <Notice kind="error" lines={[problem]} />}
          <section class="scan-place" aria-labelledby="scan-place-title">
            <h2 id="scan-place-title">{t('scan.place.title')}</h2>
            {sources.length > 1 && (
              <fieldset class="scan-choice">
                <legend>{t('scan.source.question')}</legend>
                {sources.map((option) => (
                  <label key={option} class="scan-choice__option">
                    <input type="radio" name="scan-source" value={option} checked={source === option} onChange={() => setSource(option)} />
                    <span>{option === 'adf' ? t('scan.source.adf') : t('scan.source.flatbed')}</span>
                  </label>
                ))}
              </fieldset>
            )}
            <p class="scan-place__hint">{source === 'adf' ? t('scan.place.adf') : t('scan.place.flatbed')}</p>
            {view?.preset === 'id-card' && <p class="scan-place__hint">{t('scan.place.idCard')}</p>}
            <GuardedButton variant="primary" extra="button--main scan-start" inactive={inactive} onPress={startScan}>
              {t('scan.scan')}
            </GuardedButton>
            {scanning && (
              <div aria-live="off">
                <ProgressBar
                  label={view?.progress ? t('scan.progress.page', { page: view.progress.page }) : t('scan.progress.waiting')}
                  fraction={view?.progress?.fraction}
                  valueText={view?.progress ? format.number(view.progress.fraction, { style: 'percent' }) : t('scan.progress.waitingShort')}
                />
              </div>
            )}
          </section>

          {documents.map((document, d) => (
            <section class="scan-document" key={document.index} aria-labelledby={`scan-document-${d}`}>
              <h2 id={`scan-document-${d}`}>{several ? t('scan.pages.document', { number: d + 1 }) : t('scan.pages.yours')}</h2>
              {document.pages.length === 0 ? (
                <p>{scanning ? t('scan.pages.arriving') : several ? t('scan.pages.emptyNext') : t('scan.pages.none')}</p>
              ) : (
                <ul class="scan-pages">
                  {document.pages.map((page, p) => (
                    <PageCard
                      key={page.id}
                      page={page}
                      label={several ? t('scan.page.inDocument', { document: d + 1, page: p + 1 }) : t('scan.page.number', { page: p + 1 })}
                      version={`${page.rotation}.${rescans[page.id] ?? 0}`}
                      inactive={inactive}
                      canEarlier={moveTarget(documents, page.id, 'earlier') !== null}
                      canLater={moveTarget(documents, page.id, 'later') !== null}
                      onRotate={(direction) =>
                        void act(
                          () => scanApi.updatePage(page.id, { rotation: rotated(page.rotation, direction) }),
                          () => {
                            pendingFocus.current = { pageId: page.id, keys: [direction === 'left' ? 'rotate-left' : 'rotate-right'] };
                            announce(t('scan.page.rotatedAnnouncement'));
                          },
                        )
                      }
                      onMove={(direction) => {
                        const to = moveTarget(documents, page.id, direction);
                        if (!to) return;
                        void act(
                          () => scanApi.movePage(page.id, to),
                          (answer) => {
                            pendingFocus.current = { pageId: page.id, keys: [direction, direction === 'earlier' ? 'later' : 'earlier'] };
                            const place = placeOf(answer.documents, page.id);
                            if (place)
                              announce(
                                answer.documents.length > 1
                                  ? t('scan.page.movedToDocument', { document: place.document, page: place.page })
                                  : t('scan.page.movedTo', { page: place.page }),
                              );
                          },
                        );
                      }}
                      onDelete={(deleted) =>
                        void act(
                          () => scanApi.updatePage(page.id, { deleted }),
                          () => {
                            pendingFocus.current = { pageId: page.id, keys: [deleted ? 'restore' : 'delete'] };
                            announce(deleted ? t('scan.page.deletedAnnouncement') : t('scan.page.restoredAnnouncement'));
                          },
                        )
                      }
                      onRescan={() => {
                        pagesBeforeScan.current = new Set(pageIds(documents));
                        void act(
                          () => scanApi.rescanPage(page.id, source),
                          () => {
                            rescanning.current = page.id;
                            announce(t('scan.page.rescanStarted'));
                          },
                        );
                      }}
                    />
                  ))}
                </ul>
              )}
            </section>
          ))}

          {view && pageIds(documents).length > 0 && (
            <section class="scan-next" aria-labelledby="scan-next-title">
              <h2 id="scan-next-title">{t('scan.next.title')}</h2>
              <p>{t('scan.pages.kept', { count: kept })}</p>
              <div class="button-row">
                <GuardedButton
                  inactive={inactive || !lastDocument || lastDocument.pages.length === 0}
                  onPress={() => void act(() => scanApi.nextDocument(), () => announce(t('scan.next.started')))}
                >
                  {t('scan.next.document')}
                </GuardedButton>
                <GuardedButton variant="primary" inactive={inactive || kept === 0} onPress={() => show({ name: 'size' })}>
                  {t('scan.done')}
                </GuardedButton>
              </div>
              <p class="scan-next__hint">{t('scan.next.hint')}</p>
            </section>
          )}
          {cancelBlock}
        </Page>
      );
    }

    case 'size':
      return (
        <Page title={t('scan.size.title')} siteName={siteName} screenKey={screenKey}>
          <Countdown seconds={IDLE_SECONDS} warnAt={30} restartKey={activity} onExpire={timeUp} />
          {problem && <Notice kind="error" lines={[problem]} />}
          <p class="lead">{t('scan.size.intro')}</p>
          <fieldset class="scan-choice">
            <legend>{t('scan.size.question')}</legend>
            {targetSizes.map((bytes) => (
              <label key={bytes} class="scan-choice__option">
                <input type="radio" name="scan-size" value={String(bytes)} checked={target === bytes} onChange={() => setTarget(bytes)} />
                <span>
                  {sizeLabel(bytes, t)}
                  {bytes === defaultTargetBytes && ` ${t('scan.size.recommended')}`}
                </span>
              </label>
            ))}
          </fieldset>
          <p>{t('scan.size.unsure')}</p>
          {busy && (
            <ProgressBar label={t('scan.size.working')} valueText={t('scan.progress.waitingShort')} />
          )}
          <div class="button-row">
            <GuardedButton variant="primary" extra="button--main" inactive={busy} onPress={() => void finish()}>
              {t('scan.size.create')}
            </GuardedButton>
          </div>
          <p>
            <Button variant="secondary" onClick={() => show({ name: 'pages' })}>
              {t('scan.size.back')}
            </Button>
          </p>
          {cancelBlock}
        </Page>
      );

    case 'result': {
      const { pickup, documents, legibilityCropUrl } = screen.finished;
      return (
        <Page title={t('scan.result.title')} siteName={siteName} screenKey={screenKey}>
          <CodeCard
            id="scan-code-title"
            class="scan-code"
            title={t('scan.result.codeTitle')}
            code={pickup.code}
            codeTestId="pickup-code"
            qrSrc={svgDataUrl(pickup.qrSvg)}
            qrAlt={t('scan.result.qrAlt')}
          >
            <p class="code-card__how">{t('scan.result.how')}</p>
            <p>{t('scan.result.expires', { time: format.time(new Date(pickup.expiresAt)) })}</p>
          </CodeCard>
          <section aria-labelledby="scan-files-title">
            <h2 id="scan-files-title">{t('scan.result.filesTitle')}</h2>
            <ul class="scan-files">
              {documents.map((document) => (
                <li key={document.index} data-testid="scan-file">
                  {t('scan.result.file', {
                    number: document.index + 1,
                    pages: document.pages,
                    size: format.number(megabytes(document.bytes), { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
                  })}
                </li>
              ))}
            </ul>
          </section>
          {legibilityCropUrl && (
            <section aria-labelledby="scan-legibility-title">
              <h2 id="scan-legibility-title">{t('scan.result.legibilityTitle')}</h2>
              <p>{t('scan.result.legibilityText')}</p>
              <img class="scan-legibility" src={legibilityCropUrl} alt={t('scan.result.legibilityAlt')} />
            </section>
          )}
          <p>
            <Button class="button--main" onClick={() => onExit()}>
              {t('scan.result.back')}
            </Button>
          </p>
          <Countdown seconds={RESULT_SECONDS} warnAt={20} restartKey={activity} onExpire={() => onExit()} />
        </Page>
      );
    }
  }
}

type PageCardProps = {
  page: ScanPage;
  label: string;
  version: string;
  inactive: boolean;
  canEarlier: boolean;
  canLater: boolean;
  onRotate: (direction: 'left' | 'right') => void;
  onMove: (direction: 'earlier' | 'later') => void;
  onDelete: (deleted: boolean) => void;
  onRescan: () => void;
};

/** One scanned page: thumbnail and its buttons, grouped under the page's name. */
function PageCard({ page, label, version, inactive, canEarlier, canLater, onRotate, onMove, onDelete, onRescan }: PageCardProps) {
  const { t } = useI18n();
  const titleId = `scan-page-${page.id}`;
  const key = (action: string) => `${page.id}:${action}`;
  return (
    <li class={page.deleted ? 'scan-page scan-page--deleted' : 'scan-page'} data-page-id={page.id} data-testid="scan-page">
      <h3 class="scan-page__title" id={titleId} tabIndex={-1} data-focus-key={key('title')}>
        {label}
      </h3>
      <img class="scan-page__thumb" src={scanApi.previewUrl(page.id, version)} alt={t('scan.page.preview', { label })} />
      {page.deleted && (
        <p class="scan-page__state">
          <span aria-hidden="true">✕ </span>
          {page.blank ? t('scan.page.blankDeleted') : t('scan.page.deleted')}
        </p>
      )}
      <div class="scan-page__actions" role="group" aria-labelledby={titleId}>
        {page.deleted ? (
          <GuardedButton inactive={inactive} focusKey={key('restore')} onPress={() => onDelete(false)}>
            {t('scan.page.restore')}
          </GuardedButton>
        ) : (
          <>
            <GuardedButton inactive={inactive} focusKey={key('rotate-left')} onPress={() => onRotate('left')}>
              <span aria-hidden="true">⟲ </span>
              {t('scan.page.rotateLeft')}
            </GuardedButton>
            <GuardedButton inactive={inactive} focusKey={key('rotate-right')} onPress={() => onRotate('right')}>
              <span aria-hidden="true">⟳ </span>
              {t('scan.page.rotateRight')}
            </GuardedButton>
            <GuardedButton inactive={inactive || !canEarlier} focusKey={key('earlier')} onPress={() => onMove('earlier')}>
              {t('scan.page.earlier')}
            </GuardedButton>
            <GuardedButton inactive={inactive || !canLater} focusKey={key('later')} onPress={() => onMove('later')}>
              {t('scan.page.later')}
            </GuardedButton>
            <GuardedButton inactive={inactive} focusKey={key('rescan')} onPress={onRescan}>
              {t('scan.page.rescan')}
            </GuardedButton>
            <GuardedButton inactive={inactive} variant="danger" focusKey={key('delete')} onPress={() => onDelete(true)}>
              {t('scan.page.delete')}
            </GuardedButton>
          </>
        )}
      </div>
    </li>
  );
}
