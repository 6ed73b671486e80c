import { execFile } from 'node:child_process';
import { appendFile, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import { createFolderScannerDriver } from '../../../src/scan/scanners/folder.scanner-driver.ts';
import type { ScanEvent } from '../../../src/scan/scanners/scanner-driver.ts';
import { requireCommand } from '../../helpers/peers/process.ts';
import { runScannerDriverContract } from './scanner-driver.contract.ts';

const run = promisify(execFile);

// Pages as an MFP writes them: JPEG/PNG/TIFF with a density, one file per page.
async function pageImage(format: 'jpeg' | 'png' | 'tiff', n: number): Promise<Buffer> {
  const img = sharp({ create: { width: 827, height: 1169, channels: 3, background: { r: 250, g: 250, b: 245 } } })
    .composite([{ input: { text: { text: `Seite ${n}`, dpi: 300 } }, top: 100, left: 100 }])
    .withMetadata({ density: 100 });
  return format === 'jpeg' ? img.jpeg().toBuffer() : format === 'png' ? img.png().toBuffer() : img.tiff().toBuffer();
}

async function makeFolder() {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'druckpunkt-hotfolder-test-'));
  const tempRoot = await mkdtemp(path.join(os.tmpdir(), 'druckpunkt-hotfolder-tmp-'));
  return { directory, tempRoot, cleanup: async () => { await rm(directory, { recursive: true, force: true }); await rm(tempRoot, { recursive: true, force: true }); } };
}

const fast = { pollMs: 40, idleEndMs: 400, firstPageTimeoutMs: 800 };

async function collect(iterable: AsyncIterable<ScanEvent>) {
  const events: ScanEvent[] = [];
  try {
    for await (const e of iterable) events.push(e);
    return { events, error: undefined as unknown };
  } catch (error) {
    return { events, error };
  }
}

runScannerDriverContract({
  name: 'folder (hot folder)',
  createHarness: async ({ inject } = {}) => {
    const folder = await makeFolder();
    const driver = createFolderScannerDriver({ directory: folder.directory, tempRoot: folder.tempRoot, ...fast });
    return {
      driver,
      loadPages: async ({ pages }) => {
        if (inject === 'scan.no_documents') return; // nothing ever arrives
        const formats = ['jpeg', 'png', 'tiff'] as const;
        for (let i = 0; i < pages; i++) {
          const format = formats[i % 3]!;
          await writeFile(path.join(folder.directory, `scan_${String(i).padStart(3, '0')}.${format}`), await pageImage(format, i + 1));
        }
      },
      leftoverFiles: async () => [...(await readdir(folder.directory)), ...(await readdir(folder.tempRoot))],
      cleanup: folder.cleanup,
    };
  },
  feederPages: 4,
  exactDpi: false,
  reportsProgress: false,
  failures: ['scan.no_documents'],
});

describe('folder scanner driver', () => {
  test('a PDF from the MFP becomes one rendered page per PDF page, and the PDF is deleted', async () => {
    requireCommand('gs', 'ghostscript');
    requireCommand('pdftoppm', 'poppler-utils');
    const folder = await makeFolder();
    try {
      // A real producer's PDF: Ghostscript draws three A4 pages.
      const pdf = path.join(folder.tempRoot, 'src.pdf');
      await run('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-sDEVICE=pdfwrite', '-sPAPERSIZE=a4', `-sOutputFile=${pdf}`, '-c', 'showpage showpage showpage']);
      const driver = createFolderScannerDriver({ directory: folder.directory, tempRoot: folder.tempRoot, pdfDpi: 100, ...fast });
      const scanning = collect(driver.scan({ source: 'adf', resolution: 200, mode: 'gray' }));
      await run('cp', [pdf, path.join(folder.directory, 'SCAN0001.PDF')]);
      const { events, error } = await scanning;
      expect(error).toBeUndefined();
      const pages = events.filter((e) => e.type === 'page');
      expect(pages).toHaveLength(3);
      for (const page of pages) {
        expect(page.dpi).toBe(100);
        expect(Math.abs(page.widthPx - (210 / 25.4) * 100)).toBeLessThan(3);
      }
      expect(await readdir(folder.directory)).toEqual([]);
      expect((await readdir(folder.tempRoot)).filter((n) => n !== 'src.pdf')).toEqual([]);
    } finally {
      await folder.cleanup();
    }
  });

  test('a file still being written is not taken until its size holds still', async () => {
    const folder = await makeFolder();
    try {
      const driver = createFolderScannerDriver({ directory: folder.directory, tempRoot: folder.tempRoot, ...fast, pollMs: 300 });
      const png = await pageImage('png', 1);
      const file = path.join(folder.directory, 'slow.png');
      await writeFile(file, png.subarray(0, 1000));
      const scanning = collect(driver.scan({ source: 'flatbed', resolution: 200, mode: 'color' }));
      // Keep appending for a while, like a slow network share.
      for (let offset = 1000; offset < png.length; offset += Math.ceil(png.length / 6)) {
        await new Promise((r) => setTimeout(r, 50));
        await appendFile(file, png.subarray(offset, Math.min(png.length, offset + Math.ceil(png.length / 6))));
      }
      const { events, error } = await scanning;
      expect(error).toBeUndefined();
      expect(events.filter((e) => e.type === 'rejected')).toEqual([]);
      const pages = events.filter((e) => e.type === 'page');
      expect(pages).toHaveLength(1);
      expect(pages[0]!.image.equals(png)).toBe(true);
    } finally {
      await folder.cleanup();
    }
  });

  test('an unreadable file is reported as rejected and deleted, without ending the scan', async () => {
    const folder = await makeFolder();
    try {
      const driver = createFolderScannerDriver({ directory: folder.directory, tempRoot: folder.tempRoot, ...fast });
      await writeFile(path.join(folder.directory, 'a.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
      await writeFile(path.join(folder.directory, 'b.txt'), 'hello');
      await writeFile(path.join(folder.directory, 'c.png'), await pageImage('png', 1));
      const { events, error } = await collect(driver.scan({ source: 'adf', resolution: 200, mode: 'color' }));
      expect(error).toBeUndefined();
      expect(events.filter((e) => e.type === 'rejected').map((e) => e.type === 'rejected' && e.reason).sort()).toEqual(['unreadable', 'unsupported']);
      expect(events.filter((e) => e.type === 'page')).toHaveLength(1);
      expect(await readdir(folder.directory)).toEqual([]);
    } finally {
      await folder.cleanup();
    }
  });

  test('files left from an abandoned scan long ago are deleted unread when a scan starts', async () => {
    const folder = await makeFolder();
    try {
      const old = path.join(folder.directory, 'old.png');
      await writeFile(old, await pageImage('png', 1));
      const hourAgo = new Date(Date.now() - 3_600_000);
      await utimes(old, hourAgo, hourAgo);
      const driver = createFolderScannerDriver({ directory: folder.directory, tempRoot: folder.tempRoot, ...fast });
      const { events, error } = await collect(driver.scan({ source: 'adf', resolution: 200, mode: 'color' }));
      expect(events.filter((e) => e.type === 'page')).toEqual([]);
      expect(error).toMatchObject({ code: 'scan.no_documents' });
      expect(await readdir(folder.directory)).toEqual([]);
    } finally {
      await folder.cleanup();
    }
  });

  test('a folder that does not exist is reported unavailable and scanning there fails with scan.device_not_found', async () => {
    const driver = createFolderScannerDriver({ directory: path.join(os.tmpdir(), 'druckpunkt-no-such-folder-xyz'), ...fast });
    expect(await driver.status()).toEqual({ state: 'unavailable', reason: 'scan.device_not_found' });
    const { error } = await collect(driver.scan({ source: 'adf', resolution: 200, mode: 'color' }));
    expect(error).toMatchObject({ code: 'scan.device_not_found' });
  });
});
