import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { build } from 'vite';
import preact from '@preact/preset-vite';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { contentSecurityPolicy } from '../../src/web/web.routes.ts';
import de from '../../web/shared/i18n/de.json' with { type: 'json' };

// The component kit on a test page (tests/web/harness), built with the same Vite preset and
// served under the production Content-Security-Policy, so inline styles or scripts would show.
const harnessDir = fileURLToPath(new URL('./harness', import.meta.url));
const chromiumPath = '/usr/bin/chromium';
let outDir: string;
let server: FastifyInstance;
let browser: Browser;
let baseUrl: string;
let contexts: BrowserContext[] = [];

beforeAll(async () => {
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install -y chromium`);
  outDir = mkdtempSync(path.join(os.tmpdir(), 'druckpunkt-harness-'));
  await build({
    configFile: false,
    root: harnessDir,
    base: '/',
    logLevel: 'warn',
    plugins: [preact({ devToolsEnabled: false, prerender: { enabled: false } })],
    build: { outDir, emptyOutDir: true, modulePreload: { polyfill: false }, assetsInlineLimit: 0 },
  });
  server = Fastify();
  server.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', contentSecurityPolicy);
  });
  await server.register(fastifyStatic, { root: outDir });
  baseUrl = await server.listen({ port: 0, host: '127.0.0.1' });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterEach(async () => {
  for (const context of contexts) await context.close();
  contexts = [];
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

async function openHarness(query = '') {
  const context = await browser.newContext({ viewport: { width: 1024, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${baseUrl}/index.html${query}`);
  await page.locator('h1').waitFor();
  return { page, problems };
}

const assertiveText = (page: Page) => page.getByTestId('live-assertive').textContent();
const politeText = (page: Page) => page.getByTestId('live-polite').textContent();

describe('component kit', () => {
  test('all components together have no WCAG 2.1 AA violations and break no CSP rule', async () => {
    const { page, problems } = await openHarness();
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(results.passes.length).toBeGreaterThan(10);
    expect(results.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) }))).toEqual([]);
    expect(problems).toEqual([]);
  });

  test('a text field is named by its visible label and describes its hint and error', async () => {
    const { page } = await openHarness();
    const field = page.getByLabel('Ihr Name');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    const described = (await field.getAttribute('aria-describedby'))!.split(' ');
    const texts = await Promise.all(described.map((id) => page.locator(`[id="${id}"]`).textContent()));
    expect(texts).toEqual(['So wie im Ausweis.', `${de['form.errorPrefix']} Bitte geben Sie Ihren Namen ein.`]);
    await field.fill('Erika Mustermann');
    expect(await field.getAttribute('aria-invalid')).toBeNull();
    expect(await field.getAttribute('aria-describedby')).toBe(described[0]);
  });

  test('a number field steps with its buttons and keeps typed values within bounds', async () => {
    const { page } = await openHarness();
    const less = page.getByRole('button', { name: de['form.decrease']!.replace('{label}', 'Anzahl Kopien') });
    const more = page.getByRole('button', { name: de['form.increase']!.replace('{label}', 'Anzahl Kopien') });
    expect(await less.isDisabled()).toBe(true);
    await more.click();
    await more.click();
    await expect.poll(() => page.getByTestId('copies').textContent()).toBe('3');
    const field = page.getByRole('textbox', { name: 'Anzahl Kopien', exact: true });
    await field.fill('250');
    await field.press('Tab');
    await expect.poll(() => page.getByTestId('copies').textContent()).toBe('10');
    await expect.poll(() => more.isDisabled()).toBe(true);
  });

  test('announce() speaks through the polite or the assertive live region', async () => {
    const { page } = await openHarness();
    expect(await page.getByTestId('live-polite').getAttribute('aria-live')).toBe('polite');
    expect(await page.getByTestId('live-assertive').getAttribute('aria-live')).toBe('assertive');
    await page.getByRole('button', { name: 'Höflich ansagen' }).click();
    await expect.poll(() => politeText(page)).toBe('Fertig gedruckt.');
    await page.getByRole('button', { name: 'Dringend ansagen' }).click();
    await expect.poll(() => assertiveText(page)).toBe('Papier ist leer.');
  });

  test('a countdown warns aloud before it ends, and one press gives the time again', async () => {
    const { page } = await openHarness('?seconds=22');
    const timer = page.getByRole('timer');
    expect(await timer.textContent()).toBe(de['countdown.remaining']!.replace('{time}', '0:22'));
    expect(await assertiveText(page)).toBe('');
    // Warned at 20 s left (WCAG 2.2.1 asks for at least 20 s to react).
    await expect.poll(() => assertiveText(page), { timeout: 5000 }).toMatch(/^Noch 2\d Sekunden\./);
    await page.getByRole('button', { name: de['countdown.extend'] }).click();
    await expect.poll(() => timer.textContent()).toBe(de['countdown.remaining']!.replace('{time}', '0:22'));
    await expect.poll(() => politeText(page)).toBe(de['countdown.extended']!.replace('{minutes, plural, one {# Minute} other {# Minuten}}', '1 Minute'));
    expect(await page.locator('.countdown--warning').count()).toBe(0);
  });

  test('a countdown that is left alone ends and tells the screen', async () => {
    const { page } = await openHarness('?seconds=2');
    await expect.poll(() => page.getByTestId('expired').count(), { timeout: 5000 }).toBe(1);
    expect(await page.getByRole('timer').textContent()).toBe(de['countdown.remaining']!.replace('{time}', '0:00'));
  });
});
