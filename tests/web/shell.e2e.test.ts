import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createTestApp } from '../helpers/test-app.ts';
import { webDistDir } from '../../src/web/web.routes.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const chromiumPath = '/usr/bin/chromium';
const catalog = (language: string) =>
  JSON.parse(readFileSync(new URL(`../../web/shared/i18n/${language}.json`, import.meta.url), 'utf8')) as Record<string, string>;
const de = catalog('de');
const en = catalog('en');
const ar = catalog('ar');

const shells = [
  { name: 'terminal', path: '/', titleKey: 'terminal.title' },
  { name: 'station', path: '/station', titleKey: 'station.title' },
  { name: 'staff', path: '/staff', titleKey: 'staff.title' },
] as const;

let browser: Browser;
let ctx: Awaited<ReturnType<typeof createTestApp>>;
let baseUrl: string;
let contexts: BrowserContext[] = [];

beforeAll(async () => {
  const build = spawnSync(process.execPath, ['scripts/ensure-web-build.mjs'], { cwd: root, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  // A missing browser is a failure, not a skip: CI must install Debian's chromium.
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install -y chromium`);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  ctx = await createTestApp({ webDistDir });
  const address = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = address;
});

afterEach(async () => {
  for (const context of contexts) await context.close();
  contexts = [];
});

afterAll(async () => {
  await browser?.close();
  await ctx?.close();
});

/** A fresh browser session (own sessionStorage) that records console errors and CSP violations. */
async function openPage(path: string, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, reducedMotion: 'reduce' });
  contexts.push(context);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${baseUrl}${path}`);
  await page.locator('h1').waitFor();
  return { page, problems };
}

async function axeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  // Guards against a silent no-op run (e.g. axe not injected): a real page passes dozens of checks.
  expect(results.passes.length).toBeGreaterThan(10);
  return results.violations.map((violation) => ({
    id: violation.id,
    nodes: violation.nodes.map((node) => node.target.join(' ')),
  }));
}

const htmlAttributes = (page: Page) =>
  page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir }));

describe.each(shells)('the $name page', ({ path, titleKey }) => {
  test('in German it has its heading, the site name, and no WCAG 2.1 AA violations', async () => {
    const { page, problems } = await openPage(path);
    expect(await htmlAttributes(page)).toEqual({ lang: 'de', dir: 'ltr' });
    await expect.poll(() => page.locator('h1').textContent()).toBe(de[titleKey]);
    await expect.poll(() => page.locator('header').textContent()).toContain(ctx.config.sites[0]!.name);
    expect(await page.title()).toBe(`${de[titleKey]} – ${ctx.config.sites[0]!.name}`);
    expect(await page.locator('main').count()).toBe(1);
    expect(await page.locator('footer').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  test('with ?lang=ar it is Arabic, right to left, and has no WCAG 2.1 AA violations', async () => {
    const { page, problems } = await openPage(`${path}?lang=ar`);
    expect(await htmlAttributes(page)).toEqual({ lang: 'ar', dir: 'rtl' });
    expect(await page.locator('h1').textContent()).toBe(ar[titleKey]);
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  test('the language switch changes the heading and the page language, and the choice lasts the session', async () => {
    const { page } = await openPage(path);
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe(en[titleKey]);
    expect(await htmlAttributes(page)).toEqual({ lang: 'en', dir: 'ltr' });
    expect(await page.getByRole('button', { name: 'English' }).getAttribute('aria-current')).toBe('true');
    expect(await page.getByRole('button', { name: 'Deutsch' }).getAttribute('aria-current')).toBeNull();

    await page.reload();
    await expect.poll(() => page.locator('h1').textContent()).toBe(en[titleKey]);

    await page.getByRole('button', { name: 'العربية' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe(ar[titleKey]);
    expect(await htmlAttributes(page)).toEqual({ lang: 'ar', dir: 'rtl' });

    const { page: nextVisitor } = await openPage(path);
    expect(await nextVisitor.locator('h1').textContent()).toBe(de[titleKey]);
  });

  test('at 320 px width (1280 px at 400 % zoom) nothing needs sideways scrolling, in German and Arabic', async () => {
    for (const query of ['', '?lang=ar']) {
      const { page } = await openPage(`${path}${query}`, { width: 320, height: 640 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, query || 'de').toBeLessThanOrEqual(0);
    }
  });
});

describe('page frame', () => {
  test('a language chosen on a page opened with ?lang= survives a reload', async () => {
    const { page } = await openPage('/station?lang=ar');
    await page.getByRole('button', { name: 'Deutsch' }).click();
    await expect.poll(() => htmlAttributes(page)).toEqual({ lang: 'de', dir: 'ltr' });
    expect(new URL(page.url()).searchParams.get('lang')).toBe('de');
    await page.reload();
    await expect.poll(() => page.locator('h1').textContent()).toBe(de['station.title']);
  });

  test('the first Tab reaches the skip link, which moves focus to the main content', async () => {
    const { page } = await openPage('/station');
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe(de['shell.skipLink']);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main');
  });

  test('large text and strong contrast switch on for the session and still pass WCAG 2.1 AA', async () => {
    const { page } = await openPage('/');
    const fontSize = () => page.evaluate(() => Number.parseFloat(getComputedStyle(document.querySelector('h1')!).fontSize));
    const before = await fontSize();
    const largeText = page.getByRole('button', { name: de['shell.largeText'] });
    const contrast = page.getByRole('button', { name: de['shell.highContrast'] });
    await largeText.click();
    await contrast.click();
    // Polled: the page applies the preferences on its next render (and may fade the colours).
    await expect.poll(() => largeText.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => contrast.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(fontSize).toBeGreaterThan(before * 1.2);
    await expect.poll(() => page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(0, 0, 0)');
    expect(await axeViolations(page)).toEqual([]);

    await page.reload();
    await page.locator('h1').waitFor();
    await expect.poll(() => page.evaluate(() => [...document.documentElement.classList].sort())).toEqual(['pref-high-contrast', 'pref-large-text']);
  });

  test('every button is at least 44 by 44 CSS pixels', async () => {
    for (const { path } of shells) {
      const { page } = await openPage(path);
      const small = await page.evaluate(() =>
        [...document.querySelectorAll('button')]
          .map((button) => ({ text: button.textContent, box: button.getBoundingClientRect() }))
          .filter(({ box }) => box.width < 44 || box.height < 44)
          .map(({ text }) => text),
      );
      expect(small, path).toEqual([]);
    }
  });

  test('the focus ring is at least 3 px wide', async () => {
    const { page } = await openPage('/');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('BUTTON');
    const ring = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement!);
      return { tag: document.activeElement!.tagName, outline: Number.parseFloat(style.outlineWidth), style: style.outlineStyle };
    });
    expect(ring.tag).toBe('BUTTON');
    expect(ring.style).toBe('solid');
    expect(ring.outline).toBeGreaterThanOrEqual(3);
  });
});
