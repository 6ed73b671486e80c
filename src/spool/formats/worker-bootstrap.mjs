// Entry of every spool worker thread. The app runs TypeScript through tsx (npm start, vitest), and a
// worker thread does not inherit the parent's loader hooks, so register tsx here, then load the
// real entry (a .ts file) named by the pool.
//
// `preload` modules are imported before tsx is registered: big plain-JS packages (pdfjs is ~4 MB)
// load three times faster without tsx's transform, and later imports of them hit the module cache.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

for (const specifier of workerData.preload ?? []) await import(specifier);
register();
await import(workerData.entry);
