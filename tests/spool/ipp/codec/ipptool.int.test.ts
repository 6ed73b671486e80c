import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  buildResponse,
  findGroup,
  getString,
  GroupTag,
  ipp,
  PrinterState,
  readIppRequest,
  Status,
} from '../../../../src/spool/ipp/codec/index.ts';

const run = promisify(execFile);

// CUPS' ipptool is the real peer: if it can parse and check our response, the encoder speaks IPP.
const testFile = `{
  NAME "Druckpunkt codec response"
  OPERATION Get-Printer-Attributes
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR keyword requested-attributes all
  STATUS successful-ok
  EXPECT attributes-charset OF-TYPE charset WITH-VALUE utf-8
  EXPECT printer-state OF-TYPE enum WITH-VALUE 3
  EXPECT printer-name OF-TYPE name WITH-VALUE "Lobeda Büro"
  EXPECT sides-supported OF-TYPE keyword IN-GROUP printer-attributes-tag WITH-ALL-VALUES "/^(one-sided|two-sided-long-edge)$$/"
  EXPECT copies-supported OF-TYPE rangeOfInteger
  EXPECT printer-resolution-default OF-TYPE resolution
  EXPECT printer-current-time OF-TYPE dateTime
  EXPECT printer-is-accepting-jobs OF-TYPE boolean WITH-VALUE true
  EXPECT media-col-default OF-TYPE collection
  EXPECT printer-info OF-TYPE textWithLanguage
}
`;

let server: Server;
let dir: string;
let seenCharset: string | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'druckpunkt-ipptool-'));
  writeFileSync(join(dir, 'response.test'), testFile);
  server = createServer((req, res) => {
    void readIppRequest(req).then(({ message, document }) => {
      document.resume();
      seenCharset = getString(findGroup(message, GroupTag.operation), 'attributes-charset');
      const reply = buildResponse({
        version: message.version,
        status: Status.successfulOk,
        requestId: message.requestId,
        printer: {
          'printer-name': ipp.name('Lobeda Büro'),
          'printer-info': ipp.textWithLanguage('de', 'Drucker im Stadtteilbüro'),
          'printer-state': ipp.enum(PrinterState.idle),
          'printer-is-accepting-jobs': ipp.boolean(true),
          'sides-supported': [ipp.keyword('one-sided'), ipp.keyword('two-sided-long-edge')],
          'copies-supported': ipp.rangeOfInteger(1, 99),
          'printer-resolution-default': ipp.resolution(600, 600),
          'printer-current-time': ipp.dateTime(new Date('2026-01-05T08:00:00Z')),
          'media-col-default': ipp.collection({
            'media-size': ipp.collection({ 'x-dimension': ipp.integer(21000), 'y-dimension': ipp.integer(29700) }),
          }),
        },
      });
      res.writeHead(200, { 'Content-Type': 'application/ipp' }).end(reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

test('ipptool reads a response built by buildResponse and finds every syntax it expects', async () => {
  const { port } = server.address() as AddressInfo;
  const { stdout } = await run('ipptool', ['-t', `ipp://127.0.0.1:${port}/ipp/print/lobeda`, join(dir, 'response.test')], {
    timeout: 30_000,
  });
  expect(stdout, stdout).toContain('[PASS]');
  expect(stdout).not.toContain('[FAIL]');
  expect(seenCharset).toBe('utf-8');
});
