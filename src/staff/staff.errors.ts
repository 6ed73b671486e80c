import { createErrorFactory } from '../shared/errors.ts';

/** One answer for unknown name, wrong password, disabled and locked account: nothing to enumerate. */
export const createLoginFailedError = createErrorFactory({
  code: 'staff.login_failed',
  statusCode: 401,
  message: 'Name or password is wrong, or the account is locked for a while.',
});
export const createStaffNotLoggedInError = createErrorFactory({
  code: 'staff.not_logged_in',
  statusCode: 401,
  message: 'Please log in.',
});
export const createForbiddenError = createErrorFactory({
  code: 'staff.forbidden',
  statusCode: 403,
  message: 'Your account may not do this.',
});
export const createCsrfFailedError = createErrorFactory({
  code: 'staff.csrf_failed',
  statusCode: 403,
  message: 'The request did not come from the staff console. Please reload the page.',
});
export const createUserExistsError = createErrorFactory({
  code: 'staff.user_exists',
  statusCode: 409,
  message: 'A user with this name already exists.',
});
export const createUserNotFoundError = createErrorFactory({
  code: 'staff.user_not_found',
  statusCode: 404,
  message: 'There is no user with this name or id.',
});
export const createWeakPasswordError = createErrorFactory({
  code: 'staff.password_too_short',
  statusCode: 400,
  message: 'The password must have at least 10 characters.',
});
export const createSessionNotFoundError = createErrorFactory({
  code: 'staff.session_not_found',
  statusCode: 404,
  message: 'There is no terminal session with this id.',
});
export const createJobNotGrantableError = createErrorFactory({
  code: 'staff.job_not_waiting',
  statusCode: 409,
  message: 'This job is not waiting for release.',
});
export const createSlipGoneError = createErrorFactory({
  code: 'staff.voucher_slip_gone',
  statusCode: 410,
  message: 'The slip can only be printed once, right after the voucher was created. Revoke it and create a new one.',
});
export const createSiteNotFoundError = createErrorFactory({
  code: 'staff.site_not_found',
  statusCode: 404,
  message: 'There is no site with this id.',
});
