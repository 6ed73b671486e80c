import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createFilePrinterDriver } from '../../../src/release/printers/file.printer-driver.ts';
import { contractOptions, runPrinterDriverContract } from './printer-driver.contract.ts';
import { makeTestPdf } from './test-pdf.ts';

let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'dp-file-printer-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function printedFiles(): Promise<string[]> {
  // Arrival order: names only carry whole seconds, the file times carry nanoseconds.
  const names = (await readdir(directory)).filter((name) => name.endsWith('.pdf'));
  const withTimes = await Promise.all(
    names.map(async (name) => ({ name, at: (await stat(path.join(directory, name), { bigint: true })).mtimeNs })),
  );
  return withTimes.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)).map(({ name }) => name);
}

runPrinterDriverContract({
  name: 'file',
  createDriver: () => createFilePrinterDriver({ id: 'file-test', directory }),
  receivedPages: async () => {
    const counts: number[] = [];
    for (const name of await printedFiles()) {
      counts.push((await PDFDocument.load(await readFile(path.join(directory, name)))).getPageCount());
    }
    return counts;
  },
});

describe('file printer driver', () => {
  test('a folder that cannot be written makes the printer not ready with a reason', async () => {
    const blocker = path.join(directory, 'not-a-folder');
    await writeFile(blocker, 'x');
    const driver = createFilePrinterDriver({ id: 'broken', directory: path.join(blocker, 'printed') });

    expect(await driver.readiness()).toEqual({
      ready: false,
      state: 'stopped',
      reasons: ['folder-not-writable'],
      blocking: ['folder-not-writable'],
    });
    await expect(
      driver.submit({ pdf: await makeTestPdf({ pages: 1 }), pages: 1, options: contractOptions() }),
    ).rejects.toMatchObject({ code: 'printer.not_ready' });
  });

  test('the printed file carries copies in its name and never the job or document name', async () => {
    const driver = createFilePrinterDriver({ id: 'names', directory });
    const { printerJobRef } = await driver.submit({
      pdf: await makeTestPdf({ pages: 2 }),
      pages: 2,
      options: contractOptions({ copies: 4, jobName: 'Bewerbung Müller.pdf' }),
    });

    expect(printerJobRef).toMatch(/-2p-4c\.pdf$/);
    expect(printerJobRef).not.toMatch(/Bewerbung|Müller|Druckpunkt/);
    expect(await printedFiles()).toContain(printerJobRef);
  });

  test('a stream that fails half-way leaves no file behind, not even a temporary one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dp-file-printer-fail-'));
    const driver = createFilePrinterDriver({ id: 'fail', directory: dir });
    async function* failing() {
      yield Buffer.from('%PDF-1.7\n');
      throw new Error('upstream broke');
    }
    const { Readable } = await import('node:stream');

    await expect(driver.submit({ pdf: Readable.from(failing()), pages: 1, options: contractOptions() })).rejects.toMatchObject({
      code: 'printer.not_ready',
    });
    expect(await readdir(dir)).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  });

  test('a reference whose file was removed reports unknown, and a foreign reference is rejected', async () => {
    const driver = createFilePrinterDriver({ id: 'gone', directory });
    const { printerJobRef } = await driver.submit({ pdf: await makeTestPdf({ pages: 1 }), pages: 1, options: contractOptions() });
    await rm(path.join(directory, printerJobRef));

    expect(await driver.status(printerJobRef)).toEqual({ state: 'unknown', pagesCompleted: 0, reasons: ['job-not-found'] });
    await expect(driver.status('../../etc/passwd')).rejects.toMatchObject({ code: 'printer.rejected' });
  });
});
