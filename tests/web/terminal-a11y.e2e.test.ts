import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { languages, type Translate } from '../../web/shared/i18n/i18n.ts';
import { expectNoViolations, pdf3, tile, useTerminalTestbed, waitForHeading } from './terminal-page.ts';

// The terminal start page's screens and states checked with axe-core (WCAG 2.1 A and AA, as
// BITV 2.0 requires) and for reflow at 320 px width, in German and Arabic (right to left).

const bed = useTerminalTestbed();
const { uploadFromOutside, openTerminal } = bed;

const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe('the start page', () => {
  test.each(languages.map(({ code }) => code))('in %s it has no WCAG 2.1 AA violations', async (language) => {
    const { page, problems, tr } = await openTerminal({ language });
    expect(await tile(page, 'tile-print').textContent()).toContain(tr('terminal.tiles.print'));
    await page.getByTestId('quick-link').first().waitFor();
    await expectNoViolations(page, `start ${language}`);
    expect(problems).toEqual([]);
  });
});

describe('every screen', () => {
  /** Visits each screen and state; calls `check` on each. */
  async function everyState(page: Page, tr: Translate, check: (state: string) => Promise<void>) {
    await check('start');
    await tile(page, 'tile-print').click();
    await waitForHeading(page, tr('terminal.print.title'));
    await check('print');
    await page.getByRole('button', { name: tr('terminal.back') }).click();
    await tile(page, 'tile-jobs').click();
    await waitForHeading(page, tr('terminal.jobs.title'));
    await expect.poll(() => page.getByTestId('job').count(), { timeout: 8000 }).toBe(1);
    await page.getByTestId('job').locator('img').waitFor();
    await check('jobs');
    await page.getByRole('button', { name: tr('terminal.jobs.delete') }).click();
    await check('jobs, delete confirmation');
    await page.getByRole('button', { name: tr('terminal.jobs.confirmNo') }).click();
    await page.getByRole('button', { name: tr('terminal.back') }).click();
    await tile(page, 'tile-end').click();
    await waitForHeading(page, tr('terminal.end.title'));
    await check('end with waiting jobs');
    await page.getByRole('button', { name: tr('terminal.back') }).click();
    await tile(page, 'tile-scan').click();
    await waitForHeading(page, tr('terminal.scan.title'));
    await check('scan');
    await page.getByRole('button', { name: tr('terminal.back') }).click();
    await tile(page, 'tile-eid').click();
    await waitForHeading(page, tr('terminal.eid.title'));
    expect(await page.locator('[data-slot="ausweisapp-status"]').count()).toBe(1);
    await check('eid');
  }

  test.each(['de', 'ar'] as const)('in %s every screen and state has no WCAG 2.1 AA violations', async (language) => {
    await uploadFromOutside('Formular.pdf', pdf3);
    const { page, problems, tr } = await openTerminal({ language });
    await everyState(page, tr, (state) => expectNoViolations(page, `${state} (${language})`));
    expect(problems).toEqual([]);
  });

  test.each(['de', 'ar'] as const)('in %s at 320 px width (1280 px at 400 percent zoom) no screen scrolls sideways', async (language) => {
    await uploadFromOutside('Ein sehr langer Dateiname ohne Leerzeichen_Bewerbungsunterlagen_2025_final_wirklich_final.pdf', pdf3);
    const { page, tr } = await openTerminal({ language, viewport: { width: 320, height: 640 } });
    const overflow: Record<string, number> = {};
    await everyState(page, tr, async (state) => {
      overflow[state] = await noSidewaysScroll(page);
    });
    expect(Object.entries(overflow).filter(([, pixels]) => pixels > 0)).toEqual([]);
  });
});

describe('display settings', () => {
  test('with large text and strong contrast the print and job screens still pass WCAG 2.1 AA and reflow at 320 px', async () => {
    await uploadFromOutside('Formular.pdf', pdf3);
    const { page, tr } = await openTerminal({ viewport: { width: 320, height: 640 } });
    await page.getByRole('button', { name: tr('shell.largeText') }).click();
    await page.getByRole('button', { name: tr('shell.highContrast') }).click();
    await expect.poll(() => page.getByRole('button', { name: tr('shell.highContrast') }).getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(0, 0, 0)');
    await tile(page, 'tile-print').click();
    await waitForHeading(page, tr('terminal.print.title'));
    await expectNoViolations(page, 'print, large text and strong contrast');
    expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(0);
    await page.getByRole('button', { name: tr('terminal.back') }).click();
    await tile(page, 'tile-jobs').click();
    await waitForHeading(page, tr('terminal.jobs.title'));
    await page.getByTestId('job').locator('img').waitFor();
    await expectNoViolations(page, 'jobs, large text and strong contrast');
    expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(0);
  });
});
