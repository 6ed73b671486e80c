/**
 * The whole app with the scan API, for the scan API tests. When app.ts registers the scan routes
 * (and decorates `app.scan`), that wiring is used as it is; otherwise the plugin is registered here
 * on the app's own store, stats and database, as app.ts will.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { createTestApp, type TestAppOptions } from '../helpers/test-app.ts';
import { requireCommand } from '../helpers/peers/process.ts';
import { createScanRepository } from '../../src/scan/scan.repository.ts';
import { createScanService, type ScanService } from '../../src/scan/scan.usecases.ts';
import { createScannerDrivers } from '../../src/scan/scan.drivers.ts';
import { scanRoutes, SCAN_COOKIE } from '../../src/scan/scan.routes.ts';
import { createQuotaRules } from '../../src/quota/quota-rules.ts';
import { createLedger } from '../../src/quota/ledger.ts';
import { createCodeGuard } from '../../src/release/code-guard.ts';
import { createReleaseRepository } from '../../src/release/release.repository.ts';
import type { SessionView } from '../../src/scan/scan.schemas.ts';
import type { Logger } from '../../src/shared/logger.ts';

const run = promisify(execFile);

export async function startScanTestApp(options: TestAppOptions = {}) {
  const ctx = await createTestApp(options);
  const { app, db, config, clock, random } = ctx;
  let scan = (app as unknown as { scan?: ScanService }).scan;
  if (!app.hasRoute({ method: 'GET', url: '/api/scan/sessions/current' })) {
    scan = createScanService({
      config,
      repo: createScanRepository({ db }),
      store: app.store,
      scanners: await createScannerDrivers({ config }),
      stats: app.stats,
      quotaRules: createQuotaRules({ db, config }),
      ledger: createLedger({ db }),
      guard: createCodeGuard({ repo: createReleaseRepository({ db }), clock, logger: app.log as unknown as Logger }),
      clock,
      random,
      logger: app.log,
    });
    const service = scan;
    app.addHook('onClose', async () => await service.close());
    await app.register(scanRoutes, { prefix: '/api/scan', scan });
  }
  if (!scan) throw new Error('app.ts registers the scan routes but does not decorate app.scan');
  const service = scan;
  let cookie = '';

  async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
    const response = await app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }), cookies: cookie ? { [SCAN_COOKIE]: cookie } : {} });
    const set = response.cookies.find((c) => c.name === SCAN_COOKIE);
    if (set) cookie = set.value;
    return response;
  }

  return {
    ...ctx,
    scan: service,
    call,
    /** The station cookie now, and a way to put an old one back (another station's browser). */
    cookie: () => cookie,
    useCookie: (value: string) => {
      cookie = value;
    },
    /** Forgets the station cookie (another device). */
    dropCookie: () => {
      cookie = '';
    },
    async startSession(body: { scannerId: string; preset: string; ocr?: boolean }) {
      const response = await call('POST', '/api/scan/sessions', body);
      expect(response.statusCode, response.body).toBe(201);
      return response.json<SessionView>();
    },
    /** Starts a scan and waits until its batch has ended; returns the session afterwards. */
    async scanAndWait(source: 'flatbed' | 'adf', pageId?: string) {
      const response = await call('POST', pageId ? `/api/scan/sessions/current/pages/${pageId}/rescan` : '/api/scan/sessions/current/scan', { source });
      expect(response.statusCode, response.body).toBe(202);
      const started = response.json<SessionView>();
      await service.scanDone(started.id);
      const after = await call('GET', '/api/scan/sessions/current');
      expect(after.statusCode).toBe(200);
      return { started, session: after.json<SessionView>() };
    },
  };
}

export type ScanTestApp = Awaited<ReturnType<typeof startScanTestApp>>;

/** Every regular file under `dir`, recursively. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** Files whose first bytes are a PDF, PNG, JPEG or TIFF signature: plaintext pages or documents. */
export async function plaintextFilesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const file of await filesUnder(dir)) {
    const head = (await readFile(file)).subarray(0, 1024);
    const isPdf = head.toString('latin1').includes('%PDF');
    const isPng = head.subarray(0, 8).toString('hex') === '89504e470d0a1a0a';
    const isJpeg = head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
    const tag = head.subarray(0, 4).toString('latin1');
    if (isPdf || isPng || isJpeg || tag === 'II*\u0000' || tag === 'MM\u0000*') found.push(file);
  }
  return found;
}

/** `qpdf --check` result and `pdfinfo` page sizes of a PDF file. */
export async function inspectPdf(file: string) {
  const qpdf = requireCommand('qpdf', 'qpdf');
  const pdfinfo = requireCommand('pdfinfo', 'poppler-utils');
  const check = await run(qpdf, ['--check', file]).then(
    (r) => ({ ok: true, output: r.stdout }),
    (error: { stdout?: string; stderr?: string }) => ({ ok: false, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
  );
  const info = (await run(pdfinfo, ['-f', '1', '-l', '999', file])).stdout;
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
  const sizes = [...info.matchAll(/^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/gm)].map((m) => ({ width: Number(m[1]), height: Number(m[2]) }));
  return { check, pages, sizes };
}

export async function pdfText(file: string): Promise<string> {
  const pdftotext = requireCommand('pdftotext', 'poppler-utils');
  return (await run(pdftotext, ['-layout', file, '-'])).stdout;
}
