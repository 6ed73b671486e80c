import type { Readable } from 'node:stream';
import QRCode from 'qrcode';
import sharp from 'sharp';
import type { Config } from '../config/config.ts';
import type { CodeGuard } from '../release/code-guard.ts';
import { accountsFor, createQuotaExceededError, type Ledger } from '../quota/ledger.ts';
import type { QuotaRules } from '../quota/quota-rules.ts';
import type { Clock } from '../shared/clock.ts';
import { isAppError, type AppError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { Random } from '../shared/random.ts';
import type { DocumentStore } from '../shared/store/document-store.ts';
import { createTerminalResolver } from '../spool/terminals.ts';
import type { StatsRecorder } from '../stats/stats.usecases.ts';
import { exportPdf as defaultExportPdf, type ExportPage, type PagePlacement } from './export/pdf-export.ts';
import { addTextLayer as defaultAddTextLayer, ocrPage as defaultOcrPage, type OcrPage } from './ocr/ocr.ts';
import { composeIdCard } from './pipeline/id-card.ts';
import { processPage, type PagePreset, type UserRotation } from './pipeline/page-pipeline.ts';
import type { ConfiguredScanner } from './scan.drivers.ts';
import {
  createPickupCodeInvalidError,
  createPickupLockedError,
  createPickupNotFoundError,
  createPickupThrottledError,
  createScanBusyError,
  createScanCanceledError,
  createScanIoError,
  createScannerNotFoundError,
  createScanNothingToExportError,
  createScanPageNotFoundError,
  createScanResultNotFoundError,
  createScanSessionFinishedError,
  createScanSessionNotFoundError,
  createScanUnsupportedError,
} from './scan.errors.ts';
import {
  defaultOcrFor,
  documentUrl,
  OCR_RESERVE_BYTES_PER_PAGE,
  pageSizeMm,
  pickupGuardKeys,
  pickupUrl,
  publicBaseUrlOf,
  scanSettingsFor,
  secretHash,
  SESSION_IDLE_MS,
  storeOwnerOfScan,
  THUMBNAIL_WIDTH_PX,
  type TargetBytes,
} from './scan.models.ts';
import type { ScanDocumentRow, ScanPageRow, ScanRepository, ScanSessionRow } from './scan.repository.ts';
import type { FinishedView, PickupView, ScannerInfo, SessionView } from './scan.schemas.ts';
import type { ScanPageEvent } from './scanners/scanner-driver.ts';

export type CreateScanServiceArgs = {
  config: Pick<Config, 'sites' | 'server' | 'purge'>;
  repo: ScanRepository;
  store: Pick<DocumentStore, 'write' | 'readAll' | 'createReadStream' | 'remove' | 'removeByOwner' | 'has'>;
  scanners: Map<string, ConfiguredScanner>;
  stats: Pick<StatsRecorder, 'record'>;
  quotaRules: Pick<QuotaRules, 'current'>;
  ledger: Pick<Ledger, 'available' | 'grant'>;
  /** The release code guard (src/release/code-guard.ts), reused for pickup codes. */
  guard: CodeGuard;
  clock: Clock;
  random: Random;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Replaceable for tests; default: the real exporter and tesseract. */
  exportPdf?: typeof defaultExportPdf;
  ocrPage?: (args: { image: Buffer; dpi: number; signal?: AbortSignal }) => Promise<OcrPage>;
  addTextLayer?: typeof defaultAddTextLayer;
};

/** What runs while a batch is being scanned for a session (in memory only). */
type RunningScan = { controller: AbortController; progress: { page: number; fraction: number } | null; done: Promise<void> };

type OcrJob = { sessionId: string; documentIndex: number; placements: PagePlacement[]; targetBytes: number };

/**
 * The scan domain's use cases: station sessions bound to one scanner, background scanning into
 * the encrypted store page by page, editing, export to one PDF per document held to the size the
 * citizen picked, background OCR, pickup by code/QR with the release code's guessing limits, and
 * purge. A factory because it holds the scans and the OCR queue that are running.
 */
export function createScanService({
  config,
  repo,
  store,
  scanners,
  stats,
  quotaRules,
  ledger,
  guard,
  clock,
  random,
  logger,
  exportPdf = defaultExportPdf,
  ocrPage = defaultOcrPage,
  addTextLayer = defaultAddTextLayer,
}: CreateScanServiceArgs) {
  const running = new Map<string, RunningScan>();
  // Sessions being exported right now; a 'finishing' row outside this set was left by a crash.
  const finishing = new Set<string>();
  const resolver = createTerminalResolver({ config: config as Config });
  const publicBaseUrl = publicBaseUrlOf(config.server);
  let ocrChain: Promise<void> = Promise.resolve();
  // Documents queued or running in this process, so resuming never queues one twice.
  const ocrQueued = new Set<string>();
  const ocrController = new AbortController();
  let closed = false;

  function scannerOf(scannerId: string): ConfiguredScanner {
    const scanner = scanners.get(scannerId);
    if (!scanner) throw createScannerNotFoundError();
    return scanner;
  }

  // ---- sessions ---------------------------------------------------------------------------

  async function scannerInfo({ scannerId }: { scannerId: string }): Promise<ScannerInfo> {
    const scanner = scannerOf(scannerId);
    const [capabilities, status] = await Promise.all([
      scanner.driver.capabilities().catch(() => null),
      scanner.driver.status().catch((error: unknown) => ({ state: 'unavailable' as const, reason: isAppError(error) ? error.code : 'scan.io_error' })),
    ]);
    return {
      scanner: { id: scanner.id, name: scanner.name },
      capabilities: capabilities
        ? { sources: capabilities.sources, resolutions: capabilities.resolutions, modes: capabilities.modes }
        : { sources: [], resolutions: [], modes: [] },
      status: {
        ready: status.state === 'ready' && capabilities !== null,
        ...(status.reason ? { reason: status.reason } : capabilities === null ? { reason: 'scan.device_not_found' } : {}),
      },
    };
  }

  /** Shreds a session: stops its scan, then keys (files unreadable from then on), files, rows. */
  async function discard(sessionId: string): Promise<void> {
    const run = running.get(sessionId);
    if (run) {
      run.controller.abort();
      await run.done;
    }
    await store.removeByOwner(storeOwnerOfScan(sessionId));
    repo.deleteSession(sessionId);
  }

  async function startSession({ scannerId, preset, ocr }: { scannerId: string; preset: PagePreset; ocr?: boolean }) {
    const scanner = scannerOf(scannerId);
    // One station, one citizen: whatever the previous citizen left unfinished goes.
    for (const previous of repo.unfinishedOfScanner(scanner.id)) await discard(previous.id);
    const id = random.uuid();
    const cookie = random.token(32);
    repo.insertSession({ id, siteId: scanner.siteId, scannerId: scanner.id, preset, ocr: ocr ?? defaultOcrFor(preset), cookieHash: secretHash(cookie), at: clock.now() });
    return { session: repo.getSession(id)!, cookie };
  }

  /** The session of this station cookie; an unfinished one idle for 5 minutes is gone. */
  async function requireSession({ cookie }: { cookie: string | undefined }): Promise<ScanSessionRow> {
    if (!cookie || cookie.length > 100) throw createScanSessionNotFoundError();
    const session = repo.sessionByCookie(secretHash(cookie));
    if (!session) throw createScanSessionNotFoundError();
    const now = clock.now();
    if (session.state === 'open' && !running.has(session.id) && now - session.lastSeenAt >= SESSION_IDLE_MS) {
      await discard(session.id);
      throw createScanSessionNotFoundError();
    }
    if (session.state === 'finished' && session.expiresAt !== null && session.expiresAt <= now) throw createScanSessionNotFoundError();
    repo.touch({ id: session.id, at: now });
    return { ...session, lastSeenAt: now };
  }

  function view(sessionId: string): SessionView {
    const session = repo.getSession(sessionId);
    if (!session) throw createScanSessionNotFoundError();
    const run = running.get(session.id);
    const pages = repo.pages(session.id);
    const documents = Array.from({ length: session.documentCount }, (_, index) => ({
      index,
      pages: pages
        .filter((p) => p.documentIndex === index)
        .map((p) => ({ id: p.id, rotation: p.rotation, blank: p.blank, deleted: p.deleted, ...pageSizeMm(p) })),
    }));
    return {
      id: session.id,
      scannerId: session.scannerId,
      preset: session.preset,
      ocr: session.ocr,
      state: session.state === 'open' ? (run ? 'scanning' : 'idle') : session.state,
      progress: run?.progress ?? null,
      lastError: session.lastError,
      documents,
    };
  }

  function requireOpen(session: ScanSessionRow) {
    if (session.state !== 'open') throw createScanSessionFinishedError();
  }

  function requirePage(session: ScanSessionRow, pageId: string): ScanPageRow {
    const page = repo.page({ sessionId: session.id, pageId });
    if (!page) throw createScanPageNotFoundError();
    return page;
  }

  // ---- scanning ---------------------------------------------------------------------------

  /** Pipeline, thumbnail and encrypted storage of one delivered page. */
  async function storePage(session: ScanSessionRow, event: ScanPageEvent) {
    const owner = storeOwnerOfScan(session.id);
    const processed = await processPage({ image: event.image, dpi: event.dpi, preset: session.preset });
    const written: string[] = [];
    try {
      const image = await store.write({ kind: 'scan-page', ownerId: owner, source: processed.image });
      written.push(image.id);
      const thumbnail = await sharp(processed.image).resize({ width: THUMBNAIL_WIDTH_PX, withoutEnlargement: true }).png().toBuffer();
      const thumb = await store.write({ kind: 'scan-thumb', ownerId: owner, source: thumbnail });
      written.push(thumb.id);
      // The ID card's two sides are composed from the originals at export (composeIdCard).
      const raw = session.preset === 'id-card' ? await store.write({ kind: 'scan-raw', ownerId: owner, source: event.image }) : null;
      if (raw) written.push(raw.id);
      return {
        written,
        fields: {
          imageDocId: image.id,
          thumbDocId: thumb.id,
          rawDocId: raw?.id ?? null,
          rawDpi: raw ? event.dpi : null,
          dpi: processed.dpi,
          mode: processed.mode,
          widthPx: processed.widthPx,
          heightPx: processed.heightPx,
          blank: processed.facts.blank,
          deleted: processed.facts.blank,
        },
      };
    } catch (error) {
      for (const id of written) await store.remove(id).catch(() => {});
      throw error;
    }
  }

  async function runScan({ session, source, resolution, mode, replace, controller, run }: {
    session: ScanSessionRow;
    source: 'flatbed' | 'adf';
    resolution: number;
    mode: 'color' | 'gray' | 'lineart';
    replace: ScanPageRow | undefined;
    controller: AbortController;
    run: RunningScan;
  }) {
    const driver = scannerOf(session.scannerId).driver;
    try {
      for await (const event of driver.scan({ source, resolution, mode, signal: controller.signal })) {
        if (event.type === 'progress') run.progress = { page: event.index + 1, fraction: event.fraction };
        if (event.type !== 'page') continue;
        const { written, fields } = await storePage(session, event);
        const current = repo.getSession(session.id);
        if (!current || current.state !== 'open' || controller.signal.aborted) {
          for (const id of written) await store.remove(id);
          break;
        }
        if (replace) {
          repo.replacePageImage({ sessionId: session.id, id: replace.id, ...fields });
          for (const id of [replace.imageDocId, replace.thumbDocId, replace.rawDocId]) if (id) await store.remove(id);
          // One page replaces one page; leaving the loop stops the device.
          break;
        }
        const documentIndex = current.documentCount - 1;
        repo.insertPage({
          id: random.uuid(),
          sessionId: session.id,
          documentIndex,
          position: repo.nextPosition({ sessionId: session.id, documentIndex }),
          rotation: 0,
          createdAt: clock.now(),
          ...fields,
        });
      }
    } catch (error) {
      if (controller.signal.aborted) return;
      const appError: AppError = isAppError(error) ? error : createScanIoError({ cause: error });
      if (!isAppError(error)) logger.error({ err: error, scanner: session.scannerId }, 'scan failed unexpectedly');
      else logger.warn({ errorCode: appError.code, scanner: session.scannerId }, 'scan ended with a scanner error');
      if (repo.getSession(session.id)) repo.setLastError({ id: session.id, error: { code: appError.code, message: appError.message } });
    }
  }

  async function startScan({ session, source, replacePageId }: { session: ScanSessionRow; source: 'flatbed' | 'adf'; replacePageId?: string }) {
    requireOpen(session);
    if (running.has(session.id)) throw createScanBusyError();
    const replace = replacePageId ? requirePage(session, replacePageId) : undefined;
    const driver = scannerOf(session.scannerId).driver;
    const capabilities = await driver.capabilities();
    if (!capabilities.sources.includes(source)) throw createScanUnsupportedError({ details: { source } });
    if (running.has(session.id)) throw createScanBusyError();
    const { resolution, mode } = scanSettingsFor({ preset: session.preset, capabilities });
    repo.setLastError({ id: session.id, error: null });
    const controller = new AbortController();
    const run: RunningScan = { controller, progress: { page: 1, fraction: 0 }, done: Promise.resolve() };
    running.set(session.id, run);
    run.done = runScan({ session, source, resolution, mode, replace, controller, run }).finally(() => {
      running.delete(session.id);
      // Scanning is activity: the idle timeout counts from the end of the batch.
      if (repo.getSession(session.id)) repo.touch({ id: session.id, at: clock.now() });
    });
    return view(session.id);
  }

  async function preview({ session, pageId }: { session: ScanSessionRow; pageId: string }): Promise<Buffer> {
    const page = requirePage(session, pageId);
    const thumb = await store.readAll(page.thumbDocId);
    return page.rotation === 0 ? thumb : await sharp(thumb).rotate(page.rotation).png().toBuffer();
  }

  function updatePage({ session, pageId, rotation, deleted }: { session: ScanSessionRow; pageId: string; rotation?: UserRotation; deleted?: boolean }) {
    requireOpen(session);
    const page = requirePage(session, pageId);
    repo.updatePageFlags({ sessionId: session.id, id: page.id, rotation: rotation ?? page.rotation, deleted: deleted ?? page.deleted });
    return view(session.id);
  }

  function movePage({ session, pageId, documentIndex, position }: { session: ScanSessionRow; pageId: string; documentIndex: number; position: number }) {
    requireOpen(session);
    requirePage(session, pageId);
    if (documentIndex >= session.documentCount) throw createScanPageNotFoundError({ message: 'There is no such document in this scan.' });
    repo.movePage({ sessionId: session.id, pageId, documentIndex, position });
    return view(session.id);
  }

  function nextDocument({ session }: { session: ScanSessionRow }) {
    requireOpen(session);
    const pages = repo.pages(session.id);
    // Tapping twice does not make empty documents pile up.
    if (pages.some((p) => p.documentIndex === session.documentCount - 1)) repo.addDocument(session.id);
    return view(session.id);
  }

  // ---- export -----------------------------------------------------------------------------

  /** Whether the document's one PDF page is composed from the ID card's two original sides. */
  function composesIdCard(session: ScanSessionRow, pages: ScanPageRow[]): boolean {
    return session.preset === 'id-card' && pages.length === 2 && pages.every((p) => p.rawDocId && p.rawDpi);
  }

  /** The pages of one document as they go into its PDF (rotation applied, ID card sides composed). */
  async function exportPagesOf(session: ScanSessionRow, pages: ScanPageRow[]): Promise<ExportPage[]> {
    if (composesIdCard(session, pages)) {
      const side = async (p: ScanPageRow) => {
        const raw = await store.readAll(p.rawDocId!);
        return { image: p.rotation === 0 ? raw : await sharp(raw).rotate(p.rotation).png().toBuffer(), dpi: p.rawDpi! };
      };
      const card = await composeIdCard({ front: await side(pages[0]!), back: await side(pages[1]!) });
      return [{ image: card.image, dpi: card.dpi, mode: 'color' }];
    }
    const out: ExportPage[] = [];
    for (const p of pages) {
      const image = await store.readAll(p.imageDocId);
      out.push({ image: p.rotation === 0 ? image : await sharp(image).rotate(p.rotation).png().toBuffer(), dpi: p.dpi, mode: p.mode });
    }
    return out;
  }

  function liveDocuments(sessionId: string): ScanPageRow[][] {
    const byDocument = new Map<number, ScanPageRow[]>();
    for (const page of repo.pages(sessionId)) {
      if (page.deleted) continue;
      byDocument.set(page.documentIndex, [...(byDocument.get(page.documentIndex) ?? []), page]);
    }
    return [...byDocument.entries()].sort((a, b) => a[0] - b[0]).map(([, pages]) => pages);
  }

  function uniqueCode(now: number): string {
    for (let attempt = 0; attempt < 50; attempt++) {
      const code = random.numericCode();
      if (!repo.isCodeLive({ code, now })) return code;
    }
    throw new Error('no free pickup code after 50 tries');
  }

  function issueToken(sessionId: string): string {
    const token = random.token(24);
    repo.insertToken({ tokenHash: secretHash(token), sessionId, at: clock.now() });
    return token;
  }

  /**
   * Scans count against the site's daily page budget when the rules say so. Scans have no
   * terminal session, so only the site-day account is charged (no per-session or terminal
   * budget), as an `adjust` row: there is no print attempt to settle later.
   */
  function chargeQuota({ siteId, pages, at }: { siteId: string; pages: number; at: number }) {
    const rules = quotaRules.current(siteId);
    if (!rules.scansCounted) return;
    const account = accountsFor({ rules, sessionId: 'scan', terminalId: 'scan', at }).find((a) => a.label === 'site-day')!;
    const available = ledger.available({ siteId, accounts: [account] });
    if (pages > available) throw createQuotaExceededError({ details: { missingPages: pages - available, availablePages: available } });
    return () => ledger.grant({ siteId, account: account.account, pages: -pages, kind: 'adjust', reason: 'scan', at });
  }

  async function finish({ session, targetBytes }: { session: ScanSessionRow; targetBytes: TargetBytes }): Promise<FinishedView> {
    requireOpen(session);
    if (running.has(session.id)) throw createScanBusyError();
    const documents = liveDocuments(session.id);
    if (documents.length === 0) throw createScanNothingToExportError();
    repo.setState({ id: session.id, state: 'finishing' });
    finishing.add(session.id);
    const owner = storeOwnerOfScan(session.id);
    const written: string[] = [];
    try {
      const exported: { pdfDocId: string; pages: number; result: Awaited<ReturnType<typeof exportPdf>> }[] = [];
      for (const pages of documents) {
        const exportPages = await exportPagesOf(session, pages);
        const result = await exportPdf({
          pages: exportPages,
          targetBytes,
          clock,
          reserveBytes: session.ocr ? exportPages.length * OCR_RESERVE_BYTES_PER_PAGE : 0,
        });
        const pdf = await store.write({ kind: 'scan-pdf', ownerId: owner, source: result.pdf });
        written.push(pdf.id);
        exported.push({ pdfDocId: pdf.id, pages: exportPages.length, result });
      }
      const totalPages = exported.reduce((sum, d) => sum + d.pages, 0);
      const now = clock.now();
      const charge = chargeQuota({ siteId: session.siteId, pages: totalPages, at: now });
      const crop = exported[0]!.result.legibility;
      const legibility = crop ? await store.write({ kind: 'scan-legibility', ownerId: owner, source: crop.image }) : null;
      if (legibility) written.push(legibility.id);
      const expiresAt = now + config.purge.scanHours * 3_600_000;
      const { code, token } = repo.transaction(() => {
        const code = uniqueCode(now);
        exported.forEach((d, documentIndex) =>
          repo.insertDocument({
            sessionId: session.id,
            documentIndex,
            pdfDocId: d.pdfDocId,
            pages: d.pages,
            bytes: d.result.bytes,
            settings: d.result.settingsUsed.name,
            ocrState: session.ocr ? 'pending' : 'off',
            // Kept so OCR can run again after a restart (resumeOcrAfterRestart).
            ocrPlacements: session.ocr ? d.result.placements : null,
            targetBytes: session.ocr ? targetBytes : null,
          }),
        );
        repo.finish({ id: session.id, at: now, code, expiresAt, legibilityDocId: legibility?.id ?? null });
        charge?.();
        return { code, token: issueToken(session.id) };
      });
      stats.record({ siteId: session.siteId, event: { type: 'scan_session' }, at: now });
      stats.record({ siteId: session.siteId, event: { type: 'scan_pages', pages: totalPages }, at: now });
      if (session.ocr) {
        exported.forEach((d, documentIndex) =>
          queueOcr({ sessionId: session.id, documentIndex, placements: d.result.placements, targetBytes }),
        );
      }
      const url = pickupUrl({ publicBaseUrl, token });
      return {
        pickup: { code, qrSvg: await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }), url, expiresAt: new Date(expiresAt).toISOString() },
        documents: exported.map((d, index) => ({ index, pages: d.pages, bytes: d.result.bytes, settings: d.result.settingsUsed.name })),
        legibilityCropUrl: legibility ? '/api/scan/sessions/current/legibility.png' : null,
      };
    } catch (error) {
      for (const id of written) await store.remove(id).catch(() => {});
      if (repo.getSession(session.id)?.state === 'finishing') repo.setState({ id: session.id, state: 'open' });
      throw error;
    } finally {
      finishing.delete(session.id);
    }
  }

  async function legibility({ session }: { session: ScanSessionRow }): Promise<Buffer> {
    if (!session.legibilityDocId) throw createScanResultNotFoundError();
    return await store.readAll(session.legibilityDocId);
  }

  async function cancel({ session }: { session: ScanSessionRow }) {
    await discard(session.id);
  }

  // ---- OCR --------------------------------------------------------------------------------

  const ocrKeyOf = ({ sessionId, documentIndex }: { sessionId: string; documentIndex: number }) => `${sessionId}/${documentIndex}`;

  /** One OCR job at a time, after the citizen has the PDF; each replaces its document's PDF. */
  function queueOcr(job: OcrJob) {
    const key = ocrKeyOf(job);
    ocrQueued.add(key);
    ocrChain = ocrChain
      .then(() => runOcr(job))
      .catch((error: unknown) => logger.error({ err: error }, 'scan OCR job failed'))
      .finally(() => ocrQueued.delete(key));
  }

  /**
   * Whether a document left 'pending' can be recognised again: its session is finished and still
   * within its retention, its page geometry and size target were stored (rows from before
   * migration 0013 have neither), and the PDF and every page image the export reads are still in
   * the store (the start-up sweep marks lost files missing).
   */
  function canResumeOcr(document: ScanDocumentRow, now: number): document is ScanDocumentRow & { ocrPlacements: PagePlacement[]; targetBytes: number } {
    const session = repo.getSession(document.sessionId);
    if (!session || session.state !== 'finished' || session.expiresAt === null || session.expiresAt <= now) return false;
    if (!document.ocrPlacements || document.targetBytes === null || document.ocrPlacements.length !== document.pages) return false;
    const pages = liveDocuments(session.id)[document.documentIndex];
    if (!pages || pages.length === 0) return false;
    const sources = composesIdCard(session, pages) ? pages.map((p) => p.rawDocId!) : pages.map((p) => p.imageDocId);
    return [document.pdfDocId, ...sources].every((id) => store.has(id));
  }

  /**
   * At start-up: the OCR queue lived in memory, so documents a restart left 'pending' are queued
   * again; those that cannot be (see canResumeOcr) become 'failed' and keep their PDF without
   * text. Returns how many were queued.
   */
  function resumeOcrAfterRestart(): number {
    const now = clock.now();
    let queuedCount = 0;
    let failed = 0;
    for (const document of repo.ocrPendingDocuments()) {
      if (ocrQueued.has(ocrKeyOf(document))) continue; // queued by this process already
      if (!canResumeOcr(document, now)) {
        repo.setOcrState({ sessionId: document.sessionId, documentIndex: document.documentIndex, state: 'failed' });
        failed += 1;
        continue;
      }
      queueOcr({ sessionId: document.sessionId, documentIndex: document.documentIndex, placements: document.ocrPlacements, targetBytes: document.targetBytes });
      queuedCount += 1;
    }
    if (failed > 0) logger.warn({ documents: failed }, 'scan OCR could not be resumed after a restart; those PDFs stay without text');
    return queuedCount;
  }

  async function runOcr({ sessionId, documentIndex, placements, targetBytes }: OcrJob) {
    if (closed) return;
    const session = repo.getSession(sessionId);
    const document = session && repo.documents(sessionId).find((d) => d.documentIndex === documentIndex);
    if (!session || !document) return; // cancelled or purged meanwhile
    try {
      const pages = liveDocuments(sessionId)[documentIndex] ?? [];
      const exportPages = await exportPagesOf(session, pages);
      const recognised: OcrPage[] = [];
      for (const page of exportPages) {
        if (closed || !repo.getSession(sessionId)) return;
        recognised.push(await ocrPage({ image: page.image, dpi: page.dpi, signal: ocrController.signal }));
      }
      const searchable = await addTextLayer({ pdf: await store.readAll(document.pdfDocId), pages: recognised, placements });
      // The size the citizen picked is a promise; a text layer larger than its reserve loses.
      if (searchable.length > targetBytes) {
        repo.setOcrState({ sessionId, documentIndex, state: 'failed' });
        logger.warn({ pages: exportPages.length }, 'OCR text layer did not fit the size target; the PDF stays without text');
        return;
      }
      // New file first, then the row points at it, then the old one goes: a reader always finds one.
      const written = await store.write({ kind: 'scan-pdf', ownerId: storeOwnerOfScan(sessionId), source: searchable });
      if (repo.replacePdf({ sessionId, documentIndex, oldDocId: document.pdfDocId, newDocId: written.id, bytes: written.size })) {
        await store.remove(document.pdfDocId);
      } else {
        await store.remove(written.id);
      }
    } catch (error) {
      if (closed) return;
      if (repo.getSession(sessionId)) repo.setOcrState({ sessionId, documentIndex, state: 'failed' });
      logger.warn({ errorCode: isAppError(error) ? error.code : 'internal' }, 'scan OCR failed; the PDF stays without text');
    }
  }

  // ---- pickup -----------------------------------------------------------------------------

  function pickupViewOf(session: ScanSessionRow, token: string): PickupView {
    return {
      token,
      expiresAt: new Date(session.expiresAt!).toISOString(),
      documents: repo.documents(session.id).map((d) => ({ index: d.documentIndex, pages: d.pages, bytes: d.bytes, url: documentUrl({ token, index: d.documentIndex }) })),
    };
  }

  /** The first pickup shortens the retention to `scanAfterPickupMinutes`. */
  function markPickedUp(session: ScanSessionRow): ScanSessionRow {
    const now = clock.now();
    repo.recordFirstPickup({ id: session.id, at: now, expiresAt: now + config.purge.scanAfterPickupMinutes * 60_000 });
    return repo.getSession(session.id)!;
  }

  function liveByToken(token: string): ScanSessionRow {
    const session = repo.sessionByToken(secretHash(token));
    if (!session || session.state !== 'finished' || session.expiresAt === null || session.expiresAt <= clock.now()) throw createPickupNotFoundError();
    return session;
  }

  function pickupByCode({ code, address }: { code: string; address: string }): PickupView {
    const site = resolver.resolve({ address })?.site ?? config.sites[0]!;
    const keys = pickupGuardKeys({ siteId: site.id, address });
    try {
      guard.assertMayTry({ ...keys, rules: site.release });
    } catch (error) {
      if (isAppError(error) && error.statusCode === 429) throw createPickupThrottledError({ details: error.details });
      if (isAppError(error)) throw createPickupLockedError({ details: error.details });
      throw error;
    }
    const session = /^\d{6}$/.test(code) ? repo.sessionByLiveCode({ code, now: clock.now() }) : undefined;
    if (!session) {
      guard.recordFailure({ ...keys, rules: site.release });
      throw createPickupCodeInvalidError();
    }
    return pickupViewOf(markPickedUp(session), issueToken(session.id));
  }

  function pickupByToken({ token }: { token: string }): PickupView {
    return pickupViewOf(markPickedUp(liveByToken(token)), token);
  }

  function pickupDocument({ token, index }: { token: string; index: number }): { stream: Readable; bytes: number } {
    const session = markPickedUp(liveByToken(token));
    const document = repo.documents(session.id).find((d) => d.documentIndex === index);
    if (!document) throw createPickupNotFoundError();
    return { stream: store.createReadStream(document.pdfDocId), bytes: document.bytes };
  }

  // ---- purge ------------------------------------------------------------------------------

  /**
   * Crypto-shreds finished scans past their retention (2 h after finishing, 30 min after the first
   * pickup) and unfinished ones left idle for 5 minutes (also those a crash left half-exported).
   * Returns how many sessions went.
   */
  async function purgeExpired(): Promise<number> {
    const now = clock.now();
    const ids = repo.expiredIds({ now, idleBefore: now - SESSION_IDLE_MS }).filter((id) => !running.has(id) && !finishing.has(id));
    for (const id of ids) await discard(id);
    return ids.length;
  }

  /** Stops running scans and OCR (the server is shutting down); unfinished sessions are purged later. */
  async function close() {
    closed = true;
    ocrController.abort();
    const runs = [...running.values()];
    for (const run of runs) run.controller.abort(createScanCanceledError());
    await Promise.allSettled(runs.map((r) => r.done));
    await ocrChain.catch(() => {});
  }

  return {
    scannerInfo,
    startSession,
    requireSession,
    view,
    startScan,
    preview,
    updatePage,
    movePage,
    nextDocument,
    finish,
    legibility,
    cancel,
    pickupByCode,
    pickupByToken,
    pickupDocument,
    purgeExpired,
    resumeOcrAfterRestart,
    /** Resolves when scanning of this session has ended (tests, shutdown). */
    scanDone: async (sessionId: string) => await running.get(sessionId)?.done,
    /** Resolves when every queued OCR job has ended (tests). */
    ocrIdle: async () => await ocrChain,
    close,
  };
}

export type ScanService = ReturnType<typeof createScanService>;
