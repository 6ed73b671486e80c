import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  decodeIppMessage,
  encodeIppMessage,
  IppDecodeError,
  OUT_OF_BAND_TAGS,
  scanForEndOfAttributes,
  type IppAttribute,
  type IppGroup,
  type IppMessage,
  type IppValue,
} from '../../../../src/spool/ipp/codec/index.ts';

const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const attributeName = fc.stringMatching(/^[a-z][a-z0-9-]{0,24}$/);
// Well-formed Unicode only: lone surrogates cannot be UTF-8 encoded (RFC 3629), so no client sends them.
const text = fc.string({ unit: 'grapheme', maxLength: 24 });
const ascii = fc.stringMatching(/^[a-z0-9./:_-]{0,24}$/);

// Value tags with no syntax in the codec: they must survive as opaque bytes.
const unassignedTags = [0x11, 0x14, 0x18, 0x1f, 0x20, 0x24, 0x2f, 0x38, 0x3f, 0x40, 0x43, 0x4b, 0x5f, 0x60, 0x7e, 0x80, 0xff];

const dateTime = fc.record({
  year: fc.integer({ min: 0, max: 0xffff }),
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 31 }),
  hour: fc.integer({ min: 0, max: 23 }),
  minutes: fc.integer({ min: 0, max: 59 }),
  seconds: fc.integer({ min: 0, max: 60 }),
  deciSeconds: fc.integer({ min: 0, max: 9 }),
  utcDirection: fc.constantFrom('+' as const, '-' as const),
  utcHours: fc.integer({ min: 0, max: 14 }),
  utcMinutes: fc.integer({ min: 0, max: 59 }),
});

const scalarValue: fc.Arbitrary<IppValue> = fc.oneof(
  int32.map((value): IppValue => ({ type: 'integer', value })),
  int32.map((value): IppValue => ({ type: 'enum', value })),
  fc.boolean().map((value): IppValue => ({ type: 'boolean', value })),
  fc.tuple(fc.constantFrom('text' as const, 'name' as const), text).map(([type, value]): IppValue => ({ type, value })),
  fc
    .tuple(fc.constantFrom('keyword' as const, 'uri' as const, 'uriScheme' as const, 'charset' as const, 'naturalLanguage' as const, 'mimeMediaType' as const), ascii)
    .map(([type, value]): IppValue => ({ type, value })),
  fc
    .tuple(fc.constantFrom('textWithLanguage' as const, 'nameWithLanguage' as const), ascii, text)
    .map(([type, lang, value]): IppValue => ({ type, lang, text: value })),
  dateTime.map((value): IppValue => ({ type: 'dateTime', value })),
  fc.tuple(int32, int32, fc.constantFrom(3 as const, 4 as const)).map(([x, y, units]): IppValue => ({ type: 'resolution', x, y, units })),
  fc.tuple(int32, int32).map(([lower, upper]): IppValue => ({ type: 'rangeOfInteger', lower, upper })),
  fc.uint8Array({ maxLength: 24 }).map((bytes): IppValue => ({ type: 'octetString', value: Buffer.from(bytes) })),
  fc.constantFrom(...OUT_OF_BAND_TAGS).map((tag): IppValue => ({ type: 'outOfBand', tag })),
  fc
    .tuple(fc.constantFrom(...unassignedTags), fc.uint8Array({ maxLength: 12 }))
    .map(([tag, raw]): IppValue => ({ type: 'unknown', tag, raw: Buffer.from(raw) })),
);

const { value: anyValue } = fc.letrec<{ value: IppValue; member: IppAttribute }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarValue,
    fc.array(tie('member'), { maxLength: 4 }).map((members): IppValue => ({ type: 'collection', members })),
  ),
  member: fc.record({ name: attributeName, values: fc.array(tie('value'), { minLength: 1, maxLength: 3 }) }),
}));

const attribute: fc.Arbitrary<IppAttribute> = fc.record({
  name: attributeName,
  values: fc.array(anyValue, { minLength: 1, maxLength: 4 }),
});

const group: fc.Arbitrary<IppGroup> = fc.record({
  tag: fc.constantFrom(0x01 as const, 0x02 as const, 0x04 as const, 0x05 as const, 0x06 as const, 0x07 as const, 0x08 as const, 0x09 as const, 0x0a as const),
  attributes: fc.array(attribute, { maxLength: 6 }),
});

const message: fc.Arbitrary<IppMessage> = fc.record({
  version: fc.record({ major: fc.integer({ min: 0, max: 255 }), minor: fc.integer({ min: 0, max: 255 }) }),
  code: fc.integer({ min: 0, max: 0xffff }),
  requestId: int32,
  groups: fc.array(group, { maxLength: 4 }),
});

describe('encode and decode are inverse', () => {
  test('any message of any value kinds, nested collections and 1setOf decodes back to itself', () => {
    fc.assert(
      fc.property(message, (original) => {
        const bytes = encodeIppMessage(original);
        const { message: decoded, bodyOffset } = decodeIppMessage(bytes, { maxAttributeBytes: 16 * 1024 * 1024 });
        expect(bodyOffset).toBe(bytes.length);
        expect(decoded).toEqual(original);
      }),
      { numRuns: 500 },
    );
  });

  test('re-encoding a decoded message gives the identical bytes', () => {
    fc.assert(
      fc.property(message, (original) => {
        const bytes = encodeIppMessage(original);
        const again = encodeIppMessage(decodeIppMessage(bytes, { maxAttributeBytes: 16 * 1024 * 1024 }).message);
        expect(again.equals(bytes)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  test('the framing scanner finds the end of every encoded header exactly', () => {
    fc.assert(
      fc.property(message, (original) => {
        const bytes = encodeIppMessage(original);
        expect(scanForEndOfAttributes(Buffer.concat([bytes, Buffer.from('%PDF')]), 0).end).toBe(bytes.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('hostile bytes', () => {
  const real = readFileSync(join(import.meta.dirname, '../../../../fixtures/ipp/requests/ipptool-print-job-manual-feed.bin'));

  test('a real request with random bytes overwritten either decodes or fails with an IppDecodeError', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: real.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (edits) => {
        const bytes = Buffer.from(real);
        for (const [offset, value] of edits) bytes[offset] = value;
        try {
          decodeIppMessage(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(IppDecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
