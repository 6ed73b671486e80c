/**
 * Issue 5's benchmark: from the moment the release station accepts a code until the first byte
 * of the document's Print-Job reaches a real ippeveprinter, over many releases of a 10-page job.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startIppEvePrinter } from '../tests/helpers/peers/index.ts';
import { multipartFile } from '../tests/helpers/multipart.ts';
import { benchConfig, benchSite, startDruckpunkt, type DruckpunktProcess } from './lib/druckpunkt.ts';
import { startFirstByteProxy } from './lib/first-byte-proxy.ts';
import type { Benchmark, BenchOptions, Section } from './lib/section.ts';
import { ms, summarize } from './lib/stats.ts';

const PDF = path.resolve(import.meta.dirname, '../fixtures/pdf/gs-text-10-pages.pdf');
const PRINTER_ID = 'bench-printer';
const GOAL_P95_MS = 150;

export const releaseBenchmark: Benchmark = { name: 'release', run };

type Sample = { acceptedToFirstByte: number; printSentToFirstByte: number; loginMs: number; printResponseMs: number };

async function run({ quick, log, serverDir }: BenchOptions): Promise<Section> {
  const releases = quick ? 5 : 100;
  const warmup = quick ? 1 : 3;
  const pdf = readFileSync(PDF);

  // keepFiles false: 100 documents need not pile up in the spool; the print command exits 0.
  const printer = await startIppEvePrinter({ name: 'Bench Printer', keepFiles: false, formats: ['application/pdf', 'image/pwg-raster', 'image/urf'] });
  try {
    const proxy = await startFirstByteProxy({ targetHost: '127.0.0.1', targetPort: printer.port });
    try {
      const site = benchSite({
        printers: [{ id: PRINTER_ID, name: 'Bench', driver: 'ipp', uri: `ipp://127.0.0.1:${proxy.port}/ipp/print` }],
        quota: { pagesPerSession: 100_000, pagesPerTerminalPerDay: 100_000, pagesPerSitePerDay: 1_000_000 },
      });
      const server = await startDruckpunkt({ serverDir, config: benchConfig([site]) });
      try {
        return await server.withLog(async () => {
        log(`${warmup} warm-up releases`);
        for (let i = 0; i < warmup; i++) await releaseOnce({ server, pdf, proxyIndex: proxy, index: i });
        const samples: Sample[] = [];
        log(`${releases} measured releases`);
        for (let i = 0; i < releases; i++) {
          samples.push(await releaseOnce({ server, pdf, proxyIndex: proxy, index: warmup + i }));
          if ((i + 1) % 20 === 0) log(`${i + 1}/${releases}`);
        }
        return report({ samples, warmup });
        });
      } finally {
        await server.stop();
      }
    } finally {
      await proxy.close();
    }
  } finally {
    await printer.stop();
  }
}

function report({ samples, warmup }: { samples: Sample[]; warmup: number }): Section {
  const accepted = summarize(samples.map((s) => s.acceptedToFirstByte));
  const sent = summarize(samples.map((s) => s.printSentToFirstByte));
  const login = summarize(samples.map((s) => s.loginMs));
  const printResponse = summarize(samples.map((s) => s.printResponseMs));
  const row = (label: string, s: ReturnType<typeof summarize>) => [label, String(s.count), ms(s.p50), ms(s.p95), ms(s.max), ms(s.mean)];
  return {
    title: 'Release: code accepted → first byte at the printer (issue 5)',
    method: [
      `Druckpunkt runs as a separate process (\`node --import tsx src/server.ts\`, log level warn) with one \`ipp\` printer whose URI points at a small TCP proxy in front of a real ippeveprinter (tests/helpers/peers; PDF, PWG raster and URF; a print command that exits at once). The proxy forwards bytes unchanged and timestamps the first byte of each Print-Job request body (the IPP header, which the document follows in the same stream).`,
      `Each release: the 10-page PDF (gs-text-10-pages.pdf) is uploaded through \`POST /api/jobs\` from 127.0.0.1, its first preview fetched (as the terminal page shows it), then \`POST /api/release/login { printerId, code }\` — t0 is when its response arrives — and at once \`POST /api/release/print\` with the station cookie. t1 is the first Print-Job body byte at the proxy. The benchmark then waits until Druckpunkt reports the job completed, logs the station out and ends the terminal session (\`POST /api/terminal/session/end\`), so every release has a new code. ${warmup} warm-up releases are not counted.`,
    ],
    tables: [
      {
        caption: `${samples.length} releases of a 10-page PDF, one after another`,
        columns: ['interval', 'n', 'p50', 'p95', 'max', 'mean'],
        rows: [
          row('code accepted (login response) → first byte at printer', accepted),
          row('print request sent → first byte at printer', sent),
          row('login request → response', login),
          row('print request → 202 response', printResponse),
        ],
      },
    ],
    goals: [
      {
        text: `code accepted → first byte at ippeveprinter ≤ ${GOAL_P95_MS} ms p95`,
        met: accepted.p95 <= GOAL_P95_MS,
        detail: `p50 ${ms(accepted.p50)}, p95 ${ms(accepted.p95)}`,
      },
    ],
    notes: [
      'The station does one Get-Printer-Attributes (readiness) before answering the print request, and the driver sends Print-Job after the 202; both are inside t1 − t0.',
    ],
  };
}

async function releaseOnce({
  server,
  pdf,
  proxyIndex: proxy,
  index,
}: {
  server: DruckpunktProcess;
  pdf: Buffer;
  proxyIndex: { printJobs: number[]; waitForPrintJob: (args: { index: number; timeoutMs: number }) => Promise<number> };
  index: number;
}): Promise<Sample> {
  const base = server.baseUrl;
  const upload = multipartFile({ filename: `Antrag-${index}.pdf`, contentType: 'application/pdf', data: pdf });
  const uploaded = await fetch(`${base}/api/jobs`, { method: 'POST', headers: upload.headers, body: upload.payload });
  if (uploaded.status !== 201) throw new Error(`upload: HTTP ${uploaded.status} ${await uploaded.text()}`);
  const { job, code } = (await uploaded.json()) as { job: { id: number; pages: number }; code: string };
  if (job.pages !== 10) throw new Error(`upload counted ${job.pages} pages, expected 10`);

  // The terminal page shows the preview while the citizen walks to the printer.
  const preview = await fetch(`${base}/api/terminal/jobs/${job.id}/pages/1/preview.png`);
  await preview.arrayBuffer();
  if (preview.status !== 200) throw new Error(`preview: HTTP ${preview.status}`);

  const printJobIndex = proxy.printJobs.length;
  const loginSent = performance.now();
  const login = await fetch(`${base}/api/release/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ printerId: PRINTER_ID, code }),
  });
  const t0 = performance.now();
  const loginBody = await login.text();
  if (login.status !== 200) throw new Error(`login: HTTP ${login.status} ${loginBody}`);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('dp_station='));
  if (!cookie) throw new Error('login set no station cookie');

  const printSent = performance.now();
  const print = await fetch(`${base}/api/release/print`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ printerId: PRINTER_ID }),
  });
  const printAnswered = performance.now();
  const printBody = await print.text();
  if (print.status !== 202) throw new Error(`print: HTTP ${print.status} ${printBody}`);
  const outcomes = (JSON.parse(printBody) as { outcomes: Array<{ jobId: number; started: boolean; errorCode?: string }> }).outcomes;
  if (!outcomes.some((o) => o.jobId === job.id && o.started)) throw new Error(`print did not start the job: ${printBody}`);
  const t1 = await proxy.waitForPrintJob({ index: printJobIndex, timeoutMs: 30_000 });

  await waitForCompleted({ base, cookie, jobId: job.id });
  await fetch(`${base}/api/release/logout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ printerId: PRINTER_ID }),
  });
  const ended = await fetch(`${base}/api/terminal/session/end`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ deleteJobs: false }),
  });
  if (ended.status !== 204) throw new Error(`session end: HTTP ${ended.status} ${await ended.text()}`);

  return { acceptedToFirstByte: t1 - t0, printSentToFirstByte: t1 - printSent, loginMs: t0 - loginSent, printResponseMs: printAnswered - printSent };
}

/** Until the follower has seen the job complete, so the next release meets an idle printer. */
async function waitForCompleted({ base, cookie, jobId }: { base: string; cookie: string; jobId: number }): Promise<void> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const response = await fetch(`${base}/api/release/jobs?printerId=${PRINTER_ID}`, { headers: { cookie } });
    const body = (await response.json()) as { jobs?: Array<{ id: number; state: string; stateReason: string | null }> };
    const job = body.jobs?.find((j) => j.id === jobId);
    if (!job || job.state === 'completed') return;
    if (job.state === 'aborted' || job.state === 'canceled') throw new Error(`job ${job.state}: ${job.stateReason ?? ''}`);
    if (performance.now() > deadline) throw new Error(`job still ${job.state} after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
