import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { createWedgeDetector, type WedgeVerdict } from '../../web/station/wedge.ts';

/** Feeds `keys` with `gapMs` between them and returns every verdict. */
function feed(keys: string[], gapMs: number, start = 1000) {
  const wedge = createWedgeDetector();
  return keys.map((key, index) => wedge.key(key, start + index * gapMs));
}
const chars = (text: string) => [...text];
const scanOf = (verdicts: WedgeVerdict[]) => verdicts.filter((verdict) => verdict.kind === 'scan');

describe('barcode scanner (keyboard wedge) detection', () => {
  test('a fast burst of the QR text and Enter is one scan with the whole text', () => {
    const verdicts = feed([...chars('DP1-Ab3_x-9kLmNoPq'), 'Enter'], 5);
    expect(verdicts.slice(0, -1).every((verdict) => verdict.kind === 'swallow')).toBe(true);
    expect(verdicts.at(-1)).toEqual({ kind: 'scan', text: 'DP1-Ab3_x-9kLmNoPq' });
  });

  test('Shift pressed by the scanner for capitals neither breaks nor joins the burst', () => {
    const keys = ['Shift', 'D', 'Shift', 'P', '1', '-', ...chars('abcdefgh'), 'Enter'];
    expect(scanOf(feed(keys, 5))).toEqual([{ kind: 'scan', text: 'DP1-abcdefgh' }]);
  });

  test('the same keys typed at human speed are no scan', () => {
    expect(scanOf(feed([...chars('DP1-abcdefgh'), 'Enter'], 250))).toEqual([]);
  });

  test('a too short token is no scan and its Enter passes through', () => {
    expect(feed([...chars('DP1-abc'), 'Enter'], 5).at(-1)).toEqual({ kind: 'pass' });
  });

  test('digits typed by a person always reach the keypad, however fast', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...chars('0123456789')), { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 400 }), (digits, gap) => {
        const verdicts = feed(digits, gap);
        return verdicts.every((verdict) => verdict.kind === 'pass');
      }),
    );
  });

  test('a burst that turns out not to be a QR code releases the keys after it', () => {
    const verdicts = feed(chars('DX5'), 5);
    expect(verdicts.map((verdict) => verdict.kind)).toEqual(['swallow', 'pass', 'pass']);
  });

  test('a scan right after another key press is still recognised', () => {
    const wedge = createWedgeDetector();
    expect(wedge.key('7', 0)).toEqual({ kind: 'pass' });
    const verdicts = [...chars('DP1-12345678'), 'Enter'].map((key, index) => wedge.key(key, 3 + index * 3));
    expect(verdicts.at(-1)).toEqual({ kind: 'scan', text: 'DP1-12345678' });
  });
});

describe('wedge detector on a busy kiosk', () => {
  test('after a fast prefix, the token may arrive with jitter up to half a second per key', () => {
    const wedge = createWedgeDetector();
    let at = 0;
    for (const key of 'DP1-') expect(wedge.key(key, (at += 10)).kind).toBe('swallow');
    for (const key of 'abcdefghij') expect(wedge.key(key, (at += 300)).kind).toBe('swallow');
    expect(wedge.key('Enter', at + 300)).toEqual({ kind: 'scan', text: 'DP1-abcdefghij' });
  });

  test('a scan whose prefix keys a busy kiosk delivers up to 200 ms apart is still one scan', () => {
    const wedge = createWedgeDetector();
    const gaps = [5, 180, 20, 190];
    let at = 0;
    'DP1-'.split('').forEach((key, i) => expect(wedge.key(key, (at += gaps[i]!)).kind).toBe('swallow'));
    for (const key of 'abcdefgh') expect(wedge.key(key, (at += 5)).kind).toBe('swallow');
    expect(wedge.key('Enter', at + 5)).toEqual({ kind: 'scan', text: 'DP1-abcdefgh' });
  });

  test('a slowly typed prefix is still a person typing, not a scan', () => {
    const wedge = createWedgeDetector();
    let at = 0;
    for (const key of 'DP1-abcdefghij') wedge.key(key, (at += 300));
    expect(wedge.key('Enter', at + 300).kind).toBe('pass');
  });
});
