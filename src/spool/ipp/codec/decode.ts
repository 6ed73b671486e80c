/**
 * Strict decoder for the IPP message header (RFC 8010 §3.1–§3.9): version, operation-id or
 * status-code, request-id, attribute groups, end-of-attributes. Everything after the
 * end-of-attributes tag is document data and is not touched: the caller gets `bodyOffset`.
 *
 * Every length read from the wire is checked before it is used, and every way the bytes can
 * end early is reported as `truncated`, so a request cut off by a broken connection is told
 * apart from a hostile one. Limits bound what one request can make the server allocate.
 */
import { IppDecodeError, type IppDecodeErrorKind, type IppDecodeLimitName } from './codec.errors.ts';
import type { IppAttribute, IppDateTime, IppGroup, IppMessage, IppStringType, IppValue } from './model.ts';
import { GroupTag, ValueTag, isDelimiterTag, isKnownGroupTag, isOutOfBandTag } from './tags.ts';

export type IppDecodeLimits = {
  /** Bytes from the first group tag through end-of-attributes. Default 256 KiB. */
  maxAttributeBytes: number;
  /** Tag-length-value items (attributes, additional values, collection members). Default 10 000. */
  maxAttributeCount: number;
  /** Collections inside collections; "media-col" needs 2. Default 16. */
  maxCollectionDepth: number;
  /** Attribute and member names. RFC 8011 §5.1.4 keywords are at most 255 octets. Default 255. */
  maxNameLength: number;
  /**
   * Any single value. RFC 8011 caps text at 1023 octets; the default 4096 leaves room for
   * clients that are generous with job names while still bounding every allocation.
   */
  maxValueLength: number;
};

export const DEFAULT_DECODE_LIMITS: IppDecodeLimits = {
  maxAttributeBytes: 256 * 1024,
  maxAttributeCount: 10_000,
  maxCollectionDepth: 16,
  maxNameLength: 255,
  maxValueLength: 4096,
};

/** Size of version (2) + operation-id/status-code (2) + request-id (4). */
export const IPP_HEADER_PREFIX_BYTES = 8;

const STRING_TYPES: Readonly<Record<number, IppStringType>> = {
  [ValueTag.textWithoutLanguage]: 'text',
  [ValueTag.nameWithoutLanguage]: 'name',
  [ValueTag.keyword]: 'keyword',
  [ValueTag.uri]: 'uri',
  [ValueTag.uriScheme]: 'uriScheme',
  [ValueTag.charset]: 'charset',
  [ValueTag.naturalLanguage]: 'naturalLanguage',
  [ValueTag.mimeMediaType]: 'mimeMediaType',
};

const FIXED_LENGTHS: Readonly<Record<number, number>> = {
  [ValueTag.integer]: 4,
  [ValueTag.enum]: 4,
  [ValueTag.boolean]: 1,
  [ValueTag.dateTime]: 11,
  [ValueTag.resolution]: 9,
  [ValueTag.rangeOfInteger]: 8,
};

// fatal: invalid UTF-8 must fail the request rather than be replaced, because a replaced
// character would neither round-trip nor mean what the client sent.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes one IPP message from the start of `buf`.
 * @returns the message and the offset of the first document byte (just after end-of-attributes).
 * @throws IppDecodeError for anything that is not a complete, well-formed header within limits.
 */
export function decodeIppMessage(
  buf: Buffer,
  limits: Partial<IppDecodeLimits> = {},
): { message: IppMessage; bodyOffset: number } {
  const reader = new Reader(buf, { ...DEFAULT_DECODE_LIMITS, ...limits });
  return reader.readMessage();
}

class Reader {
  private pos = 0;
  private items = 0;

  constructor(
    private readonly buf: Buffer,
    private readonly limits: IppDecodeLimits,
  ) {}

  readMessage(): { message: IppMessage; bodyOffset: number } {
    this.need(IPP_HEADER_PREFIX_BYTES);
    const major = this.buf.readUInt8(0);
    const minor = this.buf.readUInt8(1);
    const code = this.buf.readUInt16BE(2);
    const requestId = this.buf.readInt32BE(4);
    this.pos = IPP_HEADER_PREFIX_BYTES;

    const groups: IppGroup[] = [];
    let group: IppGroup | undefined;
    let attribute: IppAttribute | undefined;

    for (;;) {
      const tagOffset = this.pos;
      const tag = this.u8();
      if (isDelimiterTag(tag)) {
        if (tag === GroupTag.endOfAttributes) break;
        if (!isKnownGroupTag(tag)) this.fail('bad-tag', `reserved delimiter tag 0x${hex(tag)}`, tagOffset);
        group = { tag, attributes: [] };
        groups.push(group);
        attribute = undefined;
        continue;
      }
      if (group === undefined) this.fail('bad-structure', 'attribute before the first group tag', tagOffset);
      const name = this.readName();
      const valueLength = this.u16();
      this.countItem(tagOffset);
      if (tag === ValueTag.memberAttrName || tag === ValueTag.endCollection) {
        this.fail('bad-structure', `tag 0x${hex(tag)} outside a collection`, tagOffset);
      }
      const value = this.readValue(tag, valueLength, 1, tagOffset);
      if (name === '') {
        // RFC 8010 §3.1.5: an empty name marks an additional value of the previous attribute.
        if (attribute === undefined) this.fail('bad-structure', 'additional value without an attribute', tagOffset);
        attribute.values.push(value);
      } else {
        attribute = { name, values: [value] };
        group.attributes.push(attribute);
      }
    }
    return { message: { version: { major, minor }, code, requestId, groups }, bodyOffset: this.pos };
  }

  /** begCollection has been read with its name; reads members through endCollection (RFC 8010 §3.1.6). */
  private readCollection(depth: number, startOffset: number): IppValue {
    if (depth > this.limits.maxCollectionDepth) {
      this.fail('too-deep', `collections nested deeper than ${this.limits.maxCollectionDepth}`, startOffset);
    }
    const members: IppAttribute[] = [];
    let member: IppAttribute | undefined;
    for (;;) {
      const tagOffset = this.pos;
      const tag = this.u8();
      if (isDelimiterTag(tag)) this.fail('bad-structure', 'group tag inside a collection', tagOffset);
      const nameLength = this.u16();
      if (nameLength !== 0) this.fail('bad-structure', 'named value inside a collection', tagOffset);
      const valueLength = this.u16();
      this.countItem(tagOffset);
      if (tag === ValueTag.endCollection) {
        if (valueLength !== 0) this.fail('bad-length', 'endCollection with a value', tagOffset);
        if (member !== undefined && member.values.length === 0) {
          this.fail('bad-structure', 'member name without a value', tagOffset);
        }
        return { type: 'collection', members };
      }
      if (tag === ValueTag.memberAttrName) {
        if (member !== undefined && member.values.length === 0) {
          this.fail('bad-structure', 'member name without a value', tagOffset);
        }
        if (valueLength === 0) this.fail('bad-length', 'empty member name', tagOffset);
        if (valueLength > this.limits.maxNameLength) {
          this.fail('too-large', `member name longer than ${this.limits.maxNameLength}`, tagOffset, 'name-length');
        }
        member = { name: this.text(this.take(valueLength), tagOffset), values: [] };
        members.push(member);
        continue;
      }
      if (member === undefined) this.fail('bad-structure', 'collection value without a member name', tagOffset);
      member.values.push(this.readValue(tag, valueLength, depth + 1, tagOffset));
    }
  }

  private readValue(tag: number, length: number, depth: number, tagOffset: number): IppValue {
    const fixed = FIXED_LENGTHS[tag];
    if (fixed !== undefined && length !== fixed) {
      this.fail('bad-length', `value tag 0x${hex(tag)} needs ${fixed} octets, got ${length}`, tagOffset);
    }
    if (length > this.limits.maxValueLength) {
      this.fail('too-large', `value longer than ${this.limits.maxValueLength}`, tagOffset, 'value-length');
    }
    if (tag === ValueTag.begCollection) {
      if (length !== 0) this.fail('bad-length', 'begCollection with a value', tagOffset);
      return this.readCollection(depth, tagOffset);
    }
    if (tag === ValueTag.extension) this.fail('bad-tag', 'extension tag 0x7f is not supported', tagOffset);

    const bytes = this.take(length);
    if (isOutOfBandTag(tag)) {
      return length === 0 ? { type: 'outOfBand', tag } : { type: 'outOfBand', tag, raw: Buffer.from(bytes) };
    }
    const stringType = STRING_TYPES[tag];
    if (stringType !== undefined) return { type: stringType, value: this.text(bytes, tagOffset) };

    switch (tag) {
      case ValueTag.integer:
        return { type: 'integer', value: bytes.readInt32BE(0) };
      case ValueTag.enum:
        return { type: 'enum', value: bytes.readInt32BE(0) };
      case ValueTag.boolean: {
        const octet = bytes.readUInt8(0);
        if (octet > 1) this.fail('bad-value', `boolean octet 0x${hex(octet)}`, tagOffset);
        return { type: 'boolean', value: octet === 1 };
      }
      case ValueTag.dateTime:
        return { type: 'dateTime', value: this.dateTime(bytes, tagOffset) };
      case ValueTag.resolution: {
        const units = bytes.readInt8(8);
        if (units !== 3 && units !== 4) this.fail('bad-value', `resolution units ${units}`, tagOffset);
        return { type: 'resolution', x: bytes.readInt32BE(0), y: bytes.readInt32BE(4), units };
      }
      case ValueTag.rangeOfInteger:
        return { type: 'rangeOfInteger', lower: bytes.readInt32BE(0), upper: bytes.readInt32BE(4) };
      case ValueTag.textWithLanguage:
      case ValueTag.nameWithLanguage:
        return this.withLanguage(tag, bytes, tagOffset);
      case ValueTag.octetString:
        // Copied so the value does not pin the whole request buffer in memory.
        return { type: 'octetString', value: Buffer.from(bytes) };
      default:
        return { type: 'unknown', tag, raw: Buffer.from(bytes) };
    }
  }

  /** RFC 8010 §3.9: a 2-octet language length, language, a 2-octet text length, text. */
  private withLanguage(tag: number, bytes: Buffer, tagOffset: number): IppValue {
    if (bytes.length < 4) this.fail('bad-length', 'withLanguage value shorter than 4 octets', tagOffset);
    const langLength = bytes.readUInt16BE(0);
    if (2 + langLength + 2 > bytes.length) this.fail('bad-length', 'language length exceeds the value', tagOffset);
    const textLength = bytes.readUInt16BE(2 + langLength);
    if (2 + langLength + 2 + textLength !== bytes.length) {
      this.fail('bad-length', 'withLanguage inner lengths do not add up', tagOffset);
    }
    const lang = this.text(bytes.subarray(2, 2 + langLength), tagOffset);
    const text = this.text(bytes.subarray(4 + langLength), tagOffset);
    return { type: tag === ValueTag.textWithLanguage ? 'textWithLanguage' : 'nameWithLanguage', lang, text };
  }

  private dateTime(bytes: Buffer, tagOffset: number): IppDateTime {
    const direction = String.fromCharCode(bytes.readUInt8(8));
    const value = {
      year: bytes.readUInt16BE(0),
      month: bytes.readUInt8(2),
      day: bytes.readUInt8(3),
      hour: bytes.readUInt8(4),
      minutes: bytes.readUInt8(5),
      seconds: bytes.readUInt8(6),
      deciSeconds: bytes.readUInt8(7),
      utcHours: bytes.readUInt8(9),
      utcMinutes: bytes.readUInt8(10),
    };
    // Ranges of RFC 2579 DateAndTime; utcHours allows 14 for the Line Islands (UTC+14).
    const valid =
      value.month >= 1 &&
      value.month <= 12 &&
      value.day >= 1 &&
      value.day <= 31 &&
      value.hour <= 23 &&
      value.minutes <= 59 &&
      value.seconds <= 60 &&
      value.deciSeconds <= 9 &&
      (direction === '+' || direction === '-') &&
      value.utcHours <= 14 &&
      value.utcMinutes <= 59;
    if (!valid) this.fail('bad-value', 'dateTime field out of range', tagOffset);
    return { ...value, utcDirection: direction as '+' | '-' };
  }

  /** Reads name-length and name; an empty string means "additional value". */
  private readName(): string {
    const offset = this.pos;
    const length = this.u16();
    if (length > this.limits.maxNameLength) {
      this.fail('too-large', `name longer than ${this.limits.maxNameLength}`, offset, 'name-length');
    }
    return length === 0 ? '' : this.text(this.take(length), offset);
  }

  private countItem(offset: number): void {
    this.items += 1;
    if (this.items > this.limits.maxAttributeCount) {
      this.fail('too-large', `more than ${this.limits.maxAttributeCount} attribute items`, offset, 'attribute-count');
    }
  }

  private text(bytes: Buffer, offset: number): string {
    try {
      return utf8.decode(bytes);
    } catch {
      return this.fail('bad-value', 'string is not valid UTF-8', offset);
    }
  }

  private u8(): number {
    this.need(1);
    const value = this.buf.readUInt8(this.pos);
    this.pos += 1;
    return value;
  }

  private u16(): number {
    this.need(2);
    const value = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return value;
  }

  private take(length: number): Buffer {
    this.need(length);
    const bytes = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return bytes;
  }

  /**
   * Bounds check before every read. The attribute-byte budget is checked first, so a header
   * that is merely too big is reported as such even if the buffer also ends early.
   */
  private need(length: number): void {
    const end = this.pos + length;
    if (end - IPP_HEADER_PREFIX_BYTES > this.limits.maxAttributeBytes) {
      this.fail('too-large', `attributes longer than ${this.limits.maxAttributeBytes} bytes`, this.pos, 'attribute-bytes');
    }
    if (end > this.buf.length) this.fail('truncated', 'message ends before end-of-attributes', this.buf.length);
  }

  private fail(kind: IppDecodeErrorKind, message: string, offset: number, limit?: IppDecodeLimitName): never {
    throw new IppDecodeError({ kind, offset, message, limit });
  }
}

function hex(value: number): string {
  return value.toString(16).padStart(2, '0');
}
