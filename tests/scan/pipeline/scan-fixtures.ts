import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = fileURLToPath(new URL('../../../fixtures/scan/', import.meta.url));

/** The truth sidecar of a fixture (see fixtures/scan/README.md). */
export type ScanFixture = {
  name: string;
  file: string;
  kind: 'document' | 'sparse' | 'blank' | 'id-card';
  color: boolean;
  dpi: number;
  widthPx: number;
  heightPx: number;
  skewDeg: number;
  lid: 'dark' | 'none';
  paper: { widthMm: number; heightMm: number; widthPx: number; heightPx: number; centerPx: { x: number; y: number } };
  blank: boolean;
  text: string;
};

export const FIXTURE_NAMES = ['letter-de', 'letter-en', 'payslip-de', 'sparse-de', 'blank-noise', 'id-front', 'id-back'] as const;

export async function loadFixture(name: string): Promise<{ truth: ScanFixture; image: Buffer }> {
  const truth = JSON.parse(await readFile(path.join(FIXTURES_DIR, `${name}.json`), 'utf8')) as ScanFixture;
  return { truth, image: await readFile(path.join(FIXTURES_DIR, truth.file)) };
}
