import { describe, expect, test } from 'vitest';
import sharp from 'sharp';
import { createDemoScannerDriver } from '../../../src/scan/scanners/demo.scanner-driver.ts';
import { runScannerDriverContract } from './scanner-driver.contract.ts';

runScannerDriverContract({
  name: 'demo (fixture pages)',
  createHarness: async ({ inject } = {}) => ({
    driver: createDemoScannerDriver({ pageDelayMs: 10, ...(inject ? { inject } : {}) }),
    loadPages: async () => {},
    leftoverFiles: async () => [], // the demo driver writes no files
    cleanup: async () => {},
  }),
  feederPages: 5,
  exactDpi: true,
  reportsProgress: true,
  failures: ['scan.jammed', 'scan.no_documents', 'scan.cover_open', 'scan.device_busy', 'scan.io_error'],
});

describe('demo scanner driver', () => {
  test('pages come in the requested mode: lineart is a two-colour PNG, grey a one-channel JPEG', async () => {
    const driver = createDemoScannerDriver({ pageDelayMs: 0 });
    for await (const e of driver.scan({ source: 'flatbed', resolution: 100, mode: 'lineart' })) {
      if (e.type !== 'page') continue;
      expect(e.format).toBe('png');
      const { data } = await sharp(e.image).greyscale().raw().toBuffer({ resolveWithObject: true });
      expect(new Set(data).size).toBeLessThanOrEqual(2);
    }
    for await (const e of driver.scan({ source: 'flatbed', resolution: 100, mode: 'gray' })) {
      if (e.type !== 'page') continue;
      expect((await sharp(e.image).metadata()).channels).toBe(1);
      // letter-en is 200 dpi in the fixture; at 100 dpi it is half as wide.
      expect(e.widthPx).toBe(925);
    }
  });
});
