import { describe, expect, test } from 'vitest';
import {
  buildResponse,
  dateToIppDateTime,
  decodeIppMessage,
  findGroups,
  getBoolean,
  getCollection,
  getInteger,
  getString,
  getStrings,
  GroupTag,
  ipp,
  ippDateTimeToDate,
  IppEncodeError,
  encodeIppMessage,
  JobState,
  Status,
  STATUS_KEYWORDS,
  OPERATION_NAMES,
  Operation,
} from '../../../../src/spool/ipp/codec/index.ts';

describe('buildResponse', () => {
  const bytes = buildResponse({
    version: { major: 1, minor: 1 },
    status: Status.successfulOkIgnoredOrSubstitutedAttributes,
    requestId: 42,
    naturalLanguage: 'de',
    statusMessage: 'Angenommen',
    unsupported: { 'finishings': ipp.enum(20) },
    jobs: [
      { 'job-id': ipp.integer(7), 'job-state': ipp.enum(JobState.pendingHeld), 'job-state-reasons': [ipp.keyword('job-hold-until-specified'), ipp.keyword('job-incoming')] },
      { 'job-id': ipp.integer(8), 'job-state': ipp.enum(JobState.completed) },
    ],
  });
  const { message } = decodeIppMessage(bytes);

  test('the operation group starts with attributes-charset then attributes-natural-language', () => {
    const operation = message.groups[0];
    expect(operation?.tag).toBe(GroupTag.operation);
    expect(operation?.attributes.map((a) => a.name).slice(0, 3)).toEqual([
      'attributes-charset',
      'attributes-natural-language',
      'status-message',
    ]);
    expect(getString(operation, 'attributes-charset')).toBe('utf-8');
    expect(getString(operation, 'attributes-natural-language')).toBe('de');
  });

  test('the header echoes version and request-id and carries the status', () => {
    expect(message.version).toEqual({ major: 1, minor: 1 });
    expect(message.requestId).toBe(42);
    expect(STATUS_KEYWORDS[message.code]).toBe('successful-ok-ignored-or-substituted-attributes');
  });

  test('unsupported attributes come before one job group per job', () => {
    expect(message.groups.map((g) => g.tag)).toEqual([GroupTag.operation, GroupTag.unsupported, GroupTag.job, GroupTag.job]);
    const jobs = findGroups(message, GroupTag.job);
    expect(jobs.map((job) => getInteger(job, 'job-id'))).toEqual([7, 8]);
    expect(getStrings(jobs[0], 'job-state-reasons')).toEqual(['job-hold-until-specified', 'job-incoming']);
  });

  test('an empty unsupported group is left out', () => {
    const plain = decodeIppMessage(buildResponse({ version: { major: 2, minor: 0 }, status: Status.successfulOk, requestId: 1, unsupported: {} }));
    expect(plain.message.groups.map((g) => g.tag)).toEqual([GroupTag.operation]);
  });

  test('collections built from records decode to the same members', () => {
    const { message: printer } = decodeIppMessage(
      buildResponse({
        version: { major: 2, minor: 0 },
        status: Status.successfulOk,
        requestId: 3,
        printer: {
          'media-col-default': ipp.collection({
            'media-size': ipp.collection({ 'x-dimension': ipp.integer(21000), 'y-dimension': ipp.integer(29700) }),
            'media-type': ipp.keyword('stationery'),
          }),
          'color-supported': ipp.boolean(false),
        },
      }),
    );
    const group = printer.groups[1];
    expect(getInteger(getCollection(getCollection(group, 'media-col-default'), 'media-size'), 'y-dimension')).toBe(29700);
    expect(getBoolean(group, 'color-supported')).toBe(false);
  });

  test('an attribute without values is refused instead of being sent malformed', () => {
    expect(() => encodeIppMessage({ version: { major: 2, minor: 0 }, code: 0, requestId: 1, groups: [{ tag: GroupTag.printer, attributes: [{ name: 'x', values: [] }] }] })).toThrow(
      IppEncodeError,
    );
  });

  test('a value longer than the 16-bit length field is refused', () => {
    expect(() =>
      encodeIppMessage({ version: { major: 2, minor: 0 }, code: 0, requestId: 1, groups: [{ tag: GroupTag.job, attributes: [{ name: 'x', values: [ipp.text('x'.repeat(70_000))] }] }] }),
    ).toThrow(IppEncodeError);
  });
});

describe('dateTime helpers', () => {
  test('a Date goes to UTC fields with tenths of a second and back to the same instant', () => {
    const date = new Date('2026-03-29T01:59:58.750Z');
    const fields = dateToIppDateTime(date);
    expect(fields).toMatchObject({ year: 2026, month: 3, day: 29, hour: 1, minutes: 59, seconds: 58, deciSeconds: 7, utcDirection: '+' });
    expect(ippDateTimeToDate(fields).toISOString()).toBe('2026-03-29T01:59:58.700Z');
  });

  test('a local time with an offset east of UTC denotes the earlier UTC instant', () => {
    const berlinSummer = { year: 2026, month: 7, day: 1, hour: 14, minutes: 0, seconds: 0, deciSeconds: 0, utcDirection: '+' as const, utcHours: 2, utcMinutes: 0 };
    expect(ippDateTimeToDate(berlinSummer).toISOString()).toBe('2026-07-01T12:00:00.000Z');
  });
});

describe('names', () => {
  test('operation ids have their RFC 8011 and CUPS spellings', () => {
    expect(OPERATION_NAMES[Operation.PrintJob]).toBe('Print-Job');
    expect(OPERATION_NAMES[Operation.GetPrinterAttributes]).toBe('Get-Printer-Attributes');
    expect(OPERATION_NAMES[Operation.CupsGetDefault]).toBe('CUPS-Get-Default');
    expect(OPERATION_NAMES[Operation.PrintUri]).toBe('Print-URI');
  });

  test('status codes follow RFC 8011 numbering', () => {
    expect(STATUS_KEYWORDS[0x040e]).toBe('client-error-conflicting-attributes');
    expect(STATUS_KEYWORDS[0x040f]).toBe('client-error-compression-not-supported');
    expect(STATUS_KEYWORDS[0x0411]).toBe('client-error-document-format-error');
    expect(STATUS_KEYWORDS[0x0509]).toBe('server-error-multiple-document-jobs-not-supported');
  });
});
