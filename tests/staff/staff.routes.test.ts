import { afterEach, describe, expect, test } from 'vitest';
import { createStaffTestApp, PRINTER, siteConfig, type StaffTestApp } from './staff-test-app.ts';
import { STAFF_ROUTES } from '../../src/staff/staff.routes.ts';

let ctx: StaffTestApp | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

async function adminSession() {
  await ctx!.addUser('root', 'admin');
  const { cookie, csrf } = await ctx!.loginAs('root');
  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    ctx!.app.inject({ method, url: `/api/staff${url}`, headers: method === 'GET' ? { cookie } : { cookie, 'x-csrf-token': csrf }, payload: payload as object });
  return { cookie, csrf, call };
}

describe('staff console privacy', () => {
  test('no staff response and no audit entry contains a document name or a release code', async () => {
    ctx = await createStaffTestApp();
    const marker = `Geheim-${Date.now().toString(36)}-Mietvertrag`;
    const { job, code } = await ctx.upload(`${marker}.pdf`);
    expect(ctx.app.spool.getJob(job.id)?.name).toContain(marker); // planted
    const { call } = await adminSession();
    // Actions that write audit entries about this job and its session.
    expect((await call('POST', '/grants', { target: 'job', jobId: job.id, reason: 'misprint' })).statusCode).toBe(200);
    const jobs = (await call('GET', '/jobs')).json();
    const sessionId = jobs.terminals[0].jobs[0].sessionId as string;
    expect((await call('POST', '/grants', { target: 'session', sessionId, pages: 3, reason: 'authority-letter' })).statusCode).toBe(200);
    const voucher = (await call('POST', '/vouchers', { pages: 4 })).json();
    expect((await call('GET', `/vouchers/${voucher.voucher.id}/slip`)).statusCode).toBe(200);

    const bodies: string[] = [];
    for (const key of Object.keys(STAFF_ROUTES).filter((k) => k.startsWith('GET ') && !k.includes(':id'))) {
      const res = await call('GET', key.slice(4));
      expect(res.statusCode, key).toBe(200);
      bodies.push(res.body);
    }
    expect(bodies.join('\n')).toContain(`"id":${job.id},"sessionId":"${sessionId}"`); // the job is there...
    for (const body of bodies) {
      expect(body).not.toContain(marker); // ...but never its name
      expect(body).not.toContain('Mietvertrag');
      expect(body).not.toContain(code);
    }
    const audit = JSON.stringify(ctx.db.prepare('SELECT * FROM staff_audit').all());
    expect(audit).not.toContain(marker);
    expect(audit).not.toContain(code);
    expect(audit).not.toContain(voucher.code.replace('-', ''));
    expect(ctx.logs.text()).not.toContain(voucher.code.replace('-', ''));
  });
});

describe('held jobs and the dashboard', () => {
  test('held jobs are listed per terminal with pages, cost, expiry and the missing pages', async () => {
    ctx = await createStaffTestApp({ rawConfig: siteConfig({ quota: { pagesPerSession: 2 } }) });
    const { job } = await ctx.upload();
    const { call } = await adminSession();
    const res = await call('GET', '/jobs');
    expect(res.json()).toMatchObject({
      siteId: 'lobeda',
      terminals: [{ terminalId: 'terminal-1', terminalName: 'Terminal 1', jobs: [{ id: job.id, state: 'held', pages: 3, copies: 1, cost: 3, missingPages: 1, quotaOverride: false }] }],
    });
    expect(res.json().terminals[0].sessions[0].availablePages).toBe(2);
  });

  test('the dashboard shows every printer with readiness, waiting jobs and the last error, and the scanners', async () => {
    ctx = await createStaffTestApp();
    await ctx.upload();
    await ctx.upload();
    const { call } = await adminSession();
    const res = await call('GET', '/dashboard');
    expect(res.statusCode).toBe(200);
    expect(res.json().sites[0]).toMatchObject({
      id: 'lobeda',
      jobsWaiting: 2,
      printers: [{ id: PRINTER, readiness: { ready: true, state: 'idle' }, jobsWaiting: 2, jobsPrinting: 0, lastError: null }],
      scanners: [{ id: 'lobeda-scanner' }],
    });
  });
});

describe('extra pages', () => {
  test('pages granted to a session raise the free pages the station shows, and the job then prints', async () => {
    ctx = await createStaffTestApp({ rawConfig: siteConfig({ quota: { pagesPerSession: 2 } }) });
    const { job, code } = await ctx.upload();
    const station = await ctx.stationLogin(code);
    expect(station.availablePages).toBe(2);
    const refused = await ctx.app.inject({ method: 'POST', url: '/api/release/print', headers: { cookie: station.cookie }, payload: { printerId: PRINTER } });
    expect(refused.json().outcomes[0]).toMatchObject({ started: false, missingPages: 1 });

    const { call } = await adminSession();
    const sessionId = (await call('GET', '/jobs')).json().terminals[0].sessions[0].sessionId;
    const grant = await call('POST', '/grants', { target: 'session', sessionId, pages: 10, reason: 'job-application' });
    expect(grant.json()).toMatchObject({ target: 'session', pagesGranted: 10, availablePages: 12 });

    const after = await ctx.app.inject({ method: 'GET', url: `/api/release/jobs?printerId=${PRINTER}`, headers: { cookie: station.cookie } });
    expect(after.json().availablePages).toBe(12);
    const print = await ctx.app.inject({ method: 'POST', url: '/api/release/print', headers: { cookie: station.cookie }, payload: { printerId: PRINTER } });
    expect(print.json().outcomes).toEqual([{ jobId: job.id, started: true }]);
    await ctx.app.release.settled();
    expect(ctx.app.spool.getJob(job.id)?.state).toBe('completed');
    expect(ctx.db.prepare("SELECT kind, pages, reason FROM ledger_entries WHERE kind = 'grant'").all()).toEqual([{ kind: 'grant', pages: 10, reason: 'job-application' }]);
  });

  test('a job allowed beyond the quota prints even when the site budget is spent, and only that job', async () => {
    ctx = await createStaffTestApp({ rawConfig: siteConfig({ quota: { pagesPerSession: 30, pagesPerSitePerDay: 2 } }) });
    const first = await ctx.upload();
    const second = await ctx.upload();
    const { call } = await adminSession();
    expect((await call('POST', '/grants', { target: 'job', jobId: first.job.id, reason: 'authority-letter' })).statusCode).toBe(200);
    expect((await call('GET', '/jobs')).json().terminals[0].jobs.find((j: { id: number }) => j.id === first.job.id).quotaOverride).toBe(true);

    const station = await ctx.stationLogin(first.code);
    const print = await ctx.app.inject({ method: 'POST', url: '/api/release/print', headers: { cookie: station.cookie }, payload: { printerId: PRINTER } });
    const outcomes = print.json().outcomes as Array<{ jobId: number; started: boolean; missingPages?: number }>;
    expect(outcomes.find((o) => o.jobId === first.job.id)).toEqual({ jobId: first.job.id, started: true });
    expect(outcomes.find((o) => o.jobId === second.job.id)).toMatchObject({ started: false, errorCode: 'quota.exceeded' });
    await ctx.app.release.settled();
    expect(ctx.app.spool.getJob(first.job.id)?.state).toBe('completed');
    // The site account ends at zero, not below: exactly the shortfall was granted.
    const siteDay = ctx.db.prepare("SELECT SUM(pages) AS total FROM ledger_entries WHERE account LIKE 'site-day:%' AND kind != 'reset'").get() as { total: number };
    expect(2 + siteDay.total).toBe(0);
  });

  test('a grant for a job that is not waiting is refused', async () => {
    ctx = await createStaffTestApp();
    const { job } = await ctx.upload();
    await ctx.app.spool.cancelJob({ jobId: job.id });
    const { call } = await adminSession();
    const res = await call('POST', '/grants', { target: 'job', jobId: job.id, reason: 'other' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('staff.job_not_waiting');
  });
});

describe('lost codes and cancel', () => {
  test('the lost-code lookup shows the live code of the terminal in the window and is audited with its reason', async () => {
    ctx = await createStaffTestApp();
    const { code } = await ctx.upload();
    const { call } = await adminSession();
    const now = ctx.clock.now();
    const res = await call('POST', '/lost-code', {
      terminalId: 'terminal-1',
      from: new Date(now - 3_600_000).toISOString(),
      to: new Date(now).toISOString(),
      reason: 'citizen-lost-code',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().sessions).toEqual([expect.objectContaining({ code, jobsWaiting: 1, endedAt: null })]);
    const entry = ctx.db.prepare("SELECT user_name, target_id, details FROM staff_audit WHERE action = 'lost-code.lookup'").get() as { user_name: string; target_id: string; details: string };
    expect(entry).toMatchObject({ user_name: 'root', target_id: 'terminal-1' });
    expect(JSON.parse(entry.details)).toEqual({ reason: 'citizen-lost-code', sessions: 1, codesShown: 1 });
    // A window before the session started finds nothing.
    const earlier = await call('POST', '/lost-code', { terminalId: 'terminal-1', from: new Date(now - 7_200_000).toISOString(), to: new Date(now - 3_600_000).toISOString(), reason: 'other' });
    expect(earlier.json().sessions).toEqual([]);
  });

  test('staff cancel a held job: its documents are shredded and the action is audited', async () => {
    ctx = await createStaffTestApp();
    const { job } = await ctx.upload();
    await ctx.addUser('anna', 'staff');
    const { cookie, csrf } = await ctx.loginAs('anna');
    const res = await ctx.app.inject({ method: 'POST', url: `/api/staff/jobs/${job.id}/cancel`, headers: { cookie, 'x-csrf-token': csrf } });
    expect(res.json()).toEqual({ jobId: job.id, state: 'canceled' });
    expect(ctx.db.prepare('SELECT COUNT(*) AS n FROM document_keys WHERE owner_id = ?').get(`job:${job.id}`)).toEqual({ n: 0 });
    expect(ctx.db.prepare("SELECT user_name, target_id FROM staff_audit WHERE action = 'job.cancel'").get()).toEqual({ user_name: 'anna', target_id: String(job.id) });
  });
});

describe('quota rules at runtime', () => {
  test('an admin edit applies at the station at once and is kept as a new version with who and when', async () => {
    ctx = await createStaffTestApp();
    const { code } = await ctx.upload();
    const station = await ctx.stationLogin(code);
    expect(station.availablePages).toBe(30);
    const { call } = await adminSession();
    const values = { pagesPerSession: 12, pagesPerTerminalPerDay: 100, pagesPerSitePerDay: 500, pagesPerSitePerWeek: 1000, pagesPerSitePerMonth: null, colorFactor: 2, scansCounted: true };
    const put = await call('PUT', '/quota-rules/lobeda', values);
    expect(put.statusCode).toBe(200);
    expect(put.json().current).toMatchObject({ ...values, version: 1, changedBy: 'root', changedAt: ctx.clock.date().toISOString() });
    expect(put.json().history.map((r: { version: number }) => r.version)).toEqual([1, 0]);
    const jobs = await ctx.app.inject({ method: 'GET', url: `/api/release/jobs?printerId=${PRINTER}`, headers: { cookie: station.cookie } });
    expect(jobs.json().availablePages).toBe(12);
    // The demo upload is colour: 3 pages at factor 2.
    expect(jobs.json().jobs[0].cost).toBe(6);
    const audit = (await call('GET', '/audit')).json().entries as Array<{ action: string; details: Record<string, unknown> }>;
    expect(audit.find((e) => e.action === 'rules.update')?.details).toMatchObject({ pagesPerSession: 12, colorFactor: 2 });
  });

  test('invalid rules are refused with the field named', async () => {
    ctx = await createStaffTestApp();
    const { call } = await adminSession();
    const res = await call('PUT', '/quota-rules/lobeda', { pagesPerSession: -1, pagesPerTerminalPerDay: 1, pagesPerSitePerDay: 1, pagesPerSitePerWeek: null, pagesPerSitePerMonth: null, colorFactor: 1, scansCounted: false });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json().error.details)).toContain('pagesPerSession');
  });
});

describe('users', () => {
  test('an admin creates a staff user who can then log in; the list never shows password hashes', async () => {
    ctx = await createStaffTestApp();
    const { call } = await adminSession();
    const created = await call('POST', '/users', { name: 'clara', role: 'staff', password: 'clara-secret-pw' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ name: 'clara', role: 'staff', disabled: false });
    expect((await call('POST', '/users', { name: 'Clara', role: 'staff', password: 'clara-secret-pw' })).json().error.code).toBe('staff.user_exists');
    const list = await call('GET', '/users');
    expect(list.json().users.map((u: { name: string }) => u.name)).toEqual(['clara', 'root']);
    expect(list.body).not.toContain('scrypt');
    await ctx.loginAs('clara');
    const disabled = await call('POST', `/users/${created.json().id}/disable`);
    expect(disabled.json().disabled).toBe(true);
    const relogin = await ctx.app.inject({ method: 'POST', url: '/api/staff/login', payload: { name: 'clara', password: 'clara-secret-pw' } });
    expect(relogin.statusCode).toBe(401);
  });
});
