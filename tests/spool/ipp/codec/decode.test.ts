import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  decodeIppMessage,
  encodeIppMessage,
  findGroup,
  getCollection,
  getInteger,
  getString,
  GroupTag,
  IppDecodeError,
  ippStatusForDecodeError,
  isSupportedVersion,
  Status,
  ValueTag,
  type IppDecodeErrorKind,
} from '../../../../src/spool/ipp/codec/index.ts';

const requestsDir = join(import.meta.dirname, '../../../../fixtures/ipp/requests');
const fixture = (name: string) => readFileSync(join(requestsDir, name));

/** One tag/name/value item as on the wire. */
function item(tag: number, name: string, value: Buffer | string = Buffer.alloc(0)): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const valueBytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const head = Buffer.alloc(3);
  head.writeUInt8(tag, 0);
  head.writeUInt16BE(nameBytes.length, 1);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(valueBytes.length, 0);
  return Buffer.concat([head, nameBytes, len, valueBytes]);
}

const prefix = (major = 2, minor = 0) => Buffer.from([major, minor, 0x00, 0x02, 0, 0, 0, 1]);
const operationStart = Buffer.concat([
  Buffer.from([GroupTag.operation]),
  item(ValueTag.charset, 'attributes-charset', 'utf-8'),
  item(ValueTag.naturalLanguage, 'attributes-natural-language', 'en'),
]);
const end = Buffer.from([GroupTag.endOfAttributes]);

function request(...parts: Buffer[]): Buffer {
  return Buffer.concat([prefix(), operationStart, ...parts, end]);
}

function decodeError(bytes: Buffer, limits?: Parameters<typeof decodeIppMessage>[1]): IppDecodeError {
  try {
    decodeIppMessage(bytes, limits);
  } catch (error) {
    if (error instanceof IppDecodeError) return error;
    throw error;
  }
  throw new Error('decoded without error');
}

function kindOf(bytes: Buffer, limits?: Parameters<typeof decodeIppMessage>[1]): IppDecodeErrorKind {
  return decodeError(bytes, limits).kind;
}

describe('decoding real requests', () => {
  test("cupsd's Print-Job exposes its operation and job attributes by name", () => {
    const { message } = decodeIppMessage(fixture('cupsd-print-job.bin'));
    const operation = findGroup(message, GroupTag.operation);
    const job = findGroup(message, GroupTag.job);
    expect(message.version).toEqual({ major: 2, minor: 0 });
    expect(getString(operation, 'attributes-charset')).toBe('utf-8');
    expect(getString(operation, 'document-format')).toBe('application/pdf');
    expect(getString(job, 'sides')).toBe('two-sided-long-edge');
    expect(getInteger(job, 'copies')).toBe(2);
  });

  test("ipptool's media-col arrives as a nested collection with its members in order", () => {
    const { message } = decodeIppMessage(fixture('ipptool-print-job-media-col.bin'));
    const mediaCol = getCollection(findGroup(message, GroupTag.job), 'media-col');
    expect(mediaCol).toBeDefined();
    const mediaSize = getCollection(mediaCol, 'media-size');
    expect(getInteger(mediaSize, 'x-dimension')).toBeGreaterThan(0);
    expect(getInteger(mediaSize, 'y-dimension')).toBeGreaterThan(0);
  });

  test('a wrong version is decoded and reported in the header, for the server to refuse', () => {
    const { message } = decodeIppMessage(fixture('ipptool-get-printer-attributes-version-0-0.bin'));
    expect(message.version).toEqual({ major: 0, minor: 0 });
    expect(isSupportedVersion(message.version)).toBe(false);
    expect(isSupportedVersion({ major: 1, minor: 1 })).toBe(true);
  });

  test('document bytes after end-of-attributes are left alone and located by bodyOffset', () => {
    const header = fixture('ipptool-print-job.bin');
    const document = Buffer.from('%PDF-1.7 not part of the header');
    const { bodyOffset } = decodeIppMessage(Buffer.concat([header, document]));
    expect(bodyOffset).toBe(header.length);
  });
});

describe('malformed input', () => {
  test.each(['ipptool-print-job-manual-feed.bin', 'cupsd-print-job.bin'])(
    'every truncation of %s is reported as truncated, never another failure',
    (name) => {
      const bytes = fixture(name);
      for (let length = 0; length < bytes.length; length += 1) {
        const error = decodeError(bytes.subarray(0, length));
        expect({ length, kind: error.kind }).toEqual({ length, kind: 'truncated' });
      }
    },
  );

  test('a missing end-of-attributes tag is truncated', () => {
    const bytes = request();
    expect(kindOf(bytes.subarray(0, bytes.length - 1))).toBe('truncated');
  });

  test('a name length pointing past the end is truncated', () => {
    const bytes = Buffer.concat([prefix(), operationStart, Buffer.from([ValueTag.keyword, 0x00, 0x50]), Buffer.from('abc')]);
    expect(kindOf(bytes)).toBe('truncated');
  });

  test('a name longer than maxNameLength is too-large and maps to request-value-too-long', () => {
    const error = decodeError(request(item(ValueTag.keyword, 'x'.repeat(300), 'a')));
    expect(error.kind).toBe('too-large');
    expect(error.limit).toBe('name-length');
    expect(ippStatusForDecodeError(error)).toBe(Status.clientErrorRequestValueTooLong);
  });

  test('a value longer than maxValueLength is too-large', () => {
    const error = decodeError(request(item(ValueTag.textWithoutLanguage, 'job-name', 'x'.repeat(5000))));
    expect([error.kind, error.limit]).toEqual(['too-large', 'value-length']);
  });

  test('a 1 MB attribute is too-large and maps to request-entity-too-large', () => {
    const chunk = 'x'.repeat(4000);
    const values = Array.from({ length: 262 }, (_, index) => item(ValueTag.textWithoutLanguage, index === 0 ? 'job-name' : '', chunk));
    const bytes = request(Buffer.from([GroupTag.job]), ...values);
    expect(bytes.length).toBeGreaterThan(1_000_000);
    const error = decodeError(bytes);
    expect([error.kind, error.limit]).toEqual(['too-large', 'attribute-bytes']);
    expect(ippStatusForDecodeError(error)).toBe(Status.clientErrorRequestEntityTooLarge);
  });

  test('more items than maxAttributeCount is too-large', () => {
    const values = Array.from({ length: 50 }, (_, index) => item(ValueTag.keyword, index === 0 ? 'requested-attributes' : '', 'all'));
    const error = decodeError(request(...values), { maxAttributeCount: 20 });
    expect([error.kind, error.limit]).toEqual(['too-large', 'attribute-count']);
  });

  test('a collection nesting bomb is too-deep', () => {
    const depth = 1000;
    const open = Array.from({ length: depth }, (_, index) =>
      index === 0
        ? item(ValueTag.begCollection, 'media-col')
        : Buffer.concat([item(ValueTag.memberAttrName, '', 'm'), item(ValueTag.begCollection, '')]),
    );
    const close = Array.from({ length: depth }, () => item(ValueTag.endCollection, ''));
    const error = decodeError(request(Buffer.from([GroupTag.job]), ...open, ...close));
    expect(error.kind).toBe('too-deep');
    expect(ippStatusForDecodeError(error)).toBe(Status.clientErrorBadRequest);
  });

  test('collections up to the depth limit decode', () => {
    const depth = 16;
    const open = Array.from({ length: depth }, (_, index) =>
      index === 0
        ? item(ValueTag.begCollection, 'media-col')
        : Buffer.concat([item(ValueTag.memberAttrName, '', 'm'), item(ValueTag.begCollection, '')]),
    );
    const close = Array.from({ length: depth }, () => item(ValueTag.endCollection, ''));
    const bytes = request(Buffer.from([GroupTag.job]), ...open, ...close);
    expect(encodeIppMessage(decodeIppMessage(bytes).message).equals(bytes)).toBe(true);
  });

  test.each(['00', '0b', '0f'])('reserved delimiter tag 0x%s is bad-tag', (tag) => {
    expect(kindOf(request(Buffer.from([parseInt(tag, 16)])))).toBe('bad-tag');
  });

  test('the extension tag 0x7f is refused as bad-tag', () => {
    expect(kindOf(request(item(0x7f, 'x', Buffer.from([0, 0, 0, 0x80]))))).toBe('bad-tag');
  });

  test.each([
    ['integer', ValueTag.integer, 3],
    ['enum', ValueTag.enum, 5],
    ['boolean', ValueTag.boolean, 2],
    ['dateTime', ValueTag.dateTime, 10],
    ['resolution', ValueTag.resolution, 8],
    ['rangeOfInteger', ValueTag.rangeOfInteger, 9],
  ])('a value of syntax %s with the wrong length is bad-length', (_name, tag, length) => {
    expect(kindOf(request(item(tag, 'x', Buffer.alloc(length, 1))))).toBe('bad-length');
  });

  test('textWithLanguage whose inner lengths do not add up is bad-length', () => {
    const value = Buffer.from([0, 2, 0x65, 0x6e, 0, 9, 0x61]);
    expect(kindOf(request(item(ValueTag.textWithLanguage, 'job-name', value)))).toBe('bad-length');
  });

  test('a boolean other than 0 or 1 is bad-value', () => {
    expect(kindOf(request(item(ValueTag.boolean, 'x', Buffer.from([2]))))).toBe('bad-value');
  });

  test('a dateTime with month 13 is bad-value', () => {
    const value = Buffer.from([0x07, 0xea, 13, 1, 0, 0, 0, 0, 0x2b, 0, 0]);
    expect(kindOf(request(item(ValueTag.dateTime, 'x', value)))).toBe('bad-value');
  });

  test('a name that is not UTF-8 is bad-value', () => {
    expect(kindOf(request(item(ValueTag.nameWithoutLanguage, 'job-name', Buffer.from([0xc3, 0x28]))))).toBe('bad-value');
  });

  test('an attribute before the first group tag is bad-structure', () => {
    const bytes = Buffer.concat([prefix(), item(ValueTag.keyword, 'x', 'y'), end]);
    expect(kindOf(bytes)).toBe('bad-structure');
  });

  test('an additional value with no attribute before it is bad-structure', () => {
    const bytes = Buffer.concat([prefix(), Buffer.from([GroupTag.operation]), item(ValueTag.keyword, '', 'y'), end]);
    expect(kindOf(bytes)).toBe('bad-structure');
  });

  test('a stray endCollection or memberAttrName at group level is bad-structure', () => {
    expect(kindOf(request(item(ValueTag.endCollection, 'x')))).toBe('bad-structure');
    expect(kindOf(request(item(ValueTag.memberAttrName, 'x', 'y')))).toBe('bad-structure');
  });

  test('begCollection that carries a value is bad-length', () => {
    expect(kindOf(request(item(ValueTag.begCollection, 'media-col', 'x'), item(ValueTag.endCollection, '')))).toBe(
      'bad-length',
    );
  });

  test('a group tag inside an unclosed collection is bad-structure', () => {
    expect(kindOf(request(item(ValueTag.begCollection, 'media-col'), Buffer.from([GroupTag.job])))).toBe('bad-structure');
  });

  test('a value tag this codec has no syntax for round-trips opaquely', () => {
    const bytes = request(item(0x38, 'vendor-thing', Buffer.from([1, 2, 3])));
    const { message } = decodeIppMessage(bytes);
    const value = findGroup(message, GroupTag.operation)?.attributes[2]?.values[0];
    expect(value).toEqual({ type: 'unknown', tag: 0x38, raw: Buffer.from([1, 2, 3]) });
    expect(encodeIppMessage(message).equals(bytes)).toBe(true);
  });

  test('error messages name offsets, never attribute values', () => {
    const secret = 'Kontoauszug-Mueller.pdf';
    const error = decodeError(request(item(ValueTag.nameWithoutLanguage, 'job-name', secret + 'x'.repeat(5000))));
    expect(error.message).not.toContain('Kontoauszug');
    expect(error.code).toBe('spool.ipp_malformed');
  });
});
