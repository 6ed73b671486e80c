import { useCallback, useState } from 'preact/hooks';

/**
 * Each page is a small state machine of screens instead of a router: a kiosk has no address bar,
 * and a screen's data (a job list, a scan in progress) travels with the state. A screen is
 * `{ name: 'start' } | { name: 'jobs', jobs: Job[] } | …`; `key` changes on every `show`, so the
 * page can move focus to the new heading even when the same screen is shown again.
 */
export function useScreens<S extends { name: string }>(initial: S) {
  const [state, setState] = useState({ screen: initial, key: 0 });
  const show = useCallback((screen: S) => setState((previous) => ({ screen, key: previous.key + 1 })), []);
  return { screen: state.screen, screenKey: state.key, show };
}
