/**
 * Two variants of Druckpunkt's spool, measured against each other the way the spool benchmark
 * measures Druckpunkt against cupsd: both servers run side by side, get the same warm-up, and take
 * turns with rounds of 100 Print-Jobs (order rotating, background work done and a quiet second
 * before every round). A change to the request path is worth keeping only if it wins here by
 * more than the same code wins against itself — run `--a HEAD --b HEAD` first: on the 2-core
 * machine of 2026-11-27 an A/A run of 12 rounds gave medians 839 vs. 874 jobs/s (B/A per round
 * pair 0.90–1.09), another one 600 vs. 504.
 *
 *   npx tsx bench/ab-rounds.ts [--a REV] [--b REV|worktree] [--env-a K=V ...] [--env-b K=V ...]
 *     [--node-a FLAG ...] [--node-b FLAG ...] [--rounds 12] [--parallel 1] [--warmup 4000]
 *
 * REV is any git revision (exported with git archive, node_modules linked back); `worktree` is the
 * checkout as it is. Defaults: A = HEAD, B = the working tree. Prints one markdown table.
 */
import http from 'node:http';
import { statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchConfig, benchSite, startDruckpunkt, waitForIdleBackground, type DruckpunktProcess } from './lib/druckpunkt.ts';
import { sendPrintJob } from './lib/ipp-print.ts';
import { prepareServerTree, type ServerTree } from './lib/server-tree.ts';
import { bootstrapMedianInterval, percentile, runPool } from './lib/stats.ts';

const REPO = path.resolve(import.meta.dirname, '..');
const PDF = path.resolve(REPO, 'fixtures/pdf/gs-text-10-pages.pdf');
const PDF_BYTES = statSync(PDF).size;
const JOBS_PER_ROUND = 100;
const QUIET_MS = 1000;
const WARMUP_BLOCK = 500;

const { values } = parseArgs({
  options: {
    a: { type: 'string', default: 'HEAD' },
    b: { type: 'string', default: 'worktree' },
    'env-a': { type: 'string', multiple: true, default: [] },
    'env-b': { type: 'string', multiple: true, default: [] },
    'node-a': { type: 'string', multiple: true, default: [] },
    'node-b': { type: 'string', multiple: true, default: [] },
    rounds: { type: 'string', default: '12' },
    parallel: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '4000' },
  },
});

type Variant = { label: string; tree: ServerTree; server?: DruckpunktProcess; agent: http.Agent; rates: number[] };

const rounds = positive(values.rounds, 'rounds');
const parallel = positive(values.parallel, 'parallel');
const warmup = positive(values.warmup, 'warmup');
let requestId = 0;

const variants: Variant[] = [];
try {
  for (const side of ['a', 'b'] as const) {
    const rev = values[side];
    const envPairs = values[`env-${side}`];
    const nodeArgs = values[`node-${side}`];
    const tree = await prepareServerTree({ repoDir: REPO, workingTree: rev === 'worktree', rev });
    const variant: Variant = { label: [`${side.toUpperCase()}: ${rev}`, ...envPairs, ...nodeArgs].join(' '), tree, agent: new http.Agent({ keepAlive: true, maxSockets: parallel }), rates: [] };
    variants.push(variant);
    const env = Object.fromEntries(envPairs.map(splitPair));
    variant.server = await startDruckpunkt({ serverDir: tree.dir, config: benchConfig([benchSite({ holdHours: 72 })]), env, nodeArgs });
  }
  /** Background work of both done, then the same quiet time: what precedes every round. */
  const quiet = async () => {
    for (const other of variants) await waitForIdleBackground(other.server!);
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
  };
  // Warm-up in blocks, alternating, so the client (a V8 program too) is equally warm for both;
  // each block is followed by what precedes a round, so V8 has seen the /metrics polls and the
  // background work before the first round (see the warm-up in spool.bench.ts).
  for (let sent = 0; sent < warmup; sent += WARMUP_BLOCK) {
    for (const variant of variants) await runPool({ count: Math.min(WARMUP_BLOCK, warmup - sent), concurrency: parallel, task: () => send(variant) });
    await quiet();
  }
  for (let round = 0; round < rounds; round++) {
    for (let turn = 0; turn < variants.length; turn++) {
      const variant = variants[(round + turn) % variants.length]!;
      await quiet();
      const started = performance.now();
      const results = await runPool({ count: JOBS_PER_ROUND, concurrency: parallel, task: () => send(variant) });
      variant.rates.push((JOBS_PER_ROUND * 1000) / (Math.max(...results.map((r) => r.respondedAt)) - started));
    }
    process.stderr.write(`round ${round + 1} of ${rounds}: ${variants.map((v) => v.rates.at(-1)!.toFixed(0)).join(' / ')} jobs/s\n`);
  }
  const [a, b] = variants as [Variant, Variant];
  const ratios = a.rates.map((rate, i) => b.rates[i]! / rate);
  console.log(`| variant | median jobs/s | rounds (jobs/s) |\n|---|---|---|`);
  for (const v of variants) console.log(`| ${v.label} | ${percentile(v.rates, 50).toFixed(0)} | ${v.rates.map((r) => r.toFixed(0)).join(', ')} |`);
  const [low, high] = bootstrapMedianInterval(ratios);
  console.log(`\nB/A per round pair: median ${percentile(ratios, 50).toFixed(2)} (90 % bootstrap interval ${low.toFixed(2)}–${high.toFixed(2)}); B ahead in ${ratios.filter((r) => r > 1).length} of ${rounds}; ${parallel} client(s), ${warmup} warm-up jobs each.`);
} finally {
  for (const variant of variants) {
    variant.agent.destroy();
    await variant.server?.stop().catch(() => undefined);
    await variant.tree.remove();
  }
}

function send(variant: Variant) {
  return sendPrintJob({ printerUri: variant.server!.ippUri('lobeda'), file: PDF, fileSize: PDF_BYTES, jobName: 'ab', requestId: ++requestId, agent: variant.agent });
}

function positive(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number, not "${text}"`);
  return value;
}

function splitPair(pair: string): [string, string] {
  const at = pair.indexOf('=');
  if (at < 1) throw new Error(`expected NAME=VALUE, not "${pair}"`);
  return [pair.slice(0, at), pair.slice(at + 1)];
}
