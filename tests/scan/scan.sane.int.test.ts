import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { demoConfig } from '../../src/config/demo-config.ts';
import type { FinishedView, PickupView, SessionView } from '../../src/scan/scan.schemas.ts';
import { requireCommand } from '../helpers/peers/process.ts';
import { inspectPdf, plaintextFilesUnder, startScanTestApp, type ScanTestApp } from './scan.harness.ts';

// The scan API against SANE's real `test` device through scanimage. Debian ships the backend
// disabled; the scanner's `saneConfigDir` makes the driver write a private dll.conf naming only
// `test` (see src/scan/scanners/sane-config.ts), so no system file is touched.

const SCANNER = 'lobeda-sane';
let ctx: ScanTestApp | undefined;
let tmp: string | undefined;

beforeAll(() => {
  requireCommand('scanimage', 'sane-utils');
});

afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
  if (tmp) await rm(tmp, { recursive: true, force: true });
  tmp = undefined;
});

async function saneApp(extraArgs: string[] = []) {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'druckpunkt-scan-sane-'));
  const raw = structuredClone(demoConfig) as { sites: Array<Record<string, unknown>> };
  raw.sites[0]!.scanners = [
    {
      id: SCANNER,
      name: 'SANE test device',
      driver: 'sane',
      device: 'test',
      timeoutSeconds: 60,
      saneConfigDir: path.join(tmp, 'sane.d'),
      // A grid instead of solid black; -x 150 after the driver's own -x makes the sheets
      // 150 × 200 mm portrait, so a quarter turn is visible in the PDF.
      extraArgs: ['--test-picture', 'Grid', '-x', '150', ...extraArgs],
    },
  ];
  return await startScanTestApp({ rawConfig: raw });
}

describe('scan API with the SANE test device', () => {
  test('feeder batch, rotate one, delete one, next document, flatbed, finish at 2 MB, pick up: the PDFs are valid with the right pages', async () => {
    ctx = await saneApp();
    const info = (await ctx.call('GET', `/api/scan/scanners/${SCANNER}`)).json<{ capabilities: { sources: string[] }; status: { ready: boolean } }>();
    expect(info.status.ready).toBe(true);
    expect(info.capabilities.sources).toEqual(['flatbed', 'adf']);

    await ctx.startSession({ scannerId: SCANNER, preset: 'document', ocr: false });
    const { session: scanned } = await ctx.scanAndWait('adf');
    expect(scanned.lastError).toBeNull();
    const pages = scanned.documents[0]!.pages;
    // The test device's feeder holds 10 sheets.
    expect(pages).toHaveLength(10);
    for (const page of pages) {
      expect(page.heightMm).toBeGreaterThan(page.widthMm);
      expect(page.widthMm).toBeGreaterThan(140);
    }
    await ctx.call('PATCH', `/api/scan/sessions/current/pages/${pages[1]!.id}`, { rotation: 90 });
    const edited = (await ctx.call('PATCH', `/api/scan/sessions/current/pages/${pages[2]!.id}`, { deleted: true })).json<SessionView>();
    const liveFirst = edited.documents[0]!.pages.filter((p) => !p.deleted);
    await ctx.call('POST', '/api/scan/sessions/current/next-document');
    const { session: withSecond } = await ctx.scanAndWait('flatbed');
    expect(withSecond.documents[1]!.pages).toHaveLength(1);

    const finish = await ctx.call('POST', '/api/scan/sessions/current/finish', { targetBytes: 2_000_000 });
    expect(finish.statusCode, finish.body).toBe(200);
    const finished = finish.json<FinishedView>();
    expect(finished.documents.map((d) => d.pages)).toEqual([liveFirst.length, 1]);
    expect(await plaintextFilesUnder(ctx.dataDir)).toEqual([]);

    ctx.dropCookie();
    const view = (await ctx.call('POST', '/api/scan/pickup', { code: finished.pickup.code })).json<PickupView>();
    const pdfBody = (await ctx.call('GET', view.documents[0]!.url)).rawPayload;
    expect(pdfBody.length).toBeLessThanOrEqual(2_000_000);
    const file = path.join(tmp!, 'scan-1.pdf');
    await writeFile(file, pdfBody);
    const pdf = await inspectPdf(file);
    expect(pdf.check.ok, pdf.check.output).toBe(true);
    expect(pdf.pages).toBe(liveFirst.length);
    const rotatedAt = liveFirst.findIndex((p) => p.id === pages[1]!.id);
    pdf.sizes.forEach((size, i) => {
      if (i === rotatedAt) expect(size.width).toBeGreaterThan(size.height);
      else expect(size.height).toBeGreaterThan(size.width);
    });
  }, 120_000);

  test('a paper jam ends the scan with lastError scan.jammed and the session stays usable', async () => {
    ctx = await saneApp(['--read-return-value', 'SANE_STATUS_JAMMED']);
    await ctx.startSession({ scannerId: SCANNER, preset: 'document', ocr: false });
    const { session } = await ctx.scanAndWait('adf');
    expect(session.state).toBe('idle');
    expect(session.lastError).toMatchObject({ code: 'scan.jammed' });
    expect(session.lastError!.message.length).toBeGreaterThan(0);
    // The next scan clears the error when it starts.
    const again = await ctx.call('POST', '/api/scan/sessions/current/scan', { source: 'adf' });
    expect(again.statusCode).toBe(202);
    expect(again.json<SessionView>().lastError).toBeNull();
    await ctx.scan.scanDone(session.id);
  }, 60_000);

  test('a feeder without paper ends with lastError scan.no_documents', async () => {
    ctx = await saneApp(['--read-return-value', 'SANE_STATUS_NO_DOCS']);
    await ctx.startSession({ scannerId: SCANNER, preset: 'document', ocr: false });
    const { session } = await ctx.scanAndWait('adf');
    expect(session.lastError?.code).toBe('scan.no_documents');
    expect(session.documents[0]!.pages).toEqual([]);
  }, 60_000);
});
