import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { createPrinterDriver } from '../../../src/release/printers/printer-drivers.ts';
import { contractOptions } from './printer-driver.contract.ts';
import { makeTestPdf } from './test-pdf.ts';

test('a configured file printer without a folder prints into <dataDir>/printed', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'dp-data-'));
  const driver = createPrinterDriver({ printer: { id: 'demo', name: 'Demo', driver: 'file', color: true, duplex: true }, dataDir });

  const { printerJobRef } = await driver.submit({ pdf: await makeTestPdf({ pages: 1 }), pages: 1, options: contractOptions() });

  expect(driver.id).toBe('demo');
  expect(await readdir(path.join(dataDir, 'printed'))).toEqual([printerJobRef]);
  await rm(dataDir, { recursive: true, force: true });
});

test('a configured IPP printer whose address has no printer is reported unreachable, not thrown', async () => {
  // Port 9 (discard) on loopback: nothing listens there in the test environment.
  const driver = createPrinterDriver({
    printer: { id: 'lobby', name: 'Lobby', driver: 'ipp', uri: 'ipp://127.0.0.1:9/ipp/print', color: true, duplex: true, timeoutSeconds: 2 },
    dataDir: tmpdir(),
  });
  expect(await driver.readiness()).toMatchObject({ ready: false, state: 'unreachable' });
  await driver.close?.();
});
