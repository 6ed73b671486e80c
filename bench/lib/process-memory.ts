import { readFile, readdir } from 'node:fs/promises';

/**
 * Peak memory of a server while it works, read from /proc: the sum of VmRSS over the process and
 * its descendants (cupsd forks helpers; Druckpunkt's workers are threads and count in its own
 * RSS), sampled every `intervalMs`, plus the kernel's own high-water mark (VmHWM) of the main
 * process, which also catches a peak between two samples.
 */
export function startRssSampler({ pid, intervalMs = 25 }: { pid: number; intervalMs?: number }) {
  let peakKb = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const kb = await treeRssKb(pid);
      if (kb > peakKb) peakKb = kb;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    stop: async (): Promise<{ peakTreeRssKb: number; hwmKb: number | undefined }> => {
      running = false;
      await loop;
      const last = await treeRssKb(pid);
      return { peakTreeRssKb: Math.max(peakKb, last), hwmKb: await statusFieldKb(pid, 'VmHWM') };
    },
  };
}

export async function statusFieldKb(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : undefined;
}

async function childrenOf(pid: number): Promise<number[]> {
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  const children: number[] = [];
  for (const task of tasks) {
    const text = await readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => '');
    for (const child of text.split(/\s+/).filter(Boolean)) children.push(Number(child));
  }
  return children;
}

export async function treeRssKb(pid: number): Promise<number> {
  let total = 0;
  const queue = [pid];
  const seen = new Set<number>();
  while (queue.length > 0) {
    const current = queue.shift()!;
    if (seen.has(current)) continue;
    seen.add(current);
    total += (await statusFieldKb(current, 'VmRSS')) ?? 0;
    queue.push(...(await childrenOf(current)));
  }
  return total;
}

/** The pid of the process whose argv contains `arg` exactly (e.g. a cupsd.conf path). */
export async function findPidByArg(arg: string): Promise<number | undefined> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').includes(arg)) return Number(entry);
  }
  return undefined;
}
