import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { checkA11y, launchChromium, type ChromiumPeer } from '../helpers/peers/chromium.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { multipartFile } from '../helpers/multipart.ts';
import { webDistDir } from '../../src/web/web.routes.ts';
import { createTranslator, type Catalog, type Language, type Translate } from '../../web/shared/i18n/i18n.ts';

// Shared by the terminal page's browser tests: the real app on a free loopback port, Debian's
// Chromium, and the texts of the catalogs. The browser connects from 127.0.0.1, which the demo
// config registers as "Terminal 1" of Lobeda.

const root = fileURLToPath(new URL('../..', import.meta.url));
export const pdf2 = readFileSync(path.join(root, 'fixtures/pdf/chromium-2-pages.pdf'));
export const pdf3 = readFileSync(path.join(root, 'fixtures/pdf/gs-text-3-pages.pdf'));
/** An empty ZIP archive: a real format, but not one the spool prints. */
export const zip = Buffer.from('504b0506000000000000000000000000000000000000', 'hex');

const catalogOf = (language: Language) => JSON.parse(readFileSync(path.join(root, `web/shared/i18n/${language}.json`), 'utf8')) as Catalog;
const de = catalogOf('de');
export const translatorOf = (language: Language): Translate => createTranslator({ language, catalog: catalogOf(language), fallback: de }).t;
export const t = translatorOf('de');

export type SessionAnswer = {
  printerName: string;
  session: { code: string };
  jobs: Array<{ id: number; name: string; state: string; pages: number }>;
};

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/**
 * Registers the hooks of a terminal test file: build the pages, start Chromium and the app once,
 * end the terminal's session (deleting its jobs) before every test, close pages after each.
 */
export function useTerminalTestbed() {
  let chromium: ChromiumPeer;
  let ctx: TestApp;
  let baseUrl: string;
  let contexts: BrowserContext[] = [];

  beforeAll(async () => {
    const build = spawnSync(process.execPath, ['scripts/ensure-web-build.mjs'], { cwd: root, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    // Throws when Debian's chromium is missing: a failure, not a skip.
    chromium = await launchChromium();
    ctx = await createTestApp({ webDistDir });
    baseUrl = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  }, 120_000);

  // Every test starts as a new citizen.
  beforeEach(async () => {
    const end = await ctx.app.inject({ method: 'POST', url: '/api/terminal/session/end', remoteAddress: '127.0.0.1', payload: { deleteJobs: true } });
    expect(end.statusCode).toBe(204);
  });

  afterEach(async () => {
    for (const context of contexts) await context.close();
    contexts = [];
  });

  afterAll(async () => {
    await chromium?.stop();
    await ctx?.close();
  });

  return {
    get ctx() {
      return ctx;
    },

    async sessionFromApi(): Promise<SessionAnswer> {
      const res = await ctx.app.inject({ method: 'GET', url: '/api/terminal/session', remoteAddress: '127.0.0.1' });
      expect(res.statusCode).toBe(200);
      return res.json() as SessionAnswer;
    },

    /** A job sent as the terminal page sends it, but from outside the browser (like a print dialog). */
    async uploadFromOutside(name: string, data: Buffer) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/jobs',
        remoteAddress: '127.0.0.1',
        ...multipartFile({ filename: name, contentType: 'application/pdf', data }),
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { job: { id: number }; code: string };
    },

    /** The start page in a fresh browser context; console errors and page errors are collected. */
    async openTerminal({
      language = 'de',
      viewport = { width: 1280, height: 900 },
      url = baseUrl,
    }: { language?: Language; viewport?: BrowserContextOptions['viewport']; url?: string } = {}) {
      const context = await chromium.browser.newContext({ viewport, reducedMotion: 'reduce' });
      contexts.push(context);
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => {
        // A refused upload answers 4xx: the browser logs the failed request, which is expected here.
        // So is the Online-Ausweis screen's look for an AusweisApp that does not run in tests.
        const aboutAusweisApp = /\/eID-Kernel|\/eID-Client/.test(`${message.text()} ${message.location().url}`);
        if (message.type() === 'error' && !/status of 4\d\d/.test(message.text()) && !aboutAusweisApp) problems.push(message.text());
      });
      await page.goto(`${url}/${language === 'de' ? '' : `?lang=${language}`}`);
      const tr = translatorOf(language);
      await waitForHeading(page, tr('terminal.title'));
      return { page, problems, tr };
    },
  };
}

export async function waitForHeading(page: Page, text: string) {
  await expect.poll(() => page.locator('h1').textContent(), { timeout: 10_000 }).toBe(text);
}

export async function expectNoViolations(page: Page, state: string) {
  const { report } = await checkA11y(page);
  expect(report, state).toBe('');
}

export const tile = (page: Page, testId: string) => page.getByTestId(testId);
export const releaseCode = (page: Page) => page.getByTestId('release-code');
export const digitsOf = async (page: Page) => ((await releaseCode(page).textContent()) ?? '').replace(/\s/g, '');
