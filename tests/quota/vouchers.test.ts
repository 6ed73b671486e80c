import { afterEach, describe, expect, test } from 'vitest';
import { createStaffTestApp, PRINTER, type StaffTestApp } from '../staff/staff-test-app.ts';
import { createTestRandom } from '../../src/shared/random.ts';
import { generateVoucherCode, normalizeVoucherCode, VOUCHER_ALPHABET } from '../../src/quota/vouchers.ts';

let ctx: StaffTestApp | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

async function staffCall() {
  await ctx!.addUser('anna', 'staff');
  const { cookie, csrf } = await ctx!.loginAs('anna');
  return (method: 'GET' | 'POST', url: string, payload?: object) =>
    ctx!.app.inject({ method, url: `/api/staff${url}`, headers: method === 'GET' ? { cookie } : { cookie, 'x-csrf-token': csrf }, payload });
}

const redeem = (cookie: string, code: string) => ctx!.app.inject({ method: 'POST', url: '/api/release/voucher', headers: { cookie }, payload: { printerId: PRINTER, code } });

describe('voucher codes', () => {
  test('codes use only unambiguous symbols and read back from typing or the QR in any case', () => {
    const random = createTestRandom(7);
    for (let i = 0; i < 200; i++) {
      const code = generateVoucherCode(random);
      expect(code).toMatch(/^[2-9A-HJ-NP-Z]{10}$/);
      expect(normalizeVoucherCode(`dpv-${code.slice(0, 5).toLowerCase()}-${code.slice(5)}`)).toBe(code);
    }
    expect(VOUCHER_ALPHABET).not.toMatch(/[01OI]/);
    expect(normalizeVoucherCode('ABCDE-FGH1K')).toBeUndefined();
  });
});

describe('vouchers', () => {
  test('a voucher is created with its code shown once, stored only as a keyed hash, and its slip prints once', async () => {
    ctx = await createStaffTestApp();
    const call = await staffCall();
    const created = await call('POST', '/vouchers', { pages: 10, validDays: 7 });
    expect(created.statusCode).toBe(201);
    const { voucher, code, slipUrl } = created.json();
    expect(code).toMatch(/^[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}$/);
    expect(voucher).toMatchObject({ pages: 10, state: 'open', createdBy: 'anna' });
    const row = ctx.db.prepare('SELECT * FROM vouchers').get() as Record<string, unknown>;
    expect(JSON.stringify(row)).not.toContain(code.replace('-', ''));
    expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/);

    const slip = await call('GET', slipUrl.replace('/api/staff', ''));
    expect(slip.statusCode).toBe(200);
    expect(slip.headers['content-type']).toContain('text/html');
    expect(slip.body).toContain(code);
    expect(slip.body).toContain('<svg');
    expect(slip.body).toContain('10 Seiten');
    const again = await call('GET', slipUrl.replace('/api/staff', ''));
    expect(again.statusCode).toBe(410);
    expect(again.json().error.code).toBe('staff.voucher_slip_gone');
    // The list never has the code.
    const list = await call('GET', '/vouchers');
    expect(list.json().vouchers).toHaveLength(1);
    expect(list.body).not.toContain(code.replace('-', ''));
    expect(list.body).not.toContain(code);
  });

  test('a citizen redeems a voucher at the station once: the free pages rise by its pages, a second use is refused', async () => {
    ctx = await createStaffTestApp();
    const call = await staffCall();
    const { code } = (await call('POST', '/vouchers', { pages: 10 })).json();
    const { code: releaseCode } = await ctx.upload();
    const station = await ctx.stationLogin(releaseCode);
    expect(station.availablePages).toBe(30);
    const first = await redeem(station.cookie, `DPV-${code.replace('-', '')}`);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ pagesAdded: 10, availablePages: 40 });
    const second = await redeem(station.cookie, code);
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('quota.voucher_used');
    expect(ctx.db.prepare("SELECT COUNT(*) AS n FROM ledger_entries WHERE kind = 'voucher'").get()).toEqual({ n: 1 });
    expect((await call('GET', '/vouchers')).json().vouchers[0].state).toBe('redeemed');
  });

  test('a voucher expires: one moment before it works, at its expiry it is refused', async () => {
    ctx = await createStaffTestApp();
    const call = await staffCall();
    const a = (await call('POST', '/vouchers', { pages: 5, validDays: 1 })).json();
    const b = (await call('POST', '/vouchers', { pages: 5, validDays: 1 })).json();
    const { code: releaseCode } = await ctx.upload();
    ctx.clock.advanceBy({ hours: 24, seconds: -1 });
    const station = await ctx.stationLogin(releaseCode);
    expect((await redeem(station.cookie, a.code)).statusCode).toBe(200);
    ctx.clock.advanceBy({ seconds: 1 });
    const late = await redeem(station.cookie, b.code);
    expect(late.statusCode).toBe(410);
    expect(late.json().error.code).toBe('quota.voucher_expired');
    // The staff session idled out meanwhile: log in again to look.
    const { cookie } = await ctx.loginAs('anna');
    const list = await ctx.app.inject({ method: 'GET', url: '/api/staff/vouchers', headers: { cookie } });
    expect(list.json().vouchers.map((v: { state: string }) => v.state)).toEqual(['expired', 'redeemed']);
  });

  test('a revoked voucher cannot be redeemed', async () => {
    ctx = await createStaffTestApp();
    const call = await staffCall();
    const { voucher, code } = (await call('POST', '/vouchers', { pages: 5 })).json();
    expect((await call('POST', `/vouchers/${voucher.id}/revoke`)).json().state).toBe('revoked');
    const { code: releaseCode } = await ctx.upload();
    const station = await ctx.stationLogin(releaseCode);
    expect((await redeem(station.cookie, code)).json().error.code).toBe('quota.voucher_used');
  });

  test('wrong voucher codes count as wrong codes at the station: after three the station makes the citizen wait', async () => {
    ctx = await createStaffTestApp();
    const { code: releaseCode } = await ctx.upload();
    const station = await ctx.stationLogin(releaseCode);
    for (let i = 0; i < 3; i++) {
      const wrong = await redeem(station.cookie, 'ABCDE-FGHJK');
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json().error.code).toBe('quota.voucher_invalid');
    }
    expect(ctx.db.prepare('SELECT COUNT(*) AS n FROM code_failures').get()).toEqual({ n: 3 });
    const throttled = await redeem(station.cookie, 'ABCDE-FGHJK');
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json().error.code).toBe('release.throttled');
  });

  test('redeeming needs a citizen logged in at that station', async () => {
    ctx = await createStaffTestApp();
    const res = await redeem('dp_station=nonsense', 'ABCDE-FGHJK');
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('release.not_logged_in');
    expect(ctx.db.prepare('SELECT COUNT(*) AS n FROM code_failures').get()).toEqual({ n: 0 });
  });
});
