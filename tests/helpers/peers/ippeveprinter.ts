import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
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
} from './process.ts';

export interface IppEvePrinterOptions {
  /** Service name, also the printer-name/printer-info. Default 'Druckpunkt Test Printer'. */
  name?: string;
  /** Accepted document formats (-f). Default PDF, PWG raster, Apple raster and JPEG. */
  formats?: string[];
  /**
   * Print command (-c), run once per document as `command <spool file>` with IPP_* variables in
   * its environment; a non-zero exit aborts the job, `ERROR:`/`INFO:` lines on stderr become the
   * job-state-message. Default: a script that succeeds at once. Pass `null` for ippeveprinter's
   * own simulation, which sleeps 5–15 s per job (slow, but without a command process).
   */
  command?: string | null;
  /** Keep the received documents in the spool directory (-k). Default true: tests inspect them. */
  keepFiles?: boolean;
  /** Spool directory (-d). Default: a fresh temp dir, removed on stop (a given one is kept). */
  spoolDir?: string;
  /** Printer attributes file (-a), see ippeveprinter(1). */
  attributesFile?: string;
  /** More arguments before the service name, e.g. ['-2'] for duplex or ['-s', '20,10'] for color. */
  extraArgs?: string[];
  /** How long to wait for the printer to answer Get-Printer-Attributes. Default 15 s. */
  startTimeoutMs?: number;
}

export interface IppEvePrinter {
  /** `ipp://localhost:PORT/ipp/print`, the URI the printer itself reports. */
  uri: string;
  /** Same printer via `127.0.0.1`, for clients that resolve localhost to ::1 first. */
  uri4: string;
  port: number;
  spoolDir: string;
  /** Log of ippeveprinter's stderr (`-v`): one line per request and job state change. */
  logFile: string;
  pid: number;
  /**
   * Resolves once ippeveprinter's `printer-up-time` (whole seconds since it started) is above 0.
   * CUPS's ipp-1.1.test expects `printer-up-time > 0`, and the harness is usually ready in less
   * than a second, so conformance runs against the reference printer wait for this first.
   */
  waitUpTimeAboveZero: () => Promise<void>;
  /** The documents received so far (command output `*.prn` excluded), in job-id order. */
  receivedFiles: () => Promise<string[]>;
  /** Waits until at least `count` documents arrived; returns them. */
  waitForReceivedFiles: (args: { count: number; timeoutMs?: number }) => Promise<string[]>;
  /** Sends a signal to ippeveprinter (e.g. SIGKILL to simulate a printer that vanishes mid-job). */
  kill: (signal?: NodeJS.Signals) => void;
  /** Resolves when ippeveprinter has exited, for whatever reason. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop: () => Promise<void>;
}

const DEFAULT_FORMATS = ['application/pdf', 'image/pwg-raster', 'image/urf', 'image/jpeg'];

/** Starts a real `ippeveprinter` on a free loopback port, with its own D-Bus and spool dir. */
export async function startIppEvePrinter(options: IppEvePrinterOptions = {}): Promise<IppEvePrinter> {
  const ippeveprinter = requireCommand('ippeveprinter', 'cups-ipp-utils');
  const ipptool = requireCommand('ipptool', 'cups-ipp-utils');
  const {
    name = 'Druckpunkt Test Printer',
    formats = DEFAULT_FORMATS,
    keepFiles = true,
    attributesFile,
    extraArgs = [],
    startTimeoutMs = 15_000,
  } = options;

  const temp = await makeTempDir('ippeveprinter');
  const cleanups: Array<() => Promise<void>> = [temp.remove];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  };

  try {
    const spoolDir = options.spoolDir ?? path.join(temp.dir, 'spool');
    await mkdir(spoolDir, { recursive: true });

    let command = options.command;
    if (command === undefined) {
      command = path.join(temp.dir, 'accept.sh');
      await writeScript(command, ['exit 0']);
    }

    // ippeveprinter refuses to start when it cannot reach D-Bus for DNS-SD, even with `-r off`;
    // a private bus keeps it away from the machine's bus and Avahi.
    const dbus = await startDbusSession();
    cleanups.push(dbus.stop);

    const port = await findFreePort();
    const args = [
      '-v',
      // `-n localhost` makes it listen on 127.0.0.1 and ::1 only and report localhost URIs.
      '-n',
      'localhost',
      '-p',
      String(port),
      '-r',
      'off',
      '-d',
      spoolDir,
      '-f',
      formats.join(','),
      ...(keepFiles ? ['-k'] : []),
      ...(command ? ['-c', command] : []),
      ...(attributesFile ? ['-a', attributesFile] : []),
      ...extraArgs,
      name,
    ];
    const logFile = path.join(temp.dir, 'ippeveprinter.log');
    const spawnedAt = Date.now();
    const printer = spawnLogged({
      command: ippeveprinter,
      args,
      env: { ...process.env, ...dbus.env },
      logFile,
    });
    cleanups.push(() => printer.stop());

    const uri = `ipp://localhost:${port}/ipp/print`;
    await waitUntil({
      check: async () => {
        if (printer.hasExited()) throw new Error(`ippeveprinter exited during start:\n${await tailOf(logFile)}`);
        const probe = await runCommand({
          command: ipptool,
          args: ['-q', '-T', '2', uri, 'get-printer-attributes.test'],
          timeoutMs: 5_000,
        });
        return probe.exitCode === 0;
      },
      timeoutMs: startTimeoutMs,
      intervalMs: 100,
      describe: async () => `ippeveprinter did not answer on ${uri} within ${startTimeoutMs} ms:\n${await tailOf(logFile)}`,
    });

    const receivedFiles = () => listReceivedFiles(spoolDir);
    return {
      uri,
      uri4: `ipp://127.0.0.1:${port}/ipp/print`,
      port,
      spoolDir,
      logFile,
      pid: printer.pid,
      waitUpTimeAboveZero: async () => {
        const left = spawnedAt + 1_100 - Date.now();
        if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
      },
      receivedFiles,
      waitForReceivedFiles: async ({ count, timeoutMs = 20_000 }) => {
        let files: string[] = [];
        await waitUntil({
          check: async () => {
            files = await receivedFiles();
            return files.length >= count;
          },
          timeoutMs,
          describe: async () =>
            `ippeveprinter received ${files.length} of ${count} documents in ${timeoutMs} ms:\n${await tailOf(logFile)}`,
        });
        return files;
      },
      kill: (signal = 'SIGTERM') => {
        if (!printer.hasExited()) printer.child.kill(signal);
      },
      exited: printer.exited,
      stop: async () => {
        await printer.stop();
        await dbus.stop();
        // A caller-provided spool dir stays; it is the caller's evidence.
        await temp.remove();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Spool files look like `12-name.pdf`; `.prn` files are the print command's stdout. */
async function listReceivedFiles(spoolDir: string): Promise<string[]> {
  const entries = await readdir(spoolDir).catch(() => [] as string[]);
  return entries
    .filter((entry) => /^\d+-/.test(entry) && !entry.endsWith('.prn'))
    .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10) || a.localeCompare(b))
    .map((entry) => path.join(spoolDir, entry));
}

async function writeScript(file: string, lines: string[]): Promise<void> {
  await writeFile(file, ['#!/bin/sh', ...lines, ''].join('\n'));
  await chmod(file, 0o755);
}

export interface PrintCommand {
  /** Absolute path for `startIppEvePrinter({ command })`. */
  command: string;
  remove: () => Promise<void>;
}

/**
 * A print command that fails every job: ippeveprinter marks the job aborted and copies the
 * `ERROR:` line into job-state-message.
 */
export async function createFailingPrintCommand({
  exitCode = 1,
  message = 'Simulated printer failure',
}: { exitCode?: number; message?: string } = {}): Promise<PrintCommand> {
  const temp = await makeTempDir('print-command');
  const command = path.join(temp.dir, 'fail.sh');
  await writeScript(command, [`echo 'ERROR: ${message.replace(/'/g, '')}' >&2`, `exit ${exitCode}`]);
  return { command, remove: temp.remove };
}

/**
 * A print command that takes `seconds` per job, so a test can stop or kill the printer while a
 * job is processing. `exec sleep` keeps one process to signal.
 */
export async function createSleepingPrintCommand({ seconds }: { seconds: number }): Promise<PrintCommand> {
  const temp = await makeTempDir('print-command');
  const command = path.join(temp.dir, 'sleep.sh');
  await writeScript(command, [`echo 'INFO: printing slowly' >&2`, `exec sleep ${seconds}`]);
  return { command, remove: temp.remove };
}
