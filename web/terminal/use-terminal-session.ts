import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { fetchSession, type TerminalSession } from './terminal-api.ts';

/** How often the page re-reads the session: new jobs from a print dialog show up within this. */
export const SESSION_POLL_MS = 3000;

export type SessionState = {
  session: TerminalSession | null;
  /** The last failure (kept until a read succeeds again); the page translates it. */
  error: unknown;
  /** Reads the session now (after an upload, a delete, the end of a session). */
  refresh: () => Promise<TerminalSession | null>;
};

/**
 * This terminal's session, re-read every few seconds without a reload. A failed read keeps the
 * last good answer on screen: a short network hiccup must not blank a citizen's release code.
 */
export function useTerminalSession(pollMs = SESSION_POLL_MS): SessionState {
  const [session, setSession] = useState<TerminalSession | null>(null);
  const [error, setError] = useState<unknown>(null);
  const generation = useRef(0);

  const refresh = useCallback(async () => {
    // Answers can overtake each other; only the newest request may set the state.
    const mine = ++generation.current;
    try {
      const answer = await fetchSession();
      if (mine === generation.current) {
        setSession(answer);
        setError(null);
      }
      return answer;
    } catch (failure) {
      if (mine === generation.current) setError(failure);
      return null;
    }
  }, []);

  useEffect(() => {
    void refresh();
    const timer = window.setInterval(() => {
      // A hidden tab (kiosk screen off) needs no fresh list.
      if (document.visibilityState !== 'hidden') void refresh();
    }, pollMs);
    return () => {
      window.clearInterval(timer);
      generation.current++;
    };
  }, [refresh, pollMs]);

  return { session, error, refresh };
}
