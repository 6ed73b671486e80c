import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, createWriteStream, rmSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

// Shared plumbing for the peer harnesses: find a peer's binary (failing loudly when it is not
// installed), pick a free loopback port, run children with their output in a log file, and stop
// them without leaving anything behind.

// Debian installs cupsd, lpadmin and ippeveprinter in /usr/sbin, which a non-login PATH may lack.
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** Absolute path of `command`; throws naming the command and its Debian package when missing. */
export function requireCommand(command: string, debianPackage?: string): string {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  const hint = debianPackage ? ` (Debian package ${debianPackage}; run \`node scripts/test-peers.mjs\`)` : '';
  throw new Error(`test peer command \`${command}\` is not installed${hint}`);
}

/** A free TCP port on 127.0.0.1, found by letting the kernel pick one. */
export async function findFreePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}

// Peers run in their own process groups, so they would outlive a test run that dies without
// calling stop() (a crash, a killed worker). Whatever is still registered when this process
// exits is ended and removed here, synchronously, as 'exit' handlers must be.
const liveGroups = new Set<number>();
const liveDirs = new Set<string>();
process.once('exit', () => {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * A fresh directory under os.tmpdir(). World-traversable (0755) because cupsd's filters run as
 * user `lp` and must reach the spool inside it.
 */
export async function makeTempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `druckpunkt-${prefix}-`));
  await chmod(dir, 0o755);
  liveDirs.add(dir);
  return {
    dir,
    remove: async () => {
      await rm(dir, { recursive: true, force: true });
      liveDirs.delete(dir);
    },
  };
}

export interface ManagedChild {
  child: ChildProcess;
  pid: number;
  logFile: string;
  /** Resolves when the process has exited (never rejects). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited: () => boolean;
  /** Signals the child's whole process group (it leads its own), so its helpers go too. */
  signal: (signal: NodeJS.Signals) => void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop: (options?: { graceMs?: number }) => Promise<void>;
}

/**
 * Starts `command` with stdout and stderr appended to `logFile`, so a failing test can show why.
 * The child leads a new process group: print commands and CUPS filters it starts are stopped
 * with it instead of lingering after a test.
 */
export function spawnLogged({
  command,
  args,
  env,
  cwd,
  logFile,
}: {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logFile: string;
}): ManagedChild {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, args, {
    env: env ?? process.env,
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  let done = false;
  if (child.pid !== undefined) liveGroups.add(child.pid);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (error) => {
      log.write(`\n[harness] spawn error: ${error.message}\n`);
      done = true;
      resolve({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  }).then(async (result) => {
    await new Promise<void>((resolve) => log.end(resolve));
    return result;
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group is already gone
    }
  };
  const stop = async ({ graceMs = 5_000 }: { graceMs?: number } = {}) => {
    if (!done) {
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    // Children of the leader (a print command, a filter) may outlive it; end them too and wait
    // (briefly) until the group is empty, so a test can rely on nothing being left.
    signalGroup('SIGKILL');
    const deadline = Date.now() + 2_000;
    while (groupExists() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    if (child.pid !== undefined) liveGroups.delete(child.pid);
  };
  const groupExists = () => {
    if (child.pid === undefined) return false;
    try {
      process.kill(-child.pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  return { child, pid: child.pid ?? -1, logFile, exited, hasExited: () => done, signal: signalGroup, stop };
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a short-lived command to completion (argv array, no shell); never rejects on exit codes. */
export async function runCommand({
  command,
  args,
  env,
  timeoutMs = 30_000,
}: {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}): Promise<CommandResult> {
  return await new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const result = {
        exitCode: code ?? -1,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      };
      if (timedOut) reject(new Error(`\`${command} ${args.join(' ')}\` timed out after ${timeoutMs} ms`));
      else resolve(result);
    });
  });
}

/** Polls `check` until it returns true; throws `describe()` (e.g. with a log tail) on timeout. */
export async function waitUntil({
  check,
  timeoutMs,
  intervalMs = 100,
  describe,
}: {
  check: () => Promise<boolean>;
  timeoutMs: number;
  intervalMs?: number;
  describe: () => Promise<string>;
}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(await describe());
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The last lines of a log file, for error messages. */
export async function tailOf(file: string, lines = 30): Promise<string> {
  try {
    const text = await readFile(file, 'utf8');
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
