import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { Config } from './config.schema.ts';
import { demoConfig } from './demo-config.ts';

export { Config } from './config.schema.ts';
export type { SiteConfig, PrinterConfig, ScannerConfig, TerminalConfig, ReleaseConfig, QuotaConfig, LimitsConfig } from './config.schema.ts';

/** Thrown when the configuration cannot be used; `message` lists every problem, one per line. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(source: string, problems: string[]) {
    super(`Configuration ${source} has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;

/**
 * Loads the configuration once: the file named by DRUCKPUNKT_CONFIG (JSON) or the built-in demo,
 * then environment overrides, then the schema. Every problem, from the file or the environment,
 * ends up in one ConfigError.
 */
export function loadConfig({ env = process.env, cwd = process.cwd() }: { env?: Env; cwd?: string } = {}): Config {
  const file = env.DRUCKPUNKT_CONFIG;
  const source = file ? `file ${file}` : 'built-in demo configuration';
  let raw: unknown = structuredClone(demoConfig);
  if (file) {
    let text: string;
    try {
      text = readFileSync(path.resolve(cwd, file), 'utf8');
    } catch (error) {
      throw new ConfigError(source, [`cannot read the file: ${(error as NodeJS.ErrnoException).code ?? 'error'}`]);
    }
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(source, [`not valid JSON: ${(error as Error).message}`]);
    }
  }
  return parseConfig({ raw, env, source, cwd });
}

export function parseConfig({
  raw,
  env = {},
  source = 'configuration',
  cwd = process.cwd(),
}: {
  raw: unknown;
  env?: Env;
  source?: string;
  cwd?: string;
}): Config {
  const problems: string[] = [];
  const merged = applyEnvOverrides({ raw, env, problems });
  const result = Config.safeParse(merged);
  if (!result.success) problems.push(...result.error.issues.map(formatIssue));
  if (problems.length > 0 || !result.success) throw new ConfigError(source, problems);
  const config = result.data;
  config.dataDir = path.resolve(cwd, config.dataDir);
  return config;
}

function applyEnvOverrides({ raw, env, problems }: { raw: unknown; env: Env; problems: string[] }): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const out = { ...(raw as Record<string, unknown>) };
  const server = { ...((out.server as Record<string, unknown> | undefined) ?? {}) };
  if (env.DRUCKPUNKT_PORT !== undefined) {
    const port = Number(env.DRUCKPUNKT_PORT);
    if (!/^\d+$/.test(env.DRUCKPUNKT_PORT) || port < 1 || port > 65535)
      problems.push(`DRUCKPUNKT_PORT: must be a port number 1–65535, got "${env.DRUCKPUNKT_PORT}"`);
    else server.port = port;
  }
  if (env.DRUCKPUNKT_HOST) server.host = env.DRUCKPUNKT_HOST;
  if (env.DRUCKPUNKT_LOG_LEVEL) server.logLevel = env.DRUCKPUNKT_LOG_LEVEL;
  if (env.DRUCKPUNKT_PUBLIC_BASE_URL) server.publicBaseUrl = env.DRUCKPUNKT_PUBLIC_BASE_URL;
  if (Object.keys(server).length > 0) out.server = server;
  if (env.DRUCKPUNKT_DATA_DIR) out.dataDir = env.DRUCKPUNKT_DATA_DIR;
  if (env.DRUCKPUNKT_MASTER_KEY) out.masterKey = env.DRUCKPUNKT_MASTER_KEY;
  if (env.DRUCKPUNKT_AUTO_RELEASE === '1' && Array.isArray(out.sites)) {
    out.sites = out.sites.map((site) => (typeof site === 'object' && site ? { ...site, autoRelease: true } : site));
  }
  return out;
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
  return `${where}: ${issue.message}`;
}
