import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createIppClient, firstGroup } from '../../../src/release/printers/ipp-client.ts';
import { createIppPrinterDriver } from '../../../src/release/printers/ipp.printer-driver.ts';
import type { PrinterDriver } from '../../../src/release/printers/printer-driver.ts';
import { startPrinterUnderTest, type PrinterUnderTest } from './print-engine.ts';
import { contractOptions, runPrinterDriverContract } from './printer-driver.contract.ts';
import { makeTestPdf } from './test-pdf.ts';

let pdfPrinter: PrinterUnderTest;

beforeAll(async () => {
  pdfPrinter = await startPrinterUnderTest({ formats: ['application/pdf'] });
});
afterAll(async () => {
  await pdfPrinter?.stop();
});

runPrinterDriverContract({
  name: 'ipp (ippeveprinter, PDF)',
  createDriver: () => createIppPrinterDriver({ id: 'ipp-test', uri: pdfPrinter.uri, timeoutSeconds: 5 }),
  receivedPages: () => pdfPrinter.receivedPages(),
  intervalMs: 50,
});

describe('ipp printer driver against a real ippeveprinter', () => {
  const peers: PrinterUnderTest[] = [];
  const drivers: PrinterDriver[] = [];
  async function printer(options: Parameters<typeof startPrinterUnderTest>[0]) {
    const peer = await startPrinterUnderTest(options);
    peers.push(peer);
    const driver = createIppPrinterDriver({ id: 'ipp-test', uri: peer.uri, timeoutSeconds: 3 });
    drivers.push(driver);
    return { peer, driver };
  }
  afterEach(async () => {
    await Promise.all(drivers.splice(0).map((d) => d.close?.()));
    await Promise.all(peers.splice(0).map((p) => p.stop()));
  });

  test('a printer that takes only PWG raster receives 3 rendered raster pages it can decode', async () => {
    const { peer, driver } = await printer({ formats: ['image/pwg-raster'] });
    const { printerJobRef, substitutedOptions } = await driver.submit({
      pdf: await makeTestPdf({ pages: 3 }),
      pages: 3,
      options: contractOptions({ colorMode: 'color' }),
    });

    const final = await driver.follow(printerJobRef, { intervalMs: 50 });

    expect(final).toMatchObject({ state: 'completed', pagesCompleted: 3 });
    // ippeveprinter's raster printer is monochrome only: colour was asked and substituted.
    expect(substitutedOptions).toEqual(['colorMode']);
    expect(await peer.receivedNames()).toEqual([expect.stringMatching(/^1-.*\.pwg$/)]);
    expect(await peer.receivedPages()).toEqual([3]);
  });

  test('a raster printer without a copies attribute gets collated copies inside the URF stream', async () => {
    // ippeveprinter's raster-only printer says copies-supported 1-1 and urf-supported RS600, W8.
    const { peer, driver } = await printer({ formats: ['image/urf'] });
    const { printerJobRef } = await driver.submit({ pdf: await makeTestPdf({ pages: 3 }), pages: 3, options: contractOptions({ copies: 2 }) });

    const final = await driver.follow(printerJobRef, { intervalMs: 50 });

    expect(final).toMatchObject({ state: 'completed', pagesCompleted: 6 });
    expect(await peer.receivedNames()).toEqual([expect.stringMatching(/^1-.*\.urf$/)]);
    expect(await peer.receivedPages()).toEqual([6]);
  });

  test('the printer gets the copies, sides, media, opaque job name and Druckpunkt as user', async () => {
    const { peer, driver } = await printer({ formats: ['application/pdf'], extraArgs: ['-2'] });
    const { printerJobRef, substitutedOptions } = await driver.submit({
      pdf: await makeTestPdf({ pages: 2 }),
      pages: 2,
      options: contractOptions({ copies: 3, sides: 'two-sided-short-edge', media: 'iso_dl_110x220mm', jobName: 'Druckpunkt 7' }),
    });
    expect(substitutedOptions).toEqual([]);
    await driver.follow(printerJobRef, { intervalMs: 50 });

    // Read the job back from the printer with a separate client.
    const client = createIppClient({ uri: peer.uri });
    const response = await client.execute({
      operation: 'Get-Job-Attributes',
      operation_attributes: { 'job-id': (JSON.parse(printerJobRef) as { id: number }).id },
    });
    await client.close();
    expect(firstGroup(response['job-attributes-tag'])).toMatchObject({
      copies: 3,
      sides: 'two-sided-short-edge',
      media: 'iso_dl_110x220mm',
      'job-name': 'Druckpunkt 7',
      'job-originating-user-name': 'druckpunkt',
      'document-format-supplied': 'application/pdf',
    });
  });

  test('a printer that takes no format Druckpunkt can produce refuses with printer.format_unsupported', async () => {
    const { peer, driver } = await printer({ formats: ['image/jpeg'] });

    await expect(driver.submit({ pdf: await makeTestPdf({ pages: 1 }), pages: 1, options: contractOptions() })).rejects.toMatchObject({
      code: 'printer.format_unsupported',
    });
    expect(await peer.receivedNames()).toEqual([]);
  });

  test('a job whose print command fails ends aborted with the pages the printer reported done', async () => {
    const { driver } = await printer({
      formats: ['application/pdf'],
      script: '#!/bin/sh\necho "ATTR: job-impressions-completed=1" >&2\nexit 1\n',
    });
    const { printerJobRef } = await driver.submit({ pdf: await makeTestPdf({ pages: 3 }), pages: 3, options: contractOptions() });

    const final = await driver.follow(printerJobRef, { intervalMs: 50 });

    expect(final.state).toBe('aborted');
    expect(final.pagesCompleted).toBe(1);
  });

  test('a printer killed mid-job is reported unreachable by status, follow and readiness', async () => {
    const { peer, driver } = await printer({ formats: ['application/pdf'], script: '#!/bin/sh\n# Outlives the test by a few seconds at most once the printer is killed.\nexec sleep 8\n' });
    const { printerJobRef } = await driver.submit({ pdf: await makeTestPdf({ pages: 2 }), pages: 2, options: contractOptions() });
    await expect.poll(async () => (await driver.status(printerJobRef)).state, { interval: 50, timeout: 5000 }).toBe('processing');

    peer.kill('SIGKILL');
    await peer.exited;

    await expect(driver.status(printerJobRef)).rejects.toMatchObject({ code: 'printer.unreachable' });
    await expect(driver.follow(printerJobRef, { intervalMs: 50, unreachableToleranceMs: 300 })).rejects.toMatchObject({
      code: 'printer.unreachable',
    });
    expect(await driver.readiness()).toEqual({ ready: false, state: 'unreachable', reasons: ['unreachable'], blocking: ['unreachable'] });
  });

  test('a printer out of paper is not ready, names media-empty as blocking and refuses new jobs', async () => {
    // The "engine" reports an empty paper tray after its first job, as a real printer would.
    const { peer, driver } = await printer({
      formats: ['application/pdf'],
      script: '#!/bin/sh\necho "STATE: +media-empty" >&2\nexit 0\n',
    });
    const { printerJobRef } = await driver.submit({ pdf: await makeTestPdf({ pages: 1 }), pages: 1, options: contractOptions() });
    await driver.follow(printerJobRef, { intervalMs: 50 });

    const readiness = await driver.readiness();

    expect(readiness.ready).toBe(false);
    expect(readiness.reasons).toContain('media-empty');
    expect(readiness.blocking).toContain('media-empty');
    await expect(driver.submit({ pdf: await makeTestPdf({ pages: 1 }), pages: 1, options: contractOptions() })).rejects.toMatchObject({
      code: 'printer.not_ready',
      details: { blocking: ['media-empty'] },
    });
    expect(await peer.receivedNames()).toHaveLength(1);
  });

  test('a job the printer has forgotten is reported unknown, never completed', async () => {
    const { driver } = await printer({ formats: ['application/pdf'] });
    const forgotten = JSON.stringify({ v: 1, id: 4711, uuid: null, imp: 3, duplex: false });

    expect(await driver.status(forgotten)).toEqual({ state: 'unknown', pagesCompleted: 0, reasons: ['job-not-found'] });
    expect(await driver.follow(forgotten, { intervalMs: 50 })).toMatchObject({ state: 'unknown', pagesCompleted: 0 });
  });

  test('a job id reused by a restarted printer is not mistaken for the original job', async () => {
    const { driver } = await printer({ formats: ['application/pdf'] });
    const { printerJobRef } = await driver.submit({ pdf: await makeTestPdf({ pages: 1 }), pages: 1, options: contractOptions() });
    const ref = JSON.parse(printerJobRef) as { uuid: string | null };
    expect(ref.uuid).toMatch(/^urn:uuid:/);

    const otherPrintersJob = JSON.stringify({ ...ref, uuid: 'urn:uuid:00000000-0000-4000-8000-000000000000' });
    expect((await driver.status(otherPrintersJob)).state).toBe('unknown');
  });

  test('a job released while the printer is busy with the previous one waits its turn instead of failing', async () => {
    // ippeveprinter answers server-error-busy to Print-Job while a job is processing.
    const { peer, driver } = await printer({ formats: ['application/pdf'], script: '#!/bin/sh\nsleep 1\n' });
    const first = await driver.submit({ pdf: await makeTestPdf({ pages: 1 }), pages: 1, options: contractOptions() });
    const second = await driver.submit({ pdf: await makeTestPdf({ pages: 2 }), pages: 2, options: contractOptions() });

    expect(await driver.follow(first.printerJobRef, { intervalMs: 50 })).toMatchObject({ state: 'completed' });
    expect(await driver.follow(second.printerJobRef, { intervalMs: 50 })).toMatchObject({ state: 'completed', pagesCompleted: 2 });
    expect(await peer.receivedPages()).toEqual([1, 2]);
  });

  test('a printer that stays busy past the limit refuses with printer.rejected server-error-busy', async () => {
    const { peer } = await printer({ formats: ['application/pdf'], script: '#!/bin/sh\nexec sleep 5\n' });
    const driver = createIppPrinterDriver({ id: 'busy', uri: peer.uri, busyTimeoutSeconds: 0.5, busyRetryMs: 100 });
    drivers.push(driver);
    await driver.submit({ pdf: await makeTestPdf({ pages: 1 }), pages: 1, options: contractOptions() });

    await expect(driver.submit({ pdf: await makeTestPdf({ pages: 1 }), pages: 1, options: contractOptions() })).rejects.toMatchObject({
      code: 'printer.rejected',
      details: { ippStatus: 'server-error-busy' },
    });
  });

  test('cancelling a running job ends it canceled', async () => {
    const { driver } = await printer({ formats: ['application/pdf'], script: '#!/bin/sh\nsleep 2\n' });
    const { printerJobRef } = await driver.submit({ pdf: await makeTestPdf({ pages: 2 }), pages: 2, options: contractOptions() });
    await expect.poll(async () => (await driver.status(printerJobRef)).state, { interval: 50, timeout: 5000 }).toBe('processing');

    await driver.cancel(printerJobRef);

    expect(await driver.follow(printerJobRef, { intervalMs: 50 })).toMatchObject({ state: 'canceled' });
  });

  test('a printer that hangs without answering is unreachable after the configured timeout', async () => {
    const { peer } = await printer({ formats: ['application/pdf'] });
    const driver = createIppPrinterDriver({ id: 'hung', uri: peer.uri, timeoutSeconds: 1 });
    drivers.push(driver);
    expect((await driver.readiness()).ready).toBe(true);
    // SIGSTOP: the kernel still accepts connections, the printer never answers.
    peer.kill('SIGSTOP');
    try {
      const started = Date.now();
      expect(await driver.readiness()).toMatchObject({ ready: false, state: 'unreachable' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      // One timeout, not two: a timed-out request is not retried.
      expect(Date.now() - started).toBeLessThan(1900);
    } finally {
      peer.kill('SIGCONT');
    }
  });

  test('an address where no printer listens is unreachable, and submit says so', async () => {
    const { peer, driver } = await printer({ formats: ['application/pdf'] });
    peer.kill('SIGKILL');
    await peer.exited;

    expect((await driver.readiness()).state).toBe('unreachable');
    await expect(driver.submit({ pdf: await makeTestPdf({ pages: 1 }), pages: 1, options: contractOptions() })).rejects.toMatchObject({
      code: 'printer.unreachable',
    });
  });
});
