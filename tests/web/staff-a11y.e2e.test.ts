import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { checkA11y, launchChromium, type ChromiumPeer } from '../helpers/peers/chromium.ts';
import { createStaffTestApp, PRINTER, type StaffTestApp } from '../staff/staff-test-app.ts';
import { webDistDir } from '../../src/web/web.routes.ts';
import { createTranslator, type Catalog, type Language } from '../../web/shared/i18n/i18n.ts';

/** expect.poll with room for a loaded machine (scrypt logins, parallel test runs): 10 s unless given. */
const poll = <T>(read: () => T | Promise<T>, options: { timeout?: number } = {}) => expect.poll(read, { timeout: 10_000, ...options });

// axe-core (WCAG 2.1 A/AA) on every page and state of the staff console, in German and Arabic.

const root = fileURLToPath(new URL('../..', import.meta.url));
const catalogOf = (language: Language) => JSON.parse(readFileSync(path.join(root, `web/shared/i18n/${language}.json`), 'utf8')) as Catalog;
const de = catalogOf('de');
const translators = {
  de: createTranslator({ language: 'de', catalog: de }).t,
  ar: createTranslator({ language: 'ar', catalog: catalogOf('ar'), fallback: de }).t,
};

let chromium: ChromiumPeer;
let ctx: StaffTestApp;
let baseUrl: string;
let contexts: BrowserContext[] = [];

beforeAll(async () => {
  const build = spawnSync(process.execPath, ['scripts/ensure-web-build.mjs'], { cwd: root, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  chromium = await launchChromium();
  ctx = await createStaffTestApp({ webDistDir });
  baseUrl = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  await ctx.addUser('anna', 'admin');
  // Something to show: two held jobs (one printed, so the statistics and the audit log have rows).
  await ctx.upload('a.pdf');
  const { code } = await ctx.upload('b.pdf');
  const station = await ctx.stationLogin(code);
  await ctx.app.inject({ method: 'POST', url: '/api/release/print', headers: { cookie: station.cookie }, payload: { printerId: PRINTER, jobIds: [1] } });
  await ctx.upload('c.pdf');
}, 120_000);

afterEach(async () => {
  for (const context of contexts) await context.close();
  contexts = [];
});

afterAll(async () => {
  await chromium?.stop();
  await ctx?.close();
});

async function expectNoViolations(page: Page, state: string) {
  const { report } = await checkA11y(page);
  expect(report, state).toBe('');
}

async function open(language: 'de' | 'ar') {
  const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
  contexts.push(context);
  const page = await context.newPage();
  // The page's clock is the server's (test) clock, so the lost-code window covers the sessions.
  await page.clock.setFixedTime(new Date(ctx.clock.now()));
  await page.goto(`${baseUrl}/staff?lang=${language}`);
  await page.locator('h1').waitFor();
  return page;
}

describe.each(['de', 'ar'] as const)('every staff console page in %s', (language) => {
  const t = translators[language];

  test('has no WCAG 2.1 AA violations: login, each section, a created voucher, a code shown', async () => {
    const page = await open(language);
    expect(await page.evaluate(() => document.documentElement.dir)).toBe(language === 'ar' ? 'rtl' : 'ltr');
    await expectNoViolations(page, 'login');

    // A wrong password: the error under the form.
    await page.getByLabel(t('staff.login.name')).fill('anna');
    await page.getByRole('button', { name: t('staff.login.submit') }).click();
    await page.locator('.field__error').first().waitFor();
    await expectNoViolations(page, 'login with missing password');

    await page.getByLabel(t('staff.login.password')).fill('anna-secret-pw');
    await page.getByRole('button', { name: t('staff.login.submit') }).click();
    await poll(() => page.locator('h1').textContent()).toBe(t('staff.nav.overview'));
    await page.locator('.staff-card').first().waitFor();
    await expectNoViolations(page, 'overview');

    const go = async (key: string, ready: string) => {
      await page.getByRole('link', { name: t(`staff.nav.${key}`) }).click();
      await poll(() => page.locator('h1').textContent()).toBe(t(`staff.nav.${key}`));
      await page.locator(ready).first().waitFor();
    };

    await go('jobs', 'li.staff-card');
    await expectNoViolations(page, 'jobs');
    await page.getByRole('button', { name: t('staff.grant.sessionButton') }).first().click();
    await page.locator('.staff-panel').waitFor();
    await expectNoViolations(page, 'jobs: session grant open');
    await page.getByRole('button', { name: t('staff.back') }).click();
    await page.getByRole('button', { name: t('staff.cancel.button') }).first().click();
    await page.locator('.staff-panel--danger').waitFor();
    await expectNoViolations(page, 'jobs: cancel question');

    await go('lostCode', 'form');
    await expectNoViolations(page, 'lost code form');
    await page.getByRole('button', { name: t('staff.lostCode.submit') }).click();
    await page.locator('.staff-code__digits').first().waitFor();
    expect(await page.locator('.staff-code__digits').first().textContent()).toMatch(/^\d{3} \d{3}$/);
    await expectNoViolations(page, 'lost code shown');

    await go('vouchers', 'form');
    await expectNoViolations(page, 'vouchers');
    await page.getByRole('button', { name: t('staff.vouchers.create') }).click();
    await page.locator('.staff-created .staff-code__digits').waitFor();
    expect(await page.locator('.staff-created .staff-code__digits').textContent()).toMatch(/^[2-9A-Z]{5}-[2-9A-Z]{5}$/);
    await page.locator('table').waitFor();
    await expectNoViolations(page, 'voucher created and listed');

    await go('rules', 'form');
    await page.getByLabel(t('staff.rules.pagesPerSession')).fill('viele');
    await page.getByRole('button', { name: t('staff.rules.save') }).click();
    await page.locator('.field__error').first().waitFor();
    await expectNoViolations(page, 'rules with an invalid field');

    await go('users', 'table');
    await expectNoViolations(page, 'users');

    await go('audit', 'table');
    await expectNoViolations(page, 'audit log');

    await go('stats', 'table');
    for (const summary of await page.locator('summary').all()) await summary.click();
    await poll(() => page.locator('details[open] table').count()).toBe(3);
    await expectNoViolations(page, 'statistics with tables open');
  }, 120_000);
});
