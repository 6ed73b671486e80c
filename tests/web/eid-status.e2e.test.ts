import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { build } from 'vite';
import preact from '@preact/preset-vite';
import type { BrowserContext, Page, WebSocket as PageWebSocket } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { checkA11y, launchChromium, type ChromiumPeer } from '../helpers/peers/chromium.ts';
import { holdSdkConnection, sdkHandshakeStatus, startAusweisApp, type AusweisApp } from '../helpers/peers/ausweisapp.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { contentSecurityPolicy, webDistDir } from '../../src/web/web.routes.ts';
import { createTranslator, type Catalog, type Language, type Translate } from '../../web/shared/i18n/i18n.ts';

// The terminal page's Online-Ausweis screen in Debian's Chromium against a real headless
// AusweisApp2 (Debian ausweisapp2) on a free port: the page finds it through ?eidPort=, which it
// honours because it is served from 127.0.0.1. This machine has no card reader, so AusweisApp
// lists only its "Simulator" — the page must say "Kein Kartenleser gefunden". A Node client
// holding AusweisApp's single SDK slot makes it busy; stopping it makes it "not started".
// Nothing here skips: a missing AusweisApp2 or Chromium fails the run.

const root = fileURLToPath(new URL('../..', import.meta.url));
const catalogOf = (language: Language) => JSON.parse(readFileSync(path.join(root, `web/shared/i18n/${language}.json`), 'utf8')) as Catalog;
const de = catalogOf('de');
const translatorOf = (language: Language): Translate => createTranslator({ language, catalog: catalogOf(language), fallback: de }).t;
const t = translatorOf('de');

let chromium: ChromiumPeer;
let app: Awaited<ReturnType<typeof createTestApp>>;
let baseUrl: string;
let ausweisApp: AusweisApp;
let harnessServer: FastifyInstance;
let harnessUrl: string;
let harnessDir: string;
let contexts: BrowserContext[] = [];

beforeAll(async () => {
  const built = spawnSync(process.execPath, ['scripts/ensure-web-build.mjs'], { cwd: root, encoding: 'utf8' });
  expect(built.status, built.stderr).toBe(0);
  chromium = await launchChromium();
  ausweisApp = await startAusweisApp();
  app = await createTestApp({ webDistDir });
  baseUrl = await app.app.listen({ port: 0, host: '127.0.0.1' });

  // The widget alone for the states no real peer here can produce, under the same CSP.
  harnessDir = mkdtempSync(path.join(os.tmpdir(), 'druckpunkt-eid-harness-'));
  await build({
    configFile: false,
    root: fileURLToPath(new URL('./eid-harness', import.meta.url)),
    base: '/',
    logLevel: 'warn',
    plugins: [preact({ devToolsEnabled: false, prerender: { enabled: false } })],
    build: { outDir: harnessDir, emptyOutDir: true, modulePreload: { polyfill: false }, assetsInlineLimit: 0 },
  });
  harnessServer = Fastify();
  harnessServer.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', contentSecurityPolicy);
  });
  await harnessServer.register(fastifyStatic, { root: harnessDir });
  harnessUrl = await harnessServer.listen({ port: 0, host: '127.0.0.1' });
}, 180_000);

afterEach(async () => {
  for (const context of contexts) await context.close();
  contexts = [];
});

afterAll(async () => {
  await chromium?.stop();
  await ausweisApp?.stop();
  await app?.close();
  await harnessServer?.close();
  if (harnessDir) rmSync(harnessDir, { recursive: true, force: true });
});

type Opened = {
  page: Page;
  tr: Translate;
  /** Console errors other than the browser's own note about a refused AusweisApp connection. */
  problems: string[];
  /** Every WebSocket the page opened, with the frames it sent and received. */
  sockets: Array<{ socket: PageWebSocket; sent: string[]; received: string[] }>;
};

async function newPage(): Promise<{ page: Page; problems: string[]; sockets: Opened['sockets'] }> {
  const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
  contexts.push(context);
  const page = await context.newPage();
  const problems: string[] = [];
  const sockets: Opened['sockets'] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    // Chromium logs every refused WebSocket and failed request itself; for AusweisApp's port
    // that is the expected way to learn it is busy or not running.
    // (The 503 of the busy-or-off probe is logged without its address, but located at it.)
    const text = message.text();
    const aboutAusweisApp = /\/eID-Kernel|\/eID-Client/.test(`${text} ${message.location().url}`);
    if (message.type() === 'error' && !aboutAusweisApp) problems.push(text);
  });
  page.on('websocket', (socket) => {
    const entry = { socket, sent: [] as string[], received: [] as string[] };
    socket.on('framesent', (frame) => entry.sent.push(String(frame.payload)));
    socket.on('framereceived', (frame) => entry.received.push(String(frame.payload)));
    sockets.push(entry);
  });
  return { page, problems, sockets };
}

/** The terminal page's Online-Ausweis screen, looking for AusweisApp on `port`. */
async function openEidScreen({ language = 'de', port }: { language?: Language; port: number }): Promise<Opened> {
  const { page, problems, sockets } = await newPage();
  const tr = translatorOf(language);
  await page.goto(`${baseUrl}/?lang=${language}&eidPort=${port}`);
  await expect.poll(() => page.locator('h1').textContent(), { timeout: 10_000 }).toBe(tr('terminal.title'));
  await page.getByTestId('tile-eid').click();
  await expect.poll(() => page.locator('h1').textContent(), { timeout: 10_000 }).toBe(tr('terminal.eid.title'));
  return { page, tr, problems, sockets };
}

const widget = (page: Page) => page.getByTestId('eid-status');
const stateOf = (page: Page) => widget(page).getAttribute('data-state');
const statusText = (page: Page) => page.getByTestId('eid-status-text').textContent();

async function expectState(page: Page, state: string, timeout = 10_000) {
  await expect.poll(() => stateOf(page), { timeout }).toBe(state);
}

describe('the Online-Ausweis screen against a real AusweisApp2', () => {
  test('with only the Simulator reader it says no card reader was found and lets go of AusweisApp at once', async () => {
    const { page, problems, sockets } = await openEidScreen({ port: ausweisApp.port });
    await expectState(page, 'noReader');
    // Checked first, before anything else can happen: AusweisApp takes a new client right away.
    expect(await sdkHandshakeStatus({ port: ausweisApp.port })).toBe(101);

    expect(await statusText(page)).toContain(t('eid.status.noReader'));
    expect(await statusText(page)).toContain(t('eid.status.noReaderHint'));
    expect(sockets).toHaveLength(1);
    const [connection] = sockets;
    expect(connection!.socket.url()).toBe(`ws://127.0.0.1:${ausweisApp.port}/eID-Kernel`);
    expect(connection!.socket.isClosed()).toBe(true);
    expect(connection!.sent.map((frame) => JSON.parse(frame) as { cmd: string }).map((command) => command.cmd)).toEqual([
      'GET_STATUS',
      'GET_READER_LIST',
      // no real reader in the first list: asked once more after the settle time
      'GET_READER_LIST',
    ]);
    // What AusweisApp really said: only the Simulator, which the page ignored.
    const lists = connection!.received.map((frame) => JSON.parse(frame) as { msg: string; readers?: Array<{ name: string }> }).filter((m) => m.msg === 'READER_LIST');
    expect(lists.length).toBe(2);
    expect(lists.flatMap((list) => list.readers ?? []).map((reader) => reader.name)).toEqual(['Simulator', 'Simulator']);
    expect(problems).toEqual([]);
  });

  test('the status has an icon and a text in a polite live region that is not rewritten when nothing changed', async () => {
    const { page, sockets } = await openEidScreen({ port: ausweisApp.port });
    await expectState(page, 'noReader');
    const region = page.getByTestId('eid-status-text');
    expect(await region.getAttribute('role')).toBe('status');
    expect(await region.getAttribute('aria-live')).toBe('polite');
    expect(await region.locator('svg[aria-hidden="true"]').count()).toBe(1);

    await region.evaluate((element) => {
      const log: string[] = [];
      (window as unknown as { eidMutations: string[] }).eidMutations = log;
      new MutationObserver((records) => log.push(...records.map((record) => record.type))).observe(element, { subtree: true, childList: true, characterData: true });
    });
    const checkedBefore = await page.locator('.eid-status__checked').textContent();
    await page.getByRole('button', { name: t('eid.status.recheck') }).click();
    // The second look happens (a new connection), with the same answer.
    await expect.poll(() => sockets.length, { timeout: 10_000 }).toBe(2);
    await expect.poll(() => sockets[1]!.socket.isClosed(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => page.locator('.eid-status__checked').textContent(), { timeout: 10_000 }).not.toBe(checkedBefore);
    expect(await page.evaluate(() => (window as unknown as { eidMutations: string[] }).eidMutations)).toEqual([]);
    // The citizen asked, so the unchanged answer is said once through the page's announcer.
    await expect.poll(() => page.getByTestId('live-polite').textContent()).toBe(t('eid.status.noReader'));
  });

  test('while another client holds AusweisApp it says AusweisApp is busy, and no card reader once it is free again', async () => {
    const held = await holdSdkConnection({ port: ausweisApp.port });
    expect(held.status).toBe(101);
    try {
      expect(await sdkHandshakeStatus({ port: ausweisApp.port })).toBe(429);
      const { page, problems } = await openEidScreen({ port: ausweisApp.port });
      await expectState(page, 'busy');
      expect(await statusText(page)).toContain(t('eid.status.busy'));
      held.release();
      await page.getByRole('button', { name: t('eid.status.recheck') }).click();
      await expectState(page, 'noReader');
      // The change is in the live region, so screen readers hear it.
      expect(await statusText(page)).toContain(t('eid.status.noReader'));
      expect(problems).toEqual([]);
    } finally {
      held.release();
    }
  });

  test('after AusweisApp is stopped it says AusweisApp is not started', async () => {
    // An AusweisApp of its own, so the others keep theirs.
    const own = await startAusweisApp();
    try {
      const { page, problems } = await openEidScreen({ port: own.port });
      await expectState(page, 'noReader');
      await own.stop();
      expect(await sdkHandshakeStatus({ port: own.port })).toBe(0);
      await page.getByRole('button', { name: t('eid.status.recheck') }).click();
      await expectState(page, 'notRunning');
      expect(await statusText(page)).toContain(t('eid.status.notRunning'));
      expect(await statusText(page)).toContain(t('eid.status.notRunningHint'));
      expect(problems).toEqual([]);
    } finally {
      await own.stop();
    }
  });

  test('by itself it looks again only after ten seconds, each time letting go at once', async () => {
    const { page, sockets } = await openEidScreen({ port: ausweisApp.port });
    await expectState(page, 'noReader');
    const firstAt = Date.now();
    await page.waitForTimeout(4_000);
    expect(sockets).toHaveLength(1);
    await expect.poll(() => sockets.length, { timeout: 15_000, interval: 200 }).toBe(2);
    expect(Date.now() - firstAt).toBeGreaterThanOrEqual(9_000);
    await expect.poll(() => sockets.every((entry) => entry.socket.isClosed()), { timeout: 5_000 }).toBe(true);
    expect(await stateOf(page)).toBe('noReader');
  }, 40_000);
});

describe('accessibility of every state', () => {
  for (const language of ['de', 'ar'] as const) {
    test(`in ${language} the states a real AusweisApp2 produces have no WCAG 2.1 AA violations`, async () => {
      const tr = translatorOf(language);
      const violations: Record<string, string> = {};
      const check = async (page: Page, state: string) => {
        await expectState(page, state);
        expect(await statusText(page)).toContain(
          { noReader: tr('eid.status.noReader'), busy: tr('eid.status.busy'), notRunning: tr('eid.status.notRunning') }[state],
        );
        const { report } = await checkA11y(page);
        if (report) violations[state] = report;
      };

      const own = await startAusweisApp();
      try {
        const opened = await openEidScreen({ language, port: own.port });
        expect(await opened.page.locator('html').getAttribute('dir')).toBe(language === 'ar' ? 'rtl' : 'ltr');
        await check(opened.page, 'noReader');
        const held = await holdSdkConnection({ port: own.port });
        await opened.page.getByRole('button', { name: tr('eid.status.recheck') }).click();
        await check(opened.page, 'busy');
        held.release();
        await own.stop();
        await opened.page.getByRole('button', { name: tr('eid.status.recheck') }).click();
        await check(opened.page, 'notRunning');
      } finally {
        await own.stop();
      }
      expect(violations).toEqual({});
    });

    test(`in ${language} the card reader states and the first look have no WCAG 2.1 AA violations`, async () => {
      const tr = translatorOf(language);
      const violations: Record<string, string> = {};
      const expected = { ready: tr('eid.status.ready'), cardInserted: tr('eid.status.cardInserted'), checking: tr('eid.status.checking') };
      for (const [state, title] of Object.entries(expected)) {
        const { page, problems } = await newPage();
        await page.goto(`${harnessUrl}/index.html?lang=${language}&state=${state}`);
        await expectState(page, state);
        expect(await statusText(page)).toContain(title);
        const { report } = await checkA11y(page);
        if (report) violations[state] = report;
        expect(problems).toEqual([]);
      }
      expect(violations).toEqual({});
    });
  }
});
