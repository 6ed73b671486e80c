/**
 * Settings kept for this browser session only: a public terminal must forget them once the
 * kiosk browser restarts for the next person. Storage may be unavailable (locked-down kiosk
 * profiles); then the settings simply do not persist.
 */
export function readSession(key: string): string | null {
  try {
    return window.sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeSession(key: string, value: string | null): void {
  try {
    if (value === null) window.sessionStorage.removeItem(key);
    else window.sessionStorage.setItem(key, value);
  } catch {
    // Not persisted; the setting still applies to the page that is open.
  }
}
