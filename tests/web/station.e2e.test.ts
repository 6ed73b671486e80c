import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PDFDocument } from 'pdf-lib';
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { checkA11y, launchChromium, type ChromiumPeer } from '../helpers/peers/chromium.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { multipartFile } from '../helpers/multipart.ts';
import { demoConfig } from '../../src/config/demo-config.ts';
import { webDistDir } from '../../src/web/web.routes.ts';
import { createTranslator, type Catalog, type Language } from '../../web/shared/i18n/i18n.ts';

// The release station page in Debian's Chromium against the real app (file printer, in-memory DB).

const root = fileURLToPath(new URL('../..', import.meta.url));
const PRINTER = 'lobeda-drucker';
const pdf3 = readFileSync(path.join(root, 'fixtures/pdf/gs-text-3-pages.pdf'));
const pdf2 = readFileSync(path.join(root, 'fixtures/pdf/chromium-2-pages.pdf'));

const catalogOf = (language: Language) => JSON.parse(readFileSync(path.join(root, `web/shared/i18n/${language}.json`), 'utf8')) as Catalog;
const de = catalogOf('de');
const translators = {
  de: createTranslator({ language: 'de', catalog: de }),
  ar: createTranslator({ language: 'ar', catalog: catalogOf('ar'), fallback: de }),
};
const t = translators.de.t;

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
type Station = { ctx: TestApp; baseUrl: string };

let chromium: ChromiumPeer;
let main: Station;
const extraApps: TestApp[] = [];
let contexts: BrowserContext[] = [];

async function startStation(rawConfig?: unknown): Promise<Station> {
  const ctx = await createTestApp({ webDistDir, rawConfig });
  const baseUrl = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  return { ctx, baseUrl };
}

function siteConfig(overrides: Record<string, unknown>) {
  const raw = structuredClone(demoConfig) as { sites: Record<string, unknown>[] };
  Object.assign(raw.sites[0]!, overrides);
  return raw;
}

beforeAll(async () => {
  const build = spawnSync(process.execPath, ['scripts/ensure-web-build.mjs'], { cwd: root, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  // Throws when Debian's chromium is missing: a failure, not a skip.
  chromium = await launchChromium();
  main = await startStation();
}, 120_000);

afterEach(async () => {
  for (const context of contexts) await context.close();
  contexts = [];
});

afterAll(async () => {
  await chromium?.stop();
  await main?.ctx.close();
  for (const ctx of extraApps) await ctx.close();
});

/**
 * A new citizen at the terminal: the previous terminal session ends (new code), then `files` are
 * uploaded as the terminal page would. Returns the release code and the QR text.
 */
async function citizenWithJobs({ ctx }: Station, files: Array<{ name: string; data: Buffer }>) {
  // The next citizen comes two hours later: earlier tests' wrong codes no longer slow the station down.
  ctx.clock.advanceBy({ hours: 2 });
  const end = await ctx.app.inject({ method: 'POST', url: '/api/terminal/session/end', remoteAddress: '127.0.0.1', payload: { deleteJobs: true } });
  expect(end.statusCode).toBe(204);
  const jobIds: number[] = [];
  let code = '';
  for (const file of files) {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/jobs',
      remoteAddress: '127.0.0.1',
      ...multipartFile({ filename: file.name, contentType: 'application/pdf', data: file.data }),
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json() as { job: { id: number }; code: string };
    jobIds.push(body.job.id);
    code = body.code;
  }
  const session = (await ctx.app.inject({ method: 'GET', url: '/api/terminal/session', remoteAddress: '127.0.0.1' })).json() as { session: { code: string; qrText: string } };
  return { code: code || session.session.code, qrText: session.session.qrText, jobIds };
}

function printedPdfs({ ctx }: Station): string[] {
  const dir = path.join(ctx.dataDir, 'printed');
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.pdf')) : [];
}

async function pageCountOf({ ctx }: Station, name: string) {
  return (await PDFDocument.load(readFileSync(path.join(ctx.dataDir, 'printed', name)))).getPageCount();
}

async function openStation(station: Station, { language = 'de', viewport = { width: 1280, height: 900 }, clock = false }: { language?: Language; viewport?: BrowserContextOptions['viewport']; clock?: boolean } = {}) {
  const context = await chromium.browser.newContext({ viewport, reducedMotion: 'reduce' });
  contexts.push(context);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    // A refused login answers 401: the browser logs the failed request, which is expected here.
    if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) problems.push(message.text());
  });
  if (clock) await page.clock.install();
  const query = language === 'de' ? '' : `&lang=${language}`;
  await page.goto(`${station.baseUrl}/station?printer=${PRINTER}${query}`);
  await waitForHeading(page, translators[language as 'de' | 'ar']?.t('station.title') ?? de['station.title']!);
  // The printer state has loaded once the keypad's printer line is there.
  await page.locator('.printer-state').waitFor();
  return { page, context, problems };
}

async function waitForHeading(page: Page, text: string) {
  await expect.poll(() => page.locator('h1').textContent(), { timeout: 10_000 }).toBe(text);
}

const keypadKey = (page: Page, label: string) => page.locator('.code-keypad__keys').getByRole('button', { name: label, exact: true });

async function typeOnKeypad(page: Page, digits: string) {
  for (const digit of digits) await keypadKey(page, digit).click();
}

const boxes = (page: Page) => page.locator('.code-keypad__box').allTextContents();

async function expectNoA11yViolations(page: Page, state: string) {
  const { violations, report } = await checkA11y(page);
  expect(report, state).toBe('');
  expect(violations, state).toEqual([]);
}

/** Fails when focus has fallen back to <body> (lost) — a keyboard user would have to start over. */
async function expectFocusKept(page: Page) {
  const tag = await page.evaluate(() => document.activeElement?.tagName ?? 'NONE');
  expect(tag).not.toBe('BODY');
  expect(tag).not.toBe('NONE');
}

describe('station page: logging in and printing', () => {
  test('a citizen types the code on the keypad, sees the job with its preview, prints all, and the printer gets every page', async () => {
    const { code, jobIds } = await citizenWithJobs(main, [{ name: 'Lebenslauf.pdf', data: pdf3 }]);
    const before = printedPdfs(main);
    const { page, context, problems } = await openStation(main);

    await expect.poll(() => page.locator('.printer-state').textContent()).toContain(t('station.printer.ready'));
    expect(await page.locator('.printer-state').textContent()).toContain('Drucker am Empfang');

    await typeOnKeypad(page, code.slice(0, 3));
    expect(await boxes(page)).toEqual([...code.slice(0, 3), '', '', '']);
    await typeOnKeypad(page, code.slice(3));
    await waitForHeading(page, t('station.jobs.title'));

    const card = page.locator('.job-card');
    expect(await card.count()).toBe(1);
    const text = await card.textContent();
    expect(text).toContain('Lebenslauf.pdf');
    expect(text).toContain(t('station.job.amount', { pages: 3, copies: 1 }));
    expect(text).toContain(t('station.job.cost', { cost: 3 }));
    expect(await page.locator('main').textContent()).toContain(t('station.jobs.freePages', { available: 30 }));
    // The first page's preview, 300 px wide, fetched with the station cookie.
    const preview = card.locator('img');
    expect(await preview.getAttribute('loading')).toBe('lazy');
    expect(await preview.getAttribute('src')).toContain(`/api/release/jobs/${jobIds[0]}/pages/1/preview.png`);
    await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBe(300);

    await page.getByRole('button', { name: t('station.jobs.printAll') }).click();
    await waitForHeading(page, t('station.done.title'));
    expect(await page.locator('main').textContent()).toContain(t('station.done.take'));

    await main.ctx.app.release.settled();
    const printed = printedPdfs(main).filter((name) => !before.includes(name));
    expect(printed).toHaveLength(1);
    expect(await pageCountOf(main, printed[0]!)).toBe(3);
    // The end screen logged the station out: the cookie no longer opens the job list.
    const after = await context.request.get(`${main.baseUrl}/api/release/jobs?printerId=${PRINTER}`);
    expect(after.status()).toBe(401);

    await page.getByRole('button', { name: t('station.done.back') }).click();
    await waitForHeading(page, t('station.title'));
    expect(await boxes(page)).toEqual(['', '', '', '', '', '']);
    expect(problems).toEqual([]);
  });

  test('a barcode scanner typing the QR text and Enter logs in while nothing has focus, and the job prints', async () => {
    const { qrText } = await citizenWithJobs(main, [{ name: 'Antrag.pdf', data: pdf2 }]);
    expect(qrText).toMatch(/^DP1-/);
    const before = printedPdfs(main);
    const { page, problems } = await openStation(main);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);

    await page.keyboard.type(qrText, { delay: 2 });
    await page.keyboard.press('Enter');
    await waitForHeading(page, t('station.jobs.title'));
    expect(await page.locator('.job-card').textContent()).toContain('Antrag.pdf');

    await page.getByRole('button', { name: t('station.jobs.printAll') }).click();
    await waitForHeading(page, t('station.done.title'));
    await main.ctx.app.release.settled();
    const printed = printedPdfs(main).filter((name) => !before.includes(name));
    expect(printed).toHaveLength(1);
    expect(await pageCountOf(main, printed[0]!)).toBe(2);
    expect(problems).toEqual([]);
  });

  test('a scan while a keypad key has focus neither types its digits nor presses the key', async () => {
    const { page } = await openStation(main);
    await keypadKey(page, '1').focus();
    // Not a live token: the server refuses it, and nothing of it may land in the code boxes.
    await page.keyboard.type('DP1-1111aaaa2222bbbb', { delay: 2 });
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.code-entry .notice').textContent()).toContain(t('error.release.code_invalid'));
    expect(await boxes(page)).toEqual(['', '', '', '', '', '']);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('1');
  });

  test('a wrong code shows what to do, empties the boxes and keeps the focus on the keypad', async () => {
    const { code } = await citizenWithJobs(main, [{ name: 'a.pdf', data: pdf2 }]);
    const wrong = code === '000000' ? '000001' : '000000';
    const { page } = await openStation(main);
    await typeOnKeypad(page, wrong);
    await expect.poll(() => page.locator('.code-entry .notice').textContent()).toContain(t('error.release.code_invalid'));
    expect(await page.locator('h1').textContent()).toBe(t('station.title'));
    expect(await boxes(page)).toEqual(['', '', '', '', '', '']);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(wrong.at(-1));
    await expect.poll(() => page.getByTestId('live-assertive').textContent()).toBe(t('error.release.code_invalid'));
  });

  test('a job beyond the free pages is not printed and the page says how many pages are missing', async () => {
    const station = await startStation(siteConfig({ quota: { pagesPerSession: 1 } }));
    extraApps.push(station.ctx);
    const { code, jobIds } = await citizenWithJobs(station, [{ name: 'Lang.pdf', data: pdf3 }]);
    const { page } = await openStation(station);
    await typeOnKeypad(page, code);
    await waitForHeading(page, t('station.jobs.title'));
    // Warned before printing …
    expect(await page.locator('main').textContent()).toContain(t('station.jobs.tooFew', { missing: 2 }));
    await page.getByRole('button', { name: t('station.jobs.printAll') }).click();
    // … and told after trying.
    const expected = `Lang.pdf: ${t('error.quota.exceeded', { missingPages: 2 })}`;
    await expect.poll(() => page.locator('.notice--error').first().textContent()).toContain(expected);
    expect(await page.locator('h1').textContent()).toBe(t('station.jobs.title'));
    expect(station.ctx.app.spool.getJob(jobIds[0]!)?.state).toBe('held');
    expect(printedPdfs(station)).toEqual([]);
  });

  test('after three wrong codes the page says how long to wait', async () => {
    const station = await startStation();
    extraApps.push(station.ctx);
    const { code } = await citizenWithJobs(station, [{ name: 'a.pdf', data: pdf2 }]);
    const wrong = code === '000000' ? '000001' : '000000';
    for (let i = 0; i < 3; i++) {
      const res = await station.ctx.app.inject({ method: 'POST', url: '/api/release/login', payload: { printerId: PRINTER, code: wrong } });
      expect(res.json().error.code).toBe('release.code_invalid');
    }
    const { page } = await openStation(station);
    await typeOnKeypad(page, code);
    const waitText = await page.locator('.code-entry .notice').textContent({ timeout: 10_000 });
    const seconds = Number(/(\d+)/.exec(waitText ?? '')?.[1]);
    expect(seconds).toBeGreaterThan(0);
    expect(waitText).toContain(t('error.release.throttled', { retryAfterSeconds: seconds }));
  });

  test('a job the printer aborts brings the citizen back to the list with the reason, and it can be printed again', async () => {
    const { code, jobIds } = await citizenWithJobs(main, [{ name: 'Abbruch.pdf', data: pdf2 }]);
    const { page } = await openStation(main);
    await typeOnKeypad(page, code);
    await waitForHeading(page, t('station.jobs.title'));
    // The file printer never fails; the job list is answered as an ippeveprinter with a paper jam would leave it.
    await page.route('**/api/release/jobs?*', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { jobs: Array<Record<string, unknown>> };
      for (const job of body.jobs) {
        if (job.id === jobIds[0]) Object.assign(job, { state: 'aborted', stateReason: 'media-jam', progress: { state: 'aborted', pagesCompleted: 1, pagesTotal: 2, reason: 'media-jam' } });
      }
      return route.fulfill({ response, json: body });
    });
    await page.getByRole('button', { name: t('station.jobs.printAll') }).click();
    await expect.poll(() => page.locator('.notice--error').first().textContent(), { timeout: 10_000 }).toContain(t('station.reason.mediaJam'));
    expect(await page.locator('h1').textContent()).toBe(t('station.jobs.title'));
    expect(await page.locator('.notice--error').first().textContent()).toContain('Abbruch.pdf');
    expect(await page.locator('.job-card').textContent()).toContain(t('station.job.tryAgain'));
    expect(await page.getByRole('button', { name: t('station.jobs.printAll') }).isEnabled()).toBe(true);
    await expectFocusKept(page);
  });

  test('a printer that cannot print shows the reason in plain words and asks to fetch the staff', async () => {
    const station = await startStation(siteConfig({ printers: [{ id: PRINTER, name: 'Drucker am Empfang', driver: 'file', directory: '/dev/null/printed' }] }));
    extraApps.push(station.ctx);
    const { code, jobIds } = await citizenWithJobs(station, [{ name: 'a.pdf', data: pdf2 }]);
    const { page } = await openStation(station);
    const state = await page.locator('.printer-state').textContent();
    expect(state).toContain(t('station.printer.notReady'));
    expect(state).toContain(t('station.reason.other'));
    expect(state).toContain(t('station.askStaff'));
    await typeOnKeypad(page, code);
    await waitForHeading(page, t('station.jobs.title'));
    await page.getByRole('button', { name: t('station.jobs.printAll') }).click();
    await expect.poll(() => page.locator('.notice--error').first().textContent()).toContain(t('error.release.printer_not_ready'));
    expect(station.ctx.app.spool.getJob(jobIds[0]!)?.state).toBe('held');
  });
});

describe('station page: choosing, deleting, time running out', () => {
  test('selected jobs print alone; deleting asks first, and "no" keeps the job and returns the focus', async () => {
    const { code } = await citizenWithJobs(main, [
      { name: 'Eins.pdf', data: pdf2 },
      { name: 'Zwei.pdf', data: pdf3 },
    ]);
    const before = printedPdfs(main);
    const { page } = await openStation(main);
    await typeOnKeypad(page, code);
    await waitForHeading(page, t('station.jobs.title'));
    expect(await page.locator('.job-card').count()).toBe(2);
    const printSelection = page.getByRole('button', { name: t('station.selection.print') });
    expect(await printSelection.isDisabled()).toBe(true);

    await page.getByRole('checkbox', { name: `${t('station.job.select')} Eins.pdf` }).check();
    const deleteSelection = page.getByRole('button', { name: t('station.selection.delete') });
    await deleteSelection.click();
    const question = t('station.delete.question', { count: 1 });
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe(question);
    await page.getByRole('button', { name: t('station.delete.cancel') }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toContain(t('station.selection.delete'));
    expect(await page.locator('.job-card').count()).toBe(2);

    await deleteSelection.click();
    await page.getByRole('button', { name: t('station.delete.confirm') }).click();
    await expect.poll(() => page.locator('.job-card').count()).toBe(1);
    expect(await page.locator('.job-card').textContent()).toContain('Zwei.pdf');
    await expectFocusKept(page);

    await page.getByRole('checkbox', { name: `${t('station.job.select')} Zwei.pdf` }).check();
    await printSelection.click();
    await waitForHeading(page, t('station.done.title'));
    await main.ctx.app.release.settled();
    const printed = printedPdfs(main).filter((name) => !before.includes(name));
    expect(printed).toHaveLength(1);
    expect(await pageCountOf(main, printed[0]!)).toBe(3);
  });

  test('the visible countdown logs out when it runs out, and any key press gives the full time again', async () => {
    const { code } = await citizenWithJobs(main, [{ name: 'a.pdf', data: pdf2 }]);
    const { page, context } = await openStation(main, { clock: true });
    await typeOnKeypad(page, code);
    await waitForHeading(page, t('station.jobs.title'));
    const timer = page.getByRole('timer');
    expect(await timer.textContent()).toBe(t('countdown.remaining', { time: '1:00' }));

    await page.clock.runFor(45_000);
    await expect.poll(() => timer.textContent()).toBe(t('countdown.remaining', { time: '0:15' }));
    await page.keyboard.press('Shift');
    await expect.poll(() => timer.textContent()).toBe(t('countdown.remaining', { time: '1:00' }));

    await page.clock.runFor(61_000);
    await waitForHeading(page, t('station.title'));
    expect(await page.locator('main').textContent()).toContain(t('station.timeout.loggedOut'));
    const after = await context.request.get(`${main.baseUrl}/api/release/jobs?printerId=${PRINTER}`);
    expect(after.status()).toBe(401);
  });

  test('keyboard only: digits, Tab, Space and Enter take a citizen from the code to the end screen without losing focus', async () => {
    const { code } = await citizenWithJobs(main, [{ name: 'Tastatur.pdf', data: pdf2 }]);
    const { page } = await openStation(main);
    await page.keyboard.press('Tab');
    await page.keyboard.type(code.slice(0, 2), { delay: 150 });
    await page.keyboard.press('Backspace');
    expect(await boxes(page)).toEqual([code[0], '', '', '', '', '']);
    await page.keyboard.type(code.slice(1), { delay: 150 });
    await waitForHeading(page, t('station.jobs.title'));
    // Focus moves once the new screen rendered: poll instead of reading it right after the click.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');

    const tabTo = async (match: (text: string) => boolean) => {
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Tab');
        await expectFocusKept(page);
        const text = await page.evaluate(() => `${document.activeElement?.textContent ?? ''}|${document.activeElement?.getAttribute('type') ?? ''}`);
        if (match(text)) return;
      }
      throw new Error('not reachable by Tab');
    };
    await tabTo((text) => text.endsWith('|checkbox'));
    await page.keyboard.press('Space');
    expect(await page.getByRole('checkbox').isChecked()).toBe(true);
    await page.keyboard.press('Space');
    expect(await page.getByRole('checkbox').isChecked()).toBe(false);

    await page.keyboard.press('Shift+Tab');
    for (let i = 0; i < 40 && (await page.evaluate(() => document.activeElement?.textContent)) !== t('station.jobs.printAll'); i++) {
      await page.keyboard.press('Shift+Tab');
    }
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(t('station.jobs.printAll'));
    await page.keyboard.press('Enter');
    await waitForHeading(page, t('station.done.title'));
    // Focus moves once the new screen rendered: poll instead of reading it right after the click.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await tabTo((text) => text.startsWith(t('station.done.back')));
    await page.keyboard.press('Enter');
    await waitForHeading(page, t('station.title'));
    await expectFocusKept(page);
  });
});

describe('station page: accessibility', () => {
  test.each(['de', 'ar'] as const)('in %s every state passes WCAG 2.1 AA: start, code begun, error, job list, printing, done', async (language) => {
    const tr = translators[language].t;
    const { code, jobIds } = await citizenWithJobs(main, [{ name: 'Brief.pdf', data: pdf3 }]);
    const { page, problems } = await openStation(main, { language });
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual([language, language === 'ar' ? 'rtl' : 'ltr']);
    await expectNoA11yViolations(page, 'start');

    await typeOnKeypad(page, '12');
    await expectNoA11yViolations(page, 'code begun');

    await keypadKey(page, tr('keypad.clear')).click();
    expect(await boxes(page)).toEqual(['', '', '', '', '', '']);
    const wrong = code === '000000' ? '000001' : '000000';
    await typeOnKeypad(page, wrong);
    await expect.poll(() => page.locator('.code-entry .notice').count()).toBe(1);
    expect(await page.locator('.code-entry .notice').textContent()).toContain(tr('error.release.code_invalid'));
    await expectNoA11yViolations(page, 'error');

    await typeOnKeypad(page, code);
    await waitForHeading(page, tr('station.jobs.title'));
    await expect.poll(() => page.locator('.job-card img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    await expectNoA11yViolations(page, 'job list');

    // Hold the job list at "page 2 of 3" so the printing screen can be checked before the file printer finishes.
    let holdProgress = true;
    await page.route('**/api/release/jobs?*', async (route) => {
      if (!holdProgress) return route.fallback();
      const response = await route.fetch();
      const body = (await response.json()) as { jobs: Array<Record<string, unknown>> };
      for (const job of body.jobs) {
        if (job.id === jobIds[0]) Object.assign(job, { state: 'processing', progress: { state: 'submitted', pagesCompleted: 1, pagesTotal: 3, reason: null } });
      }
      return route.fulfill({ response, json: body });
    });
    await page.getByRole('button', { name: tr('station.jobs.printAll') }).click();
    await waitForHeading(page, tr('station.printing.title'));
    const progress = tr('station.job.progress', { page: 2, total: 3 });
    await expect.poll(() => page.locator('.progress-list').textContent()).toContain(progress);
    await expect.poll(() => page.getByTestId('live-polite').textContent()).toBe(`Brief.pdf: ${progress}`);
    await expectNoA11yViolations(page, 'printing');

    holdProgress = false;
    await waitForHeading(page, tr('station.done.title'));
    await expectNoA11yViolations(page, 'done');
    expect(problems).toEqual([]);
  });

  test.each(['de', 'ar'] as const)('in %s at 320 px width (400 % zoom) and 640 px (200 % zoom) nothing needs sideways scrolling', async (language) => {
    const { code } = await citizenWithJobs(main, [{ name: 'Ein-sehr-langer-Dateiname-fuer-einen-Antrag-beim-Jobcenter-2026.pdf', data: pdf2 }]);
    const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    for (const width of [320, 640]) {
      const { page } = await openStation(main, { language, viewport: { width, height: width === 320 ? 256 : 512 } });
      expect(await overflow(page), `start ${width}`).toBeLessThanOrEqual(0);
      if (width === 320) {
        await typeOnKeypad(page, code);
        await waitForHeading(page, translators[language].t('station.jobs.title'));
        expect(await overflow(page), `jobs ${width}`).toBeLessThanOrEqual(0);
      }
    }
  });

  test('keypad keys are at least 64 px and every button and checkbox target at least 44 px', async () => {
    const { code } = await citizenWithJobs(main, [{ name: 'a.pdf', data: pdf2 }]);
    const { page } = await openStation(main);
    const keys = await page.locator('.code-keypad__key').evaluateAll((elements) => elements.map((element) => element.getBoundingClientRect()).map(({ width, height }) => Math.min(width, height)));
    expect(keys).toHaveLength(12);
    expect(Math.min(...keys)).toBeGreaterThanOrEqual(64);
    await typeOnKeypad(page, code);
    await waitForHeading(page, t('station.jobs.title'));
    const small = await page.evaluate(() =>
      [...document.querySelectorAll('button, input[type=checkbox], .job-card__select label')]
        .map((element) => ({ text: element.textContent || element.outerHTML.slice(0, 60), box: element.getBoundingClientRect() }))
        .filter(({ box }) => box.width < 44 || box.height < 44)
        .map(({ text }) => text),
    );
    expect(small).toEqual([]);
  });
});
