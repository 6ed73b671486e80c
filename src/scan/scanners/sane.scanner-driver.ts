import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, unlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppError, ErrorFactory } from '../../shared/errors.ts';
import {
  createScanCanceledError,
  createScanCoverOpenError,
  createScanDeviceBusyError,
  createScanDeviceNotFoundError,
  createScanIoError,
  createScanJammedError,
  createScanNoDocumentsError,
  createScanTimeoutError,
  createScanUnsupportedError,
} from '../scan.errors.ts';
import { createEventQueue } from './event-queue.ts';
import { parseSaneOptions, type SaneDeviceOptions } from './sane.capabilities.ts';
import type { ScanEvent, ScanRequest, ScannerDriver, ScannerStatus } from './scanner-driver.ts';

/**
 * SANE status codes as scanimage reports them (its exit status is the SANE_Status of the failing
 * call) and the English text `sane_strstatus` prints. The child runs with LC_ALL=C so the texts
 * are not translated.
 */
const SANE_STATUSES: { status: number; name: string; text: string; error: ErrorFactory }[] = [
  { status: 1, name: 'UNSUPPORTED', text: 'Operation not supported', error: createScanIoError },
  { status: 2, name: 'CANCELLED', text: 'Operation was cancelled', error: createScanCanceledError },
  { status: 3, name: 'DEVICE_BUSY', text: 'Device busy', error: createScanDeviceBusyError },
  { status: 4, name: 'INVAL', text: 'Invalid argument', error: createScanIoError },
  { status: 6, name: 'JAMMED', text: 'Document feeder jammed', error: createScanJammedError },
  { status: 7, name: 'NO_DOCS', text: 'Document feeder out of documents', error: createScanNoDocumentsError },
  { status: 8, name: 'COVER_OPEN', text: 'Scanner cover is open', error: createScanCoverOpenError },
  { status: 9, name: 'IO_ERROR', text: 'Error during device I/O', error: createScanIoError },
  { status: 10, name: 'NO_MEM', text: 'Out of memory', error: createScanIoError },
  { status: 11, name: 'ACCESS_DENIED', text: 'Access to resource has been denied', error: createScanIoError },
];

export type SaneScannerDriverArgs = {
  /** SANE device name (`test`, `airscan:e0:Office MFP`, `fujitsu:fi-7160:12345`). */
  device: string;
  /** Longest time one batch may take; the child is killed and `scan.timeout` thrown after it. */
  timeoutSeconds: number;
  /**
   * Extra environment for scanimage, e.g. `{ SANE_CONFIG_DIR: '/etc/druckpunkt/sane.d:' }` to use a
   * private dll.conf (see src/scan/README.md). Merged over the process environment.
   */
  env?: Record<string, string>;
  /** Where the per-scan temp dir (mode 0700) is created. Default: os.tmpdir(). */
  tempRoot?: string;
  /** scanimage binary. Default `scanimage` from PATH. */
  scanimagePath?: string;
  /**
   * After scanimage printed a fatal SANE error, how long it may take to exit on its own before it
   * is killed. Some backends hang in sane_cancel after an I/O error.
   */
  errorGraceMs?: number;
  /** Timeout for `scanimage -A` (option listing, used by capabilities and status). */
  probeTimeoutMs?: number;
  /**
   * Device-specific options appended to every scan, e.g. `['--swcrop=yes']` for a fujitsu, or the
   * test device's `['--test-picture', 'Grid']`. Never derived from user input.
   */
  extraArgs?: string[];
};

type SaneFailure = { error: ErrorFactory; saneStatus: string };

function failureFromStatus(status: number | null): SaneFailure | undefined {
  const entry = SANE_STATUSES.find((s) => s.status === status);
  return entry ? { error: entry.error, saneStatus: entry.name } : undefined;
}

function failureFromMessage(message: string): SaneFailure | undefined {
  const entry = SANE_STATUSES.find((s) => message.includes(s.text));
  return entry ? { error: entry.error, saneStatus: entry.name } : undefined;
}

/** Maps scanimage's diagnostics for an unopenable device (`open of device X failed: …`). */
function openFailure(stderr: string): SaneFailure | undefined {
  const match = /open of device .* failed: (.*)$/m.exec(stderr);
  if (!match) return undefined;
  const failure = failureFromMessage(match[1] ?? '');
  if (failure?.saneStatus === 'DEVICE_BUSY') return failure;
  return { error: createScanDeviceNotFoundError, saneStatus: failure?.saneStatus ?? 'OPEN_FAILED' };
}

function pngSize(image: Buffer): { width: number; height: number } | undefined {
  const signature = '89504e470d0a1a0a';
  if (image.length < 24 || image.subarray(0, 8).toString('hex') !== signature) return undefined;
  return { width: image.readUInt32BE(16), height: image.readUInt32BE(20) };
}

function makeError(failure: SaneFailure, extra: Record<string, unknown> = {}): AppError {
  // The SANE status name is safe to expose; it helps staff tell a jam from a USB problem.
  return failure.error({ details: { saneStatus: failure.saneStatus, ...extra } });
}

/**
 * The real scanner path: SANE's `scanimage` as a child process (argv arrays only). Every scan is a
 * `--batch` into a private temp dir, so flatbed and feeder share one code path; each page file is
 * read and deleted as soon as scanimage has finished it (scanimage writes `pNNNN.png.part` and
 * renames it when the page is complete), and the dir is removed when the scan ends in any way.
 */
export function createSaneScannerDriver({
  device,
  timeoutSeconds,
  env = {},
  tempRoot = os.tmpdir(),
  scanimagePath = 'scanimage',
  errorGraceMs = 3000,
  probeTimeoutMs = 20_000,
  extraArgs = [],
}: SaneScannerDriverArgs): ScannerDriver {
  const childEnv = { ...process.env, ...env, LC_ALL: 'C', LANG: 'C' };
  let cachedOptions: Promise<SaneDeviceOptions> | undefined;

  const probe = () =>
    new Promise<SaneDeviceOptions>((resolve, reject) => {
      execFile(
        scanimagePath,
        ['-d', device, '-A'],
        { env: childEnv, timeout: probeTimeoutMs, maxBuffer: 4 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (!error) {
            resolve(parseSaneOptions(stdout));
            return;
          }
          const err = error as NodeJS.ErrnoException & { killed?: boolean };
          if (err.code === 'ENOENT') {
            reject(createScanDeviceNotFoundError({ message: 'scanimage is not installed.', cause: error }));
          } else if (err.killed) {
            reject(createScanTimeoutError({ cause: error }));
          } else {
            const failure = openFailure(stderr) ?? failureFromMessage(stderr) ?? { error: createScanIoError, saneStatus: 'UNKNOWN' };
            reject(makeError(failure));
          }
        },
      );
    });

  const deviceOptions = () => {
    cachedOptions ??= probe().catch((error: unknown) => {
      cachedOptions = undefined; // a device that was off may be on next time
      throw error;
    });
    return cachedOptions;
  };

  async function status(): Promise<ScannerStatus> {
    try {
      cachedOptions = undefined;
      await deviceOptions();
      return { state: 'ready' };
    } catch (error) {
      const code = (error as AppError).code ?? createScanIoError.code;
      return { state: code === createScanDeviceBusyError.code ? 'busy' : 'unavailable', reason: code };
    }
  }

  function scan(request: ScanRequest): AsyncIterable<ScanEvent> {
    let stop: (() => void) | undefined;
    const queue = createEventQueue<ScanEvent>({ onReturn: () => stop?.() });

    const run = async () => {
      if (request.signal?.aborted) throw createScanCanceledError();
      const options = await deviceOptions();
      const sourceArgs = options.sourceArgs[request.source];
      const modeName = options.modeNames[request.mode];
      const resolutionOk =
        options.capabilities.resolutions.includes(request.resolution) ||
        (options.resolutionRange !== undefined &&
          Number.isInteger(request.resolution) &&
          request.resolution >= options.resolutionRange.min &&
          request.resolution <= options.resolutionRange.max);
      if (!sourceArgs || !modeName || !resolutionOk) {
        throw createScanUnsupportedError({
          details: { source: !!sourceArgs, mode: !!modeName, resolution: resolutionOk },
        });
      }
      if (request.signal?.aborted) throw createScanCanceledError();

      const dir = await mkdtemp(path.join(tempRoot, 'druckpunkt-scan-'));
      const pageFile = (n: number) => path.join(dir, `p${String(n).padStart(4, '0')}.png`);
      const feeder = request.source !== 'flatbed';
      const args = [
        '-d',
        device,
        '--format=png',
        '--progress',
        `--batch=${path.join(dir, 'p%04d.png')}`,
        // The glass gives exactly one page per scan; the feeder runs until it is empty.
        ...(feeder ? [] : ['--batch-count=1']),
        '--resolution',
        String(request.resolution),
        '--mode',
        modeName,
        ...sourceArgs,
        ...(options.hasGeometry
          ? ['-l', '0', '-t', '0', '-x', String(options.capabilities.maxAreaMm.width), '-y', String(options.capabilities.maxAreaMm.height)]
          : []),
        ...extraArgs,
      ];

      const child = spawn(scanimagePath, args, { env: childEnv, stdio: ['ignore', 'ignore', 'pipe'] });
      let nextPage = 1;
      let pagesRead = 0;
      let currentPage = 1;
      let lastFraction = -1;
      let canceled = false;
      let timedOut = false;
      let earlyReturn = false;
      let reported: SaneFailure | undefined;
      let readFailure: unknown;
      let graceTimer: NodeJS.Timeout | undefined;
      let killTimer: NodeJS.Timeout | undefined;
      let spawnError: NodeJS.ErrnoException | undefined;

      const kill = () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        // A backend stuck in the kernel ignores SIGTERM; the scan must still end.
        killTimer ??= setTimeout(() => child.kill('SIGKILL'), 2000);
      };
      stop = () => {
        earlyReturn = true;
        kill();
      };
      const onAbort = () => {
        canceled = true;
        kill();
      };
      request.signal?.addEventListener('abort', onAbort, { once: true });
      const timeout = setTimeout(() => {
        timedOut = true;
        kill();
      }, timeoutSeconds * 1000);

      // Pages are read strictly in order, one at a time, each deleted right after reading.
      let collecting = Promise.resolve();
      const collect = () => {
        collecting = collecting.then(async () => {
          while (!readFailure && existsSync(pageFile(nextPage))) {
            const file = pageFile(nextPage);
            try {
              const image = await readFile(file);
              await unlink(file);
              const size = pngSize(image);
              if (!size) throw createScanIoError({ message: 'The scanner returned an unreadable page.' });
              if (!canceled && !earlyReturn) {
                queue.push({
                  type: 'page',
                  index: nextPage - 1,
                  image,
                  format: 'png',
                  widthPx: size.width,
                  heightPx: size.height,
                  dpi: request.resolution,
                });
              }
              pagesRead++;
              nextPage++;
            } catch (error) {
              readFailure = error;
              kill();
            }
          }
        });
        return collecting;
      };

      const onLine = (line: string) => {
        let match: RegExpExecArray | null;
        if ((match = /^Progress: ([\d.]+)%/.exec(line))) {
          const fraction = Math.min(1, Math.max(0, Number(match[1]) / 100));
          if (fraction > lastFraction) {
            lastFraction = fraction;
            queue.push({ type: 'progress', index: currentPage - 1, fraction });
          }
        } else if ((match = /^Scanning page (\d+)/.exec(line))) {
          currentPage = Number(match[1]);
          lastFraction = -1;
          void collect();
        } else if (/^Scanned page \d+/.test(line)) {
          void collect();
        } else if ((match = /^scanimage: (?:sane_\w+|open of device .* failed): (.*)$/.exec(line))) {
          const failure = line.includes('open of device') ? openFailure(line) : failureFromMessage(match[1] ?? '');
          reported ??= failure ?? { error: createScanIoError, saneStatus: 'UNKNOWN' };
          graceTimer ??= setTimeout(kill, errorGraceMs);
        }
      };

      let buffered = '';
      child.stderr.setEncoding('latin1');
      child.stderr.on('data', (chunk: string) => {
        buffered += chunk;
        // --progress rewrites one line with \r; everything else ends with \n.
        const parts = buffered.split(/[\r\n]/);
        buffered = parts.pop() ?? '';
        for (const part of parts) if (part.trim()) onLine(part.trim());
      });

      const exit = await new Promise<{ code: number | null }>((resolve) => {
        child.once('error', (error: NodeJS.ErrnoException) => {
          spawnError = error;
          resolve({ code: null });
        });
        child.once('close', (code) => resolve({ code }));
      });
      if (buffered.trim()) onLine(buffered.trim());
      clearTimeout(timeout);
      clearTimeout(graceTimer);
      clearTimeout(killTimer);
      request.signal?.removeEventListener('abort', onAbort);

      try {
        // Pages finished before a jam or an abort are still delivered (unless canceled).
        if (!canceled && !timedOut && !earlyReturn) await collect();
        else await collecting;
      } finally {
        // Whatever happened, the citizen's pages must not stay on disk.
        await rm(dir, { recursive: true, force: true });
      }

      if (spawnError) {
        throw spawnError.code === 'ENOENT'
          ? createScanDeviceNotFoundError({ message: 'scanimage is not installed.' })
          : createScanIoError({ cause: spawnError });
      }
      if (canceled) throw createScanCanceledError();
      if (timedOut) throw createScanTimeoutError({ details: { timeoutSeconds } });
      if (readFailure) throw readFailure;
      if (earlyReturn) return;
      const failure = reported ?? failureFromStatus(exit.code);
      if (exit.code === 0 && !reported) {
        if (pagesRead === 0) throw createScanNoDocumentsError();
        return;
      }
      // With the feeder, running out of paper after at least one page is how a batch ends.
      if (failure?.saneStatus === 'NO_DOCS' && pagesRead > 0) return;
      if (exit.code === 0 && pagesRead > 0 && reported?.saneStatus === 'NO_DOCS') return;
      throw makeError(failure ?? { error: createScanIoError, saneStatus: `EXIT_${exit.code}` }, { pagesScanned: pagesRead });
    };

    run().then(
      () => queue.end(),
      (error: unknown) => queue.fail(error),
    );
    return queue.iterate();
  }

  return {
    kind: 'sane',
    capabilities: async () => (await deviceOptions()).capabilities,
    status,
    scan,
  };
}
