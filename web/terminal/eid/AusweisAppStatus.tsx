import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Button } from '../../shared/components/Button.tsx';
import { announce } from '../../shared/components/LiveRegion.tsx';
import { useI18n } from '../../shared/i18n/I18nProvider.tsx';
import type { Translate } from '../../shared/i18n/i18n.ts';
import { resolveAusweisAppUrl, type EidStatus } from './ausweisapp-status.ts';
import { checkAusweisApp } from './check-ausweisapp.ts';
import { StatusIcon } from './StatusIcon.tsx';
import './eid.css';

/** What the widget shows: an answer, or "checking" before the first one. */
export type WidgetState = EidStatus | 'checking';

export type AusweisAppStatusProps = {
  /** AusweisApp's SDK address from the site's configuration; only loopback addresses are used. */
  url?: string | null;
  /** One look at AusweisApp (tests pass their own to show a given state). */
  check?: (args: { url: string }) => Promise<EidStatus>;
  /** Between automatic checks while the screen is visible. */
  intervalMs?: number;
  /** Never two checks closer than this, whatever asks (focus, button, timer). */
  minGapMs?: number;
};

// The texts of each state, written out so the catalog test sees every key in use.
function textsOf(state: WidgetState, t: Translate): { title: string; hint: string } {
  switch (state) {
    case 'ready':
      return { title: t('eid.status.ready'), hint: t('eid.status.readyHint') };
    case 'cardInserted':
      return { title: t('eid.status.cardInserted'), hint: t('eid.status.cardInsertedHint') };
    case 'noReader':
      return { title: t('eid.status.noReader'), hint: t('eid.status.noReaderHint') };
    case 'notRunning':
      return { title: t('eid.status.notRunning'), hint: t('eid.status.notRunningHint') };
    case 'busy':
      return { title: t('eid.status.busy'), hint: t('eid.status.busyHint') };
    case 'checking':
      return { title: t('eid.status.checking'), hint: t('eid.status.checkingHint') };
  }
}

/**
 * The live "is the card reader ready?" box on the Online-Ausweis screen. It looks at AusweisApp
 * on opening, every `intervalMs` while the page is visible, when the window gets focus again,
 * and when the citizen presses "Erneut prüfen". Each look connects, asks and disconnects at once
 * (see check-ausweisapp.ts); while the page is hidden (the citizen is logging in on a portal in
 * another tab) it does not look at all, so it never stands in the way of that login.
 *
 * The status sits in its own polite live region: screen readers hear it when it changes, not on
 * every look. A press of the button with an unchanged answer is answered once through the page's
 * announcer, since the citizen asked.
 */
export function AusweisAppStatus({ url: configured, check = checkAusweisApp, intervalMs = 10_000, minGapMs = 3_000 }: AusweisAppStatusProps) {
  const { t, format } = useI18n();
  const url = useMemo(
    () => resolveAusweisAppUrl({ configured, pageHostname: window.location.hostname, pageSearch: window.location.search }),
    [configured],
  );
  const [state, setState] = useState<WidgetState>('checking');
  const [checkedAt, setCheckedAt] = useState<Date | null>(null);
  const [looking, setLooking] = useState(false);

  const translate = useRef(t);
  translate.current = t;
  const shown = useRef<WidgetState>('checking');
  const busy = useRef(false);
  const lastStart = useRef(Number.NEGATIVE_INFINITY);
  const timer = useRef<number | undefined>(undefined);
  const alive = useRef(true);
  const manualPending = useRef(false);

  const schedule = useCallback((run: () => void, delayMs: number) => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(run, delayMs);
  }, []);

  const look = useCallback(
    async ({ manual }: { manual: boolean }): Promise<void> => {
      if (manual) manualPending.current = true;
      if (busy.current || !alive.current) return;
      const wait = lastStart.current + minGapMs - Date.now();
      if (wait > 0) {
        schedule(() => void look({ manual: false }), wait);
        return;
      }
      window.clearTimeout(timer.current);
      busy.current = true;
      lastStart.current = Date.now();
      setLooking(true);
      const answer = await check({ url });
      busy.current = false;
      if (!alive.current) return;
      setLooking(false);
      const changed = answer !== shown.current;
      shown.current = answer;
      setState(answer);
      setCheckedAt(new Date());
      if (manualPending.current && !changed) announce(textsOf(answer, translate.current).title);
      manualPending.current = false;
      if (document.visibilityState === 'visible') schedule(() => void look({ manual: false }), intervalMs);
    },
    [check, url, intervalMs, minGapMs, schedule],
  );

  useEffect(() => {
    alive.current = true;
    void look({ manual: false });
    const onVisibility = () => {
      if (document.visibilityState === 'visible') void look({ manual: false });
      else window.clearTimeout(timer.current);
    };
    const onFocus = () => void look({ manual: false });
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('focus', onFocus);
    return () => {
      alive.current = false;
      window.clearTimeout(timer.current);
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('focus', onFocus);
    };
  }, [look]);

  const { title, hint } = textsOf(state, t);
  return (
    <section class="eid-status" aria-labelledby="eid-status-heading" data-testid="eid-status" data-state={state} data-looking={looking ? 'true' : 'false'}>
      <h2 id="eid-status-heading">{t('eid.status.heading')}</h2>
      <div class={`eid-status__box eid-status__box--${state}`} role="status" aria-live="polite" aria-atomic="true" data-testid="eid-status-text">
        <StatusIcon state={state} />
        <p class="eid-status__text">
          <strong class="eid-status__title">{title}</strong>
          <span class="eid-status__hint">{hint}</span>
        </p>
      </div>
      <div class="eid-status__actions">
        <Button variant="secondary" onClick={() => void look({ manual: true })} data-testid="eid-recheck">
          {t('eid.status.recheck')}
        </Button>
        {checkedAt && <p class="eid-status__checked">{t('eid.status.checkedAt', { time: format.date(checkedAt, { timeStyle: 'medium' }) })}</p>}
      </div>
    </section>
  );
}
