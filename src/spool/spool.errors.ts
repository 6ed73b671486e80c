import { createErrorFactory } from '../shared/errors.ts';

export const createTerminalUnknownError = createErrorFactory({
  code: 'spool.terminal_unknown',
  statusCode: 403,
  message: 'This computer is not registered as a terminal of this site.',
});
export const createJobNotFoundError = createErrorFactory({
  code: 'spool.job_not_found',
  statusCode: 404,
  message: 'This print job does not exist (any more).',
});
export const createJobNotIncomingError = createErrorFactory({
  code: 'spool.job_not_incoming',
  statusCode: 409,
  message: 'This print job takes no more documents.',
});
export const createJobNotHeldError = createErrorFactory({
  code: 'spool.job_not_held',
  statusCode: 409,
  message: 'This print job is not waiting any more.',
});
export const createJobEmptyError = createErrorFactory({
  code: 'spool.job_empty',
  statusCode: 422,
  message: 'The print job has no document.',
});
export const createSiteUnknownError = createErrorFactory({
  code: 'spool.site_unknown',
  statusCode: 404,
  message: 'There is no such site.',
});
export const createNoCodeAvailableError = createErrorFactory({
  code: 'spool.no_code_available',
  statusCode: 503,
  message: 'No free release code could be found. Please try again.',
});
export const createPageNotFoundError = createErrorFactory({
  code: 'spool.page_not_found',
  statusCode: 404,
  message: 'The document has no such page.',
});
export const createUploadMissingFileError = createErrorFactory({
  code: 'spool.file_missing',
  statusCode: 400,
  message: 'Please choose a file to upload.',
});
