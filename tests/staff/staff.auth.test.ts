import { afterEach, describe, expect, test } from 'vitest';
import { createStaffTestApp, type StaffTestApp } from './staff-test-app.ts';
import { STAFF_ROUTES } from '../../src/staff/staff.routes.ts';
import { hashPassword, verifyPassword } from '../../src/staff/passwords.ts';

let ctx: StaffTestApp | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

const login = (name: string, password: string) => ctx!.app.inject({ method: 'POST', url: '/api/staff/login', payload: { name, password } });

describe('staff passwords', () => {
  test('scrypt hashes carry their parameters and a per-user salt, and only the right password verifies', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$15\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
  });
});

describe('staff login', () => {
  test('a good login sets an HttpOnly, SameSite=Strict session cookie for the whole site and returns the CSRF token', async () => {
    ctx = await createStaffTestApp();
    await ctx.addUser('anna', 'staff');
    const res = await login('anna', 'anna-secret-pw');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ user: { name: 'anna', role: 'staff' }, csrfToken: expect.any(String) });
    const cookie = res.cookies.find((c) => c.name === 'dp_staff')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie.secure).toBeFalsy();
    // Only the hash of the session id is stored.
    const stored = ctx.db.prepare('SELECT id_hash FROM staff_sessions').all() as Array<{ id_hash: string }>;
    expect(stored).toHaveLength(1);
    expect(stored[0]!.id_hash).not.toContain(cookie.value);
  });

  test('the cookie is Secure when the request came over https', async () => {
    // inject cannot do TLS; a trusted proxy's X-Forwarded-Proto is how https reaches the app here.
    const raw = structuredClone((await import('../../src/config/demo-config.ts')).demoConfig) as Record<string, unknown>;
    raw.server = { trustProxy: true };
    ctx = await createStaffTestApp({ rawConfig: raw });
    await ctx.addUser('anna', 'staff');
    const res = await ctx.app.inject({ method: 'POST', url: '/api/staff/login', headers: { 'x-forwarded-proto': 'https' }, payload: { name: 'anna', password: 'anna-secret-pw' } });
    expect(res.cookies.find((c) => c.name === 'dp_staff')?.secure).toBe(true);
  });

  test('an unknown name and a wrong password get the same answer', async () => {
    ctx = await createStaffTestApp();
    await ctx.addUser('anna', 'staff');
    const unknown = await login('nobody', 'whatever-password');
    const wrong = await login('anna', 'wrong-password');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());
    expect(unknown.json().error.code).toBe('staff.login_failed');
  });

  test('five wrong passwords lock the account for 15 minutes, even for the right password, with the same answer', async () => {
    ctx = await createStaffTestApp();
    await ctx.addUser('anna', 'staff');
    for (let i = 0; i < 4; i++) expect((await login('anna', `wrong-${i}-password`)).statusCode).toBe(401);
    // Four wrong tries do not lock yet.
    expect((await login('anna', 'anna-secret-pw')).statusCode).toBe(200);
    for (let i = 0; i < 5; i++) expect((await login('anna', `wrong-${i}-password`)).statusCode).toBe(401);
    const locked = await login('anna', 'anna-secret-pw');
    expect(locked.statusCode).toBe(401);
    expect(locked.json()).toEqual((await login('nobody', 'x-password')).json());
    ctx.clock.advanceBy({ minutes: 14, seconds: 59 });
    expect((await login('anna', 'anna-secret-pw')).statusCode).toBe(401);
    ctx.clock.advanceBy({ seconds: 2 });
    expect((await login('anna', 'anna-secret-pw')).statusCode).toBe(200);
    const actions = (ctx.db.prepare('SELECT action FROM staff_audit ORDER BY id').all() as Array<{ action: string }>).map((r) => r.action);
    expect(actions.filter((a) => a === 'login.failed')).toHaveLength(9);
    expect(actions.filter((a) => a === 'login.refused')).toHaveLength(2);
  });

  test('a disabled user cannot log in and loses open sessions', async () => {
    ctx = await createStaffTestApp();
    const anna = await ctx.addUser('anna', 'staff');
    const session = await ctx.loginAs('anna');
    ctx.accounts.setDisabled({ id: anna.id, disabled: true, actor: { id: null, name: 'test' } });
    expect((await ctx.app.inject({ method: 'GET', url: '/api/staff/me', headers: { cookie: session.cookie } })).statusCode).toBe(401);
    expect((await login('anna', 'anna-secret-pw')).statusCode).toBe(401);
  });
});

describe('staff sessions', () => {
  test('a session ends after 30 idle minutes; activity keeps it alive', async () => {
    ctx = await createStaffTestApp();
    await ctx.addUser('anna', 'staff');
    const { cookie } = await ctx.loginAs('anna');
    const me = () => ctx!.app.inject({ method: 'GET', url: '/api/staff/me', headers: { cookie } });
    ctx.clock.advanceBy({ minutes: 29 });
    expect((await me()).statusCode).toBe(200);
    ctx.clock.advanceBy({ minutes: 29 });
    expect((await me()).statusCode).toBe(200);
    ctx.clock.advanceBy({ minutes: 30, seconds: 1 });
    const expired = await me();
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('staff.not_logged_in');
  });

  test('a session ends after 12 hours even when used all the time', async () => {
    ctx = await createStaffTestApp();
    await ctx.addUser('anna', 'staff');
    const { cookie } = await ctx.loginAs('anna');
    for (let i = 0; i < 24; i++) {
      ctx.clock.advanceBy({ minutes: 29 });
      expect((await ctx.app.inject({ method: 'GET', url: '/api/staff/me', headers: { cookie } })).statusCode).toBe(200);
    }
    ctx.clock.advanceBy({ minutes: 25 });
    expect((await ctx.app.inject({ method: 'GET', url: '/api/staff/me', headers: { cookie } })).statusCode).toBe(401);
  });

  test('logout ends the session on the server', async () => {
    ctx = await createStaffTestApp();
    await ctx.addUser('anna', 'staff');
    const { cookie, csrf } = await ctx.loginAs('anna');
    expect((await ctx.app.inject({ method: 'POST', url: '/api/staff/logout', headers: { cookie, 'x-csrf-token': csrf } })).statusCode).toBe(204);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/staff/me', headers: { cookie } })).statusCode).toBe(401);
  });
});

describe('CSRF protection', () => {
  const grant = (headers: Record<string, string>) =>
    ctx!.app.inject({ method: 'POST', url: '/api/staff/vouchers', headers, payload: { pages: 5 } });

  test('a state-changing request without the token, or with a wrong one, is refused with 403 and changes nothing', async () => {
    ctx = await createStaffTestApp();
    await ctx.addUser('anna', 'staff');
    const { cookie, csrf } = await ctx.loginAs('anna');
    const missing = await grant({ cookie });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().error.code).toBe('staff.csrf_failed');
    const wrong = await grant({ cookie, 'x-csrf-token': `${csrf.slice(0, -2)}xx` });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('staff.csrf_failed');
    expect(ctx.db.prepare('SELECT COUNT(*) AS n FROM vouchers').get()).toEqual({ n: 0 });
    expect((await grant({ cookie, 'x-csrf-token': csrf })).statusCode).toBe(201);
  });

  test('a token of another session does not count', async () => {
    ctx = await createStaffTestApp();
    await ctx.addUser('anna', 'staff');
    await ctx.addUser('ben', 'staff');
    const anna = await ctx.loginAs('anna');
    const ben = await ctx.loginAs('ben');
    expect((await grant({ cookie: anna.cookie, 'x-csrf-token': ben.csrf })).statusCode).toBe(403);
  });

  test('a foreign Origin or a cross-site fetch is refused even with the right token', async () => {
    ctx = await createStaffTestApp();
    await ctx.addUser('anna', 'staff');
    const { cookie, csrf } = await ctx.loginAs('anna');
    expect((await grant({ cookie, 'x-csrf-token': csrf, origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await grant({ cookie, 'x-csrf-token': csrf, 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect((await grant({ cookie, 'x-csrf-token': csrf, origin: 'http://localhost', 'sec-fetch-site': 'same-origin' })).statusCode).toBe(201);
    // Login itself has no token yet, but a cross-site login form is refused too.
    const crossLogin = await ctx.app.inject({ method: 'POST', url: '/api/staff/login', headers: { 'sec-fetch-site': 'cross-site' }, payload: { name: 'anna', password: 'anna-secret-pw' } });
    expect(crossLogin.json().error.code).toBe('staff.csrf_failed');
  });
});

describe('roles', () => {
  // Bodies that pass validation, so a wrong answer cannot come from the schema instead of the role check.
  const validBody: Record<string, unknown> = {
    'PUT /quota-rules/:siteId': { pagesPerSession: 5, pagesPerTerminalPerDay: 5, pagesPerSitePerDay: 5, pagesPerSitePerWeek: null, pagesPerSitePerMonth: null, colorFactor: 1, scansCounted: false },
    'POST /users': { name: 'mallory', role: 'admin', password: 'mallory-secret-pw' },
    'POST /users/:id/password': { password: 'another-secret-pw' },
  };
  const entries = Object.entries(STAFF_ROUTES) as Array<[string, 'public' | 'staff' | 'admin']>;

  test('every admin route refuses a staff member with 403 and admits an admin; nothing changes on refusal', async () => {
    ctx = await createStaffTestApp();
    const admin = await ctx.addUser('root', 'admin');
    await ctx.addUser('anna', 'staff');
    const staff = await ctx.loginAs('anna');
    const adm = await ctx.loginAs('root');
    const adminRoutes = entries.filter(([, access]) => access === 'admin');
    expect(adminRoutes.length).toBeGreaterThanOrEqual(9);
    const before = ctx.db.prepare('SELECT (SELECT COUNT(*) FROM staff_users) AS users, (SELECT COUNT(*) FROM quota_rules) AS rules').get();
    for (const [key] of adminRoutes) {
      const [method, pattern] = key.split(' ') as ['GET' | 'POST' | 'PUT', string];
      const url = `/api/staff${pattern.replace(':siteId', 'lobeda').replace(':id', String(admin.id))}`;
      const payload = method === 'GET' ? undefined : (validBody[key] ?? {});
      const refused = await ctx.app.inject({ method, url, headers: { cookie: staff.cookie, 'x-csrf-token': staff.csrf }, payload });
      expect(refused.statusCode, key).toBe(403);
      expect(refused.json().error.code, key).toBe('staff.forbidden');
      const anonymous = await ctx.app.inject({ method, url, payload });
      expect(anonymous.statusCode, key).toBe(401);
    }
    expect(ctx.db.prepare('SELECT (SELECT COUNT(*) FROM staff_users) AS users, (SELECT COUNT(*) FROM quota_rules) AS rules').get()).toEqual(before);
    for (const [key] of adminRoutes.filter(([k]) => k.startsWith('GET '))) {
      const url = `/api/staff${key.split(' ')[1]!}`;
      expect((await ctx.app.inject({ method: 'GET', url, headers: { cookie: adm.cookie } })).statusCode, key).toBe(200);
    }
  });

  test('every route other than login needs a session', async () => {
    ctx = await createStaffTestApp();
    for (const [key, access] of entries) {
      const [method, pattern] = key.split(' ') as ['GET' | 'POST' | 'PUT', string];
      const res = await ctx.app.inject({ method, url: `/api/staff${pattern.replace(':siteId', 'lobeda').replace(':id', '1')}`, payload: method === 'GET' ? undefined : {} });
      // Login answers the empty body as invalid; everything else stops at the missing session.
      expect(res.statusCode, key).toBe(access === 'public' ? 400 : 401);
    }
  });

  test('every route of the access table is registered under /api/staff', async () => {
    ctx = await createStaffTestApp();
    for (const key of Object.keys(STAFF_ROUTES)) {
      const [method, pattern] = key.split(' ') as ['GET' | 'POST' | 'PUT', string];
      expect(ctx.app.hasRoute({ method, url: `/api/staff${pattern}` }), key).toBe(true);
    }
  });
});
