import { createErrorFactory } from '../../shared/errors.ts';

// Messages are shown (translated by code) to citizens at a terminal: plain words, no internals,
// never a file name. Damaged images and rasters share `spool.pdf_damaged`, because for a citizen
// "the file is damaged" is the same answer whatever its format.
export const createFormatUnsupportedError = createErrorFactory({
  code: 'spool.format_unsupported',
  statusCode: 415,
  message: 'This kind of file cannot be printed here. Please use PDF, JPEG or PNG.',
});
export const createTooLargeError = createErrorFactory({
  code: 'spool.too_large',
  statusCode: 413,
  message: 'The document is too large to be printed here.',
});
export const createTooManyPagesError = createErrorFactory({
  code: 'spool.too_many_pages',
  statusCode: 422,
  message: 'The document has more pages than can be printed at once.',
});
export const createPdfEncryptedError = createErrorFactory({
  code: 'spool.pdf_encrypted',
  statusCode: 422,
  message: 'The document is protected by a password. Please save it without a password and try again.',
});
export const createPdfDamagedError = createErrorFactory({
  code: 'spool.pdf_damaged',
  statusCode: 422,
  message: 'The document is damaged or incomplete and cannot be printed.',
});
export const createImageTooLargeError = createErrorFactory({
  code: 'spool.image_too_large',
  statusCode: 422,
  message: 'The picture has too many pixels to be printed here. Please use a smaller picture.',
});
export const createProcessingTimeoutError = createErrorFactory({
  code: 'spool.processing_timeout',
  statusCode: 422,
  message: 'Preparing the document took too long. Please try a simpler document.',
});
export const createProcessingFailedError = createErrorFactory({
  code: 'spool.processing_failed',
  statusCode: 422,
  message: 'The document could not be prepared for printing.',
});

/** Every factory of this domain by code, so errors that crossed a worker boundary get their factory back. */
export const formatsErrorFactories = Object.fromEntries(
  [
    createFormatUnsupportedError,
    createTooLargeError,
    createTooManyPagesError,
    createPdfEncryptedError,
    createPdfDamagedError,
    createImageTooLargeError,
    createProcessingTimeoutError,
    createProcessingFailedError,
  ].map((factory) => [factory.code, factory]),
);
