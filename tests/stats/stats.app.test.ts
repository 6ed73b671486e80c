import { afterEach, describe, expect, test } from 'vitest';
import { createStaffTestApp, PRINTER } from '../staff/staff-test-app.ts';

let ctx: Awaited<ReturnType<typeof createStaffTestApp>> | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

describe('statistics in the app', () => {
  test('an uploaded and printed job is counted, and only admins may read the figures', async () => {
    ctx = await createStaffTestApp();
    const { code } = await ctx.upload('Bescheid.pdf');
    const station = await ctx.stationLogin(code);
    await ctx.app.inject({ method: 'POST', url: '/api/release/print', headers: { cookie: station.cookie }, payload: { printerId: PRINTER } });
    await ctx.app.release.settled();

    expect((await ctx.app.inject({ method: 'GET', url: '/api/staff/stats' })).statusCode).toBe(401);
    await ctx.addUser('empfang', 'staff');
    const staff = await ctx.loginAs('empfang');
    expect((await ctx.app.inject({ method: 'GET', url: '/api/staff/stats', headers: { cookie: staff.cookie } })).statusCode).toBe(403);

    await ctx.addUser('chefin', 'admin');
    const admin = await ctx.loginAs('chefin');
    const res = await ctx.app.inject({ method: 'GET', url: '/api/staff/stats?site=lobeda', headers: { cookie: admin.cookie } });
    expect(res.statusCode).toBe(200);
    const totals = res.json().totals;
    expect(totals).toMatchObject({ printJobsReceived: 1, printJobsPrinted: 1 });
    expect(JSON.stringify(res.json())).not.toContain('Bescheid');
    const csv = await ctx.app.inject({ method: 'GET', url: '/api/staff/stats.csv?site=lobeda', headers: { cookie: admin.cookie } });
    expect(csv.statusCode).toBe(200);
    expect(csv.body.charCodeAt(0)).toBe(0xfeff);
  });
});
