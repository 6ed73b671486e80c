import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import type { ScanEvent, ScanPageEvent, ScanRequest, ScanSource, ScannerDriver } from '../../../src/scan/scanners/scanner-driver.ts';

/** One driver under test, freshly made for each test. */
export type ScannerDriverHarness = {
  driver: ScannerDriver;
  /** Puts `pages` sheets "into the device" (a hot folder gets files); a no-op for devices with a fixed feeder. */
  loadPages(args: { pages: number }): Promise<void>;
  /** Files the driver left in its temp/work area (must be empty after every scan). */
  leftoverFiles(): Promise<string[]>;
  cleanup(): Promise<void>;
};

export type InjectedFailure = 'scan.jammed' | 'scan.no_documents' | 'scan.cover_open' | 'scan.device_busy' | 'scan.io_error';

export type ScannerDriverContractArgs = {
  name: string;
  /** `inject` makes the device fail every scan the way a real device would. */
  createHarness(args?: { inject?: InjectedFailure }): Promise<ScannerDriverHarness>;
  /** Pages a full feeder scan delivers after `loadPages({ pages: feederPages })`. */
  feederPages: number;
  /** Source used for the feeder scans (`adf`; a hot folder accepts any). */
  feederSource?: ScanSource;
  /** True when page.dpi always equals the requested resolution. */
  exactDpi: boolean;
  /** True when the driver reports progress events. */
  reportsProgress: boolean;
  /** Failures the device can be made to produce. */
  failures: InjectedFailure[];
};

async function collect(iterable: AsyncIterable<ScanEvent>): Promise<{ events: ScanEvent[]; error: unknown }> {
  const events: ScanEvent[] = [];
  try {
    for await (const event of iterable) events.push(event);
    return { events, error: undefined };
  } catch (error) {
    return { events, error };
  }
}

const pagesOf = (events: ScanEvent[]) => events.filter((e): e is ScanPageEvent => e.type === 'page');
const codeOf = (error: unknown) => (error as { code?: string } | undefined)?.code;

/**
 * The behaviour every scanner driver shares, run against `sane` (real `test` device), `folder`
 * (a real directory written like an MFP does) and `demo`.
 */
export function runScannerDriverContract(args: ScannerDriverContractArgs): void {
  const feederSource = args.feederSource ?? 'adf';

  async function withHarness(fn: (h: ScannerDriverHarness) => Promise<void>, inject?: InjectedFailure) {
    const harness = await args.createHarness(inject ? { inject } : {});
    try {
      await fn(harness);
    } finally {
      await harness.cleanup();
    }
  }

  async function pickRequest(driver: ScannerDriver, source: ScanSource): Promise<ScanRequest> {
    const caps = await driver.capabilities();
    const resolution = caps.resolutions.find((r) => r >= 100) ?? caps.resolutions[0]!;
    return { source, resolution, mode: caps.modes.includes('gray') ? 'gray' : caps.modes[0]! };
  }

  describe(`scanner driver contract: ${args.name}`, () => {
    test('capabilities name at least one source, mode and resolution and a positive scan area', async () => {
      await withHarness(async ({ driver }) => {
        const caps = await driver.capabilities();
        expect(caps.sources.length).toBeGreaterThan(0);
        expect(caps.modes.length).toBeGreaterThan(0);
        expect(caps.resolutions.length).toBeGreaterThan(0);
        expect([...caps.resolutions].sort((a, b) => a - b)).toEqual(caps.resolutions);
        expect(caps.maxAreaMm.width).toBeGreaterThan(0);
        expect(caps.maxAreaMm.height).toBeGreaterThan(0);
        expect(caps.duplex).toBe(caps.sources.includes('adf-duplex'));
      });
    });

    test('a device that is there reports itself ready', async () => {
      await withHarness(async ({ driver }) => {
        expect(await driver.status()).toEqual({ state: 'ready' });
      });
    });

    test('a flatbed scan yields exactly one decodable page of the stated size', async () => {
      await withHarness(async (h) => {
        await h.loadPages({ pages: 1 });
        const request = await pickRequest(h.driver, 'flatbed');
        const { events, error } = await collect(h.driver.scan(request));
        expect(error).toBeUndefined();
        const pages = pagesOf(events);
        expect(pages).toHaveLength(1);
        const page = pages[0]!;
        expect(page.index).toBe(0);
        const meta = await sharp(page.image).metadata();
        expect(meta.format).toBe(page.format);
        expect(meta.width).toBe(page.widthPx);
        expect(meta.height).toBe(page.heightPx);
        if (args.exactDpi) expect(page.dpi).toBe(request.resolution);
        else expect(page.dpi).toBeGreaterThan(0);
        expect(await h.leftoverFiles()).toEqual([]);
      });
    });

    test('a feeder scan yields every sheet in order and leaves no files behind', async () => {
      await withHarness(async (h) => {
        await h.loadPages({ pages: args.feederPages });
        const { events, error } = await collect(h.driver.scan(await pickRequest(h.driver, feederSource)));
        expect(error).toBeUndefined();
        const pages = pagesOf(events);
        expect(pages.map((p) => p.index)).toEqual(Array.from({ length: args.feederPages }, (_, i) => i));
        expect(await h.leftoverFiles()).toEqual([]);
      });
    });

    if (args.reportsProgress) {
      test('progress stays between 0 and 1 and never goes backwards within a page', async () => {
        await withHarness(async (h) => {
          await h.loadPages({ pages: args.feederPages });
          const { events } = await collect(h.driver.scan(await pickRequest(h.driver, feederSource)));
          const progress = events.filter((e) => e.type === 'progress');
          expect(progress.length).toBeGreaterThan(0);
          const last = new Map<number, number>();
          for (const p of progress) {
            expect(p.fraction).toBeGreaterThanOrEqual(0);
            expect(p.fraction).toBeLessThanOrEqual(1);
            expect(p.fraction).toBeGreaterThanOrEqual(last.get(p.index) ?? 0);
            last.set(p.index, p.fraction);
          }
          // Progress for a page comes before (or with) the page itself.
          const firstPage = events.findIndex((e) => e.type === 'page');
          expect(events.findIndex((e) => e.type === 'progress' && e.index === 0)).toBeLessThan(firstPage);
        });
      });
    }

    test('aborting during a feeder scan ends it with scan.canceled and leaves no files behind', async () => {
      await withHarness(async (h) => {
        await h.loadPages({ pages: args.feederPages });
        const controller = new AbortController();
        const events: ScanEvent[] = [];
        let error: unknown;
        try {
          for await (const event of h.driver.scan({ ...(await pickRequest(h.driver, feederSource)), signal: controller.signal })) {
            events.push(event);
            if (event.type === 'page') controller.abort();
          }
        } catch (e) {
          error = e;
        }
        expect(codeOf(error)).toBe('scan.canceled');
        expect(pagesOf(events).length).toBeLessThan(args.feederPages);
        expect(await h.leftoverFiles()).toEqual([]);
      });
    });

    test('a scan with an already aborted signal yields no page and throws scan.canceled', async () => {
      await withHarness(async (h) => {
        await h.loadPages({ pages: 1 });
        const controller = new AbortController();
        controller.abort();
        const { events, error } = await collect(h.driver.scan({ ...(await pickRequest(h.driver, 'flatbed')), signal: controller.signal }));
        expect(pagesOf(events)).toEqual([]);
        expect(codeOf(error)).toBe('scan.canceled');
      });
    });

    test('leaving the iteration early stops the scan and leaves no files behind', async () => {
      await withHarness(async (h) => {
        await h.loadPages({ pages: args.feederPages });
        let seen = 0;
        for await (const event of h.driver.scan(await pickRequest(h.driver, feederSource))) {
          if (event.type === 'page') {
            seen++;
            break;
          }
        }
        expect(seen).toBe(1);
        // The device is stopped in the background; give it a moment to clean up.
        await expect.poll(() => h.leftoverFiles(), { timeout: 5000 }).toEqual([]);
      });
    });

    for (const failure of args.failures) {
      test(`a device reporting ${failure} ends the scan with that stable error and keeps no files`, async () => {
        await withHarness(async (h) => {
          await h.loadPages({ pages: args.feederPages });
          const { events, error } = await collect(h.driver.scan(await pickRequest(h.driver, feederSource)));
          expect(codeOf(error)).toBe(failure);
          expect(pagesOf(events).length).toBeLessThan(args.feederPages);
          expect(await h.leftoverFiles()).toEqual([]);
        }, failure);
      });
    }
  });
}
