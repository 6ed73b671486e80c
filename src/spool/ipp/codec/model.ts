/**
 * The in-memory shape of an IPP message (RFC 8010 §3.1). It mirrors the wire closely on
 * purpose: every value keeps its own value tag, attributes keep their order and groups keep
 * their grouping (a Get-Jobs response has one job group per job), so a decoded request
 * re-encodes to the very same bytes and nothing a client sent is silently normalised away.
 */
import type { GroupTagValue, OutOfBandTag } from './tags.ts';

export type IppVersion = { major: number; minor: number };

export type IppMessage = {
  version: IppVersion;
  /** operation-id in a request, status-code in a response (both 16 bit). */
  code: number;
  /** request-id, a signed 32-bit integer; a response echoes the request's. */
  requestId: number;
  /** Attribute groups in wire order. Groups with the same tag may repeat. */
  groups: IppGroup[];
};

export type IppGroup = {
  /** Delimiter tag (GroupTag.operation, GroupTag.job, ...). */
  tag: GroupTagValue;
  attributes: IppAttribute[];
};

export type IppAttribute = {
  /** Attribute or member name, e.g. "job-name". Never empty. */
  name: string;
  /** One value, or several for a 1setOf (sent as additional values with an empty name). */
  values: IppValue[];
};

/** The character-string syntaxes that decode to a plain string (RFC 8011 §5.1). */
export type IppStringType =
  | 'text' // textWithoutLanguage 0x41
  | 'name' // nameWithoutLanguage 0x42
  | 'keyword'
  | 'uri'
  | 'uriScheme'
  | 'charset'
  | 'naturalLanguage'
  | 'mimeMediaType';

/** RFC 8010 §3.9 dateTime (the RFC 2579 DateAndTime layout, 11 octets). */
export type IppDateTime = {
  year: number;
  month: number;
  day: number;
  hour: number;
  minutes: number;
  seconds: number;
  deciSeconds: number;
  utcDirection: '+' | '-';
  utcHours: number;
  utcMinutes: number;
};

export type IppValue =
  | { type: 'integer'; value: number }
  | { type: 'enum'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: IppStringType; value: string }
  | { type: 'textWithLanguage' | 'nameWithLanguage'; lang: string; text: string }
  | { type: 'dateTime'; value: IppDateTime }
  /** units: 3 = dots per inch, 4 = dots per centimetre. */
  | { type: 'resolution'; x: number; y: number; units: 3 | 4 }
  | { type: 'rangeOfInteger'; lower: number; upper: number }
  | { type: 'octetString'; value: Buffer }
  /** Members in wire order; each member may itself have several values or be a collection. */
  | { type: 'collection'; members: IppAttribute[] }
  /**
   * unsupported, unknown, no-value, not-settable, delete-attribute, admin-define. `raw` is only
   * present when a sender put bytes where RFC 8010 §3.8 expects none; kept so the bytes round-trip.
   */
  | { type: 'outOfBand'; tag: OutOfBandTag; raw?: Buffer }
  /** A value tag this codec has no syntax for; carried opaquely so it re-encodes unchanged. */
  | { type: 'unknown'; tag: number; raw: Buffer };

export type IppValueType = IppValue['type'];

/** What an attribute record accepts: one value or a 1setOf. */
export type IppValueInput = IppValue | IppValue[];

/** Turns `{ 'job-name': ipp.name('x'), 'sides': [..] }` into attributes in insertion order. */
export function attributesFrom(record: Record<string, IppValueInput>): IppAttribute[] {
  return Object.entries(record).map(([name, input]) => ({
    name,
    values: Array.isArray(input) ? input : [input],
  }));
}

/**
 * Value constructors so server code reads like the attribute tables of RFC 8011:
 * `{ 'printer-state': ipp.enum(PrinterState.idle), 'sides-supported': [ipp.keyword('one-sided')] }`.
 */
export const ipp = {
  integer: (value: number): IppValue => ({ type: 'integer', value }),
  enum: (value: number): IppValue => ({ type: 'enum', value }),
  boolean: (value: boolean): IppValue => ({ type: 'boolean', value }),
  text: (value: string): IppValue => ({ type: 'text', value }),
  name: (value: string): IppValue => ({ type: 'name', value }),
  keyword: (value: string): IppValue => ({ type: 'keyword', value }),
  uri: (value: string): IppValue => ({ type: 'uri', value }),
  uriScheme: (value: string): IppValue => ({ type: 'uriScheme', value }),
  charset: (value: string): IppValue => ({ type: 'charset', value }),
  naturalLanguage: (value: string): IppValue => ({ type: 'naturalLanguage', value }),
  mimeMediaType: (value: string): IppValue => ({ type: 'mimeMediaType', value }),
  textWithLanguage: (lang: string, text: string): IppValue => ({ type: 'textWithLanguage', lang, text }),
  nameWithLanguage: (lang: string, text: string): IppValue => ({ type: 'nameWithLanguage', lang, text }),
  /** A Date is encoded in UTC (utcDirection '+', offset 0). */
  dateTime: (value: Date | IppDateTime): IppValue => ({
    type: 'dateTime',
    value: value instanceof Date ? dateToIppDateTime(value) : value,
  }),
  resolution: (x: number, y: number, units: 3 | 4 = 3): IppValue => ({ type: 'resolution', x, y, units }),
  rangeOfInteger: (lower: number, upper: number): IppValue => ({ type: 'rangeOfInteger', lower, upper }),
  octetString: (value: Buffer): IppValue => ({ type: 'octetString', value }),
  collection: (members: Record<string, IppValueInput> | IppAttribute[]): IppValue => ({
    type: 'collection',
    members: Array.isArray(members) ? members : attributesFrom(members),
  }),
  unsupported: (): IppValue => ({ type: 'outOfBand', tag: 0x10 }),
  unknown: (): IppValue => ({ type: 'outOfBand', tag: 0x12 }),
  noValue: (): IppValue => ({ type: 'outOfBand', tag: 0x13 }),
  notSettable: (): IppValue => ({ type: 'outOfBand', tag: 0x15 }),
  deleteAttribute: (): IppValue => ({ type: 'outOfBand', tag: 0x16 }),
  adminDefine: (): IppValue => ({ type: 'outOfBand', tag: 0x17 }),
} as const;

/** Date → IppDateTime in UTC, keeping tenths of a second. */
export function dateToIppDateTime(date: Date): IppDateTime {
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minutes: date.getUTCMinutes(),
    seconds: date.getUTCSeconds(),
    deciSeconds: Math.floor(date.getUTCMilliseconds() / 100),
    utcDirection: '+',
    utcHours: 0,
    utcMinutes: 0,
  };
}

/** IppDateTime (local time plus offset from UTC) → the instant it denotes. */
export function ippDateTimeToDate(value: IppDateTime): Date {
  const localAsUtc = Date.UTC(
    value.year,
    value.month - 1,
    value.day,
    value.hour,
    value.minutes,
    value.seconds,
    value.deciSeconds * 100,
  );
  const offsetMs = (value.utcHours * 60 + value.utcMinutes) * 60_000;
  return new Date(value.utcDirection === '+' ? localAsUtc - offsetMs : localAsUtc + offsetMs);
}

// Accessors. Positional on purpose: they are one-line lookups used inside expressions.

/** The first group with this tag, e.g. `findGroup(request, GroupTag.operation)`. */
export function findGroup(message: IppMessage, tag: GroupTagValue): IppGroup | undefined {
  return message.groups.find((group) => group.tag === tag);
}

/** Every group with this tag, in order (one job group per job in a Get-Jobs response). */
export function findGroups(message: IppMessage, tag: GroupTagValue): IppGroup[] {
  return message.groups.filter((group) => group.tag === tag);
}

type AttributeSource = IppGroup | IppAttribute[] | undefined;

function attributeList(source: AttributeSource): IppAttribute[] {
  if (source === undefined) return [];
  return Array.isArray(source) ? source : source.attributes;
}

/** The attribute with this name in a group or member list. RFC 8011 §4.1.3: names are unique per group. */
export function getAttribute(source: AttributeSource, name: string): IppAttribute | undefined {
  return attributeList(source).find((attribute) => attribute.name === name);
}

/** The first value of the attribute, or undefined when absent. */
export function getFirstValue(source: AttributeSource, name: string): IppValue | undefined {
  return getAttribute(source, name)?.values[0];
}

/** The string of a single-valued character-string attribute (with or without language). */
export function getString(source: AttributeSource, name: string): string | undefined {
  const value = getFirstValue(source, name);
  return value === undefined ? undefined : stringOf(value);
}

/** Every string of a 1setOf character-string attribute; non-string values are skipped. */
export function getStrings(source: AttributeSource, name: string): string[] {
  const values = getAttribute(source, name)?.values ?? [];
  return values.map(stringOf).filter((value): value is string => value !== undefined);
}

/** The number of a single-valued integer or enum attribute. */
export function getInteger(source: AttributeSource, name: string): number | undefined {
  const value = getFirstValue(source, name);
  return value !== undefined && (value.type === 'integer' || value.type === 'enum') ? value.value : undefined;
}

export function getBoolean(source: AttributeSource, name: string): boolean | undefined {
  const value = getFirstValue(source, name);
  return value?.type === 'boolean' ? value.value : undefined;
}

/** Members of a single-valued collection attribute (e.g. "media-col"). */
export function getCollection(source: AttributeSource, name: string): IppAttribute[] | undefined {
  const value = getFirstValue(source, name);
  return value?.type === 'collection' ? value.members : undefined;
}

function stringOf(value: IppValue): string | undefined {
  switch (value.type) {
    case 'text':
    case 'name':
    case 'keyword':
    case 'uri':
    case 'uriScheme':
    case 'charset':
    case 'naturalLanguage':
    case 'mimeMediaType':
      return value.value;
    case 'textWithLanguage':
    case 'nameWithLanguage':
      return value.text;
    default:
      return undefined;
  }
}

/** Versions Druckpunkt answers: 1.0, 1.1 and 2.0 (what IPP Everywhere clients and CUPS send). */
export const SUPPORTED_VERSIONS: readonly IppVersion[] = [
  { major: 1, minor: 0 },
  { major: 1, minor: 1 },
  { major: 2, minor: 0 },
];

/**
 * The decoder only reports the version; the server decides (RFC 8011 §4.1.8: answer
 * server-error-version-not-supported, encoded in a version the client can read).
 */
export function isSupportedVersion(
  version: IppVersion,
  supported: readonly IppVersion[] = SUPPORTED_VERSIONS,
): boolean {
  return supported.some((entry) => entry.major === version.major && entry.minor === version.minor);
}
