import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { checkA11y, launchChromium, type ChromiumPeer } from '../helpers/peers/chromium.ts';
import { requireCommand } from '../helpers/peers/process.ts';
import { inspectPdf, startScanTestApp, type ScanTestApp } from '../scan/scan.harness.ts';
import { demoConfig } from '../../src/config/demo-config.ts';
import { webDistDir } from '../../src/web/web.routes.ts';
import { createTranslator, type Catalog, type Language, type Translate } from '../../web/shared/i18n/i18n.ts';

// The scan flow at the release station and the pickup on the terminal page, in Debian's Chromium
// against the real app, scanning from SANE's real `test` device (private SANE_CONFIG_DIR).

const root = fileURLToPath(new URL('../..', import.meta.url));
const PRINTER = 'lobeda-drucker';
const SCANNER = 'lobeda-scanner';

const catalogOf = (language: Language) => JSON.parse(readFileSync(path.join(root, `web/shared/i18n/${language}.json`), 'utf8')) as Catalog;
const de = catalogOf('de');
const translators: Record<'de' | 'ar', Translate> = {
  de: createTranslator({ language: 'de', catalog: de }).t,
  ar: createTranslator({ language: 'ar', catalog: catalogOf('ar'), fallback: de }).t,
};
const t = translators.de;

type Station = { ctx: ScanTestApp; baseUrl: string };
type FinishedAnswer = { pickup: { code: string; url: string; expiresAt: string }; documents: Array<{ index: number; pages: number; bytes: number }> };

let chromium: ChromiumPeer;
let tempDir = '';
let main: Station;
let jamming: Station;
let contexts: BrowserContext[] = [];

/** The demo site with its scanner as SANE's `test` device: a grid picture, three sheets in the feeder. */
function configWithTestScanner({ saneConfigDir, extraArgs }: { saneConfigDir: string; extraArgs: string[] }) {
  const raw = structuredClone(demoConfig) as { sites: Array<Record<string, unknown>> };
  raw.sites[0]!.scanners = [
    { id: SCANNER, name: 'Scanner am Empfang', driver: 'sane', device: 'test', timeoutSeconds: 60, saneConfigDir, extraArgs: ['--test-picture', 'Grid', ...extraArgs] },
  ];
  return raw;
}

async function startStation(rawConfig: unknown): Promise<Station> {
  const ctx = await startScanTestApp({ webDistDir, rawConfig });
  const baseUrl = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  return { ctx, baseUrl };
}

beforeAll(async () => {
  requireCommand('scanimage', 'sane-utils');
  const build = spawnSync(process.execPath, ['scripts/ensure-web-build.mjs'], { cwd: root, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  // Throws when Debian's chromium is missing: a failure, not a skip.
  chromium = await launchChromium();
  tempDir = mkdtempSync(path.join(os.tmpdir(), 'druckpunkt-scan-e2e-'));
  main = await startStation(configWithTestScanner({ saneConfigDir: path.join(tempDir, 'sane-main'), extraArgs: ['--batch-count=3'] }));
  // The same device answering every read with "jammed", as a feeder with stuck paper does.
  jamming = await startStation(configWithTestScanner({ saneConfigDir: path.join(tempDir, 'sane-jam'), extraArgs: ['--read-return-value', 'SANE_STATUS_JAMMED'] }));
}, 120_000);

afterEach(async () => {
  for (const context of contexts) await context.close();
  contexts = [];
});

afterAll(async () => {
  await chromium?.stop();
  await main?.ctx.close();
  await jamming?.ctx.close();
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
});

async function newPage(language: Language = 'de') {
  const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce', acceptDownloads: true });
  contexts.push(context);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    // Refused codes answer 4xx; the browser logs the failed request, which is expected here.
    if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) problems.push(message.text());
  });
  return { page, context, problems, tr: translators[language as 'de' | 'ar'] };
}

async function waitForHeading(page: Page, text: string) {
  await expect.poll(() => page.locator('h1').textContent(), { timeout: 15_000 }).toBe(text);
}

async function expectNoA11yViolations(page: Page, state: string) {
  const { violations, report } = await checkA11y(page);
  expect(report, state).toBe('');
  expect(violations, state).toEqual([]);
}

/** Opens the station and goes into "Scannen" up to the preset choice. */
async function openScan(station: Station, language: Language = 'de') {
  const opened = await newPage(language);
  const { page, tr } = opened;
  await page.goto(`${station.baseUrl}/station?printer=${PRINTER}${language === 'de' ? '' : `&lang=${language}`}`);
  await waitForHeading(page, tr('station.title'));
  await page.getByRole('button', { name: tr('scan.entry.start'), exact: true }).click();
  await waitForHeading(page, tr('scan.title'));
  // The scanner's answer has arrived once its name is shown.
  await page.getByText(tr('scan.scannerName', { name: 'Scanner am Empfang' })).waitFor();
  return opened;
}

/**
 * Holds the page's reads of the session until released, so the "scanning" state stays on screen
 * long enough to be checked, whatever the scanner's speed.
 */
async function holdSessionReads(page: Page) {
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const matcher = (url: URL) => url.pathname === '/api/scan/sessions/current';
  await page.route(matcher, async (route) => {
    if (route.request().method() === 'GET') await gate;
    await route.continue();
  });
  return async () => {
    release();
    // Waits for the held reads to go through before the handler is removed.
    await page.unrouteAll({ behavior: 'wait' });
  };
}

const cards = (page: Page) => page.locator('[data-testid="scan-page"]');
const cardButton = (page: Page, index: number, name: string) => cards(page).nth(index).getByRole('button', { name, exact: true });
const politeText = (page: Page) => page.getByTestId('live-polite').textContent();
const activeTestId = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.id ?? document.activeElement?.tagName);

async function sessionOf(context: BrowserContext, baseUrl: string) {
  const response = await context.request.get(`${baseUrl}/api/scan/sessions/current`);
  expect(response.status()).toBe(200);
  return (await response.json()) as { state: string; documents: Array<{ pages: Array<{ id: string; rotation: number; deleted: boolean }> }> };
}

/** Tab until the element matching `selector` has the focus (keyboard only, no clicks). */
async function tabTo(page: Page, selector: string, maxTabs = 60) {
  for (let i = 0; i < maxTabs; i += 1) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

describe('scanning at the station and picking up at the terminal', () => {
  test('three feeder pages from the SANE test device: rotate one, move it, delete one, export at 2 MB, pick up by code with the keyboard, and the download has 2 valid pages', async () => {
    const { page, context, problems } = await openScan(main);
    await expectNoA11yViolations(page, 'preset choice (de)');

    await page.locator('[data-preset="document"]').click();
    await waitForHeading(page, t('scan.pages.title'));
    // A document goes into the feeder by default.
    expect(await page.getByRole('radio', { name: t('scan.source.adf') }).isChecked()).toBe(true);
    expect(await page.locator('main').textContent()).toContain(t('scan.place.adf'));

    const releaseReads = await holdSessionReads(page);
    await page.getByRole('button', { name: t('scan.scan'), exact: true }).click();
    await page.locator('.progress').waitFor();
    expect(await page.getByRole('button', { name: t('scan.scan'), exact: true }).getAttribute('aria-disabled')).toBe('true');
    await expectNoA11yViolations(page, 'scanning (de)');
    await releaseReads();

    await expect.poll(() => cards(page).count(), { timeout: 30_000 }).toBe(3);
    await expect.poll(() => page.getByRole('button', { name: t('scan.scan'), exact: true }).getAttribute('aria-disabled'), { timeout: 30_000 }).toBe(null);
    await expect.poll(() => politeText(page)).toBe(t('scan.progress.done', { count: 3 }));
    // Thumbnails come from the server, one per page.
    const thumb = cards(page).nth(0).locator('img');
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBeGreaterThan(100);
    await expectNoA11yViolations(page, 'pages shown (de)');

    const scanned = (await sessionOf(context, main.baseUrl)).documents[0]!.pages.map((p) => p.id);
    expect(scanned).toHaveLength(3);

    // Page 2 turned right, then moved to the front; focus stays on the button that was pressed.
    await cardButton(page, 1, t('scan.page.rotateRight')).click();
    await expect.poll(async () => (await sessionOf(context, main.baseUrl)).documents[0]!.pages[1]!.rotation).toBe(90);
    // The page shows it once it has the server's answer: polled, like every read after an action.
    await expect.poll(() => cards(page).nth(1).locator('img').getAttribute('src')).toContain('v=90.0');
    await cardButton(page, 1, t('scan.page.earlier')).click();
    await expect.poll(async () => (await sessionOf(context, main.baseUrl)).documents[0]!.pages.map((p) => p.id)).toEqual([scanned[1], scanned[0], scanned[2]]);
    await expect.poll(() => politeText(page)).toBe(t('scan.page.movedTo', { page: 1 }));
    // First place now: "earlier" cannot act, so the focus went to "later" of the same page.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-focus-key'))).toBe(`${scanned[1]}:later`);

    // Page 3 deleted: greyed with a sentence, "Wiederherstellen" takes the focus.
    await cardButton(page, 2, t('scan.page.delete')).click();
    await expect.poll(() => cards(page).nth(2).getAttribute('class')).toContain('scan-page--deleted');
    await expect.poll(() => cards(page).nth(2).textContent()).toContain(t('scan.page.deleted'));
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe(t('scan.page.restore'));
    await expect.poll(() => page.locator('main').textContent()).toContain(t('scan.pages.kept', { count: 2 }));

    // Page 2 scanned again from the glass: replaced in place, its thumbnail fetched anew.
    await page.getByRole('radio', { name: t('scan.source.flatbed') }).check();
    await cardButton(page, 1, t('scan.page.rescan')).click();
    await expect.poll(() => politeText(page), { timeout: 30_000 }).toBe(t('scan.progress.rescanned'));
    await expect.poll(() => cards(page).count()).toBe(3);
    await expect.poll(() => cards(page).nth(1).locator('img').getAttribute('src')).toMatch(/v=0\.1$/);

    await page.getByRole('button', { name: t('scan.done'), exact: true }).click();
    await waitForHeading(page, t('scan.size.title'));
    expect(await page.getByRole('radio', { name: `${t('scan.size.fits5')} ${t('scan.size.recommended')}` }).isChecked()).toBe(true);
    await expectNoA11yViolations(page, 'size choice (de)');
    await page.getByRole('radio', { name: t('scan.size.fits2'), exact: true }).check();

    const finishedResponse = page.waitForResponse((response: Response) => response.url().endsWith('/api/scan/sessions/current/finish'));
    await page.getByRole('button', { name: t('scan.size.create'), exact: true }).click();
    const finished = (await (await finishedResponse).json()) as FinishedAnswer;
    await waitForHeading(page, t('scan.result.title'));
    expect(finished.documents).toHaveLength(1);
    expect(finished.documents[0]!.pages).toBe(2);
    expect(finished.documents[0]!.bytes).toBeLessThanOrEqual(2_000_000);

    const code = finished.pickup.code;
    expect(code).toMatch(/^\d{6}$/);
    const shown = page.getByTestId('pickup-code');
    expect(await shown.textContent()).toBe(`${code.slice(0, 3)} ${code.slice(3)}`);
    expect(await shown.getAttribute('aria-label')).toBe([...code].join(' '));
    expect(await page.locator('.scan-code .code-card__qr').getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(await page.locator('main').textContent()).toContain(t('scan.result.how'));
    expect(await page.getByTestId('scan-file').textContent()).toContain(t('scan.result.file', { number: 1, pages: 2, size: 'X' }).split('X')[0]!);
    await expectNoA11yViolations(page, 'code shown (de)');

    /* ---------- the terminal, keyboard only ---------- */
    const terminal = await newPage('de');
    const tpage = terminal.page;
    await tpage.goto(`${main.baseUrl}/`);
    await waitForHeading(tpage, t('terminal.title'));
    await tabTo(tpage, '[data-testid="tile-scan"]');
    await tpage.keyboard.press('Enter');
    await waitForHeading(tpage, t('terminal.scan.title'));
    await expectNoA11yViolations(tpage, 'pickup code entry (de)');
    await tabTo(tpage, '#pickup-code');
    await tpage.keyboard.type(`${code.slice(0, 3)} ${code.slice(3)}`);
    await tpage.keyboard.press('Enter');
    await tpage.getByTestId('pickup-document').first().waitFor();
    // Focus moves once the list rendered (polled, as in every test of focus after a screen change).
    await expect.poll(() => activeTestId(tpage)).toBe('pickup-list-title');
    expect(await tpage.getByTestId('pickup-document').textContent()).toContain(t('pickup.list.name', { number: 1 }));
    await expectNoA11yViolations(tpage, 'pickup list (de)');

    // "Öffnen" shows the PDF in the browser (inline); "Herunterladen" saves it.
    const openHref = await tpage.getByTestId('pickup-open').getAttribute('href');
    const inline = await terminal.context.request.get(`${main.baseUrl}${openHref}`);
    expect(inline.status()).toBe(200);
    expect(inline.headers()['content-type']).toBe('application/pdf');
    expect(inline.headers()['content-disposition']).toMatch(/^inline/);

    await tabTo(tpage, '[data-testid="pickup-download"]');
    const [download] = await Promise.all([tpage.waitForEvent('download'), tpage.keyboard.press('Enter')]);
    expect(download.url()).toContain('download=1');
    const saved = path.join(tempDir, 'picked-up.pdf');
    await download.saveAs(saved);
    const pdf = await inspectPdf(saved);
    expect(pdf.check.ok, pdf.check.output).toBe(true);
    expect(pdf.pages).toBe(2);

    expect(problems).toEqual([]);
    expect(terminal.problems).toEqual([]);
  }, 120_000);
});

describe('scan screens in Arabic, scanner problems and pickup errors', () => {
  test('the scan flow passes axe in Arabic on every state, right to left, with the code in Latin digits left to right', async () => {
    const { page, problems, tr } = await openScan(main, 'ar');
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    await expectNoA11yViolations(page, 'preset choice (ar)');

    await page.locator('[data-preset="id-card"]').click();
    await waitForHeading(page, tr('scan.pages.title'));
    // An ID card lies on the glass.
    expect(await page.getByRole('radio', { name: tr('scan.source.flatbed') }).isChecked()).toBe(true);
    const releaseReads = await holdSessionReads(page);
    await page.getByRole('button', { name: tr('scan.scan'), exact: true }).click();
    await page.locator('.progress').waitFor();
    await expectNoA11yViolations(page, 'scanning (ar)');
    await releaseReads();
    await expect.poll(() => cards(page).count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.getByRole('button', { name: tr('scan.scan'), exact: true }).getAttribute('aria-disabled'), { timeout: 30_000 }).toBe(null);
    await expectNoA11yViolations(page, 'pages shown (ar)');
    // 320 px is a 1280 px screen at 400 % zoom: the page cards and their buttons reflow, nothing scrolls sideways.
    await page.setViewportSize({ width: 320, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.getByRole('button', { name: tr('scan.done'), exact: true }).click();
    await waitForHeading(page, tr('scan.size.title'));
    await expectNoA11yViolations(page, 'size choice (ar)');
    await page.getByRole('button', { name: tr('scan.size.create'), exact: true }).click();
    await waitForHeading(page, tr('scan.result.title'));
    const digits = page.getByTestId('pickup-code');
    expect(await digits.textContent()).toMatch(/^\d{3} \d{3}$/);
    expect(await page.locator('.scan-code .code-card__digits').getAttribute('dir')).toBe('ltr');
    await expectNoA11yViolations(page, 'code shown (ar)');
    expect(problems).toEqual([]);
  }, 90_000);

  test.each(['de', 'ar'] as const)('a jammed feeder is explained in plain words (%s), and cancelling asks first and deletes the scan', async (language) => {
    const { page, context, problems, tr } = await openScan(jamming, language);
    await page.locator('[data-preset="document"]').click();
    await waitForHeading(page, tr('scan.pages.title'));
    await page.getByRole('button', { name: tr('scan.scan'), exact: true }).click();
    await expect.poll(() => page.getByTestId('scan-notice-error').textContent(), { timeout: 30_000 }).toContain(tr('scan.error.jammed'));
    await expect.poll(() => page.getByTestId('live-assertive').textContent()).toBe(tr('scan.error.jammed'));
    await expectNoA11yViolations(page, `error (${language})`);

    await page.getByRole('button', { name: tr('scan.cancel.button'), exact: true }).click();
    // The question takes the focus; nothing is deleted yet.
    // Focus moves once the new screen rendered: poll instead of reading it right after the click.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('scan-cancel-question');
    expect((await context.request.get(`${jamming.baseUrl}/api/scan/sessions/current`)).status()).toBe(200);
    await page.getByRole('button', { name: tr('scan.cancel.confirm'), exact: true }).click();
    await waitForHeading(page, tr('station.title'));
    expect(await page.locator('main').textContent()).toContain(tr('scan.cancel.done'));
    expect((await context.request.get(`${jamming.baseUrl}/api/scan/sessions/current`)).status()).toBe(404);
    expect(problems).toEqual([]);
  }, 60_000);

  test('pickup in Arabic: a wrong code is refused with a translated message, and the QR address opens the list directly and leaves the address', async () => {
    // A finished scan to pick up, made through the API as the station would.
    const station = await newPage('de');
    const start = await station.context.request.post(`${main.baseUrl}/api/scan/sessions`, { data: { scannerId: SCANNER, preset: 'document' } });
    expect(start.status()).toBe(201);
    expect((await station.context.request.post(`${main.baseUrl}/api/scan/sessions/current/scan`, { data: { source: 'flatbed' } })).status()).toBe(202);
    await expect
      .poll(async () => ((await (await station.context.request.get(`${main.baseUrl}/api/scan/sessions/current`)).json()) as { state: string }).state, { timeout: 30_000 })
      .toBe('idle');
    const finish = await station.context.request.post(`${main.baseUrl}/api/scan/sessions/current/finish`, { data: { targetBytes: 5_000_000 } });
    expect(finish.status()).toBe(200);
    const { pickup } = (await finish.json()) as FinishedAnswer;

    const { page, problems, tr } = await newPage('ar');
    await page.goto(`${main.baseUrl}/?lang=ar`);
    await page.getByTestId('tile-scan').click();
    await waitForHeading(page, tr('terminal.scan.title'));
    await expectNoA11yViolations(page, 'pickup code entry (ar)');
    // A code that differs from the real one in every digit.
    const wrong = [...pickup.code].map((d) => String((Number(d) + 5) % 10)).join('');
    await page.locator('#pickup-code').fill(wrong);
    await page.getByRole('button', { name: tr('pickup.code.submit'), exact: true }).click();
    await expect.poll(() => page.getByTestId('pickup-error').textContent()).toContain(tr('pickup.error.invalid'));
    expect(await page.locator('#pickup-code').getAttribute('aria-invalid')).toBe('true');
    await expectNoA11yViolations(page, 'pickup error (ar)');

    const token = new URL(pickup.url).searchParams.get('pickup');
    expect(token).toBeTruthy();
    const phone = await newPage('ar');
    await phone.page.goto(`${main.baseUrl}/?lang=ar&pickup=${encodeURIComponent(token!)}`);
    await phone.page.getByTestId('pickup-document').first().waitFor();
    expect(await phone.page.locator('h1').textContent()).toBe(tr('terminal.scan.title'));
    expect(phone.page.url()).not.toContain('pickup=');
    await expectNoA11yViolations(phone.page, 'pickup list (ar)');
    expect([...problems, ...phone.problems]).toEqual([]);
  }, 60_000);
});
