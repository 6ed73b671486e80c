import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * A private, real ippeveprinter (CUPS 2.4) for the printer driver tests. Minimal stand-in for the
 * shared harness planned in tests/helpers/peers/ (absent when this was written).
 *
 * ippeveprinter facts this relies on:
 * - it talks to D-Bus for Avahi; a private `dbus-daemon --session` keeps it off the machine's bus,
 *   and `-r off` skips DNS-SD registration, without which it aborts when no avahi-daemon runs;
 * - `-k` keeps every received document in the spool directory as `<job-id>-<name>.<ext>`;
 * - `-c command` runs once per job with the spool file as argument; exit ≠ 0 aborts the job;
 *   stderr lines `ATTR: job-impressions-completed=N` and `STATE: +media-empty` update the job and
 *   the printer, which is how the tests play a print engine.
 */

const execFileAsync = promisify(execFile);

export type IppEvePrinterPeer = {
  uri: string;
  port: number;
  spoolDir: string;
  /** Page counts of every received document, by job id; raster is decoded by cups-filters. */
  receivedPages(): Promise<number[]>;
  /** Received document file names (job id order). */
  receivedFiles(): Promise<string[]>;
  /** Kills the printer at once (SIGKILL to its process group: the printer and its job commands). */
  kill(): Promise<void>;
  stop(): Promise<void>;
};

/** A print "engine": decodes the document with real tools, reports impressions × copies. */
export const ENGINE_REPORTING_PAGES = `#!/bin/sh
set -u
case "$CONTENT_TYPE" in
  image/pwg-raster|image/urf)
    CONTENT_TYPE="$CONTENT_TYPE" /usr/lib/cups/filter/rastertopdf 1 druckpunkt job 1 "" "$1" > "$1.decoded" 2>/dev/null || exit 3
    doc="$1.decoded" ;;
  *) doc="$1" ;;
esac
pages=$(pdfinfo "$doc" 2>/dev/null | sed -n 's/^Pages: *//p')
[ -n "$pages" ] || exit 4
copies=\${IPP_COPIES:-1}
echo "ATTR: job-impressions=$((pages * copies))" >&2
echo "ATTR: job-impressions-completed=$((pages * copies))" >&2
exit 0
`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`ippeveprinter exited before listening (${child.exitCode ?? child.signalCode}):\n${log()}`);
    }
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`ippeveprinter did not listen on ${port}:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function countPages(file: string): Promise<number> {
  let pdf = file;
  if (/\.(pwg|urf)$/.test(file)) {
    pdf = `${file}.check.pdf`;
    const contentType = file.endsWith('.pwg') ? 'image/pwg-raster' : 'image/urf';
    const { stdout } = await execFileAsync('/usr/lib/cups/filter/rastertopdf', ['1', 'druckpunkt', 'check', '1', '', file], {
      env: { ...process.env, CONTENT_TYPE: contentType },
      encoding: 'buffer',
      maxBuffer: 256 * 1024 * 1024,
    });
    await writeFile(pdf, stdout);
  }
  const { stdout } = await execFileAsync('pdfinfo', [pdf]);
  const match = /^Pages:\s+(\d+)/m.exec(stdout);
  if (!match) throw new Error('pdfinfo printed no page count');
  return Number(match[1]);
}

export async function startIppEvePrinter({
  formats,
  command = ENGINE_REPORTING_PAGES,
  keepFiles = true,
  duplex = false,
}: {
  /** document-format-supported, e.g. ['application/pdf'] or ['image/pwg-raster']. */
  formats: string[];
  /** The text of a shell script run per job (see ENGINE_REPORTING_PAGES). */
  command?: string;
  keepFiles?: boolean;
  /** `-2`: the printer lists two-sided printing. */
  duplex?: boolean;
}): Promise<IppEvePrinterPeer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dp-ippeve-'));
  const spoolDir = path.join(dir, 'spool');
  await mkdir(spoolDir);
  const commandPath = path.join(dir, 'engine.sh');
  await writeFile(commandPath, command);
  await chmod(commandPath, 0o755);

  const busAddress = `unix:path=${path.join(dir, 'bus')}`;
  const { stdout: dbusPid } = await execFileAsync('dbus-daemon', ['--session', `--address=${busAddress}`, '--fork', '--print-pid']);
  const dbusDaemonPid = Number(dbusPid.trim());

  const port = await freePort();
  const args = ['-n', 'localhost', '-p', String(port), '-r', 'off', '-d', spoolDir, '-f', formats.join(','), '-c', commandPath];
  if (keepFiles) args.push('-k');
  if (duplex) args.push('-2');
  args.push(`Druckpunkt Test ${port}`);
  const child = spawn('ippeveprinter', args, {
    env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: busAddress, DBUS_SESSION_BUS_ADDRESS: busAddress },
    stdio: ['ignore', 'ignore', 'pipe'],
    // Own process group, so kill() also ends a job command that is still running.
    detached: true,
  });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-8000);
  });
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));

  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  try {
    await Promise.race([waitForPort(port, child, 10_000, () => log), spawnError]);
  } catch (error) {
    killGroup('SIGKILL');
    try {
      process.kill(dbusDaemonPid, 'SIGTERM');
    } catch {
      // gone
    }
    throw error;
  }

  async function receivedFiles(): Promise<string[]> {
    const names = (await readdir(spoolDir)).filter((name) => /^\d+-.*\.(pdf|pwg|urf)$/.test(name));
    return names.sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
  }

  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    killGroup('SIGKILL');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    try {
      process.kill(dbusDaemonPid, 'SIGTERM');
    } catch {
      // gone
    }
    await rm(dir, { recursive: true, force: true });
  }

  return {
    uri: `ipp://localhost:${port}/ipp/print`,
    port,
    spoolDir,
    receivedFiles,
    receivedPages: async () => {
      const counts: number[] = [];
      for (const name of await receivedFiles()) counts.push(await countPages(path.join(spoolDir, name)));
      return counts;
    },
    kill: async () => {
      killGroup('SIGKILL');
      await exited;
    },
    stop,
  };
}
