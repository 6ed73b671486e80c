import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { prepareSaneConfigDir } from '../../../src/scan/scanners/sane-config.ts';
import { createSaneScannerDriver } from '../../../src/scan/scanners/sane.scanner-driver.ts';
import { requireCommand } from '../../helpers/peers/process.ts';
import { runScannerDriverContract, type InjectedFailure } from './scanner-driver.contract.ts';

// Debian ships the `test` backend disabled (commented out in /etc/sane.d/dll.conf). A private
// config dir whose dll.conf names only `test` enables it for these tests without touching the
// system; the trailing ':' lets SANE fall back to /etc/sane.d for everything else.
let saneConfigDir = '';
let saneEnv: Record<string, string> = {};
const scanimage = () => requireCommand('scanimage', 'sane-utils');

beforeAll(async () => {
  scanimage();
  saneConfigDir = await mkdtemp(path.join(os.tmpdir(), 'druckpunkt-sane-conf-'));
  saneEnv = (await prepareSaneConfigDir({ directory: saneConfigDir, backends: ['test'] })).env;
});
afterAll(async () => {
  if (saneConfigDir) await rm(saneConfigDir, { recursive: true, force: true });
});

const SANE_STATUS: Record<InjectedFailure, string> = {
  'scan.jammed': 'SANE_STATUS_JAMMED',
  'scan.no_documents': 'SANE_STATUS_NO_DOCS',
  'scan.cover_open': 'SANE_STATUS_COVER_OPEN',
  'scan.device_busy': 'SANE_STATUS_DEVICE_BUSY',
  'scan.io_error': 'SANE_STATUS_IO_ERROR',
};

async function makeDriver({ inject, device = 'test', timeoutSeconds = 30 }: { inject?: InjectedFailure; device?: string; timeoutSeconds?: number } = {}) {
  const tempRoot = await mkdtemp(path.join(os.tmpdir(), 'druckpunkt-sane-tmp-'));
  const driver = createSaneScannerDriver({
    device,
    timeoutSeconds,
    scanimagePath: scanimage(),
    env: saneEnv,
    tempRoot,
    // A grid gives real black/white structure instead of the default solid black.
    extraArgs: ['--test-picture', 'Grid', ...(inject ? ['--read-return-value', SANE_STATUS[inject]] : [])],
  });
  return { driver, tempRoot };
}

runScannerDriverContract({
  name: 'sane (SANE test device)',
  createHarness: async ({ inject } = {}) => {
    const { driver, tempRoot } = await makeDriver(inject ? { inject } : {});
    return {
      driver,
      loadPages: async () => {}, // the test device's feeder always holds 10 sheets
      leftoverFiles: async () => await readdir(tempRoot),
      cleanup: () => rm(tempRoot, { recursive: true, force: true }),
    };
  },
  feederPages: 10,
  exactDpi: true,
  reportsProgress: true,
  failures: ['scan.jammed', 'scan.no_documents', 'scan.cover_open', 'scan.device_busy', 'scan.io_error'],
});

describe('sane scanner driver with the SANE test device', () => {
  test('capabilities come from the device: flatbed and feeder, grey and colour, its resolution range and glass size', async () => {
    const { driver, tempRoot } = await makeDriver();
    try {
      const caps = await driver.capabilities();
      expect(caps.sources).toEqual(['flatbed', 'adf']);
      expect(caps.duplex).toBe(false);
      expect(caps.modes).toEqual(['color', 'gray']);
      expect(caps.resolutions).toEqual([75, 100, 150, 200, 300, 400, 600, 1200]);
      expect(caps.maxAreaMm).toEqual({ width: 200, height: 200 });
    } finally {
      await rm(tempRoot, { recursive: true, force: true });
    }
  });

  test('pages cover the whole glass at the requested resolution', async () => {
    const { driver, tempRoot } = await makeDriver();
    try {
      for await (const event of driver.scan({ source: 'flatbed', resolution: 75, mode: 'color' })) {
        if (event.type !== 'page') continue;
        // 200 mm at 75 dpi = 590.55 px; SANE rounds to whole pixels.
        expect(Math.abs(event.widthPx - (200 / 25.4) * 75)).toBeLessThan(2);
        expect(Math.abs(event.heightPx - (200 / 25.4) * 75)).toBeLessThan(2);
      }
    } finally {
      await rm(tempRoot, { recursive: true, force: true });
    }
  });

  test('a mode the device lacks is refused with scan.unsupported before anything is scanned', async () => {
    const { driver, tempRoot } = await makeDriver();
    try {
      const iterate = async () => {
        for await (const _ of driver.scan({ source: 'flatbed', resolution: 150, mode: 'lineart' })) {
          // nothing expected
        }
      };
      await expect(iterate()).rejects.toMatchObject({ code: 'scan.unsupported' });
      expect(await readdir(tempRoot)).toEqual([]);
    } finally {
      await rm(tempRoot, { recursive: true, force: true });
    }
  });

  test('a device name SANE does not know is reported unavailable with scan.device_not_found', async () => {
    const { driver, tempRoot } = await makeDriver({ device: 'test:9' });
    try {
      expect(await driver.status()).toEqual({ state: 'unavailable', reason: 'scan.device_not_found' });
      await expect(driver.capabilities()).rejects.toMatchObject({ code: 'scan.device_not_found' });
    } finally {
      await rm(tempRoot, { recursive: true, force: true });
    }
  });

  test('a scan that exceeds the time limit is killed and ends with scan.timeout, keeping no files', async () => {
    const { driver, tempRoot } = await makeDriver({ timeoutSeconds: 1 });
    try {
      // 1200 dpi over the whole glass is ~9400² pixels: far more than one second of work.
      const started = Date.now();
      const iterate = async () => {
        for await (const _ of driver.scan({ source: 'adf', resolution: 1200, mode: 'color' })) {
          // pages may or may not arrive before the limit
        }
      };
      await expect(iterate()).rejects.toMatchObject({ code: 'scan.timeout' });
      expect(Date.now() - started).toBeLessThan(8000);
      expect(await readdir(tempRoot)).toEqual([]);
    } finally {
      await rm(tempRoot, { recursive: true, force: true });
    }
  });
});
