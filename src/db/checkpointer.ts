import { once } from 'node:events';
import { startTsWorker } from '../shared/ts-worker.ts';
import type { Logger } from '../shared/logger.ts';
import type { Db } from './database.ts';

const entryUrl = new URL('./checkpoint.worker.ts', import.meta.url);

/**
 * While the checkpointer runs, the main connection checkpoints by itself only once the WAL holds
 * this many pages (16 MiB at 4 KiB pages): a safety net should the worker fall behind or die.
 */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 4000;
/** SQLite's own default, restored when the checkpointer stops or fails. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

export type Checkpointer = {
  /** Stops the worker and closes its connection; the main connection checkpoints by itself again. */
  stop: () => Promise<void>;
};

/**
 * Moves WAL checkpoints off the event loop. With SQLite's default, the commit that pushes the
 * WAL past 1000 pages copies them all into the database file (reads, writes and two fsyncs)
 * before it returns — a stall of several milliseconds for whichever request made that commit.
 * Here a worker thread with its own connection runs a PASSIVE checkpoint every `intervalMs`,
 * which never blocks writers, so commits on the main connection only append to the WAL.
 *
 * The purge's TRUNCATE checkpoint (deleted rows out of the WAL) still runs on the main connection.
 */
export function startCheckpointer({ db, file, logger, intervalMs = 250 }: { db: Db; file: string; logger: Logger; intervalMs?: number }): Checkpointer {
  db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  const worker = startTsWorker(entryUrl, { data: { file, intervalMs } });
  // It must not keep the process alive on its own; the server stops it on shutdown.
  worker.unref();
  let stopping = false;
  let exited = false;
  const fallBack = () => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
  };
  worker.on('message', (message: { type: 'failed'; code: string }) => {
    if (message.type === 'failed') logger.warn({ errorCode: message.code }, 'WAL checkpoint in the background failed; retrying');
  });
  worker.on('error', (error) => {
    logger.warn({ err: error }, 'WAL checkpointer stopped; the database checkpoints itself again');
    fallBack();
  });
  worker.on('exit', (code) => {
    exited = true;
    if (!stopping && code !== 0) logger.warn({ exitCode: code }, 'WAL checkpointer exited; the database checkpoints itself again');
    fallBack();
  });
  return {
    stop: async () => {
      if (stopping || exited) return;
      stopping = true;
      const gone = once(worker, 'exit');
      worker.postMessage({ type: 'stop' });
      await gone;
    },
  };
}
