import { createErrorFactory } from '../shared/errors.ts';

export const createCodeInvalidError = createErrorFactory({
  code: 'release.code_invalid',
  statusCode: 401,
  message: 'This code is not valid. Please check the number on your terminal screen.',
});
export const createThrottledError = createErrorFactory({
  code: 'release.throttled',
  statusCode: 429,
  message: 'Please wait a moment before you try again.',
});
export const createStationLockedError = createErrorFactory({
  code: 'release.locked',
  statusCode: 423,
  message: 'Code entry is paused after too many wrong codes. Please ask the staff.',
});
export const createStationUnknownError = createErrorFactory({
  code: 'release.station_unknown',
  statusCode: 404,
  message: 'There is no printer with this id.',
});
export const createNotLoggedInError = createErrorFactory({
  code: 'release.not_logged_in',
  statusCode: 401,
  message: 'Please enter your code again.',
});
export const createPrinterNotReadyReleaseError = createErrorFactory({
  code: 'release.printer_not_ready',
  statusCode: 503,
  message: 'The printer cannot print right now. Your documents stay saved. Please ask the staff.',
});
export const createNothingToPrintError = createErrorFactory({
  code: 'release.nothing_selected',
  statusCode: 400,
  message: 'Please choose at least one document.',
});
