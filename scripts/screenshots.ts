// `npm run screenshots`: PNGs of every page (German and Arabic) into docs/screenshots/, taken in
// Debian's headless Chromium against a demo app with one waiting print job and a staff admin.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { buildApp } from '../src/app.ts';
import { parseConfig } from '../src/config/config.ts';
import { demoConfig } from '../src/config/demo-config.ts';
import { openDatabase, migrate } from '../src/db/database.ts';
import { createSystemClock } from '../src/shared/clock.ts';
import { createSystemRandom } from '../src/shared/random.ts';
import { createLogger } from '../src/shared/logger.ts';
import { createAuditLog, createStaffAccounts } from '../src/staff/staff.usecases.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = path.join(root, 'docs/screenshots');
const build = spawnSync(process.execPath, ['scripts/ensure-web-build.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dp-screenshots-'));
const config = parseConfig({ raw: structuredClone(demoConfig), env: { DRUCKPUNKT_DATA_DIR: dataDir } });
const db = openDatabase({ file: ':memory:' });
migrate({ db });
const clock = createSystemClock();
const random = createSystemRandom();
const logger = createLogger({ level: 'warn' });
const app = await buildApp({ config, db, clock, random, logger, webDistDir: path.join(root, 'web/dist') });
await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address() as { port: number };
const base = `http://127.0.0.1:${port}`;

// One waiting job, as if printed from the terminal, and an admin for the console.
const pdf = readFileSync(path.join(root, 'fixtures/pdf/gs-text-3-pages.pdf'));
const boundary = 'screenshots';
const body = Buffer.concat([
  Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="Bewerbung.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
  pdf,
  Buffer.from(`\r\n--${boundary}--\r\n`),
]);
const upload = await fetch(`${base}/api/jobs`, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body });
const { code } = (await upload.json()) as { code: string };
const accounts = createStaffAccounts({ db, clock, random, logger, audit: createAuditLog({ db, clock }) });
await accounts.createUser({ name: 'anna', role: 'admin', password: 'screenshot-password', actor: { id: null, name: 'screenshots' } });

mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});

async function shoot(page: Page, name: string) {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.waitForTimeout(400);
  const file = path.join(outDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log('wrote', path.relative(root, file));
}

async function tile(page: Page, index: number) {
  await page.locator('main nav button, main nav a').nth(index).click();
}

for (const lang of ['de', 'ar']) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/?lang=${lang}`);
  await shoot(page, `terminal-start-${lang}`);
  await tile(page, 0);
  await shoot(page, `terminal-print-${lang}`);
  await page.goto(`${base}/?lang=${lang}`);
  await tile(page, 1);
  await shoot(page, `terminal-jobs-${lang}`);
  await page.goto(`${base}/?lang=${lang}`);
  await tile(page, 3);
  await shoot(page, `terminal-eid-${lang}`);

  const station = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await station.goto(`${base}/station?printer=lobeda-drucker&lang=${lang}`);
  await shoot(station, `station-start-${lang}`);
  for (const digit of code) await station.keyboard.press(digit);
  await station.waitForTimeout(800);
  await shoot(station, `station-jobs-${lang}`);

  const staff = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await staff.goto(`${base}/staff?lang=${lang}`);
  await shoot(staff, `staff-login-${lang}`);
  const password = staff.locator('input[type="password"]');
  if (await password.count()) {
    await staff.locator('input:not([type="password"])').first().fill('anna');
    await password.fill('screenshot-password');
    await staff.keyboard.press('Enter');
    await staff.waitForTimeout(800);
    await shoot(staff, `staff-dashboard-${lang}`);
  }
  await context.close();
}

await browser.close();
await app.close();
db.close();
rmSync(dataDir, { recursive: true, force: true });
