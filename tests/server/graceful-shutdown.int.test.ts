import { describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from '../helpers/peers/index.ts';

const root = path.resolve(import.meta.dirname, '../..');
const pdf = readFileSync(path.join(root, 'fixtures/pdf/gs-text-3-pages.pdf'));

async function waitForHealth(port: number, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('server did not become healthy');
}

describe('server process', () => {
  test('an upload in flight during SIGTERM completes, then the server exits with code 0', async () => {
    const port = await findFreePort();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dp-shutdown-'));
    const server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: root,
      env: { ...process.env, DRUCKPUNKT_PORT: String(port), DRUCKPUNKT_DATA_DIR: dataDir, DRUCKPUNKT_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    server.stdout.on('data', (d) => (output += d));
    server.stderr.on('data', (d) => (output += d));
    try {
      await waitForHealth(port);
      const boundary = 'dpboundary';
      const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.pdf"\r\nContent-Type: application/pdf\r\n\r\n`);
      const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
      const body = Buffer.concat([head, pdf, tail]);
      const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = http.request(
          { host: '127.0.0.1', port, method: 'POST', path: '/api/jobs', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': body.length } },
          (res) => {
            let text = '';
            res.on('data', (d) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        request.on('error', reject);
        // Send the first half, signal the server, then the rest.
        request.write(body.subarray(0, body.length >> 1));
        setTimeout(() => {
          server.kill('SIGTERM');
          setTimeout(() => request.end(body.subarray(body.length >> 1)), 500);
        }, 300);
      });
      const result = await response;
      expect(result.status).toBe(201);
      expect(JSON.parse(result.body).job.pages).toBe(3);
      const [code] = await once(server, 'exit');
      expect(code).toBe(0);
      // New connections are refused once it is down.
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
      // Both connections (the main one and the checkpointer's) were closed: the last one folded the
      // WAL into the database file. A connection left open at exit would leave the WAL behind.
      expect(existsSync(path.join(dataDir, 'druckpunkt.sqlite'))).toBe(true);
      expect(existsSync(path.join(dataDir, 'druckpunkt.sqlite-wal'))).toBe(false);
    } finally {
      if (server.exitCode === null) server.kill('SIGKILL');
      if (server.exitCode === null && server.signalCode === null) await once(server, 'exit');
      if (process.env.DEBUG_SHUTDOWN) console.error(output);
    }
  });
});
