import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PDFDocument } from 'pdf-lib';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium, type ChromiumPeer } from '../helpers/peers/chromium.ts';
import { createStaffTestApp, PRINTER, siteConfig, type StaffTestApp } from '../staff/staff-test-app.ts';
import { webDistDir } from '../../src/web/web.routes.ts';
import { createTranslator, type Catalog } from '../../web/shared/i18n/i18n.ts';

/** expect.poll with room for a loaded machine (scrypt logins, parallel test runs): 10 s unless given. */
const poll = <T>(read: () => T | Promise<T>, options: { timeout?: number } = {}) => expect.poll(read, { timeout: 10_000, ...options });

// The staff console in Debian's Chromium against the real app (file printer, in-memory DB).

const root = fileURLToPath(new URL('../..', import.meta.url));
const de = JSON.parse(readFileSync(path.join(root, 'web/shared/i18n/de.json'), 'utf8')) as Catalog;
const { t } = createTranslator({ language: 'de', catalog: de });

type Served = StaffTestApp & { baseUrl: string };

let chromium: ChromiumPeer;
let main: Served;
const apps: Served[] = [];
let contexts: BrowserContext[] = [];

async function serve(rawConfig?: unknown): Promise<Served> {
  const ctx = await createStaffTestApp({ webDistDir, rawConfig });
  const baseUrl = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const served = { ...ctx, baseUrl };
  apps.push(served);
  return served;
}

beforeAll(async () => {
  const build = spawnSync(process.execPath, ['scripts/ensure-web-build.mjs'], { cwd: root, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  // Throws when Debian's chromium is missing: a failure, not a skip.
  chromium = await launchChromium();
  // One free page per session: a 3-page job cannot print without staff.
  main = await serve(siteConfig({ quota: { pagesPerSession: 1 } }));
  await main.addUser('erika', 'staff');
  await main.addUser('anna', 'admin');
}, 120_000);

afterEach(async () => {
  for (const context of contexts) await context.close();
  contexts = [];
});

afterAll(async () => {
  await chromium?.stop();
  for (const app of apps) await app.close();
});

async function openPage(served: Served, address: string) {
  const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce', acceptDownloads: true });
  contexts.push(context);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${served.baseUrl}${address}`);
  await page.locator('h1').waitFor();
  return { page, context, problems };
}

async function logIn(page: Page, name: string) {
  await page.getByLabel(t('staff.login.name')).fill(name);
  await page.getByLabel(t('staff.login.password')).fill(`${name}-secret-pw`);
  await page.getByRole('button', { name: t('staff.login.submit') }).click();
  await poll(() => page.locator('h1').textContent()).toBe(t('staff.nav.overview'));
}

const navLinks = (page: Page) => page.getByRole('navigation', { name: t('staff.nav.label') }).getByRole('link').allTextContents();

/** Everything a browser holds of the page: text, attributes, values of fields. */
const wholeDom = (page: Page) =>
  page.evaluate(() => {
    const values = [...document.querySelectorAll('input, select, textarea')].map((element) => (element as HTMLInputElement).value);
    return `${document.documentElement.outerHTML}\n${document.body.innerText}\n${values.join('\n')}\n${document.title}`;
  });

async function printedPages(served: Served): Promise<number[]> {
  const dir = path.join(served.dataDir, 'printed');
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir).filter((name) => name.endsWith('.pdf'));
  return Promise.all(files.map(async (name) => (await PDFDocument.load(readFileSync(path.join(dir, name)))).getPageCount()));
}

describe('staff console', () => {
  test('staff see a held job without its name, give its session 10 pages, and the station then prints the 3-page job', async () => {
    const marker = `Kuendigung-Wohnung-${Date.now().toString(36)}-XQZ`;
    const { code } = await main.upload(`${marker}.pdf`);

    const { page, problems } = await openPage(main, '/staff');
    await logIn(page, 'erika');
    await page.getByRole('link', { name: t('staff.nav.jobs') }).click();
    await poll(() => page.locator('h1').textContent()).toBe(t('staff.nav.jobs'));
    expect(await page.getByRole('link', { name: t('staff.nav.jobs') }).getAttribute('aria-current')).toBe('page');
    const card = page.locator('li.staff-card').first();
    await card.waitFor();
    // The session has 1 free page; the job costs 3.
    expect(await card.textContent()).toContain(t('staff.jobs.missing', { count: 2 }));
    expect(await wholeDom(page)).not.toContain(marker);
    expect(await wholeDom(page)).not.toContain('Kuendigung');

    await page.getByRole('button', { name: t('staff.grant.sessionButton') }).click();
    const dialog = page.getByRole('group', { name: t('staff.grant.sessionTitle') });
    expect(await dialog.getByRole('textbox', { name: t('staff.grant.pages') }).inputValue()).toBe('10');
    await dialog.getByLabel(t('staff.grant.reason')).selectOption('authority-letter');
    await dialog.getByRole('button', { name: t('staff.grant.sessionConfirm', { pages: 10 }) }).click();
    await poll(() => page.locator('.staff-notice').textContent()).toContain(t('staff.grant.sessionDone', { pages: 10, available: 11 }));
    await poll(() => page.locator('main').textContent()).toContain(t('staff.jobs.freePages', { count: 11 }));
    expect(await wholeDom(page)).not.toContain(marker);

    // The overview and the audit log (staff cannot open it; the API refuses) hold no name either.
    await page.getByRole('link', { name: t('staff.nav.overview') }).click();
    await page.locator('.staff-card').first().waitFor();
    expect(await wholeDom(page)).not.toContain(marker);

    // The station, in a second browser session, prints the job with the pages given.
    const station = await openPage(main, `/station?printer=${PRINTER}`);
    await station.page.locator('.printer-state').waitFor();
    await station.page.keyboard.type(code, { delay: 150 });
    await poll(() => station.page.locator('h1').textContent(), { timeout: 10_000 }).toBe(t('station.jobs.title'));
    expect(await station.page.locator('main').textContent()).toContain(t('station.jobs.freePages', { available: 11 }));
    await station.page.getByRole('button', { name: t('station.jobs.printAll') }).click();
    await poll(() => station.page.locator('h1').textContent(), { timeout: 20_000 }).toBe(t('station.done.title'));
    expect(await printedPages(main)).toContain(3);
    expect(problems).toEqual([]);
  });

  test('a staff member who is no admin sees only the four everyday sections; an admin address shows the overview', async () => {
    const { page } = await openPage(main, '/staff');
    await logIn(page, 'erika');
    expect(await navLinks(page)).toEqual([t('staff.nav.overview'), t('staff.nav.jobs'), t('staff.nav.lostCode'), t('staff.nav.vouchers')]);
    await page.goto(`${main.baseUrl}/staff#/stats`);
    await poll(() => page.locator('h1').textContent()).toBe(t('staff.nav.overview'));
    // The server refuses the statistics to this account as well.
    const status = await page.evaluate(async () => (await fetch('/api/staff/stats')).status);
    expect(status).toBe(403);

    const admin = await openPage(main, '/staff');
    await logIn(admin.page, 'anna');
    expect(await navLinks(admin.page)).toEqual(
      ['overview', 'jobs', 'lostCode', 'vouchers', 'rules', 'users', 'audit', 'stats'].map((key) => t(`staff.nav.${key}`)),
    );
  });

  test('a wrong password is answered with the lockout hint, and the form still works afterwards', async () => {
    const { page } = await openPage(main, '/staff');
    await page.getByLabel(t('staff.login.name')).fill('erika');
    await page.getByLabel(t('staff.login.password')).fill('not-the-password');
    await page.getByRole('button', { name: t('staff.login.submit') }).click();
    await poll(() => page.locator('.staff-notice').textContent()).toContain(t('error.staff.login_failed'));
    expect(await page.getByLabel(t('staff.login.password')).inputValue()).toBe('');
    await logIn(page, 'erika');
  });

  test('after the idle time the next request returns to the login with a message', async () => {
    const { page } = await openPage(main, '/staff');
    await logIn(page, 'erika');
    // The overview must have loaded before time jumps: its first fetch would otherwise already
    // meet the expired session (a race the suite lost under load).
    const refresh = page.getByRole('button', { name: t('staff.refresh') });
    await refresh.waitFor({ state: 'visible' });
    main.clock.advanceBy({ minutes: 31 });
    await refresh.click();
    await poll(() => page.locator('main').textContent()).toContain(t('staff.login.expired'));
    expect(await page.locator('h1').textContent()).toBe(t('staff.title'));
    expect(await page.getByRole('navigation', { name: t('staff.nav.label') }).count()).toBe(0);
  });

  test('keyboard only: log in and let a held job print beyond the quota with Tab, Enter and Space', async () => {
    const { job } = await main.upload('keyboard.pdf');
    const { page } = await openPage(main, '/staff');
    const press = async (key: string, times = 1) => {
      for (let i = 0; i < times; i++) await page.keyboard.press(key);
    };
    type Focused = { text: string; label: string; jobId: string | null };
    const focused = () =>
      page.evaluate(
        (): Focused => ({
          text: document.activeElement?.textContent?.trim() ?? '',
          label: (document.activeElement as HTMLInputElement | null)?.labels?.[0]?.textContent ?? '',
          jobId: document.activeElement?.closest('li[data-job-id]')?.getAttribute('data-job-id') ?? null,
        }),
      );
    async function tabTo(match: (f: Focused) => boolean, limit = 80) {
      for (let i = 0; i < limit; i++) {
        await press('Tab');
        if (match(await focused())) return;
      }
      throw new Error(`focus never reached the wanted element; last: ${JSON.stringify(await focused())}`);
    }

    await tabTo((f) => f.label === t('staff.login.name'));
    await page.keyboard.type('erika');
    await press('Tab');
    expect((await focused()).label).toBe(t('staff.login.password'));
    await page.keyboard.type('erika-secret-pw');
    await press('Enter');
    await poll(() => page.locator('h1').textContent()).toBe(t('staff.nav.overview'));

    await tabTo((f) => f.text === t('staff.nav.jobs'));
    await press('Enter');
    await poll(() => page.locator('h1').textContent()).toBe(t('staff.nav.jobs'));
    const card = page.locator(`li[data-job-id="${job.id}"]`);
    await card.waitFor();
    await tabTo((f) => f.text === t('staff.grant.jobButton') && f.jobId === String(job.id));
    // The question opens, its heading takes the focus, the reason is chosen with the arrow key.
    await press('Enter');
    await poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe(t('staff.grant.jobTitle'));
    await press('Tab');
    expect((await focused()).label).toBe(t('staff.grant.reason'));
    await press('ArrowDown');
    await press('Tab');
    expect((await focused()).text).toBe(t('staff.grant.jobConfirm'));
    await press('Space');
    await poll(() => page.locator('.staff-notice').textContent()).toContain(t('staff.grant.jobDone'));
    await poll(() => card.textContent()).toContain(t('staff.jobs.override'));

    const admin = await main.loginAs('anna');
    const audit = await main.app.inject({ method: 'GET', url: '/api/staff/audit', headers: { cookie: admin.cookie } });
    const entry = (audit.json() as { entries: Array<{ action: string; targetId: string; details: Record<string, unknown> }> }).entries.find((e) => e.action === 'grant.job');
    expect(entry).toMatchObject({ targetId: String(job.id), details: { reason: 'authority-letter' } });
  });
});

describe('vouchers and cancelling', () => {
  test('a created voucher shows its code once and its slip opens once in a new window', async () => {
    const { page } = await openPage(main, '/staff');
    await logIn(page, 'erika');
    await page.getByRole('link', { name: t('staff.nav.vouchers') }).click();
    await page.getByRole('textbox', { name: t('staff.vouchers.pages') }).fill('12');
    await page.getByRole('button', { name: t('staff.vouchers.create') }).click();
    const code = (await page.locator('.staff-created .staff-code__digits').textContent())!;
    expect(code).toMatch(/^[2-9A-Z]{5}-[2-9A-Z]{5}$/);
    await poll(() => page.locator('table').textContent()).toContain(t('staff.vouchers.state.open'));

    const [slip] = await Promise.all([page.waitForEvent('popup'), page.getByRole('link', { name: new RegExp(t('staff.vouchers.printSlip')) }).click()]);
    await slip.waitForLoadState();
    expect(await slip.locator('body').textContent()).toContain(code);
    // The slip is served once: a second try is refused.
    const again = await slip.reload();
    expect(again?.status()).toBe(410);
  });

  test('cancelling a job asks first; "Zurück" keeps it, "Ja, löschen" removes it', async () => {
    const { job } = await main.upload('loeschen.pdf');
    const { page } = await openPage(main, '/staff');
    await logIn(page, 'erika');
    await page.getByRole('link', { name: t('staff.nav.jobs') }).click();
    const card = page.locator(`li[data-job-id="${job.id}"]`);
    await card.getByRole('button', { name: t('staff.cancel.button') }).click();
    await card.getByRole('group', { name: t('staff.cancel.question') }).getByRole('button', { name: t('staff.back') }).click();
    expect(await card.count()).toBe(1);
    await card.getByRole('button', { name: t('staff.cancel.button') }).click();
    await card.getByRole('button', { name: t('staff.cancel.confirm') }).click();
    await poll(() => page.locator('.staff-notice').textContent()).toContain(t('staff.cancel.done'));
    await poll(() => card.count()).toBe(0);
  });
});

describe('statistics export', () => {
  test('an admin downloads the CSV: BOM, semicolons, German header, one printed job in the data', async () => {
    const served = await serve();
    await served.addUser('anna', 'admin');
    // One job printed through the station's API, as the station page would.
    const { code, job } = await served.upload('statistik.pdf');
    const station = await served.stationLogin(code);
    const print = await served.app.inject({ method: 'POST', url: '/api/release/print', headers: { cookie: station.cookie }, payload: { printerId: PRINTER } });
    expect(print.json()).toEqual({ outcomes: [{ jobId: job.id, started: true }] });
    // Printed jobs leave the list (deleted at once) or show as completed.
    const stateOf = async () => {
      const jobs = (await served.app.inject({ method: 'GET', url: `/api/release/jobs?printerId=${PRINTER}`, headers: { cookie: station.cookie } })).json().jobs as Array<{ id: number; state: string }>;
      return jobs.find((j) => j.id === job.id)?.state ?? 'gone';
    };
    await poll(stateOf, { timeout: 15_000 }).toMatch(/^(completed|gone)$/);

    const { page, problems } = await openPage(served, '/staff');
    await logIn(page, 'anna');
    await page.getByRole('link', { name: t('staff.nav.stats') }).click();
    const link = page.getByRole('link', { name: t('staff.stats.csv') });
    await link.waitFor();
    // The totals table already counts the job.
    const printedRow = page.getByRole('row', { name: new RegExp(t('staff.stats.metric.printJobsPrinted')) });
    expect(await printedRow.getByRole('cell').textContent()).toBe('1');

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').trim().split(/\r\n/);
    const header = lines[0]!.split(';');
    expect(header.slice(0, 2)).toEqual(['Datum', 'Standort']);
    const printedColumn = header.indexOf('Gedruckte Aufträge');
    expect(printedColumn).toBeGreaterThan(1);
    const rows = lines.slice(1).map((line) => line.split(';'));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.length === header.length)).toBe(true);
    const printed = rows.map((row) => Number(row[printedColumn]));
    expect(printed.reduce((sum, n) => sum + n, 0)).toBe(1);
    expect(rows.find((row) => row[printedColumn] === '1')?.[1]).toBe('lobeda');
    expect(problems).toEqual([]);
  });
});
