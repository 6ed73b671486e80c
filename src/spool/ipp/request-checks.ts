/**
 * The checks every IPP request passes before its operation runs (RFC 8011 §4.1), in the order
 * CUPS makes them, so the status a client gets matches what it gets from CUPS:
 * version → request-id → group order → attributes-charset / attributes-natural-language →
 * operation → target URI.
 */
import {
  getAttribute,
  getString,
  GroupTag,
  OPERATION_NAMES,
  Status,
  type IppGroup,
  type IppMessage,
  type IppVersion,
} from './codec/index.ts';
import { ippError } from './ipp.errors.ts';
import { SUPPORTED_OPERATIONS } from './printer-attributes.ts';

/**
 * The version a response is sent in: the request's when we speak it (any 1.x or 2.x; RFC 8011
 * §4.1.8 lets a printer take an unknown minor version); otherwise the closest we support, so a
 * client that sent 0.0 or 9.1 can still read why it was refused.
 */
export function responseVersion(version: IppVersion): IppVersion {
  if (version.major === 1 || version.major === 2) return version;
  return version.major < 1 ? { major: 1, minor: 1 } : { major: 2, minor: 0 };
}

export function isVersionSupported(version: IppVersion): boolean {
  return version.major === 1 || version.major === 2;
}

const CHARSETS = new Set(['utf-8', 'us-ascii']);

export type CheckedRequest = {
  operation: IppGroup;
  jobGroup: IppGroup | undefined;
  naturalLanguage: string;
  requestingUserName: string | undefined;
};

/** @throws IppOperationError with the status RFC 8011 gives each defect. */
export function checkRequest(message: IppMessage): CheckedRequest {
  if (!isVersionSupported(message.version)) {
    throw ippError(Status.serverErrorVersionNotSupported, 'Only IPP 1.x and 2.x are supported.');
  }
  if (message.requestId <= 0) throw ippError(Status.clientErrorBadRequest, 'request-id must be positive.');
  let previous = 0;
  for (const group of message.groups) {
    // RFC 8010 §3.1.1 puts groups in a fixed order; a repeat of the same tag is allowed.
    if (group.tag < previous) throw ippError(Status.clientErrorBadRequest, 'Attribute groups are out of order.');
    previous = group.tag;
  }
  const operation = message.groups[0];
  if (!operation || operation.tag !== GroupTag.operation) {
    throw ippError(Status.clientErrorBadRequest, 'Missing operation attributes.');
  }
  const [first, second] = operation.attributes;
  if (first?.name !== 'attributes-charset' || first.values.length !== 1 || first.values[0]?.type !== 'charset') {
    throw ippError(Status.clientErrorBadRequest, 'attributes-charset must come first.');
  }
  if (second?.name !== 'attributes-natural-language' || second.values.length !== 1 || second.values[0]?.type !== 'naturalLanguage') {
    throw ippError(Status.clientErrorBadRequest, 'attributes-natural-language must come second.');
  }
  const charset = getString(operation, 'attributes-charset')!.toLowerCase();
  if (!CHARSETS.has(charset)) {
    throw ippError(Status.clientErrorCharsetNotSupported, 'Only utf-8 is supported.', [first]);
  }
  if (!(SUPPORTED_OPERATIONS as readonly number[]).includes(message.code)) {
    throw ippError(
      Status.serverErrorOperationNotSupported,
      `${OPERATION_NAMES[message.code] ?? `Operation 0x${message.code.toString(16).padStart(4, '0')}`} is not supported.`,
    );
  }
  const printerUri = getAttribute(operation, 'printer-uri');
  const jobUri = getAttribute(operation, 'job-uri');
  if (printerUri === undefined && jobUri === undefined) {
    throw ippError(Status.clientErrorBadRequest, 'Missing printer-uri.');
  }
  const requestingUser = getString(operation, 'requesting-user-name');
  return {
    operation,
    jobGroup: message.groups.find((group) => group.tag === GroupTag.job),
    naturalLanguage: getString(operation, 'attributes-natural-language')!,
    requestingUserName: requestingUser === undefined || requestingUser === '' ? undefined : requestingUser.slice(0, 255),
  };
}
