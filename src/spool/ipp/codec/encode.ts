/**
 * Encoder for IPP messages (RFC 8010 §3.1). It writes exactly what the model says, in order:
 * the decoder and the encoder are inverse to each other, so a decoded request re-encodes to the
 * same bytes. Values the wire cannot carry (a 70 000-octet string, an integer beyond 32 bits)
 * throw IppEncodeError: they are bugs in the caller and must not go out as a corrupt response.
 */
import { IppEncodeError } from './codec.errors.ts';
import type { IppAttribute, IppDateTime, IppMessage, IppValue } from './model.ts';
import { GroupTag, ValueTag, isKnownGroupTag, isOutOfBandTag } from './tags.ts';

const STRING_TAGS = {
  text: ValueTag.textWithoutLanguage,
  name: ValueTag.nameWithoutLanguage,
  keyword: ValueTag.keyword,
  uri: ValueTag.uri,
  uriScheme: ValueTag.uriScheme,
  charset: ValueTag.charset,
  naturalLanguage: ValueTag.naturalLanguage,
  mimeMediaType: ValueTag.mimeMediaType,
} as const;

/** Encodes the header (everything through end-of-attributes). Document data is sent after it. */
export function encodeIppMessage(message: IppMessage): Buffer {
  const out = new Writer();
  const { version, code, requestId } = message;
  out.u8(checkRange(version.major, 0, 0xff, 'version major'));
  out.u8(checkRange(version.minor, 0, 0xff, 'version minor'));
  out.u16(checkRange(code, 0, 0xffff, 'operation-id/status-code'));
  out.i32(checkRange(requestId, -0x80000000, 0x7fffffff, 'request-id'));
  for (const group of message.groups) {
    if (!isKnownGroupTag(group.tag)) throw new IppEncodeError({ message: `group tag 0x${(group.tag as number).toString(16)}` });
    out.u8(group.tag);
    for (const attribute of group.attributes) writeAttribute(out, attribute);
  }
  out.u8(GroupTag.endOfAttributes);
  return out.toBuffer();
}

function writeAttribute(out: Writer, attribute: IppAttribute): void {
  if (attribute.name === '') throw new IppEncodeError({ message: 'attribute with an empty name' });
  if (attribute.values.length === 0) {
    throw new IppEncodeError({ message: `attribute ${attribute.name} has no value; use ipp.noValue()` });
  }
  attribute.values.forEach((value, index) => {
    // RFC 8010 §3.1.5: additional values repeat the tag with a zero-length name.
    writeValue(out, value, index === 0 ? attribute.name : '');
  });
}

/** One tag/name/value item; collections expand into their member items (RFC 8010 §3.1.6). */
function writeValue(out: Writer, value: IppValue, name: string): void {
  if (value.type === 'collection') {
    writeItem(out, ValueTag.begCollection, name, Buffer.alloc(0));
    for (const member of value.members) {
      if (member.name === '') throw new IppEncodeError({ message: 'collection member with an empty name' });
      if (member.values.length === 0) {
        throw new IppEncodeError({ message: `member ${member.name} has no value; use ipp.noValue()` });
      }
      writeItem(out, ValueTag.memberAttrName, '', Buffer.from(member.name, 'utf8'));
      for (const memberValue of member.values) writeValue(out, memberValue, '');
    }
    writeItem(out, ValueTag.endCollection, '', Buffer.alloc(0));
    return;
  }
  const [tag, bytes] = valueBytes(value);
  writeItem(out, tag, name, bytes);
}

function valueBytes(value: Exclude<IppValue, { type: 'collection' }>): [number, Buffer] {
  switch (value.type) {
    case 'integer':
      return [ValueTag.integer, int32(value.value, 'integer')];
    case 'enum':
      return [ValueTag.enum, int32(value.value, 'enum')];
    case 'boolean':
      return [ValueTag.boolean, Buffer.from([value.value ? 1 : 0])];
    case 'text':
    case 'name':
    case 'keyword':
    case 'uri':
    case 'uriScheme':
    case 'charset':
    case 'naturalLanguage':
    case 'mimeMediaType':
      return [STRING_TAGS[value.type], Buffer.from(value.value, 'utf8')];
    case 'textWithLanguage':
    case 'nameWithLanguage': {
      const lang = Buffer.from(value.lang, 'utf8');
      const text = Buffer.from(value.text, 'utf8');
      const bytes = Buffer.alloc(4 + lang.length + text.length);
      bytes.writeUInt16BE(checkRange(lang.length, 0, 0xffff, 'language length'), 0);
      lang.copy(bytes, 2);
      bytes.writeUInt16BE(checkRange(text.length, 0, 0xffff, 'text length'), 2 + lang.length);
      text.copy(bytes, 4 + lang.length);
      const tag = value.type === 'textWithLanguage' ? ValueTag.textWithLanguage : ValueTag.nameWithLanguage;
      return [tag, bytes];
    }
    case 'dateTime':
      return [ValueTag.dateTime, dateTimeBytes(value.value)];
    case 'resolution': {
      const bytes = Buffer.alloc(9);
      bytes.writeInt32BE(checkRange(value.x, -0x80000000, 0x7fffffff, 'resolution x'), 0);
      bytes.writeInt32BE(checkRange(value.y, -0x80000000, 0x7fffffff, 'resolution y'), 4);
      bytes.writeInt8(value.units, 8);
      return [ValueTag.resolution, bytes];
    }
    case 'rangeOfInteger': {
      const bytes = Buffer.alloc(8);
      bytes.writeInt32BE(checkRange(value.lower, -0x80000000, 0x7fffffff, 'range lower'), 0);
      bytes.writeInt32BE(checkRange(value.upper, -0x80000000, 0x7fffffff, 'range upper'), 4);
      return [ValueTag.rangeOfInteger, bytes];
    }
    case 'octetString':
      return [ValueTag.octetString, value.value];
    case 'outOfBand':
      if (!isOutOfBandTag(value.tag)) throw new IppEncodeError({ message: `out-of-band tag 0x${(value.tag as number).toString(16)}` });
      return [value.tag, value.raw ?? Buffer.alloc(0)];
    case 'unknown':
      // Tags with a syntax of their own must use it, or a decode would not give the value back.
      if (value.tag < 0x10 || value.tag > 0xff || value.tag === ValueTag.extension || isCodecTag(value.tag)) {
        throw new IppEncodeError({ message: `tag 0x${value.tag.toString(16)} cannot be carried as unknown` });
      }
      return [value.tag, value.raw];
  }
}

const CODEC_TAGS = new Set<number>(Object.values(ValueTag));

/** True for the value tags this codec decodes into a typed value. */
export function isCodecTag(tag: number): boolean {
  return CODEC_TAGS.has(tag);
}

function dateTimeBytes(value: IppDateTime): Buffer {
  const bytes = Buffer.alloc(11);
  bytes.writeUInt16BE(checkRange(value.year, 0, 0xffff, 'year'), 0);
  bytes.writeUInt8(checkRange(value.month, 1, 12, 'month'), 2);
  bytes.writeUInt8(checkRange(value.day, 1, 31, 'day'), 3);
  bytes.writeUInt8(checkRange(value.hour, 0, 23, 'hour'), 4);
  bytes.writeUInt8(checkRange(value.minutes, 0, 59, 'minutes'), 5);
  bytes.writeUInt8(checkRange(value.seconds, 0, 60, 'seconds'), 6);
  bytes.writeUInt8(checkRange(value.deciSeconds, 0, 9, 'deci-seconds'), 7);
  bytes.writeUInt8(value.utcDirection.charCodeAt(0), 8);
  bytes.writeUInt8(checkRange(value.utcHours, 0, 14, 'UTC hours'), 9);
  bytes.writeUInt8(checkRange(value.utcMinutes, 0, 59, 'UTC minutes'), 10);
  return bytes;
}

function writeItem(out: Writer, tag: number, name: string, value: Buffer): void {
  const nameBytes = Buffer.from(name, 'utf8');
  out.u8(tag);
  out.u16(checkRange(nameBytes.length, 0, 0xffff, 'name length'));
  out.bytes(nameBytes);
  out.u16(checkRange(value.length, 0, 0xffff, 'value length'));
  out.bytes(value);
}

function int32(value: number, what: string): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(checkRange(value, -0x80000000, 0x7fffffff, what), 0);
  return bytes;
}

function checkRange(value: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new IppEncodeError({ message: `${what} ${value} is outside ${min}..${max}` });
  }
  return value;
}

/** Collects small writes and joins them once, so encoding is linear in the output size. */
class Writer {
  private readonly chunks: Buffer[] = [];
  private readonly scratch = Buffer.alloc(4);

  u8(value: number): void {
    this.chunks.push(Buffer.from([value]));
  }

  u16(value: number): void {
    this.scratch.writeUInt16BE(value, 0);
    this.chunks.push(Buffer.from(this.scratch.subarray(0, 2)));
  }

  i32(value: number): void {
    this.scratch.writeInt32BE(value, 0);
    this.chunks.push(Buffer.from(this.scratch.subarray(0, 4)));
  }

  bytes(value: Buffer): void {
    if (value.length > 0) this.chunks.push(value);
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
