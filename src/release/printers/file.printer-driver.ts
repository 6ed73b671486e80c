import { constants as fsConstants, createWriteStream } from 'node:fs';
import { access, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createSystemClock, type Clock } from '../../shared/clock.ts';
import { createSystemRandom, type Random } from '../../shared/random.ts';
import type { FollowUpdate, PrinterDriver, Readiness, SubmitArgs } from './printer-driver.ts';
import { createPrinterNotReadyError, createPrinterRejectedError } from './printer.errors.ts';
import { followByPolling } from './printer.models.ts';

/**
 * The `file` printer: each released job becomes one PDF in `directory` (demo, tests, and a
 * "print to folder" for sites without a network printer).
 *
 * Copies are recorded in the file name (`…-3p-2c.pdf` = 3 pages, 2 copies) instead of writing the
 * document N times: the file is byte-for-byte what a real printer would receive (one copy plus a
 * `copies` attribute), so both drivers pass the same contract ("the printer received 3 pages")
 * and a 50-copy release does not write 50 × the document to disk.
 *
 * The printer job ref is the file name. Jobs complete at once with
 * pagesCompleted = pages × copies. A ref whose file has since been removed reports `unknown`.
 */
export type FilePrinterDriverArgs = {
  id: string;
  directory: string;
  clock?: Clock;
  random?: Random;
};

const REF_PATTERN = /^dp-(\d{8}T\d{6}Z)-([0-9a-f]{12})-(\d{1,6})p-(\d{1,4})c\.pdf$/;

export function createFilePrinterDriver({
  id,
  directory,
  clock = createSystemClock(),
  random = createSystemRandom(),
}: FilePrinterDriverArgs): PrinterDriver {
  async function readiness(): Promise<Readiness> {
    try {
      await mkdir(directory, { recursive: true });
      if (!(await stat(directory)).isDirectory()) throw new Error('not a directory');
      await access(directory, fsConstants.W_OK);
      return { ready: true, state: 'idle', reasons: [], blocking: [] };
    } catch {
      // The path is deliberately not reported: it is configuration, and errors reach the station.
      return { ready: false, state: 'stopped', reasons: ['folder-not-writable'], blocking: ['folder-not-writable'] };
    }
  }

  async function submit({ pdf, pages, options }: SubmitArgs) {
    if (!Number.isInteger(pages) || pages < 1 || !Number.isInteger(options.copies) || options.copies < 1) {
      throw createPrinterRejectedError({ message: 'Pages and copies must be positive integers.' });
    }
    const state = await readiness();
    if (!state.ready) throw createPrinterNotReadyError({ details: { blocking: state.blocking } });

    const stamp = clock.date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
    const name = `dp-${stamp}-${random.bytes(6).toString('hex')}-${pages}p-${options.copies}c.pdf`;
    const finalPath = path.join(directory, name);
    const tempPath = path.join(directory, `.${name}.tmp`);
    try {
      // Temp file + fsync + rename: a reader (or a crash) never sees half a PDF under the final name.
      await pipeline(Buffer.isBuffer(pdf) ? Readable.from([pdf]) : pdf, createWriteStream(tempPath, { flags: 'wx' }));
      const handle = await open(tempPath, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tempPath, finalPath);
    } catch (cause) {
      await rm(tempPath, { force: true });
      throw createPrinterNotReadyError({ message: 'The print folder could not be written.', cause });
    }
    return { printerJobRef: name, substitutedOptions: [] };
  }

  async function status(ref: string): Promise<FollowUpdate> {
    const match = REF_PATTERN.exec(ref);
    if (!match) throw createPrinterRejectedError({ message: 'Not a job reference of this printer.' });
    const total = Number(match[3]) * Number(match[4]);
    try {
      await stat(path.join(directory, ref));
      return { state: 'completed', pagesCompleted: total, reasons: ['job-completed-successfully'] };
    } catch {
      return { state: 'unknown', pagesCompleted: 0, reasons: ['job-not-found'] };
    }
  }

  return {
    id,
    readiness,
    submit,
    status,
    follow: (ref, options) => followByPolling({ ref, status, clock, options }),
    // A file job is finished the moment it exists; there is nothing left to cancel.
    cancel: async () => {},
  };
}
