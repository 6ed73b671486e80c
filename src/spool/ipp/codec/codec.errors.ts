/**
 * Errors of the IPP codec. They are AppErrors with stable codes, and they carry a `kind` so the
 * IPP server can answer a malformed request with the precise IPP status (RFC 8011 §4.1.6)
 * instead of a generic failure. Messages name tags, lengths and offsets only, never values:
 * a value might be a document name.
 */
import { AppError } from '../../../shared/errors.ts';
import { Status } from './tags.ts';

export type IppDecodeErrorKind =
  /** The bytes end before the message does (includes a missing end-of-attributes tag). */
  | 'truncated'
  /** A reserved delimiter tag, or the refused extension tag 0x7F. */
  | 'bad-tag'
  /** A length that does not fit its syntax (integer ≠ 4, begCollection with a value, ...). */
  | 'bad-length'
  /** Bytes of the right length that are not a valid value (boolean 2, month 13, bad UTF-8). */
  | 'bad-value'
  /** Well-formed items in an impossible order (value before any group, stray endCollection). */
  | 'bad-structure'
  /** A configured bound was exceeded; `limit` says which. */
  | 'too-large'
  /** Collections nested deeper than maxCollectionDepth. */
  | 'too-deep';

export type IppDecodeLimitName =
  | 'name-length'
  | 'value-length'
  | 'attribute-bytes'
  | 'attribute-count'
  /** readIppRequest: the header did not end within maxHeaderBytes. */
  | 'header-bytes';

export class IppDecodeError extends AppError {
  readonly kind: IppDecodeErrorKind;
  /** Byte offset in the message where the problem was found. */
  readonly offset: number;
  readonly limit: IppDecodeLimitName | undefined;

  constructor({
    kind,
    offset,
    message,
    limit,
  }: {
    kind: IppDecodeErrorKind;
    offset: number;
    message: string;
    limit?: IppDecodeLimitName;
  }) {
    super({
      code: 'spool.ipp_malformed',
      statusCode: 400,
      message: `${message} (at byte ${offset})`,
      details: { kind, offset, ...(limit === undefined ? {} : { limit }) },
    });
    this.name = 'IppDecodeError';
    this.kind = kind;
    this.offset = offset;
    this.limit = limit;
  }
}

export function isIppDecodeError(error: unknown): error is IppDecodeError {
  return error instanceof IppDecodeError;
}

/**
 * The IPP status a server answers for a request that failed to decode: an oversized single value
 * is request-value-too-long, an oversized request as a whole is request-entity-too-large,
 * everything else is bad-request (RFC 8011 §B.1.4).
 */
export function ippStatusForDecodeError(error: IppDecodeError): number {
  if (error.kind !== 'too-large') return Status.clientErrorBadRequest;
  return error.limit === 'name-length' || error.limit === 'value-length'
    ? Status.clientErrorRequestValueTooLong
    : Status.clientErrorRequestEntityTooLarge;
}

/** Thrown by the encoder for a message that cannot be put on the wire (a bug in the caller). */
export class IppEncodeError extends AppError {
  constructor({ message }: { message: string }) {
    super({ code: 'spool.ipp_unencodable', statusCode: 500, message });
    this.name = 'IppEncodeError';
  }
}
