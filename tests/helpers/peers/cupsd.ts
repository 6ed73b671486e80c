import { chmod, chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startDbusSession } from './dbus.ts';
import {
  findFreePort,
  makeTempDir,
  requireCommand,
  runCommand,
  spawnLogged,
  tailOf,
  waitUntil,
  type CommandResult,
} from './process.ts';

export interface CupsdOptions {
  /** Port on 127.0.0.1; default a free one. */
  port?: number;
  /**
   * What cupsd does when a backend fails. Default 'abort-job' so a failed job shows up at once
   * instead of being retried (retry-job) or stopping the queue (stop-printer, CUPS's default).
   */
  errorPolicy?: 'abort-job' | 'retry-job' | 'retry-current-job' | 'stop-printer';
  /** Extra lines appended to cupsd.conf. */
  extraConf?: string[];
  startTimeoutMs?: number;
}

export interface Cupsd {
  /** `127.0.0.1:PORT`, for `-h` of every CUPS client command. */
  host: string;
  port: number;
  /** Environment for child commands: CUPS_SERVER points at this cupsd, never the machine's. */
  env: NodeJS.ProcessEnv;
  /** cupsd's ErrorLog (LogLevel debug): filter and backend runs per job. */
  errorLog: string;
  /** `lpadmin -h HOST …`; throws with stderr on a non-zero exit. */
  lpadmin: (args: string[]) => Promise<CommandResult>;
  /** `lp -h HOST …`; returns the job id that lp printed ("request id is q-12"). */
  lp: (args: string[]) => Promise<{ jobId: number; requestId: string; stdout: string }>;
  /** `lpstat -h HOST …`; throws with stderr on a non-zero exit. */
  lpstat: (args: string[]) => Promise<CommandResult>;
  /**
   * Waits until cupsd has finished setting up a queue that `lpadmin` just made: cupsd answers
   * lpadmin first and adds the queue's filters about 100 ms later, and a job that comes in
   * between is aborted with "Unable to convert file 0 to printable format". Reads the ErrorLog,
   * so it needs LogLevel info or more (the harness default is debug).
   */
  waitForQueueReady: (args: { queue: string; timeoutMs?: number }) => Promise<void>;
  /** Waits until `lpstat -W completed` lists the job (completed, aborted or canceled). */
  waitForJobDone: (args: { queue: string; jobId: number; timeoutMs?: number }) => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * Starts a private cupsd in the foreground as our child, with every directory in a temp dir and
 * listening only on 127.0.0.1:PORT. Filters run as user `lp`, as on a real installation.
 */
export async function startCupsd(options: CupsdOptions = {}): Promise<Cupsd> {
  const cupsd = requireCommand('cupsd', 'cups');
  const lpadminBin = requireCommand('lpadmin', 'cups');
  const lpBin = requireCommand('lp', 'cups-client');
  const lpstatBin = requireCommand('lpstat', 'cups-client');
  const { errorPolicy = 'abort-job', extraConf = [], startTimeoutMs = 15_000 } = options;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    // cupsd drops to `User lp` for filters and chowns its directories; only root can.
    throw new Error('startCupsd needs root: cupsd must switch filters to user lp');
  }

  const temp = await makeTempDir('cupsd');
  const cleanups: Array<() => Promise<void>> = [temp.remove];
  try {
    const dir = temp.dir;
    const dirs = {
      serverRoot: path.join(dir, 'etc'),
      requestRoot: path.join(dir, 'spool'),
      tempDir: path.join(dir, 'spool', 'tmp'),
      cacheDir: path.join(dir, 'cache'),
      stateDir: path.join(dir, 'state'),
      logDir: path.join(dir, 'log'),
    };
    for (const d of Object.values(dirs)) await mkdir(d, { recursive: true });
    await mkdir(path.join(dirs.serverRoot, 'ppd'), { recursive: true });
    // cupsd fixes the modes of its own dirs, except the log dir and the parent temp dir.
    const lp = await lookupLpIds();
    if (lp) await chown(dirs.logDir, 0, lp.gid);
    await chmod(dirs.logDir, 0o775);

    const port = options.port ?? (await findFreePort());
    const host = `127.0.0.1:${port}`;
    const cupsFiles = path.join(dir, 'cups-files.conf');
    const cupsdConf = path.join(dir, 'cupsd.conf');
    await writeFile(
      cupsFiles,
      [
        `ServerRoot ${dirs.serverRoot}`,
        `RequestRoot ${dirs.requestRoot}`,
        `TempDir ${dirs.tempDir}`,
        `CacheDir ${dirs.cacheDir}`,
        `StateDir ${dirs.stateDir}`,
        `ErrorLog ${path.join(dirs.logDir, 'error_log')}`,
        `AccessLog ${path.join(dirs.logDir, 'access_log')}`,
        `PageLog ${path.join(dirs.logDir, 'page_log')}`,
        // Filters run unprivileged, like on a real installation (User/Group live here, not in
        // cupsd.conf, since CUPS 1.6).
        'User lp',
        'Group lp',
        'SystemGroup root',
        'FileDevice No',
        '',
      ].join('\n'),
    );
    await writeFile(
      cupsdConf,
      [
        'LogLevel debug',
        `Listen ${host}`,
        // No sharing, no discovery: this cupsd must be invisible outside the test.
        'Browsing No',
        'BrowseLocalProtocols none',
        'WebInterface No',
        `ErrorPolicy ${errorPolicy}`,
        'JobRetryInterval 1',
        'MaxJobs 0',
        'PreserveJobHistory Yes',
        'PreserveJobFiles No',
        // Anyone on loopback may do anything, including lpadmin without a password.
        '<Location />',
        '  Order allow,deny',
        '  Allow from 127.0.0.1',
        '</Location>',
        '<Policy default>',
        '  JobPrivateAccess all',
        '  JobPrivateValues none',
        '  SubscriptionPrivateAccess all',
        '  SubscriptionPrivateValues none',
        '  <Limit All>',
        '    Order deny,allow',
        '  </Limit>',
        '</Policy>',
        ...extraConf,
        '',
      ].join('\n'),
    );

    const dbus = await startDbusSession();
    cleanups.push(dbus.stop);

    // CUPS_SERVER (and `-h` on every command) override any client.conf, so no client command
    // of a test can reach the machine's own cupsd.
    const env: NodeJS.ProcessEnv = { ...process.env, CUPS_SERVER: host };
    const logFile = path.join(dirs.logDir, 'cupsd.stdout.log');
    const daemon = spawnLogged({
      command: cupsd,
      args: ['-f', '-c', cupsdConf, '-s', cupsFiles],
      env: { ...process.env, ...dbus.env },
      logFile,
    });
    cleanups.push(() => daemon.stop());
    const errorLog = path.join(dirs.logDir, 'error_log');

    const client = async (command: string, args: string[]) =>
      await runCommand({ command, args: ['-h', host, ...args], env, timeoutMs: 30_000 });
    const checked = async (command: string, args: string[]) => {
      const result = await client(command, args);
      if (result.exitCode !== 0) {
        throw new Error(
          `${path.basename(command)} ${args.join(' ')} failed (${result.exitCode}): ${result.stderr.trim()}`,
        );
      }
      return result;
    };

    await waitUntil({
      check: async () => {
        if (daemon.hasExited()) {
          throw new Error(`cupsd exited during start:\n${await tailOf(logFile)}\n${await tailOf(errorLog)}`);
        }
        const result = await client(lpstatBin, ['-r']);
        return result.exitCode === 0 && result.stdout.includes('scheduler is running');
      },
      timeoutMs: startTimeoutMs,
      intervalMs: 100,
      describe: async () => `cupsd did not start on ${host} within ${startTimeoutMs} ms:\n${await tailOf(errorLog)}`,
    });

    const lpstat = (args: string[]) => checked(lpstatBin, args);
    return {
      host,
      port,
      env,
      errorLog,
      lpadmin: (args) => checked(lpadminBin, args),
      lp: async (args) => {
        const result = await checked(lpBin, args);
        const match = /request id is (\S+)-(\d+)/.exec(result.stdout);
        if (!match?.[2]) throw new Error(`lp printed no request id: ${result.stdout}`);
        return { jobId: Number(match[2]), requestId: `${match[1]}-${match[2]}`, stdout: result.stdout };
      },
      lpstat,
      waitForQueueReady: async ({ queue, timeoutMs = 15_000 }) => {
        await waitUntil({
          check: async () => (await readFile(errorLog, 'utf8').catch(() => '')).includes(`Printer "${queue}" is now available.`),
          timeoutMs,
          intervalMs: 50,
          describe: async () => `CUPS queue ${queue} not set up within ${timeoutMs} ms:\n${await tailOf(errorLog, 40)}`,
        });
      },
      waitForJobDone: async ({ queue, jobId, timeoutMs = 30_000 }) => {
        const id = `${queue}-${jobId}`;
        await waitUntil({
          check: async () => {
            const result = await lpstat(['-W', 'completed', '-o', queue]);
            return result.stdout.split('\n').some((line) => line.split(/\s+/)[0] === id);
          },
          timeoutMs,
          intervalMs: 200,
          describe: async () => `CUPS job ${id} not done within ${timeoutMs} ms:\n${await tailOf(errorLog, 40)}`,
        });
      },
      stop: async () => {
        await daemon.stop();
        await dbus.stop();
        await temp.remove();
      },
    };
  } catch (error) {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
    throw error;
  }
}

async function lookupLpIds(): Promise<{ uid: number; gid: number } | undefined> {
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  const line = passwd.split('\n').find((l) => l.startsWith('lp:'));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
