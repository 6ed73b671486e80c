import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import type { FollowUpdate, PrintOptions, PrinterDriver } from '../../../src/release/printers/printer-driver.ts';
import { makeTestPdf } from './test-pdf.ts';

/**
 * The behaviour every printer driver must show, run against each driver with its real peer
 * (a folder for `file`, a real ippeveprinter for `ipp`).
 */
export type PrinterDriverContractArgs = {
  name: string;
  /** A driver for the peer; called per test, and again to play a restarted follower. */
  createDriver: () => Promise<PrinterDriver> | PrinterDriver;
  /** Page counts of every document the peer has received so far, oldest first. */
  receivedPages: () => Promise<number[]>;
  /** Poll interval for follow(); small for fast peers. */
  intervalMs?: number;
};

export const contractOptions = (overrides: Partial<PrintOptions> = {}): PrintOptions => ({
  copies: 1,
  sides: 'one-sided',
  colorMode: 'monochrome',
  media: 'iso_a4_210x297mm',
  jobName: 'Druckpunkt 42',
  ...overrides,
});

export function runPrinterDriverContract({ name, createDriver, receivedPages, intervalMs = 100 }: PrinterDriverContractArgs) {
  describe(`printer driver contract: ${name}`, () => {
    test('an idle printer is ready and names no blocking reason', async () => {
      const driver = await createDriver();
      const readiness = await driver.readiness();
      expect(readiness).toMatchObject({ ready: true, blocking: [] });
      expect(['idle', 'processing']).toContain(readiness.state);
    });

    test('a 3-page document with 2 copies completes with 6 pages and the printer receives the 3 pages once', async () => {
      const driver = await createDriver();
      const before = (await receivedPages()).length;
      const pdf = await makeTestPdf({ pages: 3 });

      const { printerJobRef } = await driver.submit({ pdf, pages: 3, options: contractOptions({ copies: 2 }) });
      const updates: FollowUpdate[] = [];
      const final = await driver.follow(printerJobRef, { intervalMs, onUpdate: (u) => updates.push(u) });

      expect(final.state).toBe('completed');
      expect(final.pagesCompleted).toBe(6);
      expect(updates.at(-1)).toEqual(final);
      const received = await receivedPages();
      expect(received.slice(before)).toEqual([3]);
    });

    test('a document given as a stream prints like a buffer', async () => {
      const driver = await createDriver();
      const before = (await receivedPages()).length;
      const pdf = await makeTestPdf({ pages: 2 });

      const { printerJobRef } = await driver.submit({ pdf: Readable.from([pdf.subarray(0, 100), pdf.subarray(100)]), pages: 2, options: contractOptions() });
      const final = await driver.follow(printerJobRef, { intervalMs });

      expect(final).toMatchObject({ state: 'completed', pagesCompleted: 2 });
      expect((await receivedPages()).slice(before)).toEqual([2]);
    });

    test('a restarted follower resumes from the persisted job reference alone', async () => {
      const first = await createDriver();
      const pdf = await makeTestPdf({ pages: 1 });
      const { printerJobRef } = await first.submit({ pdf, pages: 1, options: contractOptions({ copies: 3 }) });
      await first.close?.();

      const restarted = await createDriver();
      const final = await restarted.follow(printerJobRef, { intervalMs });
      expect(final).toMatchObject({ state: 'completed', pagesCompleted: 3 });
      expect(await restarted.status(printerJobRef)).toMatchObject({ state: 'completed', pagesCompleted: 3 });
    });

    test('cancelling a job that already completed is not an error and keeps it completed', async () => {
      const driver = await createDriver();
      const pdf = await makeTestPdf({ pages: 1 });
      const { printerJobRef } = await driver.submit({ pdf, pages: 1, options: contractOptions() });
      await driver.follow(printerJobRef, { intervalMs });

      await expect(driver.cancel(printerJobRef)).resolves.toBeUndefined();
      expect((await driver.status(printerJobRef)).state).toBe('completed');
    });

    test('following with an aborted signal stops without waiting for the printer', async () => {
      const driver = await createDriver();
      const pdf = await makeTestPdf({ pages: 1 });
      const { printerJobRef } = await driver.submit({ pdf, pages: 1, options: contractOptions() });
      const controller = new AbortController();
      controller.abort(new Error('station closed'));

      await expect(driver.follow(printerJobRef, { signal: controller.signal, intervalMs })).rejects.toThrow('station closed');
    });
  });
}
