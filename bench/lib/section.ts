/**
 * What a benchmark hands back to `bench/run.ts`: a section of BENCHMARKS.md. Figures are
 * pre-formatted strings so each benchmark decides its own units and precision.
 */
export type Table = {
  caption?: string;
  columns: string[];
  rows: string[][];
};

export type Goal = {
  /** The goal as the issue states it, e.g. "first preview ready ≤ 300 ms after the job arrives". */
  text: string;
  /** null when it could not be judged (e.g. that side of the benchmark failed). */
  met: boolean | null;
  /** The figure it was judged by, e.g. "p95 212 ms". */
  detail: string;
};

export type Section = {
  title: string;
  /** What was measured and how, one paragraph per entry. */
  method: string[];
  tables: Table[];
  goals: Goal[];
  /** Failures of one side, caveats, observations. */
  notes: string[];
};

export type BenchOptions = {
  /** Fewer iterations: a smoke test that the benchmark still runs, not figures to publish. */
  quick: boolean;
  /** Where to start Druckpunkt from (see server-tree.ts): HEAD exported, or the checkout. */
  serverDir: string;
  /** Progress on stderr; never part of the report. */
  log: (message: string) => void;
};

export type Benchmark = {
  /** Short id for `--only <name>`. */
  name: string;
  run: (options: BenchOptions) => Promise<Section>;
};
