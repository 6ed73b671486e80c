/**
 * Numeric tables of the IPP wire format and the IPP model: delimiter tags, value tags,
 * operation ids, status codes and the enum values the Druckpunkt printer endpoint needs.
 *
 * Sources: RFC 8010 §3.5 (tags), RFC 8011 §5.4.15 / §4 (operations), RFC 8011 §B (status
 * codes), RFC 8011 §5.3.7/§5.4.11/§5.2.10/§5.2.13 (enums), PWG 5100.x (later additions) and
 * CUPS' own ipp.h for the CUPS vendor operations, so that a request from cupsd or lpstat is
 * at least recognised by name in logs and answered with operation-not-supported.
 */

/**
 * Delimiter tags 0x00–0x0F start an attribute group (RFC 8010 §3.5.1). 0x00 and 0x0B–0x0F are
 * reserved; the decoder rejects them because the group's meaning would be unknown.
 */
export const GroupTag = {
  operation: 0x01,
  job: 0x02,
  endOfAttributes: 0x03,
  printer: 0x04,
  unsupported: 0x05,
  subscription: 0x06,
  eventNotification: 0x07,
  resource: 0x08,
  document: 0x09,
  system: 0x0a,
} as const;
export type GroupTagName = keyof typeof GroupTag;
/** A tag that starts an attribute group (every delimiter except end-of-attributes). */
export type GroupTagValue = Exclude<(typeof GroupTag)[GroupTagName], 0x03>;

/** Value tags 0x10–0xFF (RFC 8010 §3.5.2). */
export const ValueTag = {
  // Out-of-band values (RFC 8010 §3.5.2, RFC 8011 §5.1.1; delete-attribute/admin-define from RFC 3380).
  unsupported: 0x10,
  unknown: 0x12,
  noValue: 0x13,
  notSettable: 0x15,
  deleteAttribute: 0x16,
  adminDefine: 0x17,
  // Integer-like values.
  integer: 0x21,
  boolean: 0x22,
  enum: 0x23,
  // Octet-string-like values.
  octetString: 0x30,
  dateTime: 0x31,
  resolution: 0x32,
  rangeOfInteger: 0x33,
  begCollection: 0x34,
  textWithLanguage: 0x35,
  nameWithLanguage: 0x36,
  endCollection: 0x37,
  // Character-string values.
  textWithoutLanguage: 0x41,
  nameWithoutLanguage: 0x42,
  keyword: 0x44,
  uri: 0x45,
  uriScheme: 0x46,
  charset: 0x47,
  naturalLanguage: 0x48,
  mimeMediaType: 0x49,
  memberAttrName: 0x4a,
  /**
   * 0x7F announces a 32-bit extended tag. RFC 8010 puts the extended type in the first four
   * octets of the value field while CUPS reads it right after the tag octet, before the name
   * length. No extended type is registered, so the decoder refuses 0x7F rather than guess a
   * framing and misread the rest of the request.
   */
  extension: 0x7f,
} as const;
export type ValueTagName = keyof typeof ValueTag;

/** The out-of-band value tags that carry no value (RFC 8010 §3.8: value-length 0). */
export const OUT_OF_BAND_TAGS = [
  ValueTag.unsupported,
  ValueTag.unknown,
  ValueTag.noValue,
  ValueTag.notSettable,
  ValueTag.deleteAttribute,
  ValueTag.adminDefine,
] as const;
export type OutOfBandTag = (typeof OUT_OF_BAND_TAGS)[number];

export function isOutOfBandTag(tag: number): tag is OutOfBandTag {
  return (OUT_OF_BAND_TAGS as readonly number[]).includes(tag);
}

/** True for 0x00–0x0F: the octet starts a group or ends the attributes. */
export function isDelimiterTag(tag: number): boolean {
  return tag >= 0x00 && tag <= 0x0f;
}

/** True for a delimiter that starts an attribute group Druckpunkt knows. */
export function isKnownGroupTag(tag: number): tag is GroupTagValue {
  return tag !== GroupTag.endOfAttributes && tag >= 0x01 && tag <= 0x0a;
}

/** Operation ids (RFC 8011 §5.4.15, RFC 3995, PWG 5100.x, and CUPS vendor ops 0x4001+). */
export const Operation = {
  PrintJob: 0x0002,
  PrintUri: 0x0003,
  ValidateJob: 0x0004,
  CreateJob: 0x0005,
  SendDocument: 0x0006,
  SendUri: 0x0007,
  CancelJob: 0x0008,
  GetJobAttributes: 0x0009,
  GetJobs: 0x000a,
  GetPrinterAttributes: 0x000b,
  HoldJob: 0x000c,
  ReleaseJob: 0x000d,
  RestartJob: 0x000e,
  PausePrinter: 0x0010,
  ResumePrinter: 0x0011,
  PurgeJobs: 0x0012,
  SetPrinterAttributes: 0x0013,
  SetJobAttributes: 0x0014,
  GetPrinterSupportedValues: 0x0015,
  CreatePrinterSubscriptions: 0x0016,
  CreateJobSubscriptions: 0x0017,
  GetSubscriptionAttributes: 0x0018,
  GetSubscriptions: 0x0019,
  RenewSubscription: 0x001a,
  CancelSubscription: 0x001b,
  GetNotifications: 0x001c,
  EnablePrinter: 0x0022,
  DisablePrinter: 0x0023,
  HoldNewJobs: 0x0025,
  ReleaseHeldNewJobs: 0x0026,
  CancelCurrentJob: 0x002d,
  CancelJobs: 0x0038,
  CancelMyJobs: 0x0039,
  CloseJob: 0x003b,
  IdentifyPrinter: 0x003c,
  ValidateDocument: 0x003d,
  CupsGetDefault: 0x4001,
  CupsGetPrinters: 0x4002,
  CupsAddModifyPrinter: 0x4003,
  CupsDeletePrinter: 0x4004,
  CupsGetClasses: 0x4005,
  CupsAddModifyClass: 0x4006,
  CupsDeleteClass: 0x4007,
  CupsAcceptJobs: 0x4008,
  CupsRejectJobs: 0x4009,
  CupsSetDefault: 0x400a,
  CupsGetDevices: 0x400b,
  CupsGetPpds: 0x400c,
  CupsMoveJob: 0x400d,
  CupsAuthenticateJob: 0x400e,
  CupsGetPpd: 0x400f,
  CupsGetDocument: 0x4027,
  CupsCreateLocalPrinter: 0x4028,
} as const;
export type OperationName = keyof typeof Operation;

/** Status codes (RFC 8011 §B.1, RFC 3380/3995/PWG additions). */
export const Status = {
  successfulOk: 0x0000,
  successfulOkIgnoredOrSubstitutedAttributes: 0x0001,
  successfulOkConflictingAttributes: 0x0002,
  successfulOkIgnoredSubscriptions: 0x0003,
  successfulOkTooManyEvents: 0x0005,
  successfulOkEventsComplete: 0x0007,
  clientErrorBadRequest: 0x0400,
  clientErrorForbidden: 0x0401,
  clientErrorNotAuthenticated: 0x0402,
  clientErrorNotAuthorized: 0x0403,
  clientErrorNotPossible: 0x0404,
  clientErrorTimeout: 0x0405,
  clientErrorNotFound: 0x0406,
  clientErrorGone: 0x0407,
  clientErrorRequestEntityTooLarge: 0x0408,
  clientErrorRequestValueTooLong: 0x0409,
  clientErrorDocumentFormatNotSupported: 0x040a,
  clientErrorAttributesOrValuesNotSupported: 0x040b,
  clientErrorUriSchemeNotSupported: 0x040c,
  clientErrorCharsetNotSupported: 0x040d,
  clientErrorConflictingAttributes: 0x040e,
  clientErrorCompressionNotSupported: 0x040f,
  clientErrorCompressionError: 0x0410,
  clientErrorDocumentFormatError: 0x0411,
  clientErrorDocumentAccessError: 0x0412,
  clientErrorAttributesNotSettable: 0x0413,
  clientErrorIgnoredAllSubscriptions: 0x0414,
  clientErrorTooManySubscriptions: 0x0415,
  clientErrorDocumentPasswordError: 0x0418,
  clientErrorDocumentPermissionError: 0x0419,
  clientErrorDocumentSecurityError: 0x041a,
  clientErrorDocumentUnprintableError: 0x041b,
  serverErrorInternalError: 0x0500,
  serverErrorOperationNotSupported: 0x0501,
  serverErrorServiceUnavailable: 0x0502,
  serverErrorVersionNotSupported: 0x0503,
  serverErrorDeviceError: 0x0504,
  serverErrorTemporaryError: 0x0505,
  serverErrorNotAcceptingJobs: 0x0506,
  serverErrorBusy: 0x0507,
  serverErrorJobCanceled: 0x0508,
  serverErrorMultipleDocumentJobsNotSupported: 0x0509,
  serverErrorPrinterIsDeactivated: 0x050a,
  serverErrorTooManyJobs: 0x050b,
  serverErrorTooManyDocuments: 0x050c,
} as const;
export type StatusName = keyof typeof Status;

/** RFC 8011 §B keyword spelling of each status code, for status-message defaults and logs. */
export const STATUS_KEYWORDS: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(Status).map(([name, code]) => [code, camelToKeyword(name)]),
);

/** RFC 8011 spelling of each operation id ("Print-Job"), CUPS ones as "CUPS-Get-Default". */
export const OPERATION_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(Operation).map(([name, code]) => [
    code,
    name
      .replace(/^Cups/, 'CUPS')
      .replace(/([a-z])([A-Z])/g, '$1-$2')
      .replace(/^CUPS(?=[A-Z])/, 'CUPS-')
      .replace(/\bUri\b/, 'URI')
      .replace(/\bPpds?\b/, (ppd) => ppd.toUpperCase().replace('PPDS', 'PPDs')),
  ]),
);

/** "clientErrorBadRequest" → "client-error-bad-request" (the RFC keyword form). */
function camelToKeyword(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
}

/** job-state (RFC 8011 §5.3.7). */
export const JobState = {
  pending: 3,
  pendingHeld: 4,
  processing: 5,
  processingStopped: 6,
  canceled: 7,
  aborted: 8,
  completed: 9,
} as const;

/** printer-state (RFC 8011 §5.4.11). */
export const PrinterState = {
  idle: 3,
  processing: 4,
  stopped: 5,
} as const;

/** orientation-requested (RFC 8011 §5.2.10). */
export const Orientation = {
  portrait: 3,
  landscape: 4,
  reverseLandscape: 5,
  reversePortrait: 6,
  none: 7,
} as const;

/** print-quality (RFC 8011 §5.2.13). */
export const PrintQuality = {
  draft: 3,
  normal: 4,
  high: 5,
} as const;

/** finishings (RFC 8011 §5.2.6), the few values a release-station printer offers. */
export const Finishings = {
  none: 3,
  staple: 4,
  punch: 5,
  cover: 6,
  bind: 7,
  stapleTopLeft: 20,
} as const;

/** resolution units (RFC 8010 §3.9). */
export const ResolutionUnits = {
  dotsPerInch: 3,
  dotsPerCentimeter: 4,
} as const;

/** Reverse lookup of a name table: `enumName(JobState, 9)` → "completed". */
export function enumName<T extends Record<string, number>>(table: T, value: number): keyof T | undefined {
  for (const [name, code] of Object.entries(table)) {
    if (code === value) return name as keyof T;
  }
  return undefined;
}
