import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { buildApp, type App } from './app.ts';
import { loadConfig, ConfigError, type Config } from './config/config.ts';
import { openDatabase, migrate, type Db } from './db/database.ts';
import { startCheckpointer, type Checkpointer } from './db/checkpointer.ts';
import { openIntakeJournal, type IntakeJournal } from './spool/intake-journal.ts';
import { createSystemClock } from './shared/clock.ts';
import { createSystemRandom } from './shared/random.ts';
import { createLogger, type Logger } from './shared/logger.ts';
import { configureImageRuntime } from './shared/image-runtime.ts';
import { advertiseQueues } from './spool/dnssd.ts';
import { fileURLToPath } from 'node:url';

const webDistDir = fileURLToPath(new URL('../web/dist/', import.meta.url));

/**
 * The process entry point: config → database → migrations → app → listen, and a graceful close
 * on SIGTERM/SIGINT (stop accepting, let requests in flight finish, close the database). WAL
 * checkpoints run in a worker thread (db/checkpointer.ts), not on the event loop.
 */
export async function startServer({ env = process.env }: { env?: NodeJS.ProcessEnv } = {}) {
  const startedAt = performance.now();
  let config: Config;
  try {
    config = loadConfig({ env });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exitCode = 2;
      return undefined;
    }
    throw error;
  }
  const logger = createLogger({ level: config.server.logLevel });
  const imageRuntime = configureImageRuntime();
  logger.debug(imageRuntime, 'image runtime configured');
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const dbFile = path.join(config.dataDir, 'druckpunkt.sqlite');
  const db = openDatabase({ file: dbFile });
  const applied = migrate({ db });
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
  const checkpointer = startCheckpointer({ db, file: dbFile, logger });
  const intakeJournal = openIntakeJournal({ file: path.join(config.dataDir, 'spool-intake.journal') });

  for (const site of config.sites) {
    if (site.autoRelease) logger.warn({ site: site.id }, 'TEST MODE: every held job of this site is released at once');
  }

  const app = await buildApp({
    config,
    db,
    clock: createSystemClock(),
    random: createSystemRandom(),
    logger,
    webDistDir,
    warmPools: true,
    startTimers: true,
    intakeJournal,
  });
  // Before listening: nothing may arrive while half-received jobs and stray files are cleared.
  const recovered = await app.spool.recoverAfterRestart();
  const sweep = await app.store.sweep();
  await app.listen({ host: config.server.host, port: config.server.port });
  const resumed = await app.release.resumeAfterRestart();
  const checksDue = app.spool.checkPendingAfterRestart();
  const ocrResumed = app.scan.resumeOcrAfterRestart();
  const dnsSd = advertiseQueues({ config, port: config.server.port, logger });
  logger.info({ ...recovered, ...sweep, ...resumed, checksDue, ocrResumed }, 'start-up recovery done');
  logger.info({ startupMs: Math.round(performance.now() - startedAt) }, 'Druckpunkt is ready');
  installShutdown({ app, db, checkpointer, intakeJournal, logger, graceMs: config.server.shutdownGraceSeconds * 1000, beforeClose: () => dnsSd.stop() });
  return { app, db, config };
}

function installShutdown({ app, db, checkpointer, intakeJournal, logger, graceMs, beforeClose }: { app: App; db: Db; checkpointer: Checkpointer; intakeJournal: IntakeJournal; logger: Logger; graceMs: number; beforeClose: () => Promise<void> }) {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    const force = setTimeout(() => {
      logger.error('requests still in flight after the grace period; exiting');
      process.exit(1);
    }, graceMs);
    force.unref();
    try {
      // Say goodbye on DNS-SD first, so terminals stop offering the queue.
      await beforeClose().catch((error: unknown) => logger.warn({ err: error }, 'DNS-SD goodbye failed'));
      await app.close();
      // app.close() committed the journaled jobs (onClose); the journal is empty now.
      intakeJournal.close();
      // Both connections closed: the last one to close folds the WAL into the database file.
      await checkpointer.stop();
      db.close();
      logger.info('shut down cleanly');
      process.exitCode = 0;
    } catch (error) {
      logger.error({ err: error }, 'error during shutdown');
      process.exitCode = 1;
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('src/server.ts')) {
  startServer().catch((error: unknown) => {
    console.error('Druckpunkt could not start:', error);
    process.exit(1);
  });
}
