import { useEffect, useRef, useState } from 'preact/hooks';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { announce } from './LiveRegion.tsx';
import { Button } from './Button.tsx';

export type CountdownProps = {
  /** Time until `onExpire`, in seconds. */
  seconds: number;
  onExpire: () => void;
  /** When this many seconds are left, the warning is shown and announced (WCAG 2.2.1: ≥ 20 s). */
  warnAt?: number;
  /** How much time "Mehr Zeit" gives, in seconds; defaults to `seconds`. */
  extendBy?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
  /**
   * Any change restarts the countdown quietly (a touch or key press elsewhere on the screen
   * counts as "still here"), without remounting it, so focus on its button is kept.
   */
  restartKey?: string | number;
};

/**
 * A visible countdown for screens that end by themselves (a logged-in release station). The
 * remaining time is not read out every second — only once, as a warning, in time to react —
 * and one press on "Mehr Zeit" (or any key on the button) restarts it.
 */
export function Countdown({ seconds, onExpire, warnAt = 30, extendBy = seconds, now = Date.now, restartKey }: CountdownProps) {
  const { t, format } = useI18n();
  const [deadline, setDeadline] = useState(() => now() + seconds * 1000);
  const [remaining, setRemaining] = useState(seconds);
  const warned = useRef(false);
  const expired = useRef(false);
  const onExpireRef = useRef(onExpire);
  onExpireRef.current = onExpire;
  const warnSeconds = Math.max(20, warnAt);
  const firstRestartKey = useRef(restartKey);

  useEffect(() => {
    if (restartKey === firstRestartKey.current) return;
    firstRestartKey.current = restartKey;
    warned.current = false;
    expired.current = false;
    setDeadline(now() + seconds * 1000);
  }, [restartKey, now, seconds]);

  useEffect(() => {
    const tick = () => {
      const left = Math.max(0, Math.ceil((deadline - now()) / 1000));
      setRemaining(left);
      if (left <= warnSeconds && left > 0 && !warned.current) {
        warned.current = true;
        announce(t('countdown.warning', { seconds: left }), 'assertive');
      }
      if (left === 0 && !expired.current) {
        expired.current = true;
        onExpireRef.current();
      }
    };
    tick();
    const timer = window.setInterval(tick, 250);
    return () => window.clearInterval(timer);
  }, [deadline, now, t, warnSeconds]);

  const extend = () => {
    warned.current = false;
    expired.current = false;
    setDeadline(now() + extendBy * 1000);
    announce(t('countdown.extended', { minutes: Math.max(1, Math.round(extendBy / 60)) }));
  };

  const warning = remaining <= warnSeconds;
  return (
    <div class={warning ? 'countdown countdown--warning' : 'countdown'}>
      <p class="countdown__time">
        {warning && (
          <span class="countdown__icon" aria-hidden="true">
            ⚠{' '}
          </span>
        )}
        <span role="timer" aria-live="off">
          {t('countdown.remaining', { time: format.clock(remaining) })}
        </span>
      </p>
      {warning && <p class="countdown__warning">{t('countdown.hint')}</p>}
      <Button variant={warning ? 'primary' : 'secondary'} onClick={extend}>
        {t('countdown.extend')}
      </Button>
    </div>
  );
}
