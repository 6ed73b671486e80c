import { apiFetch } from '../../shared/api.ts';

/** The four choices a citizen understands; the server maps each to mode, resolution and pipeline. */
export const presets = ['document', 'color-document', 'id-card', 'photo'] as const;
export type Preset = (typeof presets)[number];

/** Where the paper lies: on the glass (one sheet) or in the feeder (a stack). */
export type Source = 'flatbed' | 'adf';

/** The upload limits portals commonly set; the export holds each PDF below the chosen one. */
export const targetSizes = [2_000_000, 5_000_000, 10_000_000] as const;
export type TargetBytes = (typeof targetSizes)[number];
export const defaultTargetBytes: TargetBytes = 5_000_000;

/** `GET /api/scan/scanners/:scannerId`. */
export type ScannerInfo = {
  scanner: { id: string; name: string };
  capabilities: { sources: Array<'flatbed' | 'adf' | 'adf-duplex'>; resolutions: number[]; modes: Array<'color' | 'gray' | 'lineart'> };
  status: { ready: boolean; reason?: string };
};

export type ScanPage = {
  id: string;
  rotation: Rotation;
  /** Flagged empty by the pipeline; such pages also arrive deleted (greyed, restorable). */
  blank: boolean;
  deleted: boolean;
  widthMm: number;
  heightMm: number;
};

export type Rotation = 0 | 90 | 180 | 270;

export type ScanDocument = { index: number; pages: ScanPage[] };

/** The station's open scan session (`GET /api/scan/sessions/current`). */
export type SessionView = {
  id: string;
  scannerId: string;
  preset: Preset;
  ocr: boolean;
  state: 'idle' | 'scanning' | 'finishing' | 'finished';
  progress: { page: number; fraction: number } | null;
  lastError: { code: string; message: string } | null;
  documents: ScanDocument[];
};

/** The answer to "Fertig": one PDF per document and the pickup code. */
export type FinishedView = {
  pickup: { code: string; qrSvg: string; url: string; expiresAt: string };
  documents: Array<{ index: number; pages: number; bytes: number; settings: string }>;
  legibilityCropUrl: string | null;
};

const base = '/api/scan';
const current = `${base}/sessions/current`;
const pagePath = (pageId: string) => `${current}/pages/${encodeURIComponent(pageId)}`;

/** The station's scan calls. The session travels in the HttpOnly `dp_scan` cookie. */
export const scanApi = {
  scanner: (scannerId: string, signal?: AbortSignal) => apiFetch<ScannerInfo>(`${base}/scanners/${encodeURIComponent(scannerId)}`, { signal }),
  start: ({ scannerId, preset }: { scannerId: string; preset: Preset }) => apiFetch<SessionView>(`${base}/sessions`, { body: { scannerId, preset } }),
  current: (signal?: AbortSignal) => apiFetch<SessionView>(current, { signal }),
  scan: (source: Source) => apiFetch<SessionView>(`${current}/scan`, { body: { source } }),
  updatePage: (pageId: string, change: { rotation?: Rotation; deleted?: boolean }) => apiFetch<SessionView>(pagePath(pageId), { method: 'PATCH', body: change }),
  movePage: (pageId: string, target: { documentIndex: number; position: number }) => apiFetch<SessionView>(`${pagePath(pageId)}/move`, { body: target }),
  rescanPage: (pageId: string, source: Source) => apiFetch<SessionView>(`${pagePath(pageId)}/rescan`, { body: { source } }),
  nextDocument: () => apiFetch<SessionView>(`${current}/next-document`, { method: 'POST' }),
  finish: (targetBytes: TargetBytes) => apiFetch<FinishedView>(`${current}/finish`, { body: { targetBytes } }),
  cancel: () => apiFetch<void>(current, { method: 'DELETE' }),
  /** `version` changes when the picture changes (rotation, rescan), so the browser fetches it anew. */
  previewUrl: (pageId: string, version: string) => `${pagePath(pageId)}/preview.png?v=${encodeURIComponent(version)}`,
};
