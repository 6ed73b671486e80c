import { createErrorFactory } from '../../shared/errors.ts';

export const createPreviewPageNotFoundError = createErrorFactory({
  code: 'spool.preview_page_not_found',
  statusCode: 404,
  message: 'The document has no such page.',
});
