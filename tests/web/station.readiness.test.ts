import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { createTranslator, type Catalog } from '../../web/shared/i18n/i18n.ts';
import { notReadySentences, reasonKind, reasonSentences } from '../../web/station/readiness.ts';

const de = JSON.parse(readFileSync(new URL('../../web/shared/i18n/de.json', import.meta.url), 'utf8')) as Catalog;
const { t } = createTranslator({ language: 'de', catalog: de });

describe('printer reasons in plain words', () => {
  test.each([
    ['media-empty', 'mediaEmpty'],
    ['media-empty-error', 'mediaEmpty'],
    ['media-jam', 'mediaJam'],
    ['door-open-report', 'doorOpen'],
    ['toner-empty', 'tonerEmpty'],
    ['marker-supply-empty-warning', 'markerEmpty'],
    ['unreachable', 'unreachable'],
    ['offline', 'unreachable'],
    ['folder-not-writable', 'other'],
    ['something-new', 'other'],
  ])('%s is told as %s', (reason, kind) => {
    expect(reasonKind(reason)).toBe(kind);
  });

  test('each reason is said once, and the general sentence only when nothing specific is known', () => {
    expect(reasonSentences({ reasons: ['media-jam', 'media-jam-error', 'spool-area-full'], t })).toEqual([de['station.reason.mediaJam']]);
    expect(reasonSentences({ reasons: ['folder-not-writable'], t })).toEqual([de['station.reason.other']]);
    expect(reasonSentences({ reasons: [], t })).toEqual([de['station.reason.other']]);
  });

  test('a ready printer needs no explanation; an unreachable one without reasons still gets one', () => {
    expect(notReadySentences({ readiness: { ready: true, state: 'idle', reasons: ['media-low'], blocking: [] }, t })).toEqual([]);
    expect(notReadySentences({ readiness: { ready: false, state: 'unreachable', reasons: [], blocking: [] }, t })).toEqual([de['station.reason.unreachable']]);
    expect(notReadySentences({ readiness: { ready: false, state: 'stopped', reasons: ['media-low', 'media-empty'], blocking: ['media-empty'] }, t })).toEqual([
      de['station.reason.mediaEmpty'],
    ]);
  });
});
