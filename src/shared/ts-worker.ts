import { Worker, type ResourceLimits } from 'node:worker_threads';

const bootstrapUrl = new URL('./worker-bootstrap.mjs', import.meta.url);

/**
 * Starts a worker thread on a TypeScript entry: worker-bootstrap.mjs registers tsx in the thread
 * (a worker does not inherit the parent's loader hooks), imports `preload` (plain-JS packages, faster
 * before tsx), lowers the thread's priority by `niceness`, then imports `entry`. `data` is merged
 * into `workerData` for the entry to read.
 */
export function startTsWorker(
  entry: URL,
  {
    preload = [],
    niceness = 0,
    data = {},
    resourceLimits,
    quiet = false,
  }: { preload?: readonly string[]; niceness?: number; data?: Record<string, unknown>; resourceLimits?: ResourceLimits; quiet?: boolean } = {},
): Worker {
  return new Worker(bootstrapUrl, {
    workerData: { ...data, entry: entry.href, preload, niceness },
    resourceLimits,
    ...(quiet ? { stdout: false, stderr: false } : {}),
  });
}
