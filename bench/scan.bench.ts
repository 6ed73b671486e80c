/**
 * Issue 6's benchmark: the same 20 degraded A4 scans (fixtures/scan) made into a searchable PDF
 * by Druckpunkt (page pipeline → size-target export → tesseract text layer), by `img2pdf`
 * (lossless wrap, no OCR) and by `ocrmypdf` (default and -O3), side by side in one run: ms per
 * page, KB per page, and the word accuracy of each PDF's text against the fixtures' true text.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { makeTempDir, requireCommand } from '../tests/helpers/peers/process.ts';
import { wordAccuracy, wordsOf } from '../tests/scan/ocr/word-accuracy.ts';
import type { Benchmark, BenchOptions, Goal, Section } from './lib/section.ts';

const run = promisify(execFile);
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/scan');
/** The A4 text fixtures; 20 pages are these in turn (blank and ID card scans are no A4 text). */
const TEXT_PAGES = ['letter-de', 'letter-en', 'payslip-de', 'sparse-de'];
const PIPELINE_GOAL_MS = 250;
const SESSION_LIMIT_BYTES = 5_000_000;

type Page = { name: string; file: string; image: Buffer; dpi: number; text: string };
type Result = {
  tool: string;
  /** Image work per page (pipeline/wrap), ms; null where it cannot be told apart from OCR. */
  pipelineMs: number | null;
  /** CPU time of the pipeline per page over all threads (Druckpunkt only): less skewed by a busy machine. */
  pipelineCpuMs?: number;
  /** Export to PDF per page (Druckpunkt only), ms. */
  exportMs?: number;
  /** OCR per page, ms; for ocrmypdf the whole run (its steps are not separable from outside). */
  ocrMs: number | null;
  bytes: number;
  accuracy: number | null;
  note?: string;
};
type Side = { ok: true; value: Result } | { ok: false; tool: string; error: string };

export const scanBenchmark: Benchmark = { name: 'scan', run: runBenchmark };

/**
 * Another scan of the same sheet: fresh sensor noise (seeded, ±4 levels) and a new JPEG q80
 * encoding. Without it the 20 pages would be 4 images five times over, and tools that store
 * identical image streams once (Ghostscript in ocrmypdf's PDF/A step) would look 5× smaller.
 */
async function rescanOf(image: Buffer, dpi: number, seed: number): Promise<Buffer> {
  // A grey fixture stays grey, as a scanner delivers a page for the document preset (it asks for
  // grey): sharp would otherwise widen it to sRGB, a colour file with three times the decoding
  // work and more bytes for every tool.
  const grey = (await sharp(image).metadata()).channels === 1;
  const { data, info } = await (grey ? sharp(image).toColourspace('b-w') : sharp(image)).raw().toBuffer({ resolveWithObject: true });
  let state = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    data[i] = Math.max(0, Math.min(255, data[i]! + ((state & 7) - 4)));
  }
  return await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .toColourspace(info.channels === 1 ? 'b-w' : 'srgb')
    .withMetadata({ density: dpi })
    .jpeg({ quality: 80, mozjpeg: true })
    .toBuffer();
}

async function loadPages(count: number, dir: string): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < count; i++) {
    const name = TEXT_PAGES[i % TEXT_PAGES.length]!;
    const meta = JSON.parse(await readFile(path.join(FIXTURES, `${name}.json`), 'utf8')) as { dpi: number; file: string; text: string };
    const image = await rescanOf(await readFile(path.join(FIXTURES, meta.file)), meta.dpi, i + 1);
    const file = path.join(dir, `page-${String(i + 1).padStart(2, '0')}.jpg`);
    await writeFile(file, image);
    pages.push({ name, file, image, dpi: meta.dpi, text: meta.text });
  }
  return pages;
}

/** Word accuracy of a PDF's text layer, page by page against the truth, pooled over all words. */
async function accuracyOf(pdf: string, pages: Page[]): Promise<number> {
  const pdftotext = requireCommand('pdftotext', 'poppler-utils');
  let right = 0;
  let total = 0;
  for (const [i, page] of pages.entries()) {
    const { stdout } = await run(pdftotext, ['-f', String(i + 1), '-l', String(i + 1), pdf, '-'], { maxBuffer: 16 * 1024 * 1024 });
    const words = wordsOf(page.text).length;
    right += wordAccuracy(page.text, stdout) * words;
    total += words;
  }
  return total === 0 ? 0 : right / total;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

async function side(tool: string, fn: () => Promise<Result>): Promise<Side> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, tool, error: error instanceof Error ? error.message.split('\n')[0]! : String(error) };
  }
}

async function druckpunkt({ pages, serverDir, dir, log }: { pages: Page[]; serverDir: string; dir: string; log: BenchOptions['log'] }): Promise<Result[]> {
  // The measured code is the tree the report names (HEAD by default), not this checkout.
  const pipeline = (await import(path.join(serverDir, 'src/scan/pipeline/page-pipeline.ts'))) as typeof import('../src/scan/pipeline/page-pipeline.ts');
  const exporter = (await import(path.join(serverDir, 'src/scan/export/pdf-export.ts'))) as typeof import('../src/scan/export/pdf-export.ts');
  const ocr = (await import(path.join(serverDir, 'src/scan/ocr/ocr.ts'))) as typeof import('../src/scan/ocr/ocr.ts');
  const models = (await import(path.join(serverDir, 'src/scan/scan.models.ts'))) as typeof import('../src/scan/scan.models.ts');
  // libvips as the server sets it up at start (src/server.ts), when the measured tree does so.
  const runtimeModule = path.join(serverDir, 'src/shared/image-runtime.ts');
  if (existsSync(runtimeModule)) {
    const runtime = (await import(runtimeModule)) as typeof import('../src/shared/image-runtime.ts');
    log(`Druckpunkt: libvips concurrency ${runtime.configureImageRuntime().concurrency}, as the server sets it`);
  }
  const clock = { now: () => Date.now(), date: () => new Date() };
  // Warm-up: the first sharp/libvips call loads codecs; a running server is past that.
  await pipeline.processPage({ image: pages[0]!.image, dpi: pages[0]!.dpi, preset: 'document' });
  log('Druckpunkt: pipeline');
  const processed: Awaited<ReturnType<typeof pipeline.processPage>>[] = [];
  let pipelineMs = 0;
  const cpuBefore = process.cpuUsage();
  for (const page of pages) {
    const { value, ms } = await timed(() => pipeline.processPage({ image: page.image, dpi: page.dpi, preset: 'document' }));
    processed.push(value);
    pipelineMs += ms;
  }
  const cpu = process.cpuUsage(cpuBefore);
  const exportAt = (targetBytes: number) =>
    timed(() =>
      exporter.exportPdf({
        pages: processed.map((p) => ({ image: p.image, dpi: p.dpi, mode: p.mode })),
        targetBytes,
        reserveBytes: pages.length * models.OCR_RESERVE_BYTES_PER_PAGE,
        clock,
      }),
    );
  log('Druckpunkt: export at 5 MB');
  const exported = await exportAt(SESSION_LIMIT_BYTES);
  log('Druckpunkt: OCR');
  const recognised: Awaited<ReturnType<typeof ocr.ocrPage>>[] = [];
  const ocrRun = await timed(async () => {
    for (const p of processed) recognised.push(await ocr.ocrPage({ image: p.image, dpi: p.dpi }));
    return await ocr.addTextLayer({ pdf: exported.value.pdf, pages: recognised, placements: exported.value.placements });
  });
  const out = path.join(dir, 'druckpunkt.pdf');
  await writeFile(out, ocrRun.value);
  const at5: Result = {
    tool: 'Druckpunkt (document preset, 5 MB target = default, tesseract deu+eng)',
    pipelineMs: pipelineMs / pages.length,
    pipelineCpuMs: (cpu.user + cpu.system) / 1000 / pages.length,
    exportMs: exported.ms / pages.length,
    ocrMs: ocrRun.ms / pages.length,
    bytes: ocrRun.value.length,
    accuracy: await accuracyOf(out, pages),
    note: `export rung ${exported.value.settingsUsed.name}`,
  };
  // The same pages at the smallest limit the station offers; the recognised words are reused.
  log('Druckpunkt: export at 2 MB');
  const small = await exportAt(2_000_000);
  const smallPdf = await ocr.addTextLayer({ pdf: small.value.pdf, pages: recognised, placements: small.value.placements });
  const smallOut = path.join(dir, 'druckpunkt-2mb.pdf');
  await writeFile(smallOut, smallPdf);
  const at2: Result = {
    tool: 'Druckpunkt, 2 MB target',
    pipelineMs: at5.pipelineMs,
    pipelineCpuMs: at5.pipelineCpuMs,
    exportMs: small.ms / pages.length,
    ocrMs: at5.ocrMs,
    bytes: smallPdf.length,
    accuracy: await accuracyOf(smallOut, pages),
    note: `export rung ${small.value.settingsUsed.name}`,
  };
  return [at5, at2];
}

async function img2pdf({ pages, dir }: { pages: Page[]; dir: string }): Promise<{ result: Result; pdf: string }> {
  const bin = requireCommand('img2pdf', 'img2pdf');
  const out = path.join(dir, 'img2pdf.pdf');
  const { ms } = await timed(() => run(bin, ['-o', out, ...pages.map((p) => p.file)]));
  const bytes = (await readFile(out)).length;
  return { result: { tool: 'img2pdf (scans wrapped as they are, no OCR)', pipelineMs: ms / pages.length, ocrMs: null, bytes, accuracy: await accuracyOf(out, pages) }, pdf: out };
}

async function ocrmypdf({ input, pages, dir, optimize }: { input: string; pages: Page[]; dir: string; optimize: '1' | '3' }): Promise<Result> {
  const bin = requireCommand('ocrmypdf', 'ocrmypdf');
  const out = path.join(dir, `ocrmypdf-O${optimize}.pdf`);
  // Defaults otherwise: PDF/A output, all cores (--jobs), no deskew or cleaning.
  const args = ['-l', 'deu+eng', ...(optimize === '3' ? ['-O3'] : []), input, out];
  const { ms } = await timed(() => run(bin, args, { maxBuffer: 16 * 1024 * 1024 }));
  return {
    tool: optimize === '3' ? 'ocrmypdf -O3' : 'ocrmypdf (default, -O1)',
    pipelineMs: null,
    ocrMs: ms / pages.length,
    bytes: (await readFile(out)).length,
    accuracy: await accuracyOf(out, pages),
  };
}

const kb = (bytes: number, pages: number) => `${(bytes / 1024 / pages).toFixed(1)} KB`;
const msText = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${Math.round(v)} ms`);
const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)} %`);

async function runBenchmark({ quick, log, serverDir }: BenchOptions): Promise<Section> {
  const count = quick ? 4 : 20;
  const temp = await makeTempDir('bench-scan');
  const sides: Side[] = [];
  try {
    const pages = await loadPages(count, temp.dir);
    const own = await side('Druckpunkt', async () => {
      const [at5, at2] = await druckpunkt({ pages, serverDir, dir: temp.dir, log });
      sides.push({ ok: true, value: at2! });
      return at5!;
    });
    // The default target first in the table.
    sides.unshift(own);
    log('img2pdf');
    let wrapped: string | undefined;
    sides.push(
      await side('img2pdf', async () => {
        const r = await img2pdf({ pages, dir: temp.dir });
        wrapped = r.pdf;
        return r.result;
      }),
    );
    for (const optimize of ['1', '3'] as const) {
      log(`ocrmypdf -O${optimize}`);
      sides.push(
        await side(`ocrmypdf -O${optimize}`, async () => {
          if (!wrapped) throw new Error('no input: img2pdf failed');
          return await ocrmypdf({ input: wrapped, pages, dir: temp.dir, optimize });
        }),
      );
    }
  } finally {
    await temp.remove();
  }

  const ok = (tool: string) => sides.find((s): s is Extract<Side, { ok: true }> => s.ok && s.value.tool.startsWith(tool))?.value;
  const dp = ok('Druckpunkt');
  const o3 = ok('ocrmypdf -O3');
  const dp2 = ok('Druckpunkt, 2 MB');
  const goals: Goal[] = [
    {
      text: `page pipeline ≤ ${PIPELINE_GOAL_MS} ms per page on ${'2 cores'}`,
      met: dp ? dp.pipelineMs! <= PIPELINE_GOAL_MS : null,
      detail: dp
        ? `${msText(dp.pipelineMs)} per page wall time, ${msText(dp.pipelineCpuMs)} CPU (crop, deskew, whiten, blank check; export to PDF another ${msText(dp.exportMs)})`
        : 'Druckpunkt failed',
    },
    {
      text: '≤ half of ocrmypdf -O3’s KB/page at equal or better OCR accuracy',
      met: dp && o3 ? dp.bytes <= o3.bytes / 2 && dp.accuracy! >= o3.accuracy! : null,
      detail:
        dp && o3
          ? `${kb(dp.bytes, count)} vs. ${kb(o3.bytes, count)} (${((dp.bytes / o3.bytes) * 100).toFixed(0)} %), accuracy ${pct(dp.accuracy)} vs. ${pct(o3.accuracy)}; judged at the default 5 MB target${dp2 ? ` (at 2 MB: ${kb(dp2.bytes, count)}, ${((dp2.bytes / o3.bytes) * 100).toFixed(0)} %, accuracy ${pct(dp2.accuracy)})` : ''}`
          : 'a side failed',
    },
    {
      text: `a ${count}-page session under 5 MB (searchable PDF)`,
      met: dp ? dp.bytes < SESSION_LIMIT_BYTES : null,
      detail: dp ? `${(dp.bytes / 1_000_000).toFixed(2)} MB (${dp.note ?? ''})` : 'Druckpunkt failed',
    },
  ];
  const notes: string[] = [
    'Wall times depend on what else runs: on a shared machine with a load average far above the core count (see the footer) they are pessimistic for every tool; the CPU figure of the pipeline counts the time its threads actually ran.',
  ];
  for (const s of sides) if (!s.ok) notes.push(`${s.tool} failed: ${s.error}`);
  notes.push(
    'ocrmypdf runs with its defaults: tesseract on all cores (--jobs = 2 here), PDF/A output through Ghostscript; it neither deskews nor cleans unless asked. Druckpunkt OCRs one page at a time with one thread (OMP_THREAD_LIMIT=1) on purpose, so background OCR leaves a core to the station; its OCR ms/page is therefore a single-core figure against ocrmypdf’s two.',
    'ocrmypdf’s lower accuracy is mostly the skew: without --deskew its text layer follows the tilted lines, and pdftotext (like a portal reading the PDF) then breaks lines apart and reorders words; its own recognition on these pages is also weaker without the whitening Druckpunkt does first. `--deskew --clean` were not measured: the issue asks for the defaults and -O3.',
    '-O3 uses pngquant (installed) and would use jbig2enc for 1-bit images, which Debian 12 does not package; ocrmypdf then skips JBIG2.',
  );
  return {
    title: `Scan: ${count} degraded A4 pages to a searchable PDF, Druckpunkt vs. img2pdf and ocrmypdf (issue 6)`,
    method: [
      `The same ${count} scans, the four A4 text fixtures of fixtures/scan (German and English letter, payslip with 7.5–9 pt tables, a one-line page; 150–200 dpi JPEG, skewed up to 3.8°, grey paper, blur, noise and dust — see fixtures/scan/README.md) in turn, each copy with its own sensor noise and JPEG encoding like a second scan of the sheet (so no two pages are the same bytes), go through each tool in one run on this machine. Druckpunkt runs in the benchmark's process from the measured tree: processPage (document preset: crop, deskew, whiten, blank check, grey) per page, exportPdf with the 5 MB target the station offers by default (with room reserved for the text layer), then ocrPage (tesseract deu+eng, one thread) per page and addTextLayer — the same steps a scan session runs. One page is processed first as a warm-up.`,
      'img2pdf wraps the scans losslessly (no OCR; it is also the input for ocrmypdf, as a PDF from a scanner would be). ocrmypdf runs on that PDF with `-l deu+eng`, once with defaults (-O1) and once with -O3; its time is the whole run, its image work cannot be told apart from its OCR from outside.',
      'Accuracy: `pdftotext` of each page of each output against the true text of the fixture (from the PDF the fixture was rendered from), word accuracy = longest common word subsequence / true words, pooled over all pages (tests/scan/ocr/word-accuracy.ts).',
    ],
    tables: [
      {
        caption: `${count} pages; ms and KB per page`,
        columns: ['tool', 'pipeline ms/page', 'PDF export ms/page', 'OCR ms/page', 'KB/page', 'total', 'word accuracy'],
        rows: sides.map((s) =>
          s.ok
            ? [
                s.value.tool,
                msText(s.value.pipelineMs),
                msText(s.value.exportMs),
                msText(s.value.ocrMs),
                kb(s.value.bytes, count),
                `${(s.value.bytes / 1_000_000).toFixed(2)} MB`,
                s.value.ocrMs === null && s.value.accuracy === 0 ? '0 % (no text layer)' : pct(s.value.accuracy),
              ]
            : [s.tool, 'failed', '', '', '', '', ''],
        ),
      },
    ],
    goals,
    notes,
  };
}
