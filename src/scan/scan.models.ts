import { createHash } from 'node:crypto';
import type { PagePreset, UserRotation } from './pipeline/page-pipeline.ts';
import type { ScanMode, ScannerCapabilities } from './scanners/scanner-driver.ts';

/** The sizes a citizen can pick at "Fertig" ("passt für 2 / 5 / 10 MB"). */
export const TARGET_BYTES = [2_000_000, 5_000_000, 10_000_000] as const;
export type TargetBytes = (typeof TARGET_BYTES)[number];

/** A station's scan session ends after this long without a request (the citizen walked away). */
export const SESSION_IDLE_MS = 5 * 60_000;

/**
 * Room kept in the budget per page for the OCR text layer (measured 2–6 KB per page on the
 * fixtures), so the searchable PDF that replaces the first one still fits the citizen's limit.
 */
export const OCR_RESERVE_BYTES_PER_PAGE = 6_000;

/** Width of the page thumbnails the station shows. */
export const THUMBNAIL_WIDTH_PX = 300;

/** Presets whose OCR is on unless the station says otherwise. */
export function defaultOcrFor(preset: PagePreset): boolean {
  return preset === 'document' || preset === 'color-document';
}

/**
 * What the scanner is asked for, per preset: documents at 200 dpi (the exporter's best rung and
 * enough for OCR of 8 pt text), cards and photos at 300 dpi (small originals). Text documents
 * are scanned in grey where the device can (a third of colour's data); the pipeline decides the
 * output mode. The nearest resolution the device offers at or above the wish is used.
 */
export function scanSettingsFor({ preset, capabilities }: { preset: PagePreset; capabilities: ScannerCapabilities }): { resolution: number; mode: ScanMode } {
  const wantDpi = preset === 'document' || preset === 'color-document' ? 200 : 300;
  const sorted = [...capabilities.resolutions].sort((a, b) => a - b);
  const resolution = sorted.find((r) => r >= wantDpi) ?? sorted[sorted.length - 1] ?? wantDpi;
  const wantMode: ScanMode = preset === 'document' ? 'gray' : 'color';
  const mode = capabilities.modes.includes(wantMode) ? wantMode : capabilities.modes.includes('color') ? 'color' : (capabilities.modes[0] ?? wantMode);
  return { resolution, mode };
}

/** Physical size of a page as it will be exported (the citizen's rotation applied), in mm. */
export function pageSizeMm({ widthPx, heightPx, dpi, rotation }: { widthPx: number; heightPx: number; dpi: number; rotation: UserRotation }) {
  const w = Math.round(((widthPx / dpi) * 25.4) * 10) / 10;
  const h = Math.round(((heightPx / dpi) * 25.4) * 10) / 10;
  return rotation === 90 || rotation === 270 ? { widthMm: h, heightMm: w } : { widthMm: w, heightMm: h };
}

/** Cookie values and pickup tokens are stored as SHA-256 only: a copy of the database opens nothing. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * The guessing limits key pickup failures like a release station: the "station" is the client
 * address (hashed, so no address is stored), the "site" is prefixed so wrong pickup codes do not
 * pause release-code entry at the printers.
 */
export function pickupGuardKeys({ siteId, address }: { siteId: string; address: string }): { siteId: string; printerId: string } {
  return { siteId: `pickup:${siteId}`, printerId: `pickup:${createHash('sha256').update(address).digest('hex').slice(0, 16)}` };
}

/** Store owner of everything a scan session holds; `removeByOwner` shreds it in one go. */
export function storeOwnerOfScan(sessionId: string): string {
  return `scan:${sessionId}`;
}

/** Where the QR code points: the terminal page, which opens the pickup. */
export function pickupUrl({ publicBaseUrl, token }: { publicBaseUrl: string; token: string }): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/?pickup=${encodeURIComponent(token)}`;
}

/** The server's public address for QR codes: configured, or derived from where it listens. */
export function publicBaseUrlOf(server: { publicBaseUrl?: string | undefined; host: string; port: number }): string {
  if (server.publicBaseUrl) return server.publicBaseUrl;
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  return `http://${host}:${server.port}`;
}

/** The download address of a picked-up document. */
export function documentUrl({ token, index }: { token: string; index: number }): string {
  return `/api/scan/pickup/${encodeURIComponent(token)}/documents/${index}.pdf`;
}
