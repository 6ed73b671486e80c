import { afterEach, describe, expect, test } from 'vitest';
import { createStaffTestApp, PRINTER } from './staff-test-app.ts';

let ctx: Awaited<ReturnType<typeof createStaffTestApp>> | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

describe('staff dashboard', () => {
  test('a station locked after too many wrong codes shows on the dashboard until the lock ends', async () => {
    ctx = await createStaffTestApp();
    await ctx.addUser('empfang', 'staff');
    const { cookie } = await ctx.loginAs('empfang');
    const dashboard = async () => (await ctx!.app.inject({ method: 'GET', url: '/api/staff/dashboard', headers: { cookie } })).json();
    expect((await dashboard()).sites[0].printers[0].codeEntryLockedUntil).toBeNull();

    for (let i = 0; i < 10; i++) {
      await ctx.app.inject({ method: 'POST', url: '/api/release/login', payload: { printerId: PRINTER, code: '000000' } });
      ctx.clock.advanceBy({ seconds: 61 });
    }
    const locked = (await dashboard()).sites[0].printers[0].codeEntryLockedUntil;
    expect(locked).not.toBeNull();
    expect(Date.parse(locked)).toBeGreaterThan(ctx.clock.now());

    ctx.clock.advanceBy({ minutes: 16 });
    const again = await ctx.loginAs('empfang');
    expect((await ctx.app.inject({ method: 'GET', url: '/api/staff/dashboard', headers: { cookie: again.cookie } })).json().sites[0].printers[0].codeEntryLockedUntil).toBeNull();
  });
});
