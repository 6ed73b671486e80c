import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { createTestApp } from '../helpers/test-app.ts';
import { multipartFile } from '../helpers/multipart.ts';
import { storedDocumentNames } from '../helpers/stored-documents.ts';

export type TestCtx = Awaited<ReturnType<typeof createTestApp>>;

export const PRINTER = 'lobeda-drucker';
export const pdf3 = readFileSync(path.resolve(import.meta.dirname, '../../fixtures/pdf/gs-text-3-pages.pdf'));

/** Uploads a document from the demo terminal and waits until its first preview is stored, so no write is still in flight. */
export async function upload(ctx: TestCtx, { name = 'brief.pdf', data = pdf3 }: { name?: string; data?: Buffer } = {}) {
  const res = await ctx.app.inject({ method: 'POST', url: '/api/jobs', remoteAddress: '127.0.0.1', ...multipartFile({ filename: name, contentType: 'application/pdf', data }) });
  expect(res.statusCode).toBe(201);
  const body = res.json() as { job: { id: number }; code: string };
  await waitFor(() => count(ctx, 'SELECT COUNT(*) AS n FROM print_job_previews WHERE job_id = ?', body.job.id) > 0);
  return body;
}

export async function waitFor(condition: () => boolean, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function count(ctx: TestCtx, sql: string, ...params: unknown[]): number {
  return (ctx.db.prepare(sql).get(...params) as { n: number }).n;
}

export function keysOf(ctx: TestCtx, jobId: number): number {
  return count(ctx, 'SELECT COUNT(*) AS n FROM document_keys WHERE owner_id = ?', `job:${jobId}`);
}

/**
 * What the encrypted store holds: files in its folder and ciphertexts inline in the database
 * (what a crash or a missed shred would leave).
 */
export function storedFiles(ctx: TestCtx): string[] {
  return storedDocumentNames({ db: ctx.db, dataDir: ctx.dataDir });
}

/** Logs in at the station with the code and prints the given jobs (default: all of the session); waits until printed. */
export async function print(ctx: TestCtx, code: string, jobIds?: number[]) {
  const login = await ctx.app.inject({ method: 'POST', url: '/api/release/login', payload: { printerId: PRINTER, code } });
  expect(login.statusCode).toBe(200);
  const cookie = login.cookies.find((c) => c.name === 'dp_station')!;
  const res = await ctx.app.inject({ method: 'POST', url: '/api/release/print', headers: { cookie: `dp_station=${cookie.value}` }, payload: { printerId: PRINTER, jobIds } });
  expect(res.statusCode).toBe(202);
  await ctx.app.release.settled();
  return res.json() as { outcomes: Array<{ jobId: number; started: boolean }> };
}
