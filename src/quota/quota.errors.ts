import { createErrorFactory } from '../shared/errors.ts';

export const createQuotaSiteUnknownError = createErrorFactory({
  code: 'quota.site_unknown',
  statusCode: 404,
  message: 'There is no site with this id.',
});
export const createVoucherInvalidError = createErrorFactory({
  code: 'quota.voucher_invalid',
  statusCode: 401,
  message: 'This voucher code is not valid. Please check the code on your slip.',
});
export const createVoucherUsedError = createErrorFactory({
  code: 'quota.voucher_used',
  statusCode: 409,
  message: 'This voucher has already been used.',
});
export const createVoucherExpiredError = createErrorFactory({
  code: 'quota.voucher_expired',
  statusCode: 410,
  message: 'This voucher has expired. Please ask the staff.',
});
export const createVoucherNotFoundError = createErrorFactory({
  code: 'quota.voucher_not_found',
  statusCode: 404,
  message: 'There is no voucher with this id.',
});
export const createVoucherNotRevocableError = createErrorFactory({
  code: 'quota.voucher_not_revocable',
  statusCode: 409,
  message: 'This voucher has already been used or revoked.',
});
