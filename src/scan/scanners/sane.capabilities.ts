import {
  COMMON_RESOLUTIONS,
  type ScanMode,
  type ScanSource,
  type ScannerCapabilities,
} from './scanner-driver.ts';

/**
 * What `scanimage -d DEV -A` tells about a device, kept with the device's own option values so a
 * scan can pass them back verbatim (`--source "Automatic Document Feeder"`, `--mode Gray`).
 */
export type SaneDeviceOptions = {
  capabilities: ScannerCapabilities;
  /** Our source → the device's `--source` value, plus extra argv (e.g. `--adf-mode Duplex`). */
  sourceArgs: Partial<Record<ScanSource, string[]>>;
  /** Our mode → the device's `--mode` value. */
  modeNames: Partial<Record<ScanMode, string>>;
  /** Continuous resolution range, when the device has one (any integer dpi inside is accepted). */
  resolutionRange?: { min: number; max: number };
  /** Whether the device has `-x`/`-y` geometry options (then we ask for the whole glass). */
  hasGeometry: boolean;
};

type RawOption = { name: string; values: string; current: string };

// An option line looks like `    --mode Gray|Color [Gray]` or `    -x 0..215.9mm (in steps of 0.1) [215.9]`.
const OPTION_LINE = /^\s+(--?[A-Za-z][\w-]*)(?:\[=\([^)]*\)\])?\s+(.*?)\s+\[([^\]]*)\]\s*$/;

function parseRawOptions(text: string): Map<string, RawOption> {
  const options = new Map<string, RawOption>();
  for (const line of text.split('\n')) {
    const match = OPTION_LINE.exec(line);
    if (!match) continue;
    const [, name, values, current] = match;
    if (!name || values === undefined || current === undefined) continue;
    // `[inactive]` options cannot be set now; a scan must not pass them.
    if (current === 'inactive') continue;
    if (!options.has(name)) options.set(name, { name, values, current });
  }
  return options;
}

function listValues(values: string): string[] {
  // Units stick to the last value (`75|150|300dpi`); ranges are not lists.
  return values
    .replace(/\s*\(.*\)\s*$/, '')
    .split('|')
    .map((v) => v.replace(/(dpi|mm|pel|bit|%)$/, '').trim())
    .filter((v) => v.length > 0);
}

function parseRange(values: string): { min: number; max: number } | undefined {
  const match = /^(-?[\d.]+)\.\.(-?[\d.]+)/.exec(values);
  if (!match) return undefined;
  return { min: Number(match[1]), max: Number(match[2]) };
}

function classifySource(value: string): ScanSource | undefined {
  const v = value.toLowerCase();
  if (v.includes('duplex')) return 'adf-duplex';
  if (v.includes('adf') || v.includes('feeder') || v.includes('automatic')) return 'adf';
  if (v.includes('flatbed') || v.includes('platen') || v.includes('normal') || v.includes('glass')) return 'flatbed';
  return undefined;
}

function classifyMode(value: string): ScanMode | undefined {
  const v = value.toLowerCase();
  if (v === 'color' || v === 'colour' || v === 'rgb' || v.startsWith('24bit')) return 'color';
  if (v === 'gray' || v === 'grey' || v === 'grayscale' || v === 'greyscale' || v.startsWith('8bit')) return 'gray';
  if (v === 'lineart' || v === 'binary' || v === 'black & white' || v === 'monochrome' || v === 'halftone') {
    return 'lineart';
  }
  return undefined;
}

/** Parses `scanimage -d DEV -A` (= `--all-options`) output into capabilities and argv values. */
export function parseSaneOptions(text: string): SaneDeviceOptions {
  const options = parseRawOptions(text);

  const sourceArgs: Partial<Record<ScanSource, string[]>> = {};
  const sourceOption = options.get('--source');
  if (sourceOption) {
    for (const value of listValues(sourceOption.values)) {
      const source = classifySource(value);
      // The first matching device value wins ("ADF Front" before "ADF Back").
      if (source && !sourceArgs[source]) sourceArgs[source] = ['--source', value];
    }
  } else {
    // Devices without a --source option are flatbeds (most USB photo scanners).
    sourceArgs.flatbed = [];
  }
  // Some backends select duplex with a separate option on the feeder source.
  const adfMode = options.get('--adf-mode');
  if (adfMode && sourceArgs.adf && !sourceArgs['adf-duplex']) {
    const duplexValue = listValues(adfMode.values).find((v) => v.toLowerCase().includes('duplex'));
    if (duplexValue) sourceArgs['adf-duplex'] = [...sourceArgs.adf, '--adf-mode', duplexValue];
  }
  if (Object.keys(sourceArgs).length === 0) sourceArgs.flatbed = [];

  const modeNames: Partial<Record<ScanMode, string>> = {};
  const modeOption = options.get('--mode');
  if (modeOption) {
    for (const value of listValues(modeOption.values)) {
      const mode = classifyMode(value);
      if (mode && !modeNames[mode]) modeNames[mode] = value;
    }
  }

  let resolutions: number[] = [];
  let resolutionRange: { min: number; max: number } | undefined;
  const resolutionOption = options.get('--resolution');
  if (resolutionOption) {
    const range = parseRange(resolutionOption.values);
    if (range) {
      resolutionRange = { min: Math.ceil(range.min), max: Math.floor(range.max) };
      resolutions = COMMON_RESOLUTIONS.filter((r) => r >= range.min && r <= range.max);
    } else {
      resolutions = listValues(resolutionOption.values)
        .map(Number)
        .filter((n) => Number.isFinite(n) && n > 0);
    }
  }
  resolutions = [...new Set(resolutions)].sort((a, b) => a - b);

  const xRange = options.get('-x') ? parseRange(options.get('-x')!.values) : undefined;
  const yRange = options.get('-y') ? parseRange(options.get('-y')!.values) : undefined;
  const sources = (['flatbed', 'adf', 'adf-duplex'] as const).filter((s) => sourceArgs[s] !== undefined);
  const modes = (['color', 'gray', 'lineart'] as const).filter((m) => modeNames[m] !== undefined);

  return {
    capabilities: {
      sources,
      duplex: sources.includes('adf-duplex'),
      resolutions,
      modes,
      // A4 is the assumption when the backend does not report its geometry.
      maxAreaMm: { width: xRange?.max ?? 210, height: yRange?.max ?? 297 },
    },
    sourceArgs,
    modeNames,
    ...(resolutionRange ? { resolutionRange } : {}),
    hasGeometry: xRange !== undefined && yRange !== undefined,
  };
}
