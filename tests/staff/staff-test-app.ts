/**
 * The whole app with the staff console API and the station's voucher entry. When app.ts already
 * registers them, that wiring is used as it is; otherwise the plugins are registered here on the
 * app's own spool and release, as app.ts will.
 */
import { expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createTestApp, type TestAppOptions } from '../helpers/test-app.ts';
import { multipartFile } from '../helpers/multipart.ts';
import { demoConfig } from '../../src/config/demo-config.ts';
import { loadOrCreateMasterKey } from '../../src/shared/store/master-key.ts';
import { deriveVoucherPepper } from '../../src/quota/vouchers.ts';
import { quotaRoutes } from '../../src/quota/quota.routes.ts';
import { staffRoutes } from '../../src/staff/staff.routes.ts';
import { createAuditLog, createStaffAccounts } from '../../src/staff/staff.usecases.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { createSystemRandom } from '../../src/shared/random.ts';

export const PRINTER = 'lobeda-drucker';
const fixtures = path.resolve(import.meta.dirname, '../../fixtures');
export const pdf3 = readFileSync(path.join(fixtures, 'pdf/gs-text-3-pages.pdf'));

export function siteConfig(overrides: Record<string, unknown> = {}) {
  const raw = structuredClone(demoConfig) as { sites: Record<string, unknown>[] };
  Object.assign(raw.sites[0]!, overrides);
  return raw;
}

export async function createStaffTestApp(options: TestAppOptions = {}) {
  const ctx = await createTestApp(options);
  const { app, config, db, clock, random, dataDir } = ctx;
  const voucherPepper = deriveVoucherPepper(loadOrCreateMasterKey({ dataDir, configuredKey: config.masterKey }));
  const logger = createLogger({ level: 'silent' });
  if (!app.hasRoute({ method: 'POST', url: '/api/staff/login' })) {
    await app.register(staffRoutes, { prefix: '/api/staff', config, db, clock, random, logger, spool: app.spool, release: app.release, voucherPepper });
  }
  if (!app.hasRoute({ method: 'POST', url: '/api/release/voucher' })) {
    await app.register(quotaRoutes, { config, db, clock, random, logger, release: app.release, voucherPepper });
  }
  // Users are created directly (as the CLI does); system randomness for salts, the test clock for times.
  const accounts = createStaffAccounts({ db, clock, random: createSystemRandom(), logger, audit: createAuditLog({ db, clock }) });

  async function addUser(name: string, role: 'admin' | 'staff', password = `${name}-secret-pw`) {
    return accounts.createUser({ name, role, password, actor: { id: null, name: 'test' } });
  }

  /** Logs in and returns the headers a console sends: the cookie and the CSRF token. */
  async function loginAs(name: string, password = `${name}-secret-pw`) {
    const res = await app.inject({ method: 'POST', url: '/api/staff/login', payload: { name, password } });
    expect(res.statusCode, res.body).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'dp_staff')!;
    return { cookie: `dp_staff=${cookie.value}`, csrf: res.json().csrfToken as string, setCookie: cookie };
  }

  async function upload(name = 'a.pdf', data = pdf3) {
    const res = await app.inject({ method: 'POST', url: '/api/jobs', remoteAddress: '127.0.0.1', ...multipartFile({ filename: name, contentType: 'application/pdf', data }) });
    expect(res.statusCode).toBe(201);
    return res.json() as { job: { id: number }; code: string };
  }

  async function stationLogin(code: string) {
    const res = await app.inject({ method: 'POST', url: '/api/release/login', payload: { printerId: PRINTER, code } });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'dp_station')!;
    return { cookie: `dp_station=${cookie.value}`, availablePages: res.json().availablePages as number };
  }

  return { ...ctx, accounts, addUser, loginAs, upload, stationLogin };
}

export type StaffTestApp = Awaited<ReturnType<typeof createStaffTestApp>>;
