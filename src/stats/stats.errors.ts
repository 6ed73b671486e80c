import { createErrorFactory } from '../shared/errors.ts';

/** The longest period one query may cover: three years of days, so an export stays small. */
export const MAX_RANGE_DAYS = 1100;

export const createRangeInvalidError = createErrorFactory({
  code: 'stats.range_invalid',
  statusCode: 400,
  message: `The period must be given as days (YYYY-MM-DD), start before end, at most ${MAX_RANGE_DAYS} days.`,
});
export const createSiteUnknownStatsError = createErrorFactory({
  code: 'stats.site_unknown',
  statusCode: 404,
  message: 'There is no such site.',
});
