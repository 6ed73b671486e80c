import { z } from 'zod';
import { immediateTransaction, type Db } from '../db/database.ts';
import type { PagePlacement } from './export/pdf-export.ts';
import type { OutputMode, PagePreset, UserRotation } from './pipeline/page-pipeline.ts';

export type ScanSessionState = 'open' | 'finishing' | 'finished';

/** A scan session row (see 0010_scan.sql). Store ids only, never images. */
export type ScanSessionRow = {
  id: string;
  siteId: string;
  scannerId: string;
  preset: PagePreset;
  ocr: boolean;
  state: ScanSessionState;
  documentCount: number;
  createdAt: number;
  lastSeenAt: number;
  finishedAt: number | null;
  pickupCode: string | null;
  expiresAt: number | null;
  firstPickupAt: number | null;
  legibilityDocId: string | null;
  lastError: { code: string; message: string } | null;
};

export type ScanPageRow = {
  id: string;
  sessionId: string;
  documentIndex: number;
  position: number;
  imageDocId: string;
  rawDocId: string | null;
  rawDpi: number | null;
  thumbDocId: string;
  dpi: number;
  mode: OutputMode;
  widthPx: number;
  heightPx: number;
  rotation: UserRotation;
  blank: boolean;
  deleted: boolean;
  createdAt: number;
};

export type ScanDocumentRow = {
  sessionId: string;
  documentIndex: number;
  pdfDocId: string;
  pages: number;
  bytes: number;
  settings: string;
  ocrState: 'off' | 'pending' | 'done' | 'failed';
  /** Page geometry for the text layer, kept so OCR can run again after a restart; null when OCR is off or the row predates it. */
  ocrPlacements: PagePlacement[] | null;
  /** The size the citizen picked, which the searchable PDF must keep; null like `ocrPlacements`. */
  targetBytes: number | null;
};

type SessionDbRow = {
  id: string;
  site_id: string;
  scanner_id: string;
  preset: PagePreset;
  ocr: number;
  state: ScanSessionState;
  document_count: number;
  created_at: number;
  last_seen_at: number;
  finished_at: number | null;
  pickup_code: string | null;
  expires_at: number | null;
  first_pickup_at: number | null;
  legibility_doc_id: string | null;
  last_error_code: string | null;
  last_error_message: string | null;
};

type PageDbRow = {
  id: string;
  session_id: string;
  document_index: number;
  position: number;
  image_doc_id: string;
  raw_doc_id: string | null;
  raw_dpi: number | null;
  thumb_doc_id: string;
  dpi: number;
  mode: OutputMode;
  width_px: number;
  height_px: number;
  rotation: UserRotation;
  blank: number;
  deleted: number;
  created_at: number;
};

type DocumentDbRow = {
  session_id: string;
  document_index: number;
  pdf_doc_id: string;
  pages: number;
  bytes: number;
  settings: string;
  ocr_state: ScanDocumentRow['ocrState'];
  ocr_placements: string | null;
  target_bytes: number | null;
};

const StoredPlacements = z.array(z.object({ x: z.number(), y: z.number(), width: z.number().positive(), height: z.number().positive() }));

/** Placements as stored by `finish`; anything else reads as null (not resumable) rather than throwing. */
function placementsOf(json: string | null): PagePlacement[] | null {
  if (json === null) return null;
  try {
    const parsed = StoredPlacements.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function sessionOf(row: SessionDbRow): ScanSessionRow {
  return {
    id: row.id,
    siteId: row.site_id,
    scannerId: row.scanner_id,
    preset: row.preset,
    ocr: row.ocr === 1,
    state: row.state,
    documentCount: row.document_count,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    finishedAt: row.finished_at,
    pickupCode: row.pickup_code,
    expiresAt: row.expires_at,
    firstPickupAt: row.first_pickup_at,
    legibilityDocId: row.legibility_doc_id,
    lastError: row.last_error_code ? { code: row.last_error_code, message: row.last_error_message ?? '' } : null,
  };
}

function pageOf(row: PageDbRow): ScanPageRow {
  return {
    id: row.id,
    sessionId: row.session_id,
    documentIndex: row.document_index,
    position: row.position,
    imageDocId: row.image_doc_id,
    rawDocId: row.raw_doc_id,
    rawDpi: row.raw_dpi,
    thumbDocId: row.thumb_doc_id,
    dpi: row.dpi,
    mode: row.mode,
    widthPx: row.width_px,
    heightPx: row.height_px,
    rotation: row.rotation,
    blank: row.blank === 1,
    deleted: row.deleted === 1,
    createdAt: row.created_at,
  };
}

function documentOf(row: DocumentDbRow): ScanDocumentRow {
  return {
    sessionId: row.session_id,
    documentIndex: row.document_index,
    pdfDocId: row.pdf_doc_id,
    pages: row.pages,
    bytes: row.bytes,
    settings: row.settings,
    ocrState: row.ocr_state,
    ocrPlacements: placementsOf(row.ocr_placements),
    targetBytes: row.target_bytes,
  };
}

/** SQL of the scan domain. Rows are mapped to camelCase here and nowhere else. */
export function createScanRepository({ db }: { db: Db }) {
  const s = {
    insertSession: db.prepare(
      `INSERT INTO scan_sessions (id, site_id, scanner_id, preset, ocr, state, cookie_hash, document_count, created_at, last_seen_at)
       VALUES (@id, @siteId, @scannerId, @preset, @ocr, 'open', @cookieHash, 1, @at, @at)`,
    ),
    byId: db.prepare<[string], SessionDbRow>('SELECT * FROM scan_sessions WHERE id = ?'),
    byCookie: db.prepare<[string], SessionDbRow>('SELECT * FROM scan_sessions WHERE cookie_hash = ?'),
    openOfScanner: db.prepare<[string], SessionDbRow>("SELECT * FROM scan_sessions WHERE scanner_id = ? AND state <> 'finished'"),
    touch: db.prepare('UPDATE scan_sessions SET last_seen_at = ? WHERE id = ?'),
    setState: db.prepare('UPDATE scan_sessions SET state = ? WHERE id = ?'),
    setError: db.prepare('UPDATE scan_sessions SET last_error_code = ?, last_error_message = ? WHERE id = ?'),
    addDocument: db.prepare('UPDATE scan_sessions SET document_count = document_count + 1 WHERE id = ?'),
    liveCode: db.prepare<[string, number], { id: string }>('SELECT id FROM scan_sessions WHERE pickup_code = ? AND expires_at > ?'),
    byLiveCode: db.prepare<[string, number], SessionDbRow>(
      "SELECT * FROM scan_sessions WHERE pickup_code = ? AND expires_at > ? AND state = 'finished'",
    ),
    finish: db.prepare(
      `UPDATE scan_sessions SET state = 'finished', finished_at = @at, pickup_code = @code, expires_at = @expiresAt, legibility_doc_id = @legibilityDocId
       WHERE id = @id`,
    ),
    firstPickup: db.prepare(
      'UPDATE scan_sessions SET first_pickup_at = @at, expires_at = MIN(expires_at, @expiresAt) WHERE id = @id AND first_pickup_at IS NULL',
    ),
    expired: db.prepare<[number, number], { id: string }>(
      `SELECT id FROM scan_sessions
       WHERE (state = 'finished' AND expires_at <= ?) OR (state IN ('open', 'finishing') AND last_seen_at <= ?)`,
    ),
    deleteSession: db.prepare('DELETE FROM scan_sessions WHERE id = ?'),
    allIds: db.prepare<[], { id: string }>('SELECT id FROM scan_sessions'),

    pages: db.prepare<[string], PageDbRow>('SELECT * FROM scan_pages WHERE session_id = ? ORDER BY document_index, position'),
    page: db.prepare<[string, string], PageDbRow>('SELECT * FROM scan_pages WHERE session_id = ? AND id = ?'),
    maxPosition: db.prepare<[string, number], { p: number | null }>('SELECT MAX(position) AS p FROM scan_pages WHERE session_id = ? AND document_index = ?'),
    insertPage: db.prepare(
      `INSERT INTO scan_pages (id, session_id, document_index, position, image_doc_id, raw_doc_id, raw_dpi, thumb_doc_id, dpi, mode, width_px, height_px, rotation, blank, deleted, created_at)
       VALUES (@id, @sessionId, @documentIndex, @position, @imageDocId, @rawDocId, @rawDpi, @thumbDocId, @dpi, @mode, @widthPx, @heightPx, @rotation, @blank, @deleted, @createdAt)`,
    ),
    replaceImage: db.prepare(
      `UPDATE scan_pages SET image_doc_id = @imageDocId, raw_doc_id = @rawDocId, raw_dpi = @rawDpi, thumb_doc_id = @thumbDocId, dpi = @dpi, mode = @mode,
       width_px = @widthPx, height_px = @heightPx, rotation = 0, blank = @blank, deleted = @deleted WHERE session_id = @sessionId AND id = @id`,
    ),
    updateFlags: db.prepare('UPDATE scan_pages SET rotation = @rotation, deleted = @deleted WHERE session_id = @sessionId AND id = @id'),
    setPlace: db.prepare('UPDATE scan_pages SET document_index = @documentIndex, position = @position WHERE session_id = @sessionId AND id = @id'),

    insertDocument: db.prepare(
      `INSERT INTO scan_documents (session_id, document_index, pdf_doc_id, pages, bytes, settings, ocr_state, ocr_placements, target_bytes)
       VALUES (@sessionId, @documentIndex, @pdfDocId, @pages, @bytes, @settings, @ocrState, @ocrPlacements, @targetBytes)`,
    ),
    documents: db.prepare<[string], DocumentDbRow>('SELECT * FROM scan_documents WHERE session_id = ? ORDER BY document_index'),
    // Oldest finished first: those citizens have waited longest for their searchable PDF.
    ocrPending: db.prepare<[], DocumentDbRow>(
      `SELECT d.* FROM scan_documents d JOIN scan_sessions s ON s.id = d.session_id
       WHERE d.ocr_state = 'pending' ORDER BY s.finished_at, d.session_id, d.document_index`,
    ),
    replacePdf: db.prepare(
      `UPDATE scan_documents SET pdf_doc_id = @newDocId, bytes = @bytes, ocr_state = 'done'
       WHERE session_id = @sessionId AND document_index = @documentIndex AND pdf_doc_id = @oldDocId`,
    ),
    setOcrState: db.prepare('UPDATE scan_documents SET ocr_state = ? WHERE session_id = ? AND document_index = ?'),

    insertToken: db.prepare('INSERT INTO scan_pickup_tokens (token_hash, session_id, created_at) VALUES (?, ?, ?)'),
    byToken: db.prepare<[string], SessionDbRow>(
      'SELECT s.* FROM scan_pickup_tokens t JOIN scan_sessions s ON s.id = t.session_id WHERE t.token_hash = ?',
    ),
  };

  const movePage = immediateTransaction(
    db,
    ({ sessionId, pageId, documentIndex, position }: { sessionId: string; pageId: string; documentIndex: number; position: number }) => {
      const all = s.pages.all(sessionId).map(pageOf);
      const moving = all.find((p) => p.id === pageId);
      if (!moving) return false;
      const target = all.filter((p) => p.documentIndex === documentIndex && p.id !== pageId);
      const at = Math.max(0, Math.min(position, target.length));
      target.splice(at, 0, moving);
      target.forEach((p, i) => s.setPlace.run({ sessionId, id: p.id, documentIndex, position: i }));
      if (moving.documentIndex !== documentIndex) {
        all
          .filter((p) => p.documentIndex === moving.documentIndex && p.id !== pageId)
          .forEach((p, i) => s.setPlace.run({ sessionId, id: p.id, documentIndex: moving.documentIndex, position: i }));
      }
      return true;
    },
  );

  return {
    insertSession: ({ id, siteId, scannerId, preset, ocr, cookieHash, at }: { id: string; siteId: string; scannerId: string; preset: PagePreset; ocr: boolean; cookieHash: string; at: number }) => {
      s.insertSession.run({ id, siteId, scannerId, preset, ocr: ocr ? 1 : 0, cookieHash, at });
    },
    getSession: (id: string) => {
      const row = s.byId.get(id);
      return row ? sessionOf(row) : undefined;
    },
    sessionByCookie: (cookieHash: string) => {
      const row = s.byCookie.get(cookieHash);
      return row ? sessionOf(row) : undefined;
    },
    unfinishedOfScanner: (scannerId: string) => s.openOfScanner.all(scannerId).map(sessionOf),
    touch: ({ id, at }: { id: string; at: number }) => void s.touch.run(at, id),
    setState: ({ id, state }: { id: string; state: ScanSessionState }) => void s.setState.run(state, id),
    setLastError: ({ id, error }: { id: string; error: { code: string; message: string } | null }) =>
      void s.setError.run(error?.code ?? null, error?.message ?? null, id),
    addDocument: (id: string) => void s.addDocument.run(id),
    isCodeLive: ({ code, now }: { code: string; now: number }) => s.liveCode.get(code, now) !== undefined,
    sessionByLiveCode: ({ code, now }: { code: string; now: number }) => {
      const row = s.byLiveCode.get(code, now);
      return row ? sessionOf(row) : undefined;
    },
    finish: (args: { id: string; at: number; code: string; expiresAt: number; legibilityDocId: string | null }) => void s.finish.run(args),
    recordFirstPickup: (args: { id: string; at: number; expiresAt: number }) => s.firstPickup.run(args).changes > 0,
    expiredIds: ({ now, idleBefore }: { now: number; idleBefore: number }) => s.expired.all(now, idleBefore).map((r) => r.id),
    allSessionIds: () => s.allIds.all().map((r) => r.id),
    deleteSession: (id: string) => void s.deleteSession.run(id),

    pages: (sessionId: string) => s.pages.all(sessionId).map(pageOf),
    page: ({ sessionId, pageId }: { sessionId: string; pageId: string }) => {
      const row = s.page.get(sessionId, pageId);
      return row ? pageOf(row) : undefined;
    },
    nextPosition: ({ sessionId, documentIndex }: { sessionId: string; documentIndex: number }) => (s.maxPosition.get(sessionId, documentIndex)?.p ?? -1) + 1,
    insertPage: (page: Omit<ScanPageRow, 'blank' | 'deleted'> & { blank: boolean; deleted: boolean }) =>
      void s.insertPage.run({ ...page, blank: page.blank ? 1 : 0, deleted: page.deleted ? 1 : 0 }),
    replacePageImage: (args: {
      sessionId: string;
      id: string;
      imageDocId: string;
      rawDocId: string | null;
      rawDpi: number | null;
      thumbDocId: string;
      dpi: number;
      mode: OutputMode;
      widthPx: number;
      heightPx: number;
      blank: boolean;
      deleted: boolean;
    }) => s.replaceImage.run({ ...args, blank: args.blank ? 1 : 0, deleted: args.deleted ? 1 : 0 }).changes > 0,
    updatePageFlags: ({ sessionId, id, rotation, deleted }: { sessionId: string; id: string; rotation: UserRotation; deleted: boolean }) =>
      void s.updateFlags.run({ sessionId, id, rotation, deleted: deleted ? 1 : 0 }),
    movePage: (args: { sessionId: string; pageId: string; documentIndex: number; position: number }) => movePage(args),

    insertDocument: (doc: ScanDocumentRow) =>
      void s.insertDocument.run({ ...doc, ocrPlacements: doc.ocrPlacements ? JSON.stringify(doc.ocrPlacements) : null }),
    documents: (sessionId: string) => s.documents.all(sessionId).map(documentOf),
    /** Every document whose OCR is still 'pending', of any session (start-up resumption). */
    ocrPendingDocuments: () => s.ocrPending.all().map(documentOf),
    /** Points the document at its searchable PDF, only if it still names the old one (not purged, not replaced). */
    replacePdf: (args: { sessionId: string; documentIndex: number; oldDocId: string; newDocId: string; bytes: number }) => s.replacePdf.run(args).changes > 0,
    setOcrState: ({ sessionId, documentIndex, state }: { sessionId: string; documentIndex: number; state: ScanDocumentRow['ocrState'] }) =>
      void s.setOcrState.run(state, sessionId, documentIndex),

    insertToken: ({ tokenHash, sessionId, at }: { tokenHash: string; sessionId: string; at: number }) => void s.insertToken.run(tokenHash, sessionId, at),
    sessionByToken: (tokenHash: string) => {
      const row = s.byToken.get(tokenHash);
      return row ? sessionOf(row) : undefined;
    },
    transaction: <T>(fn: () => T): T => immediateTransaction(db, fn)(),
  };
}

export type ScanRepository = ReturnType<typeof createScanRepository>;
