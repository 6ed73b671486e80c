import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  checkA11y,
  createFailingPrintCommand,
  createSleepingPrintCommand,
  launchChromium,
  makeTempDir,
  parseIpptoolPlist,
  requireCommand,
  runCommand,
  runIpptool,
  startCupsd,
  startDbusSession,
  startIppEvePrinter,
} from './peers/index.ts';

// Self-tests of the peer harnesses: each starts the real program and proves it does what the
// integration tests rely on. The tests are independent (own peers, own ports), so they run
// concurrently to stay well under a minute; the ipp-1.1 suite alone needs 15–30 s.

/** ipptool test file: print one document, wait for the end state, expect `state` (7/8/9). */
function printAndExpectStateTest(state: number): string {
  return `
{
  NAME "Print-Job"
  OPERATION Print-Job
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR name requesting-user-name harness
  ATTR mimeMediaType document-format application/pdf
  FILE $filename
  STATUS successful-ok
  EXPECT job-id
}
{
  NAME "Job reaches a final state"
  DELAY "0.1,0.2"
  OPERATION Get-Job-Attributes
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR integer job-id $job-id
  STATUS successful-ok
  EXPECT job-state WITH-VALUE >6 REPEAT-NO-MATCH REPEAT-LIMIT 60
}
{
  NAME "Job ended in state ${state}"
  OPERATION Get-Job-Attributes
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR integer job-id $job-id
  STATUS successful-ok
  EXPECT job-state WITH-VALUE ${state}
}
`;
}

async function withTempFile<T>(name: string, content: string, use: (file: string) => Promise<T>): Promise<T> {
  const temp = await makeTempDir('harness-test');
  try {
    const file = path.join(temp.dir, name);
    await writeFile(file, content);
    return await use(file);
  } finally {
    await temp.remove();
  }
}

describe.concurrent('peer harnesses', () => {
  test('a missing peer command fails with an error naming the command and its package', () => {
    expect(() => requireCommand('druckpunkt-no-such-peer', 'druckpunkt-peer-pkg')).toThrow(
      /`druckpunkt-no-such-peer` is not installed \(Debian package druckpunkt-peer-pkg/,
    );
  });

  test('a private D-Bus answers on its own socket and is gone after stop', async () => {
    const dbus = await startDbusSession();
    const socket = dbus.address.replace('unix:path=', '');
    try {
      const reply = await runCommand({
        command: requireCommand('dbus-send', 'dbus'),
        args: [`--bus=${dbus.address}`, '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.ListNames'],
      });
      expect(reply.exitCode).toBe(0);
      expect(reply.stdout).toContain('org.freedesktop.DBus');
      expect(dbus.env.DBUS_SYSTEM_BUS_ADDRESS).toBe(dbus.address);
    } finally {
      await dbus.stop();
    }
    expect(existsSync(socket)).toBe(false);
  });

  test('ippeveprinter answers the Get-Printer-Attributes test and its plist result is parsed as passed', async () => {
    const printer = await startIppEvePrinter();
    try {
      expect(printer.uri).toBe(`ipp://localhost:${printer.port}/ipp/print`);
      const result = await runIpptool({ uri: printer.uri4, testFile: 'get-printer-attributes.test', timeoutMs: 20_000 });
      expect(result.exitCode).toBe(0);
      expect(result.tests).toEqual([
        expect.objectContaining({ name: 'Get printer attributes using get-printer-attributes', passed: true, errors: [] }),
      ]);
    } finally {
      await printer.stop();
    }
    expect(existsSync(printer.spoolDir)).toBe(false);
  });

  test('ippeveprinter passes every test of CUPS ipp-1.1.test that it does not skip', async () => {
    const printer = await startIppEvePrinter();
    try {
      await printer.waitUpTimeAboveZero();
      const result = await runIpptool({ uri: printer.uri, testFile: 'ipp-1.1.test', timeoutMs: 55_000 });
      // The documents CUPS's file names are generated, so no FILE error cuts the suite short.
      expect(result.fileErrors).toEqual([]);
      expect(result.tests.length).toBe(66);
      const failed = result.tests.filter((t) => !t.passed && !t.skipped).map((t) => `${t.name}: ${t.errors.join('; ')}`);
      // Known ippeveprinter failures in ipp-1.1.test: none (see peers/README.md).
      expect(failed).toEqual([]);
      expect(result.exitCode).toBe(0);
      expect(result.tests.filter((t) => t.passed).length).toBeGreaterThanOrEqual(38);
      expect(await printer.receivedFiles()).not.toEqual([]);
    } finally {
      await printer.stop();
    }
  }, 60_000);

  test('a job whose print command fails is aborted, a job whose command succeeds is completed', async () => {
    const failing = await createFailingPrintCommand({ message: 'Paper jam' });
    const broken = await startIppEvePrinter({ command: failing.command });
    const working = await startIppEvePrinter();
    try {
      const aborted = await withTempFile('aborted.test', printAndExpectStateTest(8), (testFile) =>
        runIpptool({ uri: broken.uri, testFile, timeoutMs: 30_000 }),
      );
      expect(aborted.tests.map((t) => [t.name, t.passed])).toEqual([
        ['Print-Job', true],
        ['Job reaches a final state', true],
        ['Job ended in state 8', true],
      ]);
      const completed = await withTempFile('completed.test', printAndExpectStateTest(9), (testFile) =>
        runIpptool({ uri: working.uri, testFile, timeoutMs: 30_000 }),
      );
      expect(completed.tests.every((t) => t.passed)).toBe(true);
      // The same file against the failing printer proves the state check can fail.
      const mismatch = await withTempFile('mismatch.test', printAndExpectStateTest(9), (testFile) =>
        runIpptool({ uri: broken.uri, testFile, timeoutMs: 30_000 }),
      );
      expect(mismatch.exitCode).not.toBe(0);
      expect(mismatch.tests.at(-1)).toMatchObject({ passed: false });
      expect(mismatch.tests.at(-1)?.errors.join('\n')).toMatch(/job-state/);
    } finally {
      await Promise.all([broken.stop(), working.stop()]);
      await failing.remove();
    }
  });

  test('killing ippeveprinter mid-job ends it and stop leaves no process of its group behind', async () => {
    const sleeping = await createSleepingPrintCommand({ seconds: 30 });
    const printer = await startIppEvePrinter({ command: sleeping.command });
    try {
      const printOnly = printAndExpectStateTest(9).split('\n{\n  NAME "Job reaches')[0] ?? '';
      const started = await withTempFile('print.test', printOnly, (testFile) =>
        runIpptool({ uri: printer.uri, testFile, timeoutMs: 15_000 }),
      );
      expect(started.tests).toEqual([expect.objectContaining({ name: 'Print-Job', passed: true })]);
      await printer.waitForReceivedFiles({ count: 1, timeoutMs: 10_000 });
      const log = await readFile(printer.logFile, 'utf8');
      expect(log).toMatch(/Job 1|\[Job 1\]/);

      printer.kill('SIGKILL');
      const exit = await printer.exited;
      expect(exit.signal).toBe('SIGKILL');
      const probe = await runIpptool({ uri: printer.uri, testFile: 'get-printer-attributes.test', timeoutMs: 10_000, requestTimeoutSeconds: 2 });
      expect(probe.exitCode).not.toBe(0);
    } finally {
      await printer.stop();
      await sleeping.remove();
    }
    // The sleeping print command was in ippeveprinter's process group; stop() ended it too.
    expect(() => process.kill(-printer.pid, 0)).toThrow();
  });

  test('a private cupsd queue made with lpadmin -m everywhere delivers a PDF and a text file to ippeveprinter as PDFs', async () => {
    const printer = await startIppEvePrinter();
    const cups = await startCupsd();
    const docs = await makeTempDir('harness-docs');
    try {
      expect(cups.env.CUPS_SERVER).toBe(cups.host);
      await cups.lpadmin(['-p', 'harness', '-E', '-v', printer.uri4, '-m', 'everywhere']);
      await cups.waitForQueueReady({ queue: 'harness' });
      const status = await cups.lpstat(['-p', 'harness']);
      expect(status.stdout).toMatch(/printer harness is idle/);

      const pdf = path.join(docs.dir, 'letter.pdf');
      const text = path.join(docs.dir, 'note.txt');
      const gs = requireCommand('gs', 'ghostscript');
      const ps = path.join(docs.dir, 'letter.ps');
      await writeFile(ps, '%!PS\n/Helvetica findfont 20 scalefont setfont 72 700 moveto (Harness PDF) show showpage\n');
      await runCommand({ command: gs, args: ['-q', '-dSAFER', '-dNOPAUSE', '-dBATCH', '-sDEVICE=pdfwrite', `-sOutputFile=${pdf}`, ps] });
      await writeFile(text, 'Harness plain text line\n');

      const pdfJob = await cups.lp(['-d', 'harness', pdf]);
      const textJob = await cups.lp(['-d', 'harness', text]);
      expect(textJob.jobId).toBe(pdfJob.jobId + 1);
      await cups.waitForJobDone({ queue: 'harness', jobId: textJob.jobId });

      const files = await printer.waitForReceivedFiles({ count: 2 });
      expect(files).toHaveLength(2);
      for (const file of files) expect((await readFile(file)).subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const [pdfReceived, textReceived] = files as [string, string];
      const pdftotext = requireCommand('pdftotext', 'poppler-utils');
      expect((await runCommand({ command: pdftotext, args: [pdfReceived, '-'] })).stdout).toContain('Harness PDF');
      // texttopdf (cups-filters) ran as user lp inside the private spool. Its PDF has glyph-id
      // encoded DejaVu text without a ToUnicode map, so pdftotext cannot read it back: check
      // the producer and the embedded font instead.
      const pdfinfo = requireCommand('pdfinfo', 'poppler-utils');
      const info = (await runCommand({ command: pdfinfo, args: [textReceived] })).stdout;
      expect(info).toMatch(/Creator:\s+texttopdf/);
      expect(info).toMatch(/Pages:\s+1\n/);
      const fonts = (await runCommand({ command: requireCommand('pdffonts', 'poppler-utils'), args: [textReceived] })).stdout;
      expect(fonts).toMatch(/CID TrueType\s+Identity-H\s+yes/);
    } finally {
      await cups.stop();
      await printer.stop();
      await docs.remove();
    }
  });

  test('axe in headless Chromium reports a violation on a bad page and none on a good one', async () => {
    const chromium = await launchChromium();
    try {
      const page = await chromium.newPage();
      await page.goto(
        'data:text/html,' +
          encodeURIComponent('<!doctype html><html><head><title>Bad</title></head><body><img src="x.png"><input type="text"></body></html>'),
      );
      const bad = await checkA11y(page);
      const ids = bad.violations.map((v) => v.id);
      expect(ids).toContain('image-alt');
      expect(ids).toContain('html-has-lang');
      expect(bad.report).toMatch(/image-alt \(critical\): .*\n {2}at img/);

      await page.goto(
        'data:text/html,' +
          encodeURIComponent(
            '<!doctype html><html lang="de"><head><title>Gut</title></head><body><main><h1>Drucken</h1>' +
              '<label for="pin">PIN</label><input id="pin" type="text"></main></body></html>',
          ),
      );
      const good = await checkA11y(page);
      expect(good.report).toBe('');
      expect(good.violations).toEqual([]);
    } finally {
      await chromium.stop();
    }
  });

  test('the ipptool plist parser finds tests in nested, unclosed plist documents', () => {
    const doc = (tests: string) =>
      `<?xml version="1.0"?><plist version="1.0"><dict><key>Tests</key><array>${tests}`;
    const xml =
      doc('<dict><key>Name</key><string>A &amp; B</string><key>Successful</key><true /></dict>') +
      doc(
        '<dict><key>Name</key><string>C</string><key>Successful</key><false /><key>Errors</key><array><string>EXPECTED: x</string></array></dict>' +
          '<dict><key>Name</key><string>D</string><key>Successful</key><true /><key>Skipped</key><true /></dict>',
      ) +
      '</array><key>Successful</key><false /><key>ErrorMessage</key><string>cannot be read</string></dict></plist>';
    const parsed = parseIpptoolPlist(xml);
    expect(parsed.tests).toEqual([
      { name: 'A & B', passed: true, skipped: false, operation: undefined, statusCode: undefined, errors: [] },
      { name: 'C', passed: false, skipped: false, operation: undefined, statusCode: undefined, errors: ['EXPECTED: x'] },
      { name: 'D', passed: false, skipped: true, operation: undefined, statusCode: undefined, errors: [] },
    ]);
    expect(parsed.fileErrors).toEqual(['cannot be read']);
  });
});
