import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type MachineInfo = { cpu: string; cores: number; ramGiB: string; node: string; os: string; date: string; commit: string; load: number[] };

/** What a reader needs to compare figures: hardware, runtime, and which code was measured. */
export async function machineInfo({ repoDir, workingTree }: { repoDir: string; workingTree: boolean }): Promise<MachineInfo> {
  const cpus = os.cpus();
  let commit = 'unknown';
  try {
    const { stdout } = await run('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoDir });
    commit = stdout.trim();
    // Others commit in this checkout while a run goes on; say when the measured tree had changes.
    const { stdout: status } = await run('git', ['status', '--porcelain', '--', 'src'], { cwd: repoDir });
    if (workingTree && status.trim()) commit += ' plus uncommitted changes in src/ (--working-tree)';
  } catch {
    // not a git checkout
  }
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    ramGiB: (os.totalmem() / 1024 ** 3).toFixed(1),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
    commit,
    load: os.loadavg(),
  };
}

/**
 * Waits until the 1-minute load average drops below `below` or `maxSeconds` pass (other
 * engineers' test runs share the machine). Returns the load it settled at.
 */
export async function waitForQuiet({ below, maxSeconds, log }: { below: number; maxSeconds: number; log: (message: string) => void }): Promise<number> {
  const deadline = Date.now() + maxSeconds * 1000;
  let announced = false;
  for (;;) {
    const load = os.loadavg()[0]!;
    if (load < below || Date.now() >= deadline) return load;
    if (!announced) log(`waiting up to ${maxSeconds} s for the load average (${load.toFixed(2)}) to drop below ${below}`);
    announced = true;
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
}
