/**
 * Non-negotiable 4 with a real crash: the server process is killed with SIGKILL while IPP
 * Print-Jobs (small PDF, JPEG, a PDF too large to keep inline) and uploads keep arriving, then
 * started again on the same data folder, three times. Afterwards every job a client got an answer
 * for is held with its pages and a readable key, nothing half-received survives, and at no kill
 * was a plaintext document in the data folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, test } from 'vitest';
import { decodeIppMessage, findGroup, getInteger, GroupTag } from '../../src/spool/ipp/codec/index.ts';
import { printJobHeader } from '../helpers/ipp-print-job.ts';
import { multipartFile } from '../helpers/multipart.ts';
import { findFreePort } from '../helpers/peers/index.ts';

const root = path.resolve(import.meta.dirname, '../..');
const smallPdf = readFileSync(path.join(root, 'fixtures/pdf/gs-text-3-pages.pdf'));
const jpeg = readFileSync(path.join(root, 'fixtures/images/jpeg-landscape-no-exif.jpg'));
/** Byte strings that only a plaintext document (or preview) in the data folder would contain. */
// Byte sequences plaintext has and ciphertext almost never: each at least 5 bytes long, so one
// turns up by chance in a megabyte of ciphertext about once in a million (a bare 4-byte 'JFIF'
// did in one run on 2026-11-27: about once in 4000 per megabyte).
const PLAINTEXT_MARKERS = ['%PDF-', 'JFIF\0', '\0\0\0\rIHDR', 'Helvetica'].map((s) => Buffer.from(s, 'latin1'));

/** A PDF of `pages` text pages, uncompressed so it is larger than the 256 KiB kept inline. */
async function bigPdf(pages: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) {
    const page = doc.addPage([595.28, 841.89]);
    for (let line = 0; line < 40; line++) page.drawText(`Seite ${i}, Zeile ${line}: Antrag auf Wohngeld, Anlage ${i * line}`, { x: 40, y: 800 - line * 19, size: 10, font });
  }
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

type Sent = { kind: 'ipp-pdf' | 'ipp-jpeg' | 'ipp-big' | 'upload'; pages: number };

function printJob(port: number, requestId: number, format: string, document: Buffer): Promise<number> {
  const header = printJobHeader({ printerUri: `ipp://127.0.0.1:${port}/ipp/print/lobeda`, requestId, documentFormat: format, userName: 'crash-test', naturalLanguage: 'de' });
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, path: '/ipp/print/lobeda', method: 'POST', agent: false, headers: { 'content-type': 'application/ipp', 'content-length': header.length + document.length } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          try {
            const { message } = decodeIppMessage(Buffer.concat(chunks));
            const jobId = message.code < 0x0100 ? getInteger(findGroup(message, GroupTag.job)!, 'job-id') : undefined;
            if (jobId === undefined) reject(new Error(`IPP status 0x${message.code.toString(16)}`));
            else resolve(jobId);
          } catch (error) {
            reject(error as Error);
          }
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(Buffer.concat([header, document]));
  });
}

function upload(port: number, document: Buffer): Promise<number> {
  const { payload, headers } = multipartFile({ filename: 'antrag.pdf', contentType: 'application/pdf', data: document });
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, path: '/api/jobs', method: 'POST', agent: false, headers: { ...headers, 'content-length': payload.length } },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => {
          if (response.statusCode !== 201) return reject(new Error(`HTTP ${response.statusCode}`));
          try {
            resolve((JSON.parse(text) as { job: { id: number } }).job.id);
          } catch (error) {
            reject(error as Error);
          }
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

function startServer(port: number, dataDir: string): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: { ...process.env, DRUCKPUNKT_PORT: String(port), DRUCKPUNKT_HOST: '127.0.0.1', DRUCKPUNKT_DATA_DIR: dataDir, DRUCKPUNKT_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return { child, output: () => output };
}

async function waitForHealth(port: number, server: { child: ChildProcess; output: () => string }, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (server.child.exitCode !== null) throw new Error(`server exited (${server.child.exitCode}):\n${server.output()}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server did not become healthy:\n${server.output()}`);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : entry.isFile() ? [full] : [];
  });
}

/** Files of the data folder that contain a plaintext marker, with the marker. */
function plaintextFiles(dataDir: string): string[] {
  const found: string[] = [];
  for (const file of filesUnder(dataDir)) {
    if (statSync(file).size === 0) continue;
    const bytes = readFileSync(file);
    for (const marker of PLAINTEXT_MARKERS) if (bytes.includes(marker)) found.push(`${path.relative(dataDir, file)}: ${marker.toString('latin1')}`);
  }
  return found;
}

describe('a crash of the server process', () => {
  test('SIGKILL under load, three times: every answered job survives held, nothing half-received or in plaintext remains', { timeout: 180_000 }, async () => {
    const port = await findFreePort();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dp-crash-'));
    const BIG_PAGES = 150;
    const big = await bigPdf(BIG_PAGES);
    expect(big.length).toBeGreaterThan(300 * 1024);
    const answered = new Map<number, Sent>();
    let requestId = 0;
    const killAfterMs = [1000, 1600, 2200];

    for (const [cycle, killAfter] of killAfterMs.entries()) {
      const server = startServer(port, dataDir);
      try {
        await waitForHealth(port, server);
        let stop = false;
        const ippLoop = async () => {
          const kinds = [
            { kind: 'ipp-pdf' as const, format: 'application/pdf', document: smallPdf, pages: 3 },
            { kind: 'ipp-jpeg' as const, format: 'image/jpeg', document: jpeg, pages: 1 },
            { kind: 'ipp-big' as const, format: 'application/pdf', document: big, pages: BIG_PAGES },
          ];
          for (let i = 0; !stop; i++) {
            const { kind, format, document, pages } = kinds[i % kinds.length]!;
            try {
              answered.set(await printJob(port, ++requestId, format, document), { kind, pages });
            } catch {
              return; // the server is gone: an unanswered job may be lost
            }
          }
        };
        const uploadLoop = async () => {
          while (!stop) {
            try {
              answered.set(await upload(port, smallPdf), { kind: 'upload', pages: 3 });
            } catch {
              return;
            }
          }
        };
        const loops = Promise.all([ippLoop(), ippLoop(), uploadLoop()]);
        await new Promise((resolve) => setTimeout(resolve, killAfter));
        server.child.kill('SIGKILL');
        await once(server.child, 'exit');
        stop = true;
        await loops;
        // Whatever the moment, the data folder holds no document in plaintext.
        expect(plaintextFiles(dataDir), `after kill ${cycle + 1}`).toEqual([]);
      } finally {
        if (server.child.exitCode === null && server.child.signalCode === null) {
          server.child.kill('SIGKILL');
          await once(server.child, 'exit');
        }
      }
    }
    // Enough happened for the test to mean something: jobs of every kind were answered.
    const kinds = new Set([...answered.values()].map((sent) => sent.kind));
    expect([...kinds].sort()).toEqual(['ipp-big', 'ipp-jpeg', 'ipp-pdf', 'upload']);

    // A last start recovers (half-received jobs discarded), then a clean stop.
    const server = startServer(port, dataDir);
    await waitForHealth(port, server);
    server.child.kill('SIGTERM');
    const [code] = await once(server.child, 'exit');
    expect(code, server.output()).toBe(0);
    expect(plaintextFiles(dataDir)).toEqual([]);

    const db = new Database(path.join(dataDir, 'druckpunkt.sqlite'), { readonly: true });
    try {
      const jobs = new Map(
        (db.prepare('SELECT id, state, pages FROM print_jobs').all() as Array<{ id: number; state: string; pages: number }>).map((job) => [job.id, job]),
      );
      const keyed = db.prepare(
        'SELECT count(*) AS n FROM print_job_documents d JOIN document_keys k ON k.id = d.document_id WHERE d.job_id = ? AND k.missing_at IS NULL',
      );
      const documents = db.prepare('SELECT count(*) AS n FROM print_job_documents WHERE job_id = ?');
      for (const [id, sent] of answered) {
        const job = jobs.get(id);
        expect(job, `answered ${sent.kind} job ${id}`).toMatchObject({ state: 'held', pages: sent.pages });
        const total = (documents.get(id) as { n: number }).n;
        expect(total, `documents of job ${id}`).toBeGreaterThan(0);
        expect((keyed.get(id) as { n: number }).n, `keyed documents of job ${id}`).toBe(total);
      }
      // Nothing half-received survives a restart.
      expect([...jobs.values()].filter((job) => job.state === 'incoming')).toEqual([]);
    } finally {
      db.close();
    }
  });
});
