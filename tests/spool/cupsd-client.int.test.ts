import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { startCupsd, type Cupsd } from '../helpers/peers/index.ts';
import { startIppTestServer, type IppTestServer } from './ipp/ipp-test-server.ts';
import { tailOf, waitUntil } from '../helpers/peers/process.ts';

const fixtures = path.resolve(import.meta.dirname, '../../fixtures');
let server: IppTestServer;
let cupsd: Cupsd;

beforeAll(async () => {
  server = await startIppTestServer();
  cupsd = await startCupsd();
  // waitjob=false: CUPS's ipp backend hands the job over and does not wait for it to print —
  // it waits for release at the printer, which may take hours.
  await cupsd.lpadmin(['-p', 'druckpunkt', '-E', '-v', `${server.printerUri('lobeda')}?waitjob=false`, '-m', 'everywhere']);
  await cupsd.waitForQueueReady({ queue: 'druckpunkt' });
}, 120_000);

afterAll(async () => {
  await cupsd?.stop();
  await server?.close();
});

async function terminalSession() {
  return (await server.app.inject({ method: 'GET', url: '/api/terminal/session', remoteAddress: '127.0.0.1' })).json() as {
    session: { code: string };
    jobs: Array<{ id: number; name: string; pages: number; state: string }>;
  };
}

async function printAndWait({ file, title, expectedPages }: { file: string; title: string; expectedPages: number }) {
  const before = (await terminalSession()).jobs.length;
  await cupsd.lp(['-d', 'druckpunkt', '-t', title, file]);
  await waitUntil({
    describe: async () => `job "${title}" not held at Druckpunkt; cupsd log:\n${await tailOf(cupsd.errorLog, 20)}`,
    timeoutMs: 60_000,
    intervalMs: 250,
    check: async () => (await terminalSession()).jobs.length > before,
  });
  const session = await terminalSession();
  const job = session.jobs.at(-1)!;
  expect({ name: job.name, pages: job.pages, state: job.state }).toEqual({ name: title, pages: expectedPages, state: 'held' });
  expect(session.session.code).toMatch(/^\d{6}$/);
  return { job, code: session.session.code };
}

describe('a real cupsd as the terminal', () => {
  test('a queue made with lpadmin -m everywhere reads our printer attributes', async () => {
    const result = await cupsd.lpstat(['-l', '-p', 'druckpunkt']);
    expect(result.stdout).toContain('druckpunkt');
    expect(result.stdout).not.toMatch(/disabled|stopped/i);
  });

  test('lp of a PDF arrives held with its page count, and the terminal shows it with the code', async () => {
    const { code } = await printAndWait({ file: path.join(fixtures, 'pdf/gs-text-3-pages.pdf'), title: 'Brief an das Amt', expectedPages: 3 });
    // All jobs of the session share the one code.
    expect(server.app.spool.findLiveSessionsByCode({ siteId: 'lobeda', code })).toHaveLength(1);
  });

  test('lp of a PNG arrives held as one page', async () => {
    await printAndWait({ file: path.join(fixtures, 'images/png-alpha.png'), title: 'Foto', expectedPages: 1 });
  });

  test('lp of a plain-text file is converted by CUPS and arrives held with its pages', async () => {
    const text = path.join(os.tmpdir(), `dp-text-${process.pid}.txt`);
    writeFileSync(text, Array.from({ length: 130 }, (_, i) => `Zeile ${i + 1}: Sehr geehrte Damen und Herren, äöü ß.`).join('\n'));
    // The oracle: CUPS's own texttopdf filter, run directly with the PPD cupsd made for the queue
    // from our printer attributes (A4 default), counted by poppler's pdfinfo.
    const ppd = path.join(os.tmpdir(), `dp-queue-${process.pid}.ppd`);
    writeFileSync(ppd, Buffer.from(await (await fetch(`http://${cupsd.host}/printers/druckpunkt.ppd`)).arrayBuffer()));
    const converted = execFileSync('/usr/lib/cups/filter/texttopdf', ['1', 'user', 'Notiz', '1', '', text], { maxBuffer: 1 << 24, env: { ...process.env, PPD: ppd } });
    const pdf = path.join(os.tmpdir(), `dp-text-${process.pid}.pdf`);
    writeFileSync(pdf, converted);
    const expectedPages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))![1]);
    expect(expectedPages).toBeGreaterThan(1);
    await printAndWait({ file: text, title: 'Notiz', expectedPages });
  });
});
