import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { decodeIppMessage, encodeIppMessage, OPERATION_NAMES } from '../../../../src/spool/ipp/codec/index.ts';

const requestsDir = join(import.meta.dirname, '../../../../fixtures/ipp/requests');
const fixtures = readdirSync(requestsDir)
  .filter((file) => file.endsWith('.bin'))
  .sort();

describe('captured requests from ipptool, cupsd and lp', () => {
  test('the fixture set covers every operation the printer endpoint serves', () => {
    const operations = new Set(
      fixtures.map((file) => OPERATION_NAMES[decodeIppMessage(readFileSync(join(requestsDir, file))).message.code]),
    );
    for (const name of ['Print-Job', 'Validate-Job', 'Create-Job', 'Send-Document', 'Cancel-Job', 'Get-Job-Attributes', 'Get-Jobs', 'Get-Printer-Attributes']) {
      expect(operations).toContain(name);
    }
  });

  test.each(fixtures)('%s decodes completely and re-encodes to the identical bytes', (file) => {
    const bytes = readFileSync(join(requestsDir, file));
    const { message, bodyOffset } = decodeIppMessage(bytes);
    expect(bodyOffset).toBe(bytes.length);
    expect(encodeIppMessage(message).equals(bytes)).toBe(true);
  });
});
