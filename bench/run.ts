/**
 * `npm run bench [-- --only <name>] [-- --quick]`: runs every benchmark of bench/*.bench.ts in
 * one go, each side by side with the peer it is compared to, and writes BENCHMARKS.md. A failing
 * benchmark is reported in the file with its error; the others still run. `--quick` writes to
 * bench/out/BENCHMARKS.quick.md instead, so a smoke test never replaces the published figures.
 * Druckpunkt is started from the committed HEAD unless `--working-tree` (see lib/server-tree.ts).
 * `--wait-quiet <seconds>` waits (at most that long) before each benchmark until the 1-minute
 * load average is below half the core count, since the machine may be shared.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { machineInfo, waitForQuiet } from './lib/machine.ts';
import { prepareServerTree } from './lib/server-tree.ts';
import { renderReport, type SectionResult } from './lib/report.ts';
import type { Benchmark } from './lib/section.ts';
import { spoolBenchmark } from './spool.bench.ts';
import { releaseBenchmark } from './release.bench.ts';

const BENCHMARKS: Benchmark[] = [spoolBenchmark, releaseBenchmark];
const repoDir = path.resolve(import.meta.dirname, '..');

async function main() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      'working-tree': { type: 'boolean', default: false },
      'wait-quiet': { type: 'string' },
    },
  });
  const selected = values.only ? BENCHMARKS.filter((b) => b.name === values.only) : BENCHMARKS;
  if (selected.length === 0) {
    console.error(`no benchmark named "${values.only}"; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const quick = values.quick ?? false;
  const workingTree = values['working-tree'] ?? false;
  const machine = await machineInfo({ repoDir, workingTree });
  const tree = await prepareServerTree({ repoDir, workingTree });
  const results: SectionResult[] = [];
  for (const benchmark of selected) {
    const started = performance.now();
    const log = (message: string) => console.error(`[${benchmark.name}] ${message}`);
    if (values['wait-quiet']) await waitForQuiet({ below: os.cpus().length / 2, maxSeconds: Number(values['wait-quiet']), log });
    const loadBefore = os.loadavg()[0]!;
    log(quick ? 'starting (quick)' : 'starting');
    try {
      const section = await benchmark.run({ quick, log, serverDir: tree.dir });
      results.push({ name: benchmark.name, section, seconds: (performance.now() - started) / 1000, load: { before: loadBefore, after: os.loadavg()[0]! } });
      log('done');
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      results.push({ name: benchmark.name, error: message, seconds: (performance.now() - started) / 1000, load: { before: loadBefore, after: os.loadavg()[0]! } });
      log(`FAILED: ${message}`);
    }
  }
  await tree.remove();
  const flags = [...(values.only ? [`--only ${values.only}`] : []), ...(quick ? ['--quick'] : []), ...(workingTree ? ['--working-tree'] : [])];
  const command = ['npm run bench', ...(flags.length ? ['--', ...flags] : [])].join(' ');
  // A quick run is a smoke test: it must not overwrite the published figures.
  const out = path.resolve(repoDir, values.out ?? (quick ? 'bench/out/BENCHMARKS.quick.md' : 'BENCHMARKS.md'));
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, renderReport({ machine, results, quick, command, measured: tree.description }));
  console.error(`wrote ${path.relative(process.cwd(), out) || out}`);
}

// The peer harnesses end their process groups in an 'exit' handler; make Ctrl-C reach it.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
