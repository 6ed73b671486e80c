import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// `npm start` and the benchmarks start the server with these flags; a flag this Node rejects
// would stop the server from starting at all.
const { flags } = JSON.parse(readFileSync(new URL('../../scripts/server-node-flags.json', import.meta.url), 'utf8')) as { flags: string[] };

describe('server Node flags (scripts/server-node-flags.json)', () => {
  it('are accepted by this Node and in effect', () => {
    expect(flags.length).toBeGreaterThan(0);
    const result = spawnSync(process.execPath, [...flags, '-'], { input: "console.log(process.execArgv.join(' '))", encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(flags.join(' '));
  });

  it('are the ones scripts/start.mjs passes', () => {
    const start = readFileSync(new URL('../../scripts/start.mjs', import.meta.url), 'utf8');
    expect(start).toContain("readFileSync(new URL('server-node-flags.json', import.meta.url)");
    expect(start).toMatch(/spawn\(process\.execPath, \[\.\.\.flags, '--import', 'tsx', 'src\/server\.ts'\]/);
  });
});
