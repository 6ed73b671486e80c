import type {} from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { StatsRecorder } from '../stats/stats.usecases.ts';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/database.ts';
import type { Clock } from '../shared/clock.ts';
import type { Random } from '../shared/random.ts';
import type { Logger } from '../shared/logger.ts';
import { isErrorOf } from '../shared/errors.ts';
import type { ReleaseService } from '../release/release.usecases.ts';
import { createReleaseRepository } from '../release/release.repository.ts';
import { createCodeGuard } from '../release/code-guard.ts';
import { STATION_COOKIE } from '../release/release.routes.ts';
import { createLedger } from './ledger.ts';
import { createVouchers } from './vouchers.ts';
import { createQuotaResets } from './quota-resets.ts';
import { createVoucherInvalidError } from './quota.errors.ts';

export type QuotaRoutesOptions = {
  config: Config;
  db: Db;
  clock: Clock;
  random: Random;
  logger: Logger;
  release: ReleaseService;
  /** Keys voucher code hashes: `deriveVoucherPepper(masterKey)`. */
  voucherPepper: Buffer;
  /** Run the reset catch-up when the app is ready and every minute after. Default: true. */
  scheduleResets?: boolean;
  /** Anonymous statistics: redeemed vouchers are counted. */
  stats?: Pick<StatsRecorder, 'record'>;
};

export const VoucherBody = z.object({ printerId: z.string().min(1).max(40), code: z.string().min(1).max(40) }).strict();
export const VoucherResult = z.object({ pagesAdded: z.number().int(), availablePages: z.number().int() });

/**
 * The quota domain in the app: voucher entry at the release station (`POST /api/release/voucher`,
 * for a citizen logged in there) and the periodic resets (catch-up when the app is ready, then
 * node-cron every minute). Registered without a prefix: its paths are absolute.
 *
 * Wrong voucher codes count as wrong codes for the station's guessing limits (the same rows
 * `code-guard.ts` keeps for release codes), so vouchers open no second door for guessing.
 */
export async function quotaRoutes(fastify: FastifyInstance, { config, db, clock, random, logger, release, voucherPepper, scheduleResets = true, stats }: QuotaRoutesOptions) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const vouchers = createVouchers({ db, ledger: createLedger({ db }), pepper: voucherPepper, clock, random });
  const guard = createCodeGuard({ repo: createReleaseRepository({ db }), clock, logger });

  if (scheduleResets) {
    const resets = createQuotaResets({ db, config, clock, logger });
    fastify.addHook('onReady', async () => resets.start());
    fastify.addHook('onClose', async () => resets.stop());
  }

  app.post('/api/release/voucher', { schema: { body: VoucherBody, response: { 200: VoucherResult } } }, async (request, reply) => {
    const { printerId, code } = request.body;
    const session = release.requireStationSession({ sessionId: request.cookies[STATION_COOKIE], printerId });
    const { site } = release.stationOf(printerId);
    guard.assertMayTry({ siteId: site.id, printerId, rules: site.release });
    let pagesAdded: number;
    try {
      pagesAdded = vouchers.redeem({ siteId: site.id, sessionId: session.terminalSessionId, code }).voucher.pages;
    } catch (error) {
      if (isErrorOf(error, createVoucherInvalidError)) guard.recordFailure({ siteId: site.id, printerId, rules: site.release });
      throw error;
    }
    logger.info({ printer: printerId, terminalSession: session.terminalSessionId, pages: pagesAdded }, 'voucher redeemed');
    stats?.record({ siteId: site.id, event: { type: 'voucher_redeemed', pages: pagesAdded } });
    reply.header('cache-control', 'no-store');
    return { pagesAdded, availablePages: release.overview({ session }).availablePages };
  });
}
