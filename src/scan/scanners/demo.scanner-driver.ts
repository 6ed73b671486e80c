import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import sharp from 'sharp';
import type { ErrorFactory } from '../../shared/errors.ts';
import {
  createScanCanceledError,
  createScanCoverOpenError,
  createScanDeviceBusyError,
  createScanImageInvalidError,
  createScanIoError,
  createScanJammedError,
  createScanNoDocumentsError,
} from '../scan.errors.ts';
import { createEventQueue } from './event-queue.ts';
import type { ScanEvent, ScanRequest, ScannerDriver } from './scanner-driver.ts';

const DEFAULT_FIXTURES = fileURLToPath(new URL('../../../fixtures/scan/', import.meta.url));

/** Fixture pages the demo feeder holds, in order (the flatbed cycles through them). */
const FEEDER = ['letter-de', 'letter-en', 'payslip-de', 'sparse-de', 'blank-noise'];

export type DemoFailure = 'scan.jammed' | 'scan.no_documents' | 'scan.cover_open' | 'scan.device_busy' | 'scan.io_error';

const FAILURES: Record<DemoFailure, ErrorFactory> = {
  'scan.jammed': createScanJammedError,
  'scan.no_documents': createScanNoDocumentsError,
  'scan.cover_open': createScanCoverOpenError,
  'scan.device_busy': createScanDeviceBusyError,
  'scan.io_error': createScanIoError,
};

export type DemoScannerDriverArgs = {
  /** Folder with the fixture JPEGs and their JSON sidecars. Default: the repo's fixtures/scan/. */
  fixturesDir?: string;
  /** Simulated scanning time per page, so the station shows progress in the demo. */
  pageDelayMs?: number;
  /**
   * Makes every scan fail like a real device would: `scan.no_documents` before the first page,
   * the others after the first page (a jam mid-batch). For demos of the error messages and tests.
   */
  inject?: DemoFailure;
};

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * A scanner made of fixture pages, for `npm start` and the station's e2e tests: the flatbed
 * gives the next fixture page each time, the feeder holds the five document fixtures (one of them
 * blank). Pages are resampled to the requested resolution and converted to the requested mode,
 * so what comes out behaves like a real scan.
 */
export function createDemoScannerDriver({ fixturesDir = DEFAULT_FIXTURES, pageDelayMs = 300, inject }: DemoScannerDriverArgs = {}): ScannerDriver {
  let nextFlatbed = 0;

  async function loadPage(name: string, request: ScanRequest) {
    const meta = JSON.parse(await readFile(path.join(fixturesDir, `${name}.json`), 'utf8')) as { dpi: number; file: string };
    const source = await readFile(path.join(fixturesDir, meta.file));
    const info = await sharp(source).metadata();
    if (!info.width || !info.height) throw createScanImageInvalidError();
    const scale = request.resolution / meta.dpi;
    const widthPx = Math.max(1, Math.round(info.width * scale));
    const heightPx = Math.max(1, Math.round(info.height * scale));
    let img = sharp(source).resize(widthPx, heightPx, { fit: 'fill' });
    if (request.mode === 'lineart') {
      const image = await img.toColourspace('b-w').threshold(150).png({ palette: true, colours: 2 }).toBuffer();
      return { image, format: 'png' as const, widthPx, heightPx };
    }
    if (request.mode === 'gray') img = img.toColourspace('b-w');
    const image = await img.withDensity(request.resolution).jpeg({ quality: 90 }).toBuffer();
    return { image, format: 'jpeg' as const, widthPx, heightPx };
  }

  function scan(request: ScanRequest): AsyncIterable<ScanEvent> {
    const stopController = new AbortController();
    const queue = createEventQueue<ScanEvent>({ onReturn: () => stopController.abort() });
    const signal = request.signal ? AbortSignal.any([request.signal, stopController.signal]) : stopController.signal;
    const run = async () => {
      if (request.signal?.aborted) throw createScanCanceledError();
      if (inject === 'scan.no_documents') throw FAILURES[inject]();
      const names = request.source === 'flatbed' ? [FEEDER[nextFlatbed++ % FEEDER.length]!] : FEEDER;
      for (const [index, name] of names.entries()) {
        if (index > 0 && inject) throw FAILURES[inject]({ details: { pagesScanned: index } });
        for (const fraction of [0, 0.5, 1]) {
          if (signal.aborted) break;
          queue.push({ type: 'progress', index, fraction });
          if (fraction < 1) await sleep(pageDelayMs / 2, signal);
        }
        if (signal.aborted) break;
        const page = await loadPage(name, request);
        if (signal.aborted) break;
        queue.push({ type: 'page', index, dpi: request.resolution, ...page });
      }
      if (request.signal?.aborted) throw createScanCanceledError();
    };
    run().then(
      () => queue.end(),
      (error: unknown) => queue.fail(error),
    );
    return queue.iterate();
  }

  return {
    kind: 'demo',
    capabilities: async () => ({
      sources: ['flatbed', 'adf'],
      duplex: false,
      resolutions: [100, 150, 200, 300],
      modes: ['color', 'gray', 'lineart'],
      maxAreaMm: { width: 216, height: 297 },
    }),
    status: async () => ({ state: 'ready' }),
    scan,
  };
}
