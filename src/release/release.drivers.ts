import path from 'node:path';
import type { Config } from '../config/config.ts';
import type { Clock } from '../shared/clock.ts';
import type { Random } from '../shared/random.ts';
import type { PrinterDriver } from './printers/printer-driver.ts';
import { createFilePrinterDriver } from './printers/file.printer-driver.ts';

/** One driver per configured printer, by printer id. */
export async function createPrinterDrivers({ config, clock, random }: { config: Config; clock: Clock; random: Random }): Promise<Map<string, PrinterDriver>> {
  const drivers = new Map<string, PrinterDriver>();
  for (const site of config.sites) {
    for (const printer of site.printers) {
      if (printer.driver === 'file') {
        drivers.set(printer.id, createFilePrinterDriver({ id: printer.id, directory: printer.directory ?? path.join(config.dataDir, 'printed'), clock, random }));
      } else {
        const { createIppPrinterDriver } = await import('./printers/ipp.printer-driver.ts');
        drivers.set(printer.id, createIppPrinterDriver({ id: printer.id, uri: printer.uri, timeoutSeconds: printer.timeoutSeconds, clock }));
      }
    }
  }
  return drivers;
}
