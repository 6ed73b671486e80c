import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchChromium, startCupsd, type ChromiumPeer, type Cupsd } from './helpers/peers/index.ts';
import { startPrinterUnderTest, type PrinterUnderTest } from './release/printers/print-engine.ts';
import { createTestApp } from './helpers/test-app.ts';
import { inspectPdf } from './scan/scan.harness.ts';
import { demoConfig } from '../src/config/demo-config.ts';
import { webDistDir } from '../src/web/web.routes.ts';
import { createAuditLog, createStaffAccounts } from '../src/staff/staff.usecases.ts';
import { createSystemRandom } from '../src/shared/random.ts';
import { createLogger } from '../src/shared/logger.ts';
import { createTranslator, type Catalog } from '../web/shared/i18n/i18n.ts';

// The whole citizen journey with every real peer: a terminal's cupsd prints, the terminal page
// shows the code, the station releases it to ippeveprinter, the terminal sees it printed, a scan
// from SANE's test device is picked up on the terminal, and the staff statistics count both.

const root = fileURLToPath(new URL('..', import.meta.url));
const t = createTranslator({ language: 'de', catalog: JSON.parse(readFileSync(path.join(root, 'web/shared/i18n/de.json'), 'utf8')) as Catalog }).t;
const PRINTER = 'lobeda-drucker';

let chromium: ChromiumPeer;
let printer: PrinterUnderTest;
let cupsd: Cupsd;
let ctx: Awaited<ReturnType<typeof createTestApp>>;
let baseUrl = '';
let tempDir = '';

beforeAll(async () => {
  const build = spawnSync(process.execPath, ['scripts/ensure-web-build.mjs'], { cwd: root, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  tempDir = mkdtempSync(path.join(os.tmpdir(), 'dp-journey-'));
  chromium = await launchChromium();
  printer = await startPrinterUnderTest({ formats: ['application/pdf'] });
  const raw = structuredClone(demoConfig) as { sites: Array<Record<string, unknown>> };
  raw.sites[0]!.printers = [{ id: PRINTER, name: 'Drucker am Empfang', driver: 'ipp', uri: printer.uri4, timeoutSeconds: 10 }];
  raw.sites[0]!.scanners = [
    { id: 'lobeda-scanner', name: 'Scanner am Empfang', driver: 'sane', device: 'test', timeoutSeconds: 60, saneConfigDir: path.join(tempDir, 'sane'), extraArgs: ['--test-picture', 'Grid', '--batch-count=2'] },
  ];
  ctx = await createTestApp({ rawConfig: raw, webDistDir, followIntervalMs: 200 });
  baseUrl = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  cupsd = await startCupsd();
  await cupsd.lpadmin(['-p', 'druckpunkt', '-E', '-v', `${baseUrl.replace('http://', 'ipp://')}/ipp/print/lobeda?waitjob=false`, '-m', 'everywhere']);
  await cupsd.waitForQueueReady({ queue: 'druckpunkt' });
}, 180_000);

afterAll(async () => {
  await chromium?.stop();
  await cupsd?.stop();
  await ctx?.close();
  await printer?.stop();
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
});

async function heading(page: Page, text: string) {
  await expect.poll(() => page.locator('h1').textContent(), { timeout: 20_000 }).toBe(text);
}

describe('the whole journey', () => {
  test('print from the terminal, release at the station, scan, pick up, and the statistics count it', async () => {
    // 1. The terminal prints from "any program": its CUPS sends the PDF to our queue.
    await cupsd.lp(['-d', 'druckpunkt', '-t', 'Antrag auf Wohngeld', path.join(root, 'fixtures/pdf/gs-text-3-pages.pdf')]);

    // 2. The terminal page shows the job and the code.
    const terminal = await chromium.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await terminal.goto(`${baseUrl}/`);
    await heading(terminal, t('terminal.title'));
    await terminal.getByTestId('tile-jobs').click();
    await expect.poll(() => terminal.getByTestId('job').count(), { timeout: 30_000 }).toBe(1);
    expect(await terminal.getByTestId('job').textContent()).toContain('Antrag auf Wohngeld');
    const code = ((await terminal.getByTestId('release-code').textContent()) ?? '').replace(/\D/g, '');
    expect(code).toMatch(/^\d{6}$/);

    // 3. At the station: the code on the keypad, "Alles drucken", to the real ippeveprinter.
    const station = await chromium.newPage({ viewport: { width: 1280, height: 900 } });
    await station.goto(`${baseUrl}/station?printer=${PRINTER}`);
    await heading(station, t('station.title'));
    for (const digit of code) await station.keyboard.press(digit);
    await station.getByRole('button', { name: t('station.jobs.printAll'), exact: true }).click();
    await station.getByText(t('station.done.take')).waitFor({ timeout: 30_000 });
    await ctx.app.release.settled();
    expect(await printer.receivedPages()).toEqual([3]);

    // 4. The terminal page shows it printed, without a reload.
    await expect.poll(() => terminal.getByTestId('job-status').textContent(), { timeout: 15_000 }).toContain(t('terminal.jobs.status.printed'));

    // 5. A scan from SANE's test device at the same station.
    await station.getByRole('button', { name: t('station.done.back'), exact: true }).click();
    await heading(station, t('station.title'));
    await station.getByRole('button', { name: t('scan.entry.start'), exact: true }).click();
    await heading(station, t('scan.title'));
    await station.locator('[data-preset="document"]').click();
    await heading(station, t('scan.pages.title'));
    await station.getByRole('button', { name: t('scan.scan'), exact: true }).click();
    await expect.poll(() => station.locator('[data-testid="scan-page"]').count(), { timeout: 60_000 }).toBe(2);
    await expect.poll(() => station.getByRole('button', { name: t('scan.scan'), exact: true }).getAttribute('aria-disabled'), { timeout: 30_000 }).toBe(null);
    await station.getByRole('button', { name: t('scan.done'), exact: true }).click();
    await heading(station, t('scan.size.title'));
    await station.getByRole('button', { name: t('scan.size.create'), exact: true }).click();
    await heading(station, t('scan.result.title'));
    const pickupCode = ((await station.getByTestId('pickup-code').textContent()) ?? '').replace(/\D/g, '');
    expect(pickupCode).toMatch(/^\d{6}$/);

    // 6. Pickup on the terminal page; the downloaded PDF is valid.
    await terminal.goto(`${baseUrl}/`);
    await terminal.getByTestId('tile-scan').click();
    await heading(terminal, t('terminal.scan.title'));
    await terminal.locator('#pickup-code').fill(pickupCode);
    await terminal.keyboard.press('Enter');
    await terminal.getByTestId('pickup-document').first().waitFor({ timeout: 20_000 });
    const [download] = await Promise.all([terminal.waitForEvent('download'), terminal.getByTestId('pickup-download').first().click()]);
    const saved = path.join(tempDir, 'scan.pdf');
    await download.saveAs(saved);
    const pdf = await inspectPdf(saved);
    expect(pdf.check.ok, pdf.check.output).toBe(true);
    expect(pdf.pages).toBe(2);

    // 7. The staff statistics count one print job and one scan (admin, through the console API).
    const accounts = createStaffAccounts({ db: ctx.db, clock: ctx.clock, random: createSystemRandom(), logger: createLogger({ level: 'silent' }), audit: createAuditLog({ db: ctx.db, clock: ctx.clock }) });
    await accounts.createUser({ name: 'auswertung', role: 'admin', password: 'journey-password-1', actor: { id: null, name: 'test' } });
    const login = await ctx.app.inject({ method: 'POST', url: '/api/staff/login', payload: { name: 'auswertung', password: 'journey-password-1' } });
    const cookie = `dp_staff=${login.cookies.find((c) => c.name === 'dp_staff')!.value}`;
    const stats = await ctx.app.inject({ method: 'GET', url: '/api/staff/stats?site=lobeda', headers: { cookie } });
    expect(stats.statusCode).toBe(200);
    const totals = stats.json().totals;
    expect(totals).toMatchObject({ printJobsReceived: 1, printJobsIpp: 1, printJobsPrinted: 1, scanSessions: 1, scanPages: 2 });
    // Colour or black-and-white is what the terminal's CUPS asked for; the pages are the 3 printed.
    expect(totals.pagesPrintedColor + totals.pagesPrintedMono).toBe(3);
  }, 240_000);
});
