import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createTestApp } from '../helpers/test-app.ts';
import { contentSecurityPolicy, webPages } from '../../src/web/web.routes.ts';

// A dist folder shaped like Vite's output; the real build is exercised by shell.e2e.test.ts.
function createDist() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'druckpunkt-web-'));
  for (const { page } of webPages) {
    mkdirSync(path.join(dir, page), { recursive: true });
    writeFileSync(path.join(dir, page, 'index.html'), `<!doctype html><title>${page}</title>`);
  }
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'assets', 'shared-AbC123.js'), 'export const x = 1;');
  return dir;
}

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function appWith(webDistDir: string) {
  const ctx = await createTestApp({ webDistDir });
  cleanup.push(() => ctx.close());
  return ctx.app;
}

describe('web routes', () => {
  test.each([
    ['/', 'terminal'],
    ['/?lang=ar', 'terminal'],
    ['/terminal/', 'terminal'],
    ['/station', 'station'],
    ['/station/', 'station'],
    ['/station?lang=tr', 'station'],
    ['/staff', 'staff'],
    ['/staff/?x=1', 'staff'],
  ])('%s serves the %s page as uncached HTML with strict security headers', async (url, page) => {
    const dist = createDist();
    cleanup.push(() => rmSync(dist, { recursive: true, force: true }));
    const app = await appWith(dist);
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(`<!doctype html><title>${page}</title>`);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['content-security-policy']).toBe(contentSecurityPolicy);
  });

  test('the policy allows only our own scripts and styles and forbids framing', () => {
    const directives = new Map(contentSecurityPolicy.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    expect(directives.get('default-src')).toBe("'self'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('style-src')).toBe("'self'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(directives.get('base-uri')).toBe("'none'");
    expect(directives.get('form-action')).toBe("'self'");
    expect(directives.get('connect-src')).toBe("'self' ws://127.0.0.1:* http://127.0.0.1:*");
    expect(contentSecurityPolicy).not.toContain('unsafe');
  });

  test('hashed assets are cached for a year as immutable', async () => {
    const dist = createDist();
    cleanup.push(() => rmSync(dist, { recursive: true, force: true }));
    const app = await appWith(dist);
    const res = await app.inject({ method: 'GET', url: '/assets/shared-AbC123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('export const x = 1;');
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  test('a missing asset answers the usual 404 JSON error', async () => {
    const dist = createDist();
    cleanup.push(() => rmSync(dist, { recursive: true, force: true }));
    const app = await appWith(dist);
    const res = await app.inject({ method: 'GET', url: '/assets/nope-123.js' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'http.not_found', message: expect.any(String) } });
  });

  test('paths outside the assets folder cannot be reached through it', async () => {
    const dist = createDist();
    cleanup.push(() => rmSync(dist, { recursive: true, force: true }));
    const app = await appWith(dist);
    for (const url of ['/assets/../terminal/index.html', '/assets/%2e%2e/terminal/index.html', '/assets/..%2fterminal%2findex.html']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.body, url).not.toContain('<title>terminal</title>');
    }
  });

  test('without a build, the pages answer 503 web.not_built instead of a bare 404', async () => {
    const missing = path.join(os.tmpdir(), `druckpunkt-no-web-${process.pid}-${Date.now()}`);
    const app = await appWith(missing);
    for (const url of ['/', '/station', '/staff']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(503);
      expect(res.json()).toEqual({ error: { code: 'web.not_built', message: expect.any(String) } });
    }
  });

  test('a build that appears while the server runs is served without a restart', async () => {
    const dist = path.join(os.tmpdir(), `druckpunkt-late-web-${process.pid}-${Date.now()}`);
    cleanup.push(() => rmSync(dist, { recursive: true, force: true }));
    const app = await appWith(dist);
    expect((await app.inject({ method: 'GET', url: '/staff' })).statusCode).toBe(503);
    mkdirSync(path.join(dist, 'staff'), { recursive: true });
    writeFileSync(path.join(dist, 'staff', 'index.html'), '<!doctype html><title>late</title>');
    mkdirSync(path.join(dist, 'assets'));
    writeFileSync(path.join(dist, 'assets', 'late-1.css'), 'body{}');
    const page = await app.inject({ method: 'GET', url: '/staff' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('late');
    expect((await app.inject({ method: 'GET', url: '/assets/late-1.css' })).statusCode).toBe(200);
  });
});
