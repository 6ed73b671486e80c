import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import {
  createScanCanceledError,
  createScanDeviceNotFoundError,
  createScanNoDocumentsError,
} from '../scan.errors.ts';
import { createEventQueue } from './event-queue.ts';
import type { ScanEvent, ScanPageEvent, ScanRequest, ScannerDriver, ScannerStatus } from './scanner-driver.ts';

export type FolderScannerDriverArgs = {
  /** The folder the MFP's "scan to network folder" writes into (e.g. a Samba share). */
  directory: string;
  /** How often the folder is looked at. A file is taken once its size and mtime held still for one interval. */
  pollMs?: number;
  /** A scan with no file arriving within this time ends with `scan.no_documents`. */
  firstPageTimeoutMs?: number;
  /** After the last page, the scan ends when nothing new arrived for this long. */
  idleEndMs?: number;
  /**
   * Files already in the folder that are older than this when a scan starts belong to nobody (an
   * abandoned scan): they are deleted unread. Younger ones are taken, because citizens often start
   * the MFP before tapping "Scannen".
   */
  staleAfterMs?: number;
  /** Resolution PDF pages are rendered at. */
  pdfDpi?: number;
  /** Where PDF rendering happens (a private 0700 dir per file, removed at once). */
  tempRoot?: string;
  pdftoppmPath?: string;
};

const IGNORED = /(^\.|\.part$|\.tmp$|~$|\.crdownload$)/i;

type Kind = 'jpeg' | 'png' | 'tiff' | 'pdf';

function sniff(head: Buffer): Kind | undefined {
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.subarray(0, 8).toString('hex') === '89504e470d0a1a0a') return 'png';
  const tag = head.subarray(0, 4).toString('latin1');
  if (tag === 'II*\u0000' || tag === 'MM\u0000*') return 'tiff';
  if (head.subarray(0, 1024).toString('latin1').includes('%PDF-')) return 'pdf';
  return undefined;
}

/**
 * DPI of an image file. Many MFPs write 72 (a placeholder) or nothing into JPEG headers; then the
 * page is assumed to be A4 wide, which is what a hot folder at a citizen office receives.
 */
function dpiOf(density: number | undefined, widthPx: number): number {
  if (density !== undefined && density >= 100 && density <= 2400) return Math.round(density);
  return Math.max(50, Math.round(widthPx / (210 / 25.4)));
}

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
 * A hot folder as a scanner. Files that appear (JPEG, PNG, TIFF, PDF) become pages of the scan
 * that is running at this scanner, in order of arrival; each file is deleted as soon as it is read.
 *
 * PDFs (what most MFPs send) are rendered page by page with poppler's `pdftoppm` at `pdfDpi`
 * (default 200) to PNG, because the page pipeline needs pixels anyway (crop, deskew, size target).
 * Multi-page TIFFs give one PNG page per TIFF page; JPEG and PNG pass through unchanged.
 * Source, mode and resolution of the request are decided at the MFP's panel, not here.
 */
export function createFolderScannerDriver({
  directory,
  pollMs = 500,
  firstPageTimeoutMs = 180_000,
  idleEndMs = 20_000,
  staleAfterMs = 10 * 60_000,
  pdfDpi = 200,
  tempRoot = os.tmpdir(),
  pdftoppmPath = 'pdftoppm',
}: FolderScannerDriverArgs): ScannerDriver {
  async function folderExists(): Promise<boolean> {
    try {
      return (await stat(directory)).isDirectory();
    } catch {
      return false;
    }
  }

  async function listCandidates(): Promise<{ name: string; size: number; mtimeMs: number }[]> {
    const entries = await readdir(directory, { withFileTypes: true });
    const files = [];
    for (const entry of entries) {
      if (!entry.isFile() || IGNORED.test(entry.name)) continue;
      try {
        const s = await stat(path.join(directory, entry.name));
        files.push({ name: entry.name, size: s.size, mtimeMs: s.mtimeMs });
      } catch {
        // gone between readdir and stat (another scan took it)
      }
    }
    return files.sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name));
  }

  async function removeAll(): Promise<void> {
    for (const file of await listCandidates().catch(() => [])) {
      await unlink(path.join(directory, file.name)).catch(() => {});
    }
  }

  async function renderPdf(pdf: Buffer): Promise<Buffer[]> {
    const dir = await mkdtemp(path.join(tempRoot, 'druckpunkt-hotfolder-'));
    try {
      const input = path.join(dir, 'in.pdf');
      await writeFile(input, pdf, { mode: 0o600 });
      await new Promise<void>((resolve, reject) => {
        execFile(pdftoppmPath, ['-png', '-r', String(pdfDpi), input, path.join(dir, 'page')], { timeout: 120_000 }, (error) =>
          error ? reject(error) : resolve(),
        );
      });
      await unlink(input);
      const names = (await readdir(dir)).filter((n) => n.endsWith('.png')).sort();
      const pages: Buffer[] = [];
      for (const name of names) {
        pages.push(await readFile(path.join(dir, name)));
        await unlink(path.join(dir, name));
      }
      return pages;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Turns one file's bytes into zero or more pages (without indexes yet). */
  async function toPages(bytes: Buffer): Promise<Omit<ScanPageEvent, 'index'>[] | 'unsupported' | 'unreadable'> {
    const kind = sniff(bytes);
    if (!kind) return 'unsupported';
    try {
      if (kind === 'jpeg' || kind === 'png') {
        const meta = await sharp(bytes).metadata();
        const widthPx = meta.width;
        const heightPx = meta.height;
        if (!widthPx || !heightPx) return 'unreadable';
        return [{ type: 'page', image: bytes, format: kind, widthPx, heightPx, dpi: dpiOf(meta.density, widthPx) }];
      }
      if (kind === 'tiff') {
        const meta = await sharp(bytes).metadata();
        const count = meta.pages ?? 1;
        const pages: Omit<ScanPageEvent, 'index'>[] = [];
        for (let page = 0; page < count; page++) {
          const { data, info } = await sharp(bytes, { page }).png().toBuffer({ resolveWithObject: true });
          pages.push({ type: 'page', image: data, format: 'png', widthPx: info.width, heightPx: info.height, dpi: dpiOf(meta.density, info.width) });
        }
        return pages;
      }
      const rendered = await renderPdf(bytes);
      if (rendered.length === 0) return 'unreadable';
      const pages: Omit<ScanPageEvent, 'index'>[] = [];
      for (const image of rendered) {
        const meta = await sharp(image).metadata();
        pages.push({ type: 'page', image, format: 'png', widthPx: meta.width ?? 0, heightPx: meta.height ?? 0, dpi: pdfDpi });
      }
      return pages;
    } catch {
      return 'unreadable';
    }
  }

  async function status(): Promise<ScannerStatus> {
    return (await folderExists()) ? { state: 'ready' } : { state: 'unavailable', reason: createScanDeviceNotFoundError.code };
  }

  function scan(request: ScanRequest): AsyncIterable<ScanEvent> {
    const stopController = new AbortController();
    const queue = createEventQueue<ScanEvent>({ onReturn: () => stopController.abort() });
    const signal = request.signal ? AbortSignal.any([request.signal, stopController.signal]) : stopController.signal;

    const run = async () => {
      if (request.signal?.aborted) throw createScanCanceledError();
      if (!(await folderExists())) throw createScanDeviceNotFoundError();
      const started = Date.now();
      for (const file of await listCandidates()) {
        if (started - file.mtimeMs > staleAfterMs) await unlink(path.join(directory, file.name)).catch(() => {});
      }
      const seen = new Map<string, string>(); // name → "size:mtime" at the previous look
      let index = 0;
      let lastActivity = Date.now();
      for (;;) {
        if (signal.aborted) break;
        const files = await listCandidates();
        let pending = false;
        for (const file of files) {
          if (signal.aborted) break;
          const fingerprint = `${file.size}:${file.mtimeMs}`;
          // Only a file that held still since the last look is finished being written.
          if (file.size === 0 || seen.get(file.name) !== fingerprint) {
            seen.set(file.name, fingerprint);
            pending = true;
            lastActivity = Date.now();
            continue;
          }
          const full = path.join(directory, file.name);
          let bytes: Buffer;
          try {
            bytes = await readFile(full);
            await unlink(full);
          } catch {
            continue; // taken by someone else meanwhile
          } finally {
            seen.delete(file.name);
          }
          lastActivity = Date.now();
          const pages = await toPages(bytes);
          if (typeof pages === 'string') {
            queue.push({ type: 'rejected', reason: pages });
            continue;
          }
          for (const page of pages) {
            if (signal.aborted) break;
            queue.push({ ...page, index: index++ });
          }
        }
        if (signal.aborted) break;
        const idle = Date.now() - lastActivity;
        if (!pending && index > 0 && idle >= idleEndMs) return;
        if (!pending && index === 0 && Date.now() - started >= firstPageTimeoutMs) throw createScanNoDocumentsError();
        await sleep(pollMs, signal);
      }
      // Canceled or left early: what arrived for this session must not wait for the next citizen.
      await removeAll();
      if (request.signal?.aborted) throw createScanCanceledError();
    };

    run().then(
      () => queue.end(),
      (error: unknown) => queue.fail(error),
    );
    return queue.iterate();
  }

  return {
    kind: 'folder',
    capabilities: async () => ({
      // What the MFP can do is chosen on its own panel; these are what Druckpunkt accepts from it.
      sources: ['flatbed', 'adf'],
      duplex: false,
      resolutions: [100, 150, 200, 300, 400, 600],
      modes: ['color', 'gray', 'lineart'],
      maxAreaMm: { width: 216, height: 356 },
    }),
    status,
    scan,
  };
}
