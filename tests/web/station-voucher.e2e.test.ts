import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { checkA11y, launchChromium, type ChromiumPeer } from '../helpers/peers/chromium.ts';
import { createStaffTestApp, PRINTER, siteConfig, type StaffTestApp } from '../staff/staff-test-app.ts';
import { webDistDir } from '../../src/web/web.routes.ts';
import { createTranslator, type Catalog } from '../../web/shared/i18n/i18n.ts';

/** expect.poll with room for a loaded machine (scrypt logins, parallel test runs): 10 s unless given. */
const poll = <T>(read: () => T | Promise<T>, options: { timeout?: number } = {}) => expect.poll(read, { timeout: 10_000, ...options });

// Voucher slips redeemed at the release station page: typed into the field, or scanned.

const root = fileURLToPath(new URL('../..', import.meta.url));
const de = JSON.parse(readFileSync(path.join(root, 'web/shared/i18n/de.json'), 'utf8')) as Catalog;
const ar = JSON.parse(readFileSync(path.join(root, 'web/shared/i18n/ar.json'), 'utf8')) as Catalog;
const { t } = createTranslator({ language: 'de', catalog: de });
const tAr = createTranslator({ language: 'ar', catalog: ar, fallback: de }).t;

let chromium: ChromiumPeer;
let ctx: StaffTestApp;
let baseUrl: string;
let contexts: BrowserContext[] = [];

beforeAll(async () => {
  const build = spawnSync(process.execPath, ['scripts/ensure-web-build.mjs'], { cwd: root, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  chromium = await launchChromium();
  ctx = await createStaffTestApp({ webDistDir, rawConfig: siteConfig({ quota: { pagesPerSession: 2 } }) });
  baseUrl = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  await ctx.addUser('anna', 'admin');
}, 120_000);

afterEach(async () => {
  for (const context of contexts) await context.close();
  contexts = [];
});

afterAll(async () => {
  await chromium?.stop();
  await ctx?.close();
});

/** A voucher made by an admin through the console's API; returns its code ('ABCDE-FGHJK'). */
async function createVoucher(pages: number): Promise<string> {
  // A fresh staff session each time: the tests move the clock past the console's idle timeout.
  const admin = await ctx.loginAs('anna');
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/staff/vouchers',
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
    payload: { pages, validDays: 7 },
  });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { code: string }).code;
}

/** A new citizen: the terminal session ends, a 3-page job arrives; the station page logs in with its code. */
async function stationWithJob(language: 'de' | 'ar' = 'de'): Promise<Page> {
  ctx.clock.advanceBy({ hours: 2 });
  await ctx.app.inject({ method: 'POST', url: '/api/terminal/session/end', remoteAddress: '127.0.0.1', payload: { deleteJobs: true } });
  const { code } = await ctx.upload('brief.pdf');
  const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${baseUrl}/station?printer=${PRINTER}${language === 'ar' ? '&lang=ar' : ''}`);
  await page.locator('.printer-state').waitFor();
  await page.keyboard.type(code, { delay: 150 });
  await poll(() => page.locator('h1').textContent(), { timeout: 10_000 }).toBe(language === 'ar' ? tAr('station.jobs.title') : t('station.jobs.title'));
  return page;
}

const lead = (page: Page) => page.locator('main .lead').textContent();

describe('voucher entry at the release station', () => {
  test('a code typed in lower case without the dash adds its pages, and the free pages shown rise', async () => {
    const code = await createVoucher(10);
    const page = await stationWithJob();
    expect(await lead(page)).toBe(t('station.jobs.freePages', { available: 2 }));
    expect(await page.locator('main').textContent()).toContain(t('station.jobs.tooFew', { missing: 1 }));

    await page.getByRole('button', { name: t('station.voucher.open') }).click();
    const field = page.getByRole('textbox', { name: t('station.voucher.label') });
    await poll(() => page.evaluate(() => document.activeElement?.id)).toBe('voucher-code');
    // Typed at human speed, so the scanner detector lets every letter through (a code may start with D).
    await field.pressSequentially(code.replace('-', '').toLowerCase(), { delay: 130 });
    expect(await field.inputValue()).toBe(code.replace('-', '').toLowerCase());
    await page.keyboard.press('Enter');
    await poll(() => lead(page)).toBe(t('station.jobs.freePages', { available: 12 }));
    expect(await page.locator('.notice').first().textContent()).toContain(t('station.voucher.done', { pages: 10, available: 12 }));
    expect(await page.locator('main').textContent()).not.toContain(t('station.jobs.tooFew', { missing: 1 }));

    // The same slip twice: the server's answer, in the citizen's words.
    await page.getByRole('button', { name: t('station.voucher.open') }).click();
    await field.fill(code);
    await page.getByRole('button', { name: t('station.voucher.submit') }).click();
    await poll(() => page.locator('.field__error').textContent()).toContain(t('error.quota.voucher_used'));
    expect(await lead(page)).toBe(t('station.jobs.freePages', { available: 12 }));
  });

  test('a barcode scanner typing DPV-… and Enter redeems the slip wherever the focus is', async () => {
    const code = await createVoucher(5);
    const page = await stationWithJob();
    // Focus on a button: the scanner's Enter must not press it.
    await page.getByRole('button', { name: t('station.jobs.printAll') }).focus();
    await page.keyboard.type(`DPV-${code.replace('-', '')}`, { delay: 5 });
    await page.keyboard.press('Enter');
    await poll(() => lead(page)).toBe(t('station.jobs.freePages', { available: 7 }));
    expect(await page.locator('h1').textContent()).toBe(t('station.jobs.title'));
  });

  test('a malformed code is refused in the page, a wrong one by the server; both messages are translated and pass axe in Arabic', async () => {
    const page = await stationWithJob('ar');
    await page.getByRole('button', { name: tAr('station.voucher.open') }).click();
    const field = page.getByRole('textbox', { name: tAr('station.voucher.label') });
    await field.fill('ABC');
    await page.getByRole('button', { name: tAr('station.voucher.submit') }).click();
    await poll(() => page.locator('.field__error').textContent()).toContain(tAr('station.voucher.malformed'));
    const { report } = await checkA11y(page);
    expect(report).toBe('');

    await field.fill('22222-22222');
    await page.getByRole('button', { name: tAr('station.voucher.submit') }).click();
    await poll(() => page.locator('.field__error').textContent()).toContain(tAr('error.quota.voucher_invalid'));
    expect(await lead(page)).toBe(tAr('station.jobs.freePages', { available: 2 }));
  });
});
