import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { findFreePort, makeTempDir, spawnLogged, tailOf, waitUntil } from '../../tests/helpers/peers/process.ts';

export type DruckpunktProcess = {
  pid: number;
  port: number;
  baseUrl: string;
  ippUri: (siteId: string) => string;
  logFile: string;
  /** Runs `fn`; if it throws, the error gains the end of the server's log (gone after stop()). */
  withLog: <T>(fn: () => Promise<T>) => Promise<T>;
  stop: () => Promise<void>;
};

/**
 * Druckpunkt as a separate process, exactly as `npm start` runs it (`node <flags> --import tsx
 * src/server.ts`), so its memory can be read from /proc and the benchmark client does not share
 * its event loop. Data dir and config are temporary; logging at warn, as in production.
 */
export async function startDruckpunkt({
  serverDir,
  config,
  startTimeoutMs = 60_000,
  env = {},
  nodeArgs = [],
}: {
  serverDir: string;
  config: Record<string, unknown>;
  startTimeoutMs?: number;
  /** Extra environment and Node flags (bench/ab-rounds.ts compares variants with them). */
  env?: Record<string, string>;
  nodeArgs?: readonly string[];
}): Promise<DruckpunktProcess> {
  const temp = await makeTempDir('bench-druckpunkt');
  const port = await findFreePort();
  const configFile = path.join(temp.dir, 'config.json');
  await writeFile(configFile, JSON.stringify(config, null, 2));
  const logFile = path.join(temp.dir, 'server.log');
  const server = spawnLogged({
    command: process.execPath,
    args: [...serverNodeFlags(serverDir), ...nodeArgs, '--import', 'tsx', 'src/server.ts'],
    cwd: serverDir,
    env: {
      ...process.env,
      DRUCKPUNKT_PORT: String(port),
      DRUCKPUNKT_HOST: '127.0.0.1',
      DRUCKPUNKT_DATA_DIR: path.join(temp.dir, 'data'),
      DRUCKPUNKT_CONFIG: configFile,
      DRUCKPUNKT_LOG_LEVEL: 'warn',
      DRUCKPUNKT_AUTO_RELEASE: '',
      ...env,
    },
    logFile,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await server.stop({ graceMs: 10_000 });
    await temp.remove();
  };
  try {
    await waitUntil({
      check: async () => {
        if (server.hasExited()) throw new Error(`Druckpunkt exited during start:\n${await tailOf(logFile)}`);
        const response = await fetch(`${baseUrl}/healthz`).catch(() => undefined);
        return response?.status === 200;
      },
      timeoutMs: startTimeoutMs,
      intervalMs: 100,
      describe: async () => `Druckpunkt did not answer /healthz within ${startTimeoutMs} ms:\n${await tailOf(logFile)}`,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const withLog = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${message}\n--- Druckpunkt log (end) ---\n${await tailOf(logFile, 15)}`, { cause: error });
    }
  };
  return { pid: server.pid, port, baseUrl, ippUri: (siteId) => `ipp://127.0.0.1:${port}/ipp/print/${siteId}`, logFile, withLog, stop };
}

/** A site `lobeda` whose one terminal is this machine (127.0.0.1 and ::1). */
export function benchSite(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'lobeda',
    name: 'Stadtteilbüro Lobeda',
    terminals: [{ id: 'terminal-1', name: 'Terminal 1', addresses: ['127.0.0.1', '::1'] }],
    ...extra,
  };
}

/** minFreeDiskMb 0: a nearly full disk on a build machine must not make /healthz fail the start. */
export function benchConfig(sites: Array<Record<string, unknown>>): Record<string, unknown> {
  return { minFreeDiskMb: 0, sites };
}

/** Polls /metrics until Druckpunkt has no full check or first preview queued or running. */
export async function waitForIdleBackground(server: DruckpunktProcess, timeoutMs = 600_000): Promise<void> {
  const started = performance.now();
  for (;;) {
    const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
    const match = /^druckpunkt_spool_background_tasks (\d+)$/m.exec(text);
    if (!match) throw new Error('/metrics has no druckpunkt_spool_background_tasks');
    if (Number(match[1]) === 0) return;
    if (performance.now() - started > timeoutMs) throw new Error(`background work not done after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The Node flags `npm start` gives the server in the measured tree (none before the file existed). */
function serverNodeFlags(serverDir: string): string[] {
  const file = path.join(serverDir, 'scripts', 'server-node-flags.json');
  if (!existsSync(file)) return [];
  return (JSON.parse(readFileSync(file, 'utf8')) as { flags: string[] }).flags;
}
