/**
 * Errors of the IPP printer endpoint. An IPP client never sees an HTTP error for an IPP-level
 * problem: it gets HTTP 200 with an IPP status code (as CUPS answers), so every failure below
 * carries the IPP status it is answered with, plus the attributes that caused it for the
 * unsupported-attributes group (RFC 8011 §4.1.7).
 */
import { AppError, isAppError } from '../../shared/errors.ts';
import { STATUS_KEYWORDS, Status, type IppAttribute } from './codec/index.ts';

export class IppOperationError extends AppError {
  /** IPP status code of the answer (Status.clientErrorBadRequest, ...). */
  readonly ippStatus: number;
  /** Attributes for the unsupported-attributes group of the answer. */
  readonly unsupported: IppAttribute[];

  constructor({ status, message, unsupported = [] }: { status: number; message: string; unsupported?: IppAttribute[] }) {
    const keyword = STATUS_KEYWORDS[status] ?? 'unknown';
    super({ code: `spool.ipp_${keyword.replace(/-/g, '_')}`, statusCode: status >= 0x0500 ? 500 : 400, message });
    this.name = 'IppOperationError';
    this.ippStatus = status;
    this.unsupported = unsupported;
  }
}

/** Shorthand for the many places that refuse a request with one status and a plain reason. */
export function ippError(status: number, message: string, unsupported?: IppAttribute[]): IppOperationError {
  return new IppOperationError({ status, message, unsupported });
}

/**
 * The IPP status for each error the spool raises while taking a job. Document problems get the
 * PWG 5100.13 document-* statuses so a client can tell "damaged" from "too big" from "password".
 */
const STATUS_BY_SPOOL_CODE: Readonly<Record<string, number>> = {
  'spool.format_unsupported': Status.clientErrorDocumentFormatNotSupported,
  'spool.too_large': Status.clientErrorRequestEntityTooLarge,
  'spool.pdf_encrypted': Status.clientErrorDocumentPasswordError,
  'spool.pdf_damaged': Status.clientErrorDocumentFormatError,
  'spool.processing_failed': Status.clientErrorDocumentFormatError,
  // The document is fine but beyond what this queue takes: "unprintable" in PWG 5100.13's words.
  'spool.too_many_pages': Status.clientErrorDocumentUnprintableError,
  'spool.image_too_large': Status.clientErrorDocumentUnprintableError,
  'spool.processing_timeout': Status.clientErrorDocumentUnprintableError,
  'spool.job_not_found': Status.clientErrorNotFound,
  'spool.site_unknown': Status.clientErrorNotFound,
  'spool.job_not_incoming': Status.clientErrorNotPossible,
  'spool.job_not_held': Status.clientErrorNotPossible,
  'spool.job_empty': Status.clientErrorNotPossible,
  'spool.terminal_unknown': Status.clientErrorForbidden,
  // Clients retry on busy; a free code will be found a moment later.
  'spool.no_code_available': Status.serverErrorBusy,
  // The client closed the connection or sent a broken body mid-document.
  'spool.ipp_malformed': Status.clientErrorBadRequest,
};

export type IppFailure = { status: number; message: string; unsupported: IppAttribute[]; expected: boolean };

/**
 * Turns any error from an operation into the IPP answer. Unexpected errors become
 * server-error-internal-error without detail; the caller logs them.
 */
export function ippFailureOf(error: unknown): IppFailure {
  if (error instanceof IppOperationError) {
    return { status: error.ippStatus, message: error.message, unsupported: error.unsupported, expected: true };
  }
  if (isAppError(error)) {
    const status = STATUS_BY_SPOOL_CODE[error.code];
    if (status !== undefined) return { status, message: error.message, unsupported: [], expected: true };
  }
  return { status: Status.serverErrorInternalError, message: 'Internal error.', unsupported: [], expected: false };
}
