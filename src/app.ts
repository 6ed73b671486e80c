import { createServer } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyError } from 'fastify';
import {
  serializerCompiler,
  validatorCompiler,
  hasZodFastifySchemaValidationErrors,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from './config/config.ts';
import type { Db } from './db/database.ts';
import type { Clock } from './shared/clock.ts';
import type { Random } from './shared/random.ts';
import type { Logger } from './shared/logger.ts';
import { Gauge } from 'prom-client';
import { createMetrics, type Metrics } from './shared/metrics.ts';
import { checkHealth } from './shared/health.ts';
import { isAppError, createInternalError, createNotFoundError } from './shared/errors.ts';
import cookie from '@fastify/cookie';
import path from 'node:path';
import { createDocumentStore, type DocumentStore } from './shared/store/document-store.ts';
import { loadOrCreateMasterKey } from './shared/store/master-key.ts';
import { createSpoolRepository } from './spool/spool.repository.ts';
import { createSpoolService, type NormalizeFn, type RenderPreviewFn, type SpoolService } from './spool/spool.usecases.ts';
import type { IntakeJournal } from './spool/intake-journal.ts';
import { createTerminalResolver } from './spool/terminals.ts';
import { spoolRoutes } from './spool/spool.routes.ts';
import { IDLE_QUEUE_STATUS, ippRoutes, type RawIppHandler } from './spool/ipp/ipp.routes.ts';
import { createNormalizerPool, normalizeDocument } from './spool/formats/normalize.ts';
import { createPreviewPool, renderPreview } from './spool/previews/previews.ts';
import { createLedger } from './quota/ledger.ts';
import { createReleaseRepository } from './release/release.repository.ts';
import { createReleaseService, type ReleaseService } from './release/release.usecases.ts';
import { createCodeGuard } from './release/code-guard.ts';
import { createPrinterDrivers } from './release/release.drivers.ts';
import { releaseRoutes } from './release/release.routes.ts';
import type { PrinterDriver } from './release/printers/printer-driver.ts';
import { createStatsRecorder } from './stats/stats.usecases.ts';
import { createQuotaRules } from './quota/quota-rules.ts';
import { deriveVoucherPepper } from './quota/vouchers.ts';
import { quotaRoutes } from './quota/quota.routes.ts';
import { staffRoutes } from './staff/staff.routes.ts';
import { requireRole } from './staff/staff.auth.ts';
import { createAuditLog, createStaffAccounts } from './staff/staff.usecases.ts';
import { statsRoutes } from './stats/stats.routes.ts';
import { createPurger } from './purge/purge.usecases.ts';
import { createScanService, type ScanService } from './scan/scan.usecases.ts';
import { createScanRepository } from './scan/scan.repository.ts';
import { createScannerDrivers } from './scan/scan.drivers.ts';
import { scanRoutes } from './scan/scan.routes.ts';

export type AppDeps = {
  config: Config;
  db: Db;
  clock: Clock;
  random: Random;
  logger: Logger;
  /** Where the built web pages are; omitted in tests that do not serve pages. */
  webDistDir?: string;
  /** Replaces the printers from the configuration (tests with a real ippeveprinter). */
  printerDrivers?: Map<string, PrinterDriver>;
  /** How often the release follower polls printers, ms. Default 1000. */
  followIntervalMs?: number;
  /**
   * Start the conversion and preview workers now instead of on the first job (about 1–2 s each),
   * so the first citizen's job is not the slow one. The server does; most tests do not.
   */
  warmPools?: boolean;
  /** Start the purge timer (the server does; a timer in every test app would purge on test clocks). */
  startTimers?: boolean;
  /**
   * The spool's intake journal: with one, a Print-Job on the IPP queue's own HTTP path is
   * answered once it is journaled and committed right after (src/spool/intake-journal.ts).
   */
  intakeJournal?: IntakeJournal;
};

export type App = FastifyInstance & {
  metrics: Metrics;
  spool: SpoolService;
  release: ReleaseService;
  store: DocumentStore;
  stats: ReturnType<typeof createStatsRecorder>;
  purger: ReturnType<typeof createPurger>;
  scan: ScanService;
};

/**
 * Builds the whole application from its dependencies. Never listens: `server.ts` does, tests use
 * `app.inject()` or `listen({ port: 0 })`.
 */
export async function buildApp(deps: AppDeps): Promise<App> {
  const { config, db, logger } = deps;
  // IPP requests are taken off the HTTP server before Fastify sees them (see RawIppHandler).
  let rawIpp: RawIppHandler | undefined;
  const app = Fastify({
    loggerInstance: logger,
    trustProxy: config.server.trustProxy,
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    serverFactory: (handler) => {
      const server = createServer((request, response) => {
        if (rawIpp?.(request, response)) return;
        handler(request, response);
      });
      // What Fastify sets on a server of its own: keep-alive longer than common proxies', no request cap.
      server.keepAliveTimeout = 72_000;
      server.requestTimeout = 0;
      return server;
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const metrics = createMetrics();
  app.decorate('metrics', metrics);
  await app.register(cookie);

  // Domains, composed once here: stores and pools are per app, closed with it.
  const masterKey = loadOrCreateMasterKey({ dataDir: config.dataDir, configuredKey: config.masterKey });
  const store = createDocumentStore({
    db,
    dir: path.join(config.dataDir, 'documents'),
    masterKey,
    random: deps.random,
    clock: deps.clock,
    inlineMaxBytes: config.limits.inlineDocumentMaxBytes,
  });
  const normalizerPool = createNormalizerPool({ size: 1 });
  const previewPool = createPreviewPool({ size: 1 });
  if (deps.warmPools) {
    // In the background: the server answers at once; a job in the first seconds just waits.
    void Promise.all([normalizerPool.warm({ memoryMb: config.limits.processingMemoryMb }), previewPool.warm({ memoryMb: 256 })]).catch(
      (error: unknown) => logger.error({ err: error }, 'warming the workers failed'),
    );
  }
  const normalize: NormalizeFn = (args) =>
    normalizeDocument({ ...args, media: args.media === 'na_letter_8.5x11in' ? 'na_letter_8.5x11in' : 'iso_a4_210x297mm', pool: normalizerPool });
  const preview: RenderPreviewFn = async ({ pdf, page, widthPx }) => (await renderPreview({ pdf, page, widthPx, pool: previewPool })).image;
  const spoolRepo = createSpoolRepository({ db });
  const stats = createStatsRecorder({ db, clock: deps.clock, timeZone: config.timeZone, sites: config.sites, logger });
  const drivers = deps.printerDrivers ?? createPrinterDrivers({ config, clock: deps.clock, random: deps.random });
  // The spool calls back into release (test-mode auto-release); release is built after the spool.
  const late: { release?: ReleaseService } = {};
  const spool = createSpoolService({
    config,
    repo: spoolRepo,
    store,
    normalize,
    renderPreview: preview,
    resolver: createTerminalResolver({ config }),
    clock: deps.clock,
    random: deps.random,
    logger,
    stats,
    // Test mode: the answer to the client waits until the job went to the printer (after its full check).
    onJobHeld: async (job) => {
      if (!config.sites.find((site) => site.id === job.siteId)?.autoRelease) return false;
      await late.release?.autoRelease(job);
      return true;
    },
    intakeJournal: deps.intakeJournal,
  });
  const releaseRepo = createReleaseRepository({ db });
  const quotaRules = createQuotaRules({ db, config });
  const ledger = createLedger({ db });
  // One guard for release codes and scan pickup codes: the same persisted counters and locks.
  const guard = createCodeGuard({ repo: releaseRepo, clock: deps.clock, logger });
  const release = createReleaseService({
    config,
    db,
    spool,
    spoolRepo,
    repo: releaseRepo,
    ledger,
    guard,
    drivers,
    clock: deps.clock,
    random: deps.random,
    logger,
    stats,
    quotaRules,
    followIntervalMs: deps.followIntervalMs,
  });
  const scan = createScanService({
    config,
    repo: createScanRepository({ db }),
    store,
    scanners: await createScannerDrivers({ config }),
    stats,
    quotaRules,
    ledger,
    guard,
    clock: deps.clock,
    random: deps.random,
    logger,
  });
  const purger = createPurger({
    config,
    db,
    store,
    stats,
    clock: deps.clock,
    logger,
    timeZone: config.timeZone,
    schedule: config.purge.schedule,
    retention: config.purge,
    purgeScans: () => scan.purgeExpired(),
  });
  // IPP's multiple-operation-time-out (300 s, advertised by the queue): abandoned Create-Jobs go.
  const abandonedSweep = deps.startTimers
    ? setInterval(() => {
        spool.discardAbandonedIncoming({ olderThanMs: 300_000 }).catch((error: unknown) => logger.error({ err: error }, 'abandoned-job sweep failed'));
      }, 60_000)
    : undefined;
  abandonedSweep?.unref();
  if (deps.startTimers) purger.schedule();
  late.release = release;
  app.decorate('stats', stats);
  app.decorate('scan', scan);
  app.decorate('purger', purger);
  app.decorate('spool', spool);
  new Gauge({
    name: 'druckpunkt_spool_background_tasks',
    help: 'Full document checks and first thumbnails queued or running (they run when the spool is idle).',
    registers: [metrics.registry],
    collect() {
      this.set(spool.backgroundPending());
    },
  });
  app.decorate('release', release);
  app.decorate('store', store);
  // Every request sees every job answered before it: journaled jobs are committed first.
  app.addHook('onRequest', async () => {
    spool.flushIntake();
  });
  app.addHook('onClose', async () => {
    clearInterval(abandonedSweep);
    spool.flushIntake();
    await spool.stopBackground();
    await purger.close();
    await scan.close();
    await release.close();
    await Promise.allSettled([normalizerPool.close(), previewPool.close(), ...[...drivers.values()].map((d) => d.close?.())]);
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const labels = { method: request.method, route };
    metrics.httpRequests.inc({ ...labels, status: String(reply.statusCode) });
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isAppError(error)) {
      if (error.statusCode >= 500) request.log.error({ err: error, errorCode: error.code }, 'request failed');
      return reply
        .status(error.statusCode)
        .send({ error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      return reply.status(400).send({
        error: {
          code: 'http.validation_failed',
          message: 'The request is not valid.',
          details: { issues: error.validation.map((issue) => ({ path: issue.instancePath, message: issue.message })) },
        },
      });
    }
    // Fastify's own client errors (bad JSON, body too large, wrong content type): keep their status.
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      const code = error.statusCode === 413 ? 'http.payload_too_large' : error.statusCode === 415 ? 'http.unsupported_media_type' : 'http.bad_request';
      return reply.status(error.statusCode).send({ error: { code, message: 'The request could not be understood.' } });
    }
    request.log.error({ err: error }, 'unexpected error');
    const internal = createInternalError();
    return reply.status(500).send({ error: { code: internal.code, message: internal.message } });
  });

  app.setNotFoundHandler((request, reply) => {
    const notFound = createNotFoundError();
    return reply.status(404).send({ error: { code: notFound.code, message: notFound.message } });
  });

  app.get(
    '/healthz',
    {
      schema: {
        response: {
          200: HealthResponse,
          503: HealthResponse,
        },
      },
      logLevel: 'warn',
    },
    async (_request, reply) => {
      const report = await checkHealth({ db, dataDir: config.dataDir, minFreeDiskMb: config.minFreeDiskMb });
      return reply.status(report.ok ? 200 : 503).send({ status: report.ok ? 'ok' : 'unhealthy', checks: report.checks });
    },
  );

  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  app.get(
    '/api/site-info',
    { schema: { response: { 200: SiteInfoResponse } } },
    async () => {
      // The first site is the one this server shows by default; multi-site servers pick by terminal later.
      const site = config.sites[0]!;
      return {
        site: { id: site.id, name: site.name },
        sites: config.sites.map((s) => ({ id: s.id, name: s.name })),
        printers: site.printers.map((printer) => ({ id: printer.id, name: printer.name })),
        scanners: site.scanners.map((scanner) => ({ id: scanner.id, name: scanner.name })),
        quickLinks: site.quickLinks,
      };
    },
  );

  await app.register(spoolRoutes, { config, spool, clock: deps.clock });
  // The IPP queues share the port with the web pages, as CUPS does: POST /ipp/print/<site>.
  // Their printer-state-reasons pass on what the station last saw of the real printer.
  await app.register(ippRoutes, {
    config,
    spool,
    clock: deps.clock,
    printerStatus: (siteId) => release.queueStatus(siteId) ?? IDLE_QUEUE_STATUS,
    exposeRawHandler: (handler) => (rawIpp = handler),
  });
  await app.register(releaseRoutes, { prefix: '/api/release', release, spool, clock: deps.clock });

  // Staff console API, quota rules and vouchers, statistics (admin only).
  const voucherPepper = deriveVoucherPepper(masterKey);
  const accounts = createStaffAccounts({ db, clock: deps.clock, random: deps.random, logger, audit: createAuditLog({ db, clock: deps.clock }) });
  await app.register(staffRoutes, { prefix: '/api/staff', config, db, clock: deps.clock, random: deps.random, logger, spool, release, voucherPepper, quotaRules, accounts, stats });
  await app.register(quotaRoutes, { config, db, clock: deps.clock, random: deps.random, logger, release, voucherPepper, scheduleResets: Boolean(deps.startTimers), stats });
  await app.register(statsRoutes, { prefix: '/api/staff', stats, requireAdmin: requireRole('admin', accounts) });
  await app.register(scanRoutes, { prefix: '/api/scan', scan });

  if (deps.webDistDir) {
    const { webRoutes } = await import('./web/web.routes.ts');
    await app.register(webRoutes, { distDir: deps.webDistDir });
  }

  return app as unknown as App;
}

const HealthResponse = z.object({
  status: z.enum(['ok', 'unhealthy']),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional() })),
});

const SiteInfoResponse = z.object({
  site: z.object({ id: z.string(), name: z.string() }),
  sites: z.array(z.object({ id: z.string(), name: z.string() })),
  printers: z.array(z.object({ id: z.string(), name: z.string() })),
  scanners: z.array(z.object({ id: z.string(), name: z.string() })),
  /** City service tiles for the terminal start page, in the configured order. */
  quickLinks: z.array(
    z.object({
      title: z.record(z.string(), z.string()),
      description: z.record(z.string(), z.string()).optional(),
      url: z.string(),
      icon: z.string().optional(),
      group: z.string().optional(),
    }),
  ),
});
