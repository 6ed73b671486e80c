// Entry of every spool worker thread. The app runs TypeScript through tsx (npm start, vitest), and a
// worker thread does not inherit the parent's loader hooks, so register tsx here, then load the
// real entry (a .ts file) named by the pool.
//
// `preload` modules are imported before tsx is registered: big plain-JS packages (pdfjs is ~4 MB)
// load three times faster without tsx's transform, and later imports of them hit the module cache.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

// Lower this thread's priority when asked: on Linux a thread is a task with its own id, and
// setpriority() on that id changes this thread only (never the event loop's thread).
if (workerData.niceness > 0) {
  try {
    const tid = Number(/task\/(\d+)$/.exec(readlinkSync('/proc/thread-self'))?.[1]);
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, workerData.niceness);
  } catch {
    // Not Linux, or not allowed: the thread keeps the normal priority.
  }
}

for (const specifier of workerData.preload ?? []) await import(specifier);
register();
await import(workerData.entry);
