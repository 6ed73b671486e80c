import { createErrorFactory } from '../shared/errors.ts';

export const createPurgeScheduleInvalidError = createErrorFactory({
  code: 'purge.schedule_invalid',
  statusCode: 500,
  message: 'The purge schedule is not a valid cron expression.',
});
