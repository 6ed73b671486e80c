import type { Rotation, ScanDocument, ScannerInfo, Source, Preset } from './scan-api.ts';

/** Quarter turns: "⟳" adds 90°, "⟲" takes 90° away. */
export function rotated(rotation: Rotation, direction: 'left' | 'right'): Rotation {
  return (((rotation + (direction === 'right' ? 90 : 270)) % 360) as Rotation);
}

/** The sources the station offers, in the order shown (the feeder first: it takes a stack). */
export function offeredSources(capabilities: ScannerInfo['capabilities']): Source[] {
  const sources: Source[] = [];
  if (capabilities.sources.includes('adf') || capabilities.sources.includes('adf-duplex')) sources.push('adf');
  if (capabilities.sources.includes('flatbed')) sources.push('flatbed');
  return sources;
}

/** An ID card or a photo lies on the glass; a stack of documents goes into the feeder. */
export function defaultSource(preset: Preset, sources: Source[]): Source {
  const wanted: Source = preset === 'id-card' || preset === 'photo' ? 'flatbed' : 'adf';
  return sources.includes(wanted) ? wanted : (sources[0] ?? 'flatbed');
}

export type MoveTarget = { documentIndex: number; position: number };

/**
 * Where "earlier" / "later" puts a page: one place within its document; from the first place to
 * the end of the previous document, from the last to the start of the next one. Null when the
 * page is already first / last of the whole scan. `position` is the page's index after the move.
 */
export function moveTarget(documents: ScanDocument[], pageId: string, direction: 'earlier' | 'later'): MoveTarget | null {
  const d = documents.findIndex((document) => document.pages.some((page) => page.id === pageId));
  if (d < 0) return null;
  const document = documents[d]!;
  const p = document.pages.findIndex((page) => page.id === pageId);
  if (direction === 'earlier') {
    if (p > 0) return { documentIndex: document.index, position: p - 1 };
    const previous = documents[d - 1];
    return previous ? { documentIndex: previous.index, position: previous.pages.length } : null;
  }
  if (p < document.pages.length - 1) return { documentIndex: document.index, position: p + 1 };
  const next = documents[d + 1];
  return next ? { documentIndex: next.index, position: 0 } : null;
}

/** Where a page is now: document and place (both counted from 1 for people). */
export function placeOf(documents: ScanDocument[], pageId: string): { document: number; page: number } | null {
  for (const [d, document] of documents.entries()) {
    const p = document.pages.findIndex((page) => page.id === pageId);
    if (p >= 0) return { document: d + 1, page: p + 1 };
  }
  return null;
}

/** Pages that will be in the PDFs. */
export function keptPageCount(documents: ScanDocument[]): number {
  return documents.reduce((sum, document) => sum + document.pages.filter((page) => !page.deleted).length, 0);
}

/** Ids of all pages, in order. */
export function pageIds(documents: ScanDocument[]): string[] {
  return documents.flatMap((document) => document.pages.map((page) => page.id));
}

/** A file size as the citizen compares it with a portal's limit: "1,4 MB" (decimal, like the limits). */
export function megabytes(bytes: number): number {
  return Math.round((bytes / 1_000_000) * 10) / 10;
}

export { groupedCode, spokenDigits } from '../../shared/code-display.ts';

/**
 * An SVG from our own server as an <img> source, base64-encoded: the answer's markup never
 * enters the DOM (no innerHTML), and the image context runs no scripts.
 */
export function svgDataUrl(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}
