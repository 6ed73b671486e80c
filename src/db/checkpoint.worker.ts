import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * The checkpointer's thread (see checkpointer.ts): its own connection to the same database file,
 * a PASSIVE checkpoint every `intervalMs`. PASSIVE copies what it can without waiting for or
 * blocking readers and writers; when nothing is new it returns at once.
 */
const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const port = parentPort!;
const db = new Database(file);
db.pragma('busy_timeout = 1000');

let lastFailure: string | undefined;
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    lastFailure = undefined;
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unexpected';
    // Said once per kind of failure, not every interval.
    if (code !== lastFailure) port.postMessage({ type: 'failed', code });
    lastFailure = code;
  }
}, intervalMs);

port.on('message', (message: { type: string }) => {
  if (message.type !== 'stop') return;
  clearInterval(timer);
  db.close();
  port.close();
});
