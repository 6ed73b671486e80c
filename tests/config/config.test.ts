import { describe, expect, test } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, parseConfig, ConfigError } from '../../src/config/config.ts';
import { renderConfigSection } from '../../src/config/config.docs.ts';

const root = path.resolve(import.meta.dirname, '../..');

function writeConfig(content: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'druckpunkt-config-'));
  const file = path.join(dir, 'config.json');
  writeFileSync(file, content);
  return file;
}

describe('configuration', () => {
  test('without DRUCKPUNKT_CONFIG the demo site Lobeda with a file printer and a demo scanner is used', () => {
    const config = loadConfig({ env: {} });
    const site = config.sites[0]!;
    expect(site.id).toBe('lobeda');
    expect(site.name).toBe('Stadtteilbüro Lobeda');
    expect(site.terminals[0]).toMatchObject({ name: 'Terminal 1', addresses: ['127.0.0.1', '::1'] });
    expect(site.printers.map((p) => p.driver)).toEqual(['file']);
    expect(site.scanners.map((s) => s.driver)).toEqual(['demo']);
    expect(config.server.port).toBe(8631);
    expect(path.isAbsolute(config.dataDir)).toBe(true);
    expect(config.dataDir.endsWith(`${path.sep}data`)).toBe(true);
  });

  test('environment variables override port, host and data folder', () => {
    const config = loadConfig({
      env: { DRUCKPUNKT_PORT: '9100', DRUCKPUNKT_HOST: '::1', DRUCKPUNKT_DATA_DIR: '/tmp/dp-data' },
    });
    expect(config.server.port).toBe(9100);
    expect(config.server.host).toBe('::1');
    expect(config.dataDir).toBe('/tmp/dp-data');
  });

  test('DRUCKPUNKT_AUTO_RELEASE=1 switches every site to test mode', () => {
    expect(loadConfig({ env: {} }).sites.every((s) => !s.autoRelease)).toBe(true);
    expect(loadConfig({ env: { DRUCKPUNKT_AUTO_RELEASE: '1' } }).sites.every((s) => s.autoRelease)).toBe(true);
  });

  test('a broken configuration lists every problem with its place in one error', () => {
    const file = writeConfig(
      JSON.stringify({
        server: { port: 'eighty' },
        unknownKey: true,
        sites: [
          {
            id: 'Lobeda Ost',
            name: 'x',
            terminals: [{ id: 't1', name: 'T1', addresses: ['300.1.2.3', '10.0.0.0/40'] }],
            printers: [{ id: 'p1', name: 'P', driver: 'ipp', uri: 'http://printer' }],
          },
        ],
      }),
    );
    let error: unknown;
    try {
      loadConfig({ env: { DRUCKPUNKT_CONFIG: file, DRUCKPUNKT_PORT: '70000' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    const expectedPlaces = [
      'DRUCKPUNKT_PORT',
      'server.port',
      'sites.0.id',
      'sites.0.terminals.0.addresses.0',
      'sites.0.terminals.0.addresses.1',
      'sites.0.printers.0.uri',
      '(top level)',
    ];
    for (const place of expectedPlaces) expect(problems.some((p) => p.startsWith(`${place}:`))).toBe(true);
    expect((error as Error).message).toContain(`${problems.length} problem(s)`);
  });

  test('duplicate ids of sites, printers and terminals are reported', () => {
    const site = { id: 'a', name: 'A', terminals: [{ id: 't', name: 'T', addresses: ['::1'] }, { id: 't', name: 'U', addresses: ['10.1.1.1'] }], printers: [{ id: 'p', name: 'P', driver: 'file' }] };
    expect(() => parseConfig({ raw: { sites: [site, { ...site, terminals: [] }] } })).toThrowError(/duplicate site id "a"[\s\S]*duplicate printer id "p"|duplicate/);
    try {
      parseConfig({ raw: { sites: [site, { ...site, terminals: [] }] } });
    } catch (e) {
      const problems = (e as ConfigError).problems.join('\n');
      expect(problems).toContain('duplicate site id "a"');
      expect(problems).toContain('duplicate printer id "p"');
      expect(problems).toContain('duplicate terminal id "t"');
    }
  });

  test('a file that is not JSON is reported in plain words', () => {
    const file = writeConfig('{ "sites": [ ');
    expect(() => loadConfig({ env: { DRUCKPUNKT_CONFIG: file } })).toThrowError(/not valid JSON/);
  });

  test('the server refuses to start with a broken configuration: one message, exit code not 0', () => {
    const file = writeConfig(JSON.stringify({ sites: [{ id: 'BAD', name: '' }], server: { port: 0 } }));
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: root,
      env: { ...process.env, DRUCKPUNKT_CONFIG: file },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).not.toBe(0);
    expect(result.status).not.toBeNull();
    expect(result.stderr).toContain('problem(s)');
    expect(result.stderr).toContain('sites.0.id');
    expect(result.stderr).toContain('sites.0.name');
    expect(result.stderr).toContain('server.port');
    // One readable message, not a stack trace.
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  test("the README's configuration table is generated from the schema and up to date", () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(renderConfigSection(readme)).toBe(readme);
  });
});
