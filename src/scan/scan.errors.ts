import { createErrorFactory } from '../shared/errors.ts';

// Stable codes for everything that can go wrong while scanning. The station translates them by
// code into plain messages ("Papierstau – bitte Klappe öffnen …"); messages here are for logs and
// API clients and never name a file or a document.

/** The feeder reported a paper jam. The citizen must clear it and scan again. */
export const createScanJammedError = createErrorFactory({
  code: 'scan.jammed',
  statusCode: 409,
  message: 'The document feeder is jammed.',
});

/** Nothing to scan: the feeder is empty (before the first page) or no file arrived in time. */
export const createScanNoDocumentsError = createErrorFactory({
  code: 'scan.no_documents',
  statusCode: 409,
  message: 'There is no paper in the document feeder.',
});

/** The scanner's cover or feeder door is open. */
export const createScanCoverOpenError = createErrorFactory({
  code: 'scan.cover_open',
  statusCode: 409,
  message: 'The scanner cover is open.',
});

/** Another program (or another scan at this station) is using the scanner. Retry later. */
export const createScanDeviceBusyError = createErrorFactory({
  code: 'scan.device_busy',
  statusCode: 409,
  message: 'The scanner is busy.',
});

/** The scanner failed while transferring data, or returned something unreadable. */
export const createScanIoError = createErrorFactory({
  code: 'scan.io_error',
  statusCode: 502,
  message: 'The scanner reported an error while scanning.',
});

/** The scan took longer than the configured limit and was stopped. */
export const createScanTimeoutError = createErrorFactory({
  code: 'scan.timeout',
  statusCode: 504,
  message: 'The scanner took too long and the scan was stopped.',
});

/** The scan was stopped by the caller (AbortSignal). */
export const createScanCanceledError = createErrorFactory({
  code: 'scan.canceled',
  statusCode: 409,
  message: 'The scan was canceled.',
});

/** The configured scanner (SANE device, hot folder) does not exist or cannot be opened. */
export const createScanDeviceNotFoundError = createErrorFactory({
  code: 'scan.device_not_found',
  statusCode: 503,
  message: 'The scanner is not available. Please ask the staff.',
});

/** The request asks for something the scanner cannot do (source, resolution or mode). */
export const createScanUnsupportedError = createErrorFactory({
  code: 'scan.unsupported',
  statusCode: 400,
  message: 'The scanner does not support these settings.',
});

/** An image or PDF given to the page pipeline or the exporter cannot be decoded. */
export const createScanImageInvalidError = createErrorFactory({
  code: 'scan.image_invalid',
  statusCode: 422,
  message: 'A scanned page could not be read.',
});

/** Even the smallest export setting does not fit the requested size (too many pages for it). */
export const createScanBudgetTooSmallError = createErrorFactory({
  code: 'scan.budget_too_small',
  statusCode: 422,
  message: 'The pages do not fit into the requested file size. Please split them into several files.',
});

/** Text recognition failed (tesseract missing or crashed). The PDF without text stays valid. */
export const createScanOcrFailedError = createErrorFactory({
  code: 'scan.ocr_failed',
  statusCode: 500,
  message: 'Text recognition failed; the PDF is available without searchable text.',
});
