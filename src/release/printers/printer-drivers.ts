import path from 'node:path';
import type { PrinterConfig } from '../../config/config.schema.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Random } from '../../shared/random.ts';
import { createFilePrinterDriver } from './file.printer-driver.ts';
import { createIppPrinterDriver } from './ipp.printer-driver.ts';
import type { PrinterDriver } from './printer-driver.ts';

/** The driver for one configured printer (`printers[]` in the configuration file). */
export function createPrinterDriver({
  printer,
  dataDir,
  clock,
  random,
}: {
  printer: PrinterConfig;
  dataDir: string;
  clock?: Clock;
  random?: Random;
}): PrinterDriver {
  switch (printer.driver) {
    case 'file':
      return createFilePrinterDriver({ id: printer.id, directory: printer.directory ?? path.join(dataDir, 'printed'), clock, random });
    case 'ipp':
      return createIppPrinterDriver({ id: printer.id, uri: printer.uri, timeoutSeconds: printer.timeoutSeconds, clock });
  }
}
