import { useCallback, useEffect, useState } from 'preact/hooks';
import { readSession, writeSession } from './session-store.ts';

/**
 * Display settings a person can switch on for themself. Each is a class on <html> so the CSS
 * decides what it means; each lasts for this browser session only.
 */
export const displayPreferences = {
  largeText: { className: 'pref-large-text', storageKey: 'druckpunkt.largeText' },
  highContrast: { className: 'pref-high-contrast', storageKey: 'druckpunkt.highContrast' },
} as const;

export type DisplayPreference = keyof typeof displayPreferences;

function apply(preference: DisplayPreference, on: boolean) {
  document.documentElement.classList.toggle(displayPreferences[preference].className, on);
}

function isStoredOn(preference: DisplayPreference) {
  return readSession(displayPreferences[preference].storageKey) === 'on';
}

/** Called before the first render so the page never flashes in the other style. */
export function applyStoredPreferences(): void {
  for (const preference of Object.keys(displayPreferences) as DisplayPreference[]) apply(preference, isStoredOn(preference));
}

const RESET_EVENT = 'druckpunkt:display-preferences-reset';

/**
 * Every display preference off, stored and shown: the terminal calls it when a citizen ends their
 * session, so the next person starts with the page as it comes.
 */
export function resetDisplayPreferences(): void {
  for (const preference of Object.keys(displayPreferences) as DisplayPreference[]) {
    writeSession(displayPreferences[preference].storageKey, null);
    apply(preference, false);
  }
  window.dispatchEvent(new Event(RESET_EVENT));
}

export function useDisplayPreference(preference: DisplayPreference): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(() => isStoredOn(preference));
  useEffect(() => {
    const onReset = () => setOn(false);
    window.addEventListener(RESET_EVENT, onReset);
    return () => window.removeEventListener(RESET_EVENT, onReset);
  }, []);
  const set = useCallback(
    (next: boolean) => {
      writeSession(displayPreferences[preference].storageKey, next ? 'on' : null);
      apply(preference, next);
      setOn(next);
    },
    [preference],
  );
  return [on, set];
}
