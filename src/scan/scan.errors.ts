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

// Scan sessions and pickup (scan.usecases.ts, scan.routes.ts).

/** No scan session belongs to this station's cookie (never started, cancelled, or idle too long). */
export const createScanSessionNotFoundError = createErrorFactory({
  code: 'scan.session_not_found',
  statusCode: 404,
  message: 'There is no scan in progress here. Please start again.',
});

/** The scanner id is not configured. */
export const createScannerNotFoundError = createErrorFactory({
  code: 'scan.scanner_not_found',
  statusCode: 404,
  message: 'This scanner is not known.',
});

/** A scan is running in this session already; wait for it to end. */
export const createScanBusyError = createErrorFactory({
  code: 'scan.busy',
  statusCode: 409,
  message: 'The scanner is still scanning.',
});

/** The page id is not part of this session. */
export const createScanPageNotFoundError = createErrorFactory({
  code: 'scan.page_not_found',
  statusCode: 404,
  message: 'This page is not part of the scan.',
});

/** The session is finished (or being finished): its pages cannot change any more. */
export const createScanSessionFinishedError = createErrorFactory({
  code: 'scan.session_finished',
  statusCode: 409,
  message: 'This scan is finished already.',
});

/** "Fertig" with no page left to export (all deleted or none scanned). */
export const createScanNothingToExportError = createErrorFactory({
  code: 'scan.nothing_to_export',
  statusCode: 409,
  message: 'There are no pages to save. Please scan at least one page.',
});

/** Wrong or expired pickup code. */
export const createPickupCodeInvalidError = createErrorFactory({
  code: 'scan.pickup_code_invalid',
  statusCode: 401,
  message: 'This pickup code is not valid.',
});

/** Too many wrong pickup codes from this address just now; wait `details.retryAfterSeconds`. */
export const createPickupThrottledError = createErrorFactory({
  code: 'scan.pickup_throttled',
  statusCode: 429,
  message: 'Please wait a moment before you try again.',
});

/** Pickup by code is paused (too many wrong codes from this address or at this site). */
export const createPickupLockedError = createErrorFactory({
  code: 'scan.pickup_locked',
  statusCode: 423,
  message: 'Code entry is paused after too many wrong codes. Please ask the staff.',
});

/** The pickup link is unknown or its scan has expired and been deleted. */
export const createPickupNotFoundError = createErrorFactory({
  code: 'scan.pickup_not_found',
  statusCode: 404,
  message: 'This scan is no longer available.',
});

/** The legibility crop or a document was asked for before the scan was finished, or there is none. */
export const createScanResultNotFoundError = createErrorFactory({
  code: 'scan.result_not_found',
  statusCode: 404,
  message: 'This part of the scan is not available.',
});
