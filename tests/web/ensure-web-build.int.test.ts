import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// Runs the real script and the real Vite build on a copy of web/, never on the shared checkout.
const repo = fileURLToPath(new URL('../..', import.meta.url));
const script = path.join(repo, 'scripts', 'ensure-web-build.mjs');
let root: string;

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'druckpunkt-webbuild-'));
  cpSync(path.join(repo, 'web'), path.join(root, 'web'), {
    recursive: true,
    filter: (source) => {
      const name = path.basename(source);
      return !(source === path.join(repo, 'web', 'dist') || name.startsWith('.dist-') || name === '.build-lock');
    },
  });
  for (const file of ['package-lock.json', 'tsconfig.json']) cpSync(path.join(repo, file), path.join(root, file));
  symlinkSync(path.join(repo, 'node_modules'), path.join(root, 'node_modules'), 'dir');
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function run(...args: string[]) {
  const started = performance.now();
  return new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>((resolve) => {
    const child = spawn(process.execPath, [script, '--root', root, ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

const dist = () => path.join(root, 'web', 'dist');
const builtAssets = () => readdirSync(path.join(dist(), 'assets'));

describe('ensure-web-build', () => {
  test('builds the three pages when there is no build yet', async () => {
    const result = await run();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/web pages built/);
    for (const page of ['terminal', 'station', 'staff']) {
      const html = readFileSync(path.join(dist(), page, 'index.html'), 'utf8');
      expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/[\w-]+\.js"><\/script>/);
    }
    expect(readFileSync(path.join(dist(), '.build-stamp'), 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
  });

  test('with unchanged sources it does nothing, quickly', async () => {
    const before = readFileSync(path.join(dist(), 'terminal', 'index.html'), 'utf8');
    const result = await run();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/up to date \((\d+) ms\)/);
    const ownMs = Number(/\((\d+) ms\)/.exec(result.stdout)![1]);
    expect(ownMs).toBeLessThan(300);
    expect(readFileSync(path.join(dist(), 'terminal', 'index.html'), 'utf8')).toBe(before);
  });

  test('a new modification time alone (as after git clone) does not rebuild', async () => {
    const file = path.join(root, 'web', 'shared', 'styles.css');
    const future = new Date(Date.now() + 60_000);
    utimesSync(file, future, future);
    const result = await run();
    expect(result.stdout).toMatch(/up to date/);
  });

  test('a changed source is rebuilt and the new text is served from new hashed assets', async () => {
    const assetsBefore = builtAssets();
    const catalogFile = path.join(root, 'web', 'shared', 'i18n', 'de.json');
    const catalog = JSON.parse(readFileSync(catalogFile, 'utf8')) as Record<string, string>;
    catalog['terminal.title'] = 'Drucken, Scannen und Kopieren';
    writeFileSync(catalogFile, JSON.stringify(catalog, null, 2));
    const result = await run();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/sources changed/);
    const changed = builtAssets().filter((name) => !assetsBefore.includes(name));
    expect(changed.length).toBeGreaterThan(0);
    const bundles = changed.filter((name) => name.endsWith('.js')).map((name) => readFileSync(path.join(dist(), 'assets', name), 'utf8'));
    expect(bundles.some((code) => code.includes('Drucken, Scannen und Kopieren'))).toBe(true);
    expect(readdirSync(path.join(root, 'web')).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  test('two builds started together wait for each other and leave one complete build', async () => {
    rmSync(dist(), { recursive: true, force: true });
    const [first, second] = await Promise.all([run(), run()]);
    expect([first.code, second.code]).toEqual([0, 0]);
    const outputs = [first.stdout, second.stdout];
    expect(outputs.filter((out) => /web pages built/.test(out))).toHaveLength(1);
    expect(outputs.filter((out) => /just built by another process/.test(out))).toHaveLength(1);
    for (const page of ['terminal', 'station', 'staff']) expect(existsSync(path.join(dist(), page, 'index.html'))).toBe(true);
  });
});
