import { createErrorFactory } from '../errors.ts';

export const createDocumentNotFoundError = createErrorFactory({
  code: 'store.document_not_found',
  statusCode: 404,
  message: 'The document does not exist (any more).',
});
/** The key is still there but the file is gone (crash, lost disk): data loss on our side. */
export const createDocumentMissingError = createErrorFactory({
  code: 'store.document_missing',
  statusCode: 500,
  message: 'The stored document is missing.',
});
/**
 * A segment failed authentication, the file is truncated, reordered, belongs to another id or
 * is not in our format. Our storage was changed behind our back, so it is our failure (500), and
 * nothing from the bad segment onwards is ever handed out.
 */
export const createDocumentTamperedError = createErrorFactory({
  code: 'store.document_tampered',
  statusCode: 500,
  message: 'The stored document failed its integrity check.',
});
export const createMasterKeyInvalidError = createErrorFactory({
  code: 'store.master_key_invalid',
  statusCode: 500,
  message: 'The master key must be 32 bytes in base64.',
});
/** The master key file is readable by others than the service user. */
export const createMasterKeyInsecureError = createErrorFactory({
  code: 'store.master_key_insecure',
  statusCode: 500,
  message: 'The master key file must be readable by its owner only (chmod 600).',
});
export const createSourceInvalidError = createErrorFactory({
  code: 'store.source_invalid',
  statusCode: 500,
  message: 'A document source must yield bytes.',
});
