import type { Config } from '../config/config.ts';
import type { Clock } from '../shared/clock.ts';
import type { Random } from '../shared/random.ts';
import type { PrinterDriver } from './printers/printer-driver.ts';
import { createPrinterDriver } from './printers/printer-drivers.ts';

/** One driver per configured printer, by printer id. */
export function createPrinterDrivers({ config, clock, random }: { config: Config; clock: Clock; random: Random }): Map<string, PrinterDriver> {
  return new Map(
    config.sites.flatMap((site) => site.printers.map((printer) => [printer.id, createPrinterDriver({ printer, dataDir: config.dataDir, clock, random })] as const)),
  );
}
