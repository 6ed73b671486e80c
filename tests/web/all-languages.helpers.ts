import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { createTranslator, type Catalog, type Language, type Translate } from '../../web/shared/i18n/i18n.ts';

// The walks through every page's main states and the zoom measurements used by
// all-languages.e2e.test.ts. Each walk finds buttons by their translated names (the catalogs),
// never by German text, so the same walk runs in all six languages.

const root = fileURLToPath(new URL('../..', import.meta.url));
const catalogOf = (language: Language) => JSON.parse(readFileSync(path.join(root, `web/shared/i18n/${language}.json`), 'utf8')) as Catalog;
const de = catalogOf('de');
export const translatorOf = (language: Language): Translate => createTranslator({ language, catalog: catalogOf(language), fallback: de }).t;

export const PRINTER = 'lobeda-drucker';

/** Called at each state of a walk with a short name of that state. */
export type CheckState = (state: string) => Promise<void>;

/** expect.poll with room for a loaded machine (scrypt logins, two cores, other test files). */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });

export async function waitForHeading(page: Page, text: string) {
  await poll(() => page.locator('h1').textContent()).toBe(text);
}

/**
 * The terminal's start page: start, print (upload panel), my jobs with the one waiting job,
 * the end-session question, scan pickup code entry, Online-Ausweis. Expects one held job.
 */
export async function walkTerminal({ page, tr, check }: { page: Page; tr: Translate; check: CheckState }) {
  const back = () => page.getByRole('button', { name: tr('terminal.back'), exact: true }).click();
  await waitForHeading(page, tr('terminal.title'));
  await page.getByTestId('quick-link').first().waitFor();
  await check('start');

  await page.getByTestId('tile-print').click();
  await waitForHeading(page, tr('terminal.print.title'));
  await check('print');
  await back();

  await page.getByTestId('tile-jobs').click();
  await waitForHeading(page, tr('terminal.jobs.title'));
  await poll(() => page.getByTestId('job').count()).toBe(1);
  // The thumbnail changes the card's height: checked once it is there.
  await poll(() => page.getByTestId('job').locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  await check('my jobs');
  await back();

  await page.getByTestId('tile-end').click();
  await waitForHeading(page, tr('terminal.end.title'));
  await check('end-session question');
  await back();

  await page.getByTestId('tile-scan').click();
  await waitForHeading(page, tr('terminal.scan.title'));
  await check('scan pickup');
  await back();

  await page.getByTestId('tile-eid').click();
  await waitForHeading(page, tr('terminal.eid.title'));
  // AusweisApp does not run here: the status settles on "not started" once the look has ended.
  await poll(() => page.getByTestId('eid-status').getAttribute('data-looking')).toBe('false');
  await check('online-ausweis');
}

const keypadKey = (page: Page, label: string) => page.locator('.code-keypad__keys').getByRole('button', { name: label, exact: true });

/**
 * The release station: start with the keypad, the scan preset choice ("Scannen beginnen"), and
 * the job list after logging in with `code`. The page is opened anew between scan and login, as
 * the next citizen would find it.
 */
export async function walkStation({ page, tr, url, code, check }: { page: Page; tr: Translate; url: string; code: string; check: CheckState }) {
  await page.goto(url);
  await waitForHeading(page, tr('station.title'));
  await page.locator('.printer-state').waitFor();
  await poll(() => page.locator('.printer-state').textContent()).toContain(tr('station.printer.ready'));
  await check('start with keypad');

  await page.getByRole('button', { name: tr('scan.entry.start'), exact: true }).click();
  await waitForHeading(page, tr('scan.title'));
  await page.locator('[data-preset]').first().waitFor();
  await page.getByText(tr('scan.scannerName', { name: 'Scanner am Empfang' })).waitFor();
  await check('scan preset choice');

  await page.goto(url);
  await waitForHeading(page, tr('station.title'));
  await page.locator('.printer-state').waitFor();
  for (const digit of code) await keypadKey(page, digit).click();
  await waitForHeading(page, tr('station.jobs.title'));
  await poll(() => page.locator('.job-card img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  await check('job list');
}

/** The staff console: login form, then (logged in as `name` through the form) overview and jobs. */
export async function walkStaff({ page, tr, url, name, password, check }: { page: Page; tr: Translate; url: string; name: string; password: string; check: CheckState }) {
  await page.goto(url);
  await page.getByLabel(tr('staff.login.name')).waitFor();
  await check('login');

  await page.getByLabel(tr('staff.login.name')).fill(name);
  await page.getByLabel(tr('staff.login.password')).fill(password);
  await page.getByRole('button', { name: tr('staff.login.submit') }).click();
  await poll(() => page.locator('h1').textContent()).toBe(tr('staff.nav.overview'));
  await page.locator('.staff-card').first().waitFor();
  await check('overview');

  await page.getByRole('link', { name: tr('staff.nav.jobs') }).click();
  await poll(() => page.locator('h1').textContent()).toBe(tr('staff.nav.jobs'));
  await page.locator('li.staff-card').first().waitFor();
  await check('jobs');
}

/* ------------------------------------------------------------------ zoom ------------------ */

/**
 * How a zoom level is put on the page.
 *
 * - `reflow`: the viewport a 1280 × 900 window has at that browser zoom (640 × 450 at 200 %,
 *   320 × 225 at 400 %), device scale factor 1. This is what Chrome's zoom (Ctrl +) does: the
 *   CSS viewport shrinks by the zoom factor, so media queries, `vw`, `rem`-based min() and the
 *   line breaking all see the narrow width; only the pixels are drawn larger. WCAG 1.4.10
 *   (Reflow) defines its 320 CSS px this way. These results are the ones asserted.
 * - `css-zoom`: the 1280 px viewport with `zoom: 2` / `zoom: 4` on <html>. Everything is drawn
 *   larger and has a quarter of the room, but the viewport stays 1280 px wide: media queries
 *   keep the wide layout and `vw` units do not scale, which no browser zoom does. Measured and
 *   reported as well, because a wide-layout rule that cannot shrink shows up here first.
 */
export type ZoomMode = { name: string; kind: 'reflow' | 'css-zoom'; percent: 200 | 400; apply: (page: Page) => Promise<void> };

const SCREEN = { width: 1280, height: 900 };

// Both browser-zoom renderings first, then the CSS-zoom ones: Chromium can report the page's old
// scroll width for a moment after `zoom` is taken off again, which must not count as overflow.
export const zoomModes: ZoomMode[] = [
  ...([200, 400] as const).map((percent) => ({
    name: `${percent}% reflow (${SCREEN.width / (percent / 100)} px)`,
    kind: 'reflow' as const,
    percent,
    apply: async (page: Page) => {
      await clearCssZoom(page);
      await page.setViewportSize({ width: SCREEN.width / (percent / 100), height: SCREEN.height / (percent / 100) });
    },
  })),
  ...([200, 400] as const).map((percent) => ({
    name: `${percent}% css zoom (1280 px)`,
    kind: 'css-zoom' as const,
    percent,
    apply: async (page: Page) => {
      await page.setViewportSize(SCREEN);
      await page.evaluate((factor) => {
        document.documentElement.style.zoom = String(factor);
      }, percent / 100);
    },
  })),
];

async function clearCssZoom(page: Page) {
  const zoomed = await page.evaluate(() => {
    const was = document.documentElement.style.zoom !== '';
    document.documentElement.style.zoom = '';
    return was;
  });
  if (zoomed) await settle(page);
}

/** Back to the unzoomed screen, so the walk continues as a citizen at 100 % would. */
export async function resetZoom(page: Page) {
  await clearCssZoom(page);
  await page.setViewportSize(SCREEN);
  await settle(page);
}

/**
 * The layout after a viewport or zoom change: two animation frames, then until the page's scroll
 * width has stayed the same for a few frames (at most a second), so a measurement never sees
 * the width of the rendering before.
 */
export async function settle(page: Page) {
  await page.evaluate(async () => {
    const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
    await frame();
    await frame();
    let last = -1;
    let same = 0;
    for (let i = 0; i < 60 && same < 3; i++) {
      const width = document.documentElement.scrollWidth;
      same = width === last ? same + 1 : 0;
      last = width;
      await frame();
    }
  });
}

export type ClippedElement = { selector: string; text: string; scrollWidth: number; clientWidth: number; scrollHeight: number; clientHeight: number };
export type ZoomMeasure = { sideways: number; clipped: ClippedElement[] };

/**
 * Sideways scrolling of the whole page, and every element with text that hides what does not fit
 * (overflow hidden/clip, or text-overflow: ellipsis) while its content is larger than its box.
 * Screen-reader-only text (1 px boxes, clip/clip-path) is hidden on purpose and left out.
 */
export async function measureZoom(page: Page): Promise<ZoomMeasure> {
  return await page.evaluate(() => {
    const root = document.documentElement;
    const sideways = root.scrollWidth - root.clientWidth;

    const selectorOf = (element: Element): string => {
      const parts: string[] = [];
      let current: Element | null = element;
      while (current && current !== document.body && parts.length < 5) {
        const testId = current.getAttribute('data-testid');
        if (current.id) {
          parts.unshift(`#${CSS.escape(current.id)}`);
          break;
        }
        if (testId) {
          parts.unshift(`[data-testid="${testId}"]`);
          break;
        }
        const classes = [...current.classList].slice(0, 2).map((name) => `.${CSS.escape(name)}`).join('');
        const parent: Element | null = current.parentElement;
        const sameTag = parent ? [...parent.children].filter((child) => child.tagName === current!.tagName) : [];
        const nth = sameTag.length > 1 ? `:nth-of-type(${sameTag.indexOf(current) + 1})` : '';
        parts.unshift(`${current.tagName.toLowerCase()}${classes}${nth}`);
        current = parent;
      }
      return parts.join(' > ');
    };

    const hides = (value: string) => value === 'hidden' || value === 'clip';
    const clipped: Array<{ selector: string; text: string; scrollWidth: number; clientWidth: number; scrollHeight: number; clientHeight: number }> = [];
    for (const element of document.querySelectorAll('body *')) {
      if (!(element instanceof HTMLElement)) continue;
      const text = (element.innerText ?? '').trim();
      if (!text) continue;
      const style = getComputedStyle(element);
      if (!(hides(style.overflowX) || hides(style.overflowY) || style.textOverflow === 'ellipsis')) continue;
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      const box = element.getBoundingClientRect();
      // Screen-reader-only text: hidden on purpose, not clipped by accident.
      const srOnly = (box.width <= 1 && box.height <= 1) || style.clipPath === 'inset(50%)' || /rect\(0(px)?,? 0(px)?,? 0(px)?,? 0(px)?\)/.test(style.clip);
      if (srOnly) continue;
      const { scrollWidth, clientWidth, scrollHeight, clientHeight } = element;
      if (scrollWidth > clientWidth + 1 || scrollHeight > clientHeight + 1) {
        clipped.push({ selector: selectorOf(element), text: text.slice(0, 60), scrollWidth, clientWidth, scrollHeight, clientHeight });
      }
    }
    return { sideways, clipped };
  });
}

/** One readable line per problem, empty when the page reflows and clips nothing. */
export function zoomProblems(where: string, { sideways, clipped }: ZoomMeasure): string[] {
  const lines: string[] = [];
  if (sideways > 1) lines.push(`${where}: scrolls sideways by ${sideways} px`);
  for (const c of clipped) {
    lines.push(`${where}: clipped text at ${c.selector} ("${c.text}"): scroll ${c.scrollWidth}×${c.scrollHeight} > client ${c.clientWidth}×${c.clientHeight}`);
  }
  return lines;
}

export const fileNameOf = (...parts: string[]) =>
  `${parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}.png`;
