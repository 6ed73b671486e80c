import { createErrorFactory } from '../shared/errors.ts';

export const createWebNotBuiltError = createErrorFactory({
  code: 'web.not_built',
  statusCode: 503,
  message: 'The web pages are not built yet. Run `npm run build:web` (npm start does it by itself).',
});
