import path from 'node:path';
import { startCupsd, startIppEvePrinter } from '../../tests/helpers/peers/index.ts';
import { findPidByArg } from './process-memory.ts';

export type CupsdQueue = {
  pid: number;
  printerUri: string;
  /** cupsd's RequestRoot: d<job>-<doc> data files and c<job> control files. */
  spoolDir: string;
  heldJobs: () => Promise<number>;
  stop: () => Promise<void>;
};

/**
 * A private cupsd with one queue, `bench`, made with `lpadmin -m everywhere` against a real
 * ippeveprinter (the harness cupsd has `FileDevice No`, so a file: queue is refused). Jobs sent
 * with job-hold-until=indefinite stay held in cupsd's spool; the printer never sees them.
 * Logging at warn, like the Druckpunkt side (the harness default is debug, for tests).
 * `extraConf` adds cupsd.conf lines (e.g. `DirtyCleanInterval 0`).
 */
export async function startCupsdQueue({ extraConf = [] }: { extraConf?: string[] } = {}): Promise<CupsdQueue> {
  const printer = await startIppEvePrinter({ name: 'Bench Printer' });
  try {
    const cupsd = await startCupsd({ extraConf: ['LogLevel warn', ...extraConf] });
    try {
      await cupsd.lpadmin(['-p', 'bench', '-E', '-v', printer.uri4, '-m', 'everywhere']);
      // The harness keeps cupsd.conf beside the log folder; its path is in cupsd's argv.
      const conf = path.join(path.dirname(path.dirname(cupsd.errorLog)), 'cupsd.conf');
      const pid = await findPidByArg(conf);
      if (pid === undefined) throw new Error(`cupsd with ${conf} not found in /proc`);
      return {
        pid,
        printerUri: `ipp://${cupsd.host}/printers/bench`,
        spoolDir: path.join(path.dirname(conf), 'spool'),
        heldJobs: async () => {
          const result = await cupsd.lpstat(['-o', 'bench']);
          return result.stdout.split('\n').filter((line) => line.startsWith('bench-')).length;
        },
        stop: async () => {
          await cupsd.stop();
          await printer.stop();
        },
      };
    } catch (error) {
      await cupsd.stop();
      throw error;
    }
  } catch (error) {
    await printer.stop();
    throw error;
  }
}
