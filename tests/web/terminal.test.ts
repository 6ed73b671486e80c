import { describe, expect, test } from 'vitest';
import { deletionIn, groupedCode, jobStatus, spokenDigits, svgDataUrl } from '../../web/terminal/terminal-api.ts';
import { groupLinks, localized, type QuickLink } from '../../web/terminal/QuickLinks.tsx';

describe('terminal page helpers', () => {
  test('the release code is shown in two groups of three and spoken digit by digit', () => {
    expect(groupedCode('048213')).toBe('048 213');
    expect(spokenDigits('048213')).toBe('0 4 8 2 1 3');
    expect(spokenDigits('048 213')).toBe('0 4 8 2 1 3');
  });

  test('the time until deletion is told in hours while two or more are left, then in whole minutes rounded up', () => {
    expect(deletionIn(4 * 3600)).toEqual({ value: 4, unit: 'hour' });
    expect(deletionIn(2 * 3600 + 59 * 60)).toEqual({ value: 2, unit: 'hour' });
    expect(deletionIn(2 * 3600 - 1)).toEqual({ value: 120, unit: 'minute' });
    expect(deletionIn(61)).toEqual({ value: 2, unit: 'minute' });
    expect(deletionIn(5)).toEqual({ value: 1, unit: 'minute' });
    expect(deletionIn(-30)).toEqual({ value: 1, unit: 'minute' });
  });

  test('job states become what a citizen understands', () => {
    const states = ['held', 'processing', 'completed', 'aborted', 'canceled', 'incoming'] as const;
    expect(states.map((state) => jobStatus({ state, stateReason: null }))).toEqual(['waiting', 'printing', 'printed', 'failed', 'deleted', 'receiving']);
    // A file found damaged after it arrived failed; nobody deleted it.
    expect(jobStatus({ state: 'canceled', stateReason: 'document-format-error' })).toBe('failed');
  });

  test('an SVG becomes an image address with every markup character escaped', () => {
    const url = svgDataUrl('<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>');
    expect(url.startsWith('data:image/svg+xml;charset=utf-8,')).toBe(true);
    expect(url.slice('data:image/svg+xml;charset=utf-8,'.length)).not.toMatch(/[<>"]/);
  });
});

describe('city quick links', () => {
  const link = (group: string | undefined, title: Record<string, string> = { de: group ?? 'x' }): QuickLink => ({ title, url: `https://example.org/${group}`, group });

  test('groups keep the order of their first link in the config; unknown groups go together under "other"', () => {
    const groups = groupLinks([link('work'), link('city'), link('work'), link('weird'), link(undefined), link('city')]);
    expect(groups.map(({ group, links }) => [group, links.length])).toEqual([
      ['work', 2],
      ['city', 2],
      ['other', 2],
    ]);
  });

  test('a text is taken in the page language, else German, else any, and says which language it is', () => {
    expect(localized({ de: 'Termin', ar: 'موعد' }, 'ar')).toEqual({ text: 'موعد', lang: 'ar' });
    expect(localized({ de: 'Termin', en: 'Appointment' }, 'tr')).toEqual({ text: 'Termin', lang: 'de' });
    expect(localized({ en: 'Appointment' }, 'uk')).toEqual({ text: 'Appointment', lang: 'en' });
    expect(localized(undefined, 'de')).toBeNull();
  });
});
