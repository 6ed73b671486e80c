import { createErrorFactory } from '../../shared/errors.ts';

/** No answer from the printer (connection refused, reset, timeout, DNS). Retry later. */
export const createPrinterUnreachableError = createErrorFactory({
  code: 'printer.unreachable',
  statusCode: 503,
  message: 'The printer does not answer. Please ask the staff.',
});

/** The printer answered but cannot print now; `details.blocking` lists the reasons. */
export const createPrinterNotReadyError = createErrorFactory({
  code: 'printer.not_ready',
  statusCode: 409,
  message: 'The printer is not ready. Please ask the staff.',
});

/** The printer refused the request with an IPP error status; `details.ippStatus` names it. */
export const createPrinterRejectedError = createErrorFactory({
  code: 'printer.rejected',
  statusCode: 502,
  message: 'The printer refused the job. Please ask the staff.',
});

/** The printer accepts no document format Druckpunkt can produce (PDF, PWG raster, URF). */
export const createPrinterFormatUnsupportedError = createErrorFactory({
  code: 'printer.format_unsupported',
  statusCode: 502,
  message: 'The printer accepts no document format Druckpunkt can send. Please ask the staff.',
});
