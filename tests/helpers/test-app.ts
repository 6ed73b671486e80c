import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { buildApp, type App } from '../../src/app.ts';
import { parseConfig, type Config } from '../../src/config/config.ts';
import { demoConfig } from '../../src/config/demo-config.ts';
import { createTestClock, type TestClock } from '../../src/shared/clock.ts';
import { createTestRandom } from '../../src/shared/random.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { createTestDb } from './test-db.ts';
import { openIntakeJournal } from '../../src/spool/intake-journal.ts';
import type { Db } from '../../src/db/database.ts';

/** Collects every log line so tests can assert what was (not) logged. */
export function createLogCapture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { lines, destination, text: () => lines.join('') };
}

export type TestAppOptions = {
  /** Raw config (as in a config file); defaults to the demo config. */
  rawConfig?: unknown;
  clock?: TestClock;
  seed?: number;
  /** Serve the built web pages (the caller must have built them). */
  webDistDir?: string;
  /** Reuse a database and data folder, to simulate a restart (the caller closes them). */
  db?: Db;
  dataDir?: string;
  followIntervalMs?: number;
  /** Start the app's timers (purge, quota resets) as the server does. */
  startTimers?: boolean;
};

/**
 * A complete app on a fresh in-memory database and a temporary data folder, not listening.
 * Call `close()` at the end of the test.
 */
export async function createTestApp(options: TestAppOptions = {}) {
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'druckpunkt-test-'));
  const config: Config = parseConfig({ raw: options.rawConfig ?? structuredClone(demoConfig), env: { DRUCKPUNKT_DATA_DIR: dataDir } });
  const db = options.db ?? createTestDb();
  const clock = options.clock ?? createTestClock();
  const random = createTestRandom(options.seed ?? 1);
  const logs = createLogCapture();
  const logger = createLogger({ level: 'info', destination: logs.destination });
  // As the server has it: Print-Jobs on the IPP queue's own HTTP path are journaled, then committed.
  const intakeJournal = openIntakeJournal({ file: path.join(dataDir, 'spool-intake.journal') });
  const app: App = await buildApp({
    config,
    db,
    clock,
    random,
    logger,
    webDistDir: options.webDistDir,
    followIntervalMs: options.followIntervalMs,
    startTimers: options.startTimers,
    intakeJournal,
  });
  return {
    app,
    db,
    config,
    clock,
    random,
    logs,
    dataDir,
    intakeJournal,
    close: async () => {
      await app.close();
      intakeJournal.close();
      if (!options.db) db.close();
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
