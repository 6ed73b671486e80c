/**
 * Get-Printer-Attributes (RFC 8011 §4.2.5) and Identify-Printer (PWG 5100.13).
 *
 * Get-Printer-Attributes is answered for every client, identified or not: it only describes the
 * queue (no job, no name, no code), and CUPS, Windows and phones must be able to read it to set
 * the printer up at all. A terminal that is not registered then gets client-error-forbidden at
 * its first Print-Job, with a clear status message.
 */
import { getStrings } from '../codec/index.ts';
import { buildPrinterAttributes, selectPrinterAttributes } from '../printer-attributes.ts';
import type { OperationHandler } from './context.ts';

export const getPrinterAttributes: OperationHandler = async (ctx) => {
  const requested = getStrings(ctx.operation, 'requested-attributes');
  const all = buildPrinterAttributes(ctx.printer());
  return { printer: selectPrinterAttributes(all, requested.length > 0 ? requested : undefined) };
};

/**
 * The queue has no panel of its own to flash; the request is accepted (IPP Everywhere requires
 * the operation) and logged, so staff can see a terminal tried to find its printer.
 */
export const identifyPrinter: OperationHandler = async (ctx) => {
  const match = ctx.client();
  ctx.log.info({ site: ctx.site.id, terminal: match.terminal.id }, 'identify-printer requested');
  return {};
};
