import { useEffect, useRef, useState } from 'preact/hooks';

export type Politeness = 'polite' | 'assertive';

const announceEvent = 'druckpunkt:announce';
type AnnounceDetail = { message: string; politeness: Politeness };

/**
 * Tells screen-reader users about something that changed without moving their focus
 * ("Ihr Auftrag wird gedruckt."). Callable from anywhere — components, API helpers, timers —
 * because it only dispatches an event that the page's <LiveRegions/> picks up.
 * Use 'assertive' only for things that need action now (time running out, errors).
 */
export function announce(message: string, politeness: Politeness = 'polite'): void {
  document.dispatchEvent(new CustomEvent<AnnounceDetail>(announceEvent, { detail: { message, politeness } }));
}

/**
 * The two live regions (polite and assertive), rendered once per page by <Page>. They exist
 * empty from the start: screen readers ignore regions that appear together with their text.
 */
export function LiveRegions() {
  const [polite, setPolite] = useState('');
  const [assertive, setAssertive] = useState('');
  const timers = useRef<number[]>([]);

  useEffect(() => {
    const onAnnounce = (event: Event) => {
      const { message, politeness } = (event as CustomEvent<AnnounceDetail>).detail;
      const set = politeness === 'assertive' ? setAssertive : setPolite;
      // Clear first, then set after a moment: the same sentence twice is announced twice.
      set('');
      timers.current.push(window.setTimeout(() => set(message), 100));
    };
    document.addEventListener(announceEvent, onAnnounce);
    return () => {
      document.removeEventListener(announceEvent, onAnnounce);
      for (const timer of timers.current) window.clearTimeout(timer);
    };
  }, []);

  return (
    <div class="visually-hidden">
      <div role="status" aria-live="polite" aria-atomic="true" data-testid="live-polite">
        {polite}
      </div>
      <div role="alert" aria-live="assertive" aria-atomic="true" data-testid="live-assertive">
        {assertive}
      </div>
    </div>
  );
}
