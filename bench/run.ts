/**
 * `npm run bench [-- --only <name>] [-- --quick]`: runs every benchmark of bench/*.bench.ts in
 * one go, each side by side with the peer it is compared to, and writes BENCHMARKS.md. A failing
 * benchmark is reported in the file with its error; the others still run. `--quick` writes to
 * bench/out/BENCHMARKS.quick.md instead, so a smoke test never replaces the published figures.
 * Druckpunkt is started from the committed HEAD unless `--working-tree` (see lib/server-tree.ts).
 * `--wait-quiet <seconds>` waits (at most that long) before each benchmark until the 1-minute
 * load average is below half the core count, since the machine may be shared.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { machineInfo, waitForQuiet } from './lib/machine.ts';
import { prepareServerTree } from './lib/server-tree.ts';
import { renderReport, type SectionResult } from './lib/report.ts';
import type { Benchmark } from './lib/section.ts';
import { spoolBenchmark } from './spool.bench.ts';
import { releaseBenchmark } from './release.bench.ts';
import { scanBenchmark } from './scan.bench.ts';

const BENCHMARKS: Benchmark[] = [spoolBenchmark, releaseBenchmark, scanBenchmark];
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
  let report = renderReport({ machine, results, quick, command, measured: tree.description });
  // `--only` replaces its own section and keeps the others from the file as they were.
  if (values.only) {
    const previous = await readFile(out, 'utf8').catch(() => undefined);
    if (previous) report = keepOtherSections({ previous, report, order: BENCHMARKS.map((b) => b.name) });
  }
  await writeFile(out, report);
  console.error(`wrote ${path.relative(process.cwd(), out) || out}`);
}

type ReportParts = { head: string[]; summary: string[]; sections: Map<string, string[]> };

/**
 * Splits a report from renderReport into its head (up to the summary table's header), summary
 * rows and sections; a section is named by the order of the names in the summary rows, as
 * renderReport writes both in the same order. Undefined when the file does not have that shape.
 */
function splitReport(text: string): ReportParts | undefined {
  const lines = text.replace(/\n$/, '').split('\n');
  const start = lines.indexOf('| benchmark | goal | met | figure |');
  if (start < 0) return undefined;
  const head = lines.slice(0, start + 2);
  let i = start + 2;
  const summary: string[] = [];
  while (i < lines.length && lines[i]!.startsWith('| ')) summary.push(lines[i++]!);
  const names = [...new Set(summary.map((row) => row.split(' | ')[0]!.slice(2)))];
  const chunks: string[][] = [];
  for (; i < lines.length; i++) {
    if (lines[i]!.startsWith('## ')) chunks.push([]);
    chunks.at(-1)?.push(lines[i]!);
  }
  if (chunks.length !== names.length) return undefined;
  return { head, summary, sections: new Map(names.map((name, k) => [name, chunks[k]!])) };
}

function keepOtherSections({ previous, report, order }: { previous: string; report: string; order: string[] }): string {
  const before = splitReport(previous);
  const now = splitReport(report);
  if (!before || !now) return report;
  const cell = (head: string[], key: string) => head.find((l) => l.startsWith(`| ${key} |`))?.split(' | ')[1]?.replace(/ \|$/, '');
  const kept = [...before.sections.keys()].filter((name) => !now.sections.has(name));
  if (kept.length === 0) return report;
  const sections = new Map([...before.sections, ...now.sections]);
  const names = [...sections.keys()].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
  const rowsOf = (parts: ReportParts, name: string) => parts.summary.filter((row) => row.startsWith(`| ${name} |`));
  // Sections the previous file had itself kept from an older run keep that run's date and commit.
  const keptBefore = before.head.find((line) => line.startsWith(`Sections ${kept.join(', ')} are kept from the run of `));
  const origin = keptBefore ?? `Sections ${kept.join(', ')} are kept from the run of ${cell(before.head, 'date') ?? '?'} at commit ${cell(before.head, 'git commit') ?? '?'}; the machine table describes this run.`;
  const head = [...now.head];
  head.splice(head.indexOf('## Summary'), 0, origin, '');
  const summary = names.flatMap((name) => rowsOf(now.sections.has(name) ? now : before, name));
  const body = names.flatMap((name) => ['', ...trimBlank(sections.get(name)!)]);
  return `${[...head, ...summary, ...body].join('\n')}\n`;
}

function trimBlank(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && lines[end - 1] === '') end--;
  return lines.slice(0, end);
}

// The peer harnesses end their process groups in an 'exit' handler; make Ctrl-C reach it.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
