import { createHmac } from 'node:crypto';
import { immediateTransaction, type Db } from '../db/database.ts';
import type { Clock } from '../shared/clock.ts';
import type { Random } from '../shared/random.ts';
import type { Ledger } from './ledger.ts';
import { createQuotaRepository, type Voucher } from './quota.repository.ts';
import {
  createVoucherExpiredError,
  createVoucherInvalidError,
  createVoucherNotFoundError,
  createVoucherNotRevocableError,
  createVoucherUsedError,
} from './quota.errors.ts';

/** No 0/O or 1/I: a code read off paper cannot be mistyped that way. 32 symbols = 5 bits each. */
export const VOUCHER_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
/** 10 symbols = 50 bits: far beyond what the station's guessing limits allow to try. */
export const VOUCHER_CODE_LENGTH = 10;
/** Prefix in the slip's QR code, so the station's scanner tells a voucher from a release QR. */
export const VOUCHER_QR_PREFIX = 'DPV-';

const CODE_PATTERN = new RegExp(`^[${VOUCHER_ALPHABET}]{${VOUCHER_CODE_LENGTH}}$`);

export function generateVoucherCode(random: Random): string {
  let code = '';
  for (let i = 0; i < VOUCHER_CODE_LENGTH; i++) code += VOUCHER_ALPHABET[random.int(VOUCHER_ALPHABET.length)];
  return code;
}

/** Accepts what a citizen types or the scanner reads: any case, spaces, dashes, the QR prefix. */
export function normalizeVoucherCode(input: string): string | undefined {
  const trimmed = input.trim().toUpperCase();
  const bare = (trimmed.startsWith(VOUCHER_QR_PREFIX) ? trimmed.slice(VOUCHER_QR_PREFIX.length) : trimmed).replace(/[\s-]/g, '');
  return CODE_PATTERN.test(bare) ? bare : undefined;
}

/** Grouped for reading aloud and typing: 'ABCDE-FGHJK'. */
export function formatVoucherCode(code: string): string {
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/**
 * The pepper for voucher hashes, derived from the master key: a stolen database alone does not
 * allow checking guessed codes offline (the master key lives outside it).
 */
export function deriveVoucherPepper(masterKey: Buffer): Buffer {
  return createHmac('sha256', masterKey).update('druckpunkt/voucher-pepper/v1').digest();
}

export function hashVoucherCode({ pepper, code }: { pepper: Buffer; code: string }): string {
  return createHmac('sha256', pepper).update(code).digest('hex');
}

/**
 * Voucher slips: staff create them (the code is returned once and only its keyed hash stored),
 * a citizen redeems one at the station as a 'voucher' row on their session's ledger account.
 */
export function createVouchers({ db, ledger, pepper, clock, random }: { db: Db; ledger: Ledger; pepper: Buffer; clock: Clock; random: Random }) {
  const repo = createQuotaRepository({ db });

  const redeemOnce = immediateTransaction(db, ({ voucher, sessionId, at }: { voucher: Voucher; sessionId: string; at: number }) => {
    if (!repo.markRedeemed({ id: voucher.id, sessionId, at })) return false;
    ledger.grant({ siteId: voucher.siteId, account: `session:${sessionId}`, pages: voucher.pages, kind: 'voucher', reason: `voucher:${voucher.id}`, at });
    return true;
  });

  return {
    create({ siteId, pages, validDays, createdBy }: { siteId: string; pages: number; validDays: number; createdBy: string }): { voucher: Voucher; code: string } {
      const at = clock.now();
      // A collision of 50-bit codes is practically impossible; the UNIQUE hash would refuse it anyway.
      const code = generateVoucherCode(random);
      const id = repo.insertVoucher({ siteId, codeHash: hashVoucherCode({ pepper, code }), pages, expiresAt: at + validDays * 86_400_000, createdBy, createdAt: at });
      return { voucher: repo.getVoucher(id)!, code };
    },

    list: ({ siteId, limit = 200 }: { siteId: string; limit?: number }) => repo.listVouchers({ siteId, limit }),
    get: (id: number) => repo.getVoucher(id),

    revoke({ id }: { id: number }): Voucher {
      if (!repo.getVoucher(id)) throw createVoucherNotFoundError();
      if (!repo.revokeVoucher({ id, at: clock.now() })) throw createVoucherNotRevocableError();
      return repo.getVoucher(id)!;
    },

    /**
     * Redeems a voucher for a terminal session, once. Unknown codes (and codes of another site)
     * throw quota.voucher_invalid — the caller counts those as guesses; a known but used, revoked
     * or expired voucher gets its own answer.
     */
    redeem({ siteId, sessionId, code }: { siteId: string; sessionId: string; code: string }): { voucher: Voucher } {
      const normalized = normalizeVoucherCode(code);
      const voucher = normalized ? repo.findVoucherByHash(hashVoucherCode({ pepper, code: normalized })) : undefined;
      if (!voucher || voucher.siteId !== siteId) throw createVoucherInvalidError();
      const at = clock.now();
      if (voucher.redeemedAt !== null || voucher.revokedAt !== null) throw createVoucherUsedError();
      if (voucher.expiresAt <= at) throw createVoucherExpiredError();
      if (!redeemOnce({ voucher, sessionId, at })) throw createVoucherUsedError();
      return { voucher: repo.getVoucher(voucher.id)! };
    },
  };
}

export type Vouchers = ReturnType<typeof createVouchers>;
