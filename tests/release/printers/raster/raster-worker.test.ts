import { describe, expect, it } from 'vitest';
import { renderRasterStream, type RasterJob } from '../../../../src/release/printers/raster/raster-stream.ts';
import { pdfToRaster } from '../../../../src/release/printers/raster/raster-worker.ts';
import { makeTestPdf } from '../test-pdf.ts';

async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The longest time the event loop went without running a 1 ms interval while `work` ran. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  try {
    await work();
    longest = Math.max(longest, performance.now() - last);
  } finally {
    clearInterval(timer);
  }
  return longest;
}

describe('raster worker', () => {
  it('streams exactly what rendering on this thread gives, for PWG raster and URF with copies', async () => {
    const pdf = await makeTestPdf({ pages: 2 });
    const jobs: RasterJob[] = [
      { pdf, pages: 2, target: { format: 'image/pwg-raster', type: 'sgray_8', dpi: 150 }, sides: 'one-sided', media: 'iso_a4_210x297mm' },
      { pdf, pages: 2, target: { format: 'image/urf', type: 'W8', dpi: 150 }, sides: 'two-sided-long-edge', media: 'iso_a4_210x297mm', copiesInStream: 2 },
    ];
    for (const job of jobs) {
      const inThread = await collect(renderRasterStream(job));
      const fromWorker = await collect(pdfToRaster(job));
      expect(fromWorker.length).toBeGreaterThan(1000);
      expect(fromWorker.equals(inThread)).toBe(true);
    }
  });

  it('keeps the event loop free while pages are drawn', async () => {
    const pdf = await makeTestPdf({ pages: 2 });
    const job: RasterJob = { pdf, pages: 2, target: { format: 'image/pwg-raster', type: 'srgb_8', dpi: 600 }, sides: 'one-sided', media: 'iso_a4_210x297mm' };
    // Calibrated on this machine: how long the loop stalls when the pages are drawn on it.
    const onThisThread = await longestStall(() => collect(renderRasterStream(job)));
    const inWorker = await longestStall(() => collect(pdfToRaster(job)));
    expect(onThisThread).toBeGreaterThan(100);
    expect(inWorker).toBeLessThan(onThisThread / 2);
  });

  it('fails the stream when the document does not have the pages the headers promised', async () => {
    const pdf = await makeTestPdf({ pages: 2 });
    const job: RasterJob = { pdf, pages: 3, target: { format: 'image/pwg-raster', type: 'sgray_8', dpi: 72 }, sides: 'one-sided', media: 'iso_a4_210x297mm' };
    await expect(collect(pdfToRaster(job))).rejects.toThrow('the document has 2 pages, not 3');
  });

  it('fails the stream for a document pdfjs cannot read', async () => {
    const job: RasterJob = { pdf: Buffer.from('%PDF-1.7\nnot really a pdf\n'), pages: 1, target: { format: 'image/urf', type: 'W8', dpi: 72 }, sides: 'one-sided', media: 'iso_a4_210x297mm' };
    await expect(collect(pdfToRaster(job))).rejects.toThrow();
  });

  it('ends the worker when the consumer stops early', async () => {
    const pdf = await makeTestPdf({ pages: 4 });
    const stream = pdfToRaster({ pdf, pages: 4, target: { format: 'image/pwg-raster', type: 'sgray_8', dpi: 300 }, sides: 'one-sided', media: 'iso_a4_210x297mm' });
    const first = await stream.next();
    expect(first.done).toBe(false);
    expect(first.value!.subarray(0, 4).toString('latin1')).toBe('RaS2');
    const started = performance.now();
    await expect(stream.return(undefined)).resolves.toEqual({ done: true, value: undefined });
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
