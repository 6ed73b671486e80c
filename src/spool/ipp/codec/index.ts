/**
 * Public API of Druckpunkt's IPP wire codec (RFC 8010). The IPP server imports from here only.
 *
 *   const { message, document } = await readIppRequest(req.raw, { maxHeaderBytes: 64 * 1024 });
 *   const operation = findGroup(message, GroupTag.operation);
 *   const jobName = getString(operation, 'job-name');
 *   reply.send(buildResponse({ version: message.version, status: Status.successfulOk,
 *     requestId: message.requestId, jobs: [{ 'job-id': ipp.integer(7), 'job-state': ipp.enum(JobState.pendingHeld) }] }));
 */
export { decodeIppMessage, DEFAULT_DECODE_LIMITS, IPP_HEADER_PREFIX_BYTES, type IppDecodeLimits } from './decode.ts';
export { encodeIppMessage } from './encode.ts';
export {
  IppDecodeError,
  IppEncodeError,
  isIppDecodeError,
  ippStatusForDecodeError,
  type IppDecodeErrorKind,
  type IppDecodeLimitName,
} from './codec.errors.ts';
export {
  attributesFrom,
  dateToIppDateTime,
  findGroup,
  findGroups,
  getAttribute,
  getBoolean,
  getCollection,
  getFirstValue,
  getInteger,
  getString,
  getStrings,
  ipp,
  ippDateTimeToDate,
  isSupportedVersion,
  SUPPORTED_VERSIONS,
  type IppAttribute,
  type IppDateTime,
  type IppGroup,
  type IppMessage,
  type IppStringType,
  type IppValue,
  type IppValueInput,
  type IppValueType,
  type IppVersion,
} from './model.ts';
export { decodeIppRequestBytes, readIppRequest, scanForEndOfAttributes, type IppRequest, type ReadIppRequestOptions } from './request-reader.ts';
export { buildResponse, buildResponseMessage, type AttributesInput, type BuildResponseArgs } from './response.ts';
export * from './tags.ts';
