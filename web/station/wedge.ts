/**
 * Recognises a barcode scanner that works as a keyboard ("keyboard wedge"): it types the QR
 * code's text, `DP1-<token>`, as a fast burst of key presses and ends with Enter — wherever the
 * focus happens to be. People type far slower than a scanner, so a burst is told apart from
 * typing by the gap between keys.
 *
 * While a burst could still be a scan, its keys are swallowed so that, say, the `1` of `DP1-` is
 * not taken as a digit of the release code, and the final Enter does not press a focused button.
 */

export type WedgeVerdict =
  /** Not part of a scan: handle the key as usual. */
  | { kind: 'pass' }
  /** Part of a possible scan: the caller stops the key's default action. */
  | { kind: 'swallow' }
  /** A complete scan; the caller stops the Enter and logs in with `text`. */
  | { kind: 'scan'; text: string };

export type WedgeDetectorOptions = {
  /** What every station QR code starts with. */
  prefix?: string;
  /** Further prefixes recognised the same way (voucher slips: `DPV-`); the caller tells them apart by the text. */
  otherPrefixes?: string[];
  /**
   * Longest pause between two keys of one scan, in ms. Scanners send keys 1–30 ms apart, but a
   * busy kiosk delivers some of them 100 ms and more apart; people type the letters of `DP1-`
   * 250 ms and more apart (and have no reason to type them on the station at all).
   */
  maxGapMs?: number;
  /** Shortest token after the prefix that is worth sending to the server. */
  minTokenLength?: number;
  /**
   * Longest pause once a whole prefix came as a burst. Nobody types `DP1-` at scanner speed, so
   * after it a busy kiosk's jitter (keys delivered 100–300 ms apart) must not break the scan.
   */
  maxGapAfterPrefixMs?: number;
};

export function createWedgeDetector({ prefix = 'DP1-', otherPrefixes = [], maxGapMs = 200, minTokenLength = 8, maxGapAfterPrefixMs = 500 }: WedgeDetectorOptions = {}) {
  let buffer = '';
  let lastAt = Number.NEGATIVE_INFINITY;
  const prefixes = [prefix, ...otherPrefixes];

  const couldBeScan = (text: string) => prefixes.some((p) => text.startsWith(p) || p.startsWith(text));
  const scanned = (text: string) => prefixes.some((p) => text.startsWith(p) && text.length >= p.length + minTokenLength);

  return {
    /**
     * Feeds one keydown: `key` as in `KeyboardEvent.key`, `at` in ms (`event.timeStamp`).
     * Modifier keys (a scanner presses Shift for capitals) neither break nor extend a burst.
     */
    key(key: string, at: number): WedgeVerdict {
      if (key === 'Shift' || key === 'CapsLock') return { kind: 'pass' };
      const pastPrefix = prefixes.some((p) => buffer.length >= p.length && buffer.startsWith(p));
      if (at - lastAt > (pastPrefix ? maxGapAfterPrefixMs : maxGapMs)) buffer = '';
      lastAt = at;

      if (key === 'Enter') {
        const text = buffer;
        buffer = '';
        if (scanned(text)) return { kind: 'scan', text };
        return { kind: 'pass' };
      }
      if (key.length !== 1) {
        buffer = '';
        return { kind: 'pass' };
      }
      const candidate = buffer + key;
      if (couldBeScan(candidate)) {
        buffer = candidate;
        return { kind: 'swallow' };
      }
      buffer = couldBeScan(key) ? key : '';
      return buffer === '' ? { kind: 'pass' } : { kind: 'swallow' };
    },
    reset() {
      buffer = '';
      lastAt = Number.NEGATIVE_INFINITY;
    },
  };
}

export type WedgeDetector = ReturnType<typeof createWedgeDetector>;
