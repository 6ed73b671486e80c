import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

describe('the server process main thread', () => {
  it('loads no pdfjs: built-ins stay native (pdfjs legacy replaces Array.prototype.push, Set and Iterator methods)', () => {
    // A fresh process, as `npm start` has it: every module of the server loaded, nothing run.
    const script = `
      const before = { push: Array.prototype.push, union: Set.prototype.union, withResolvers: Promise.withResolvers, iteratorMap: globalThis.Iterator?.prototype.map };
      await import('./src/app.ts');
      await import('./src/server.ts');
      // core-js makes its polyfills print as native code, so compare identities.
      const after = { push: Array.prototype.push, union: Set.prototype.union, withResolvers: Promise.withResolvers, iteratorMap: globalThis.Iterator?.prototype.map };
      console.log(JSON.stringify({
        ...Object.fromEntries(Object.keys(before).map((key) => [key, before[key] === after[key] ? 'untouched' : 'replaced'])),
        pdfjsLib: typeof globalThis.pdfjsLib,
      }));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ push: 'untouched', union: 'untouched', withResolvers: 'untouched', iteratorMap: 'untouched', pdfjsLib: 'undefined' });
  });
});
