import { describe, expect, test } from 'vitest';
import { defaultSource, groupedCode, keptPageCount, megabytes, moveTarget, offeredSources, placeOf, rotated, spokenDigits, svgDataUrl } from '../../web/station/scan/scan-model.ts';
import type { ScanDocument, ScanPage } from '../../web/station/scan/scan-api.ts';
import { downloadUrl, normalizeCode } from '../../web/terminal/pickup/pickup-api.ts';

const page = (id: string, extra: Partial<ScanPage> = {}): ScanPage => ({ id, rotation: 0, blank: false, deleted: false, widthMm: 210, heightMm: 297, ...extra });
const documents: ScanDocument[] = [
  { index: 0, pages: [page('a'), page('b'), page('c', { blank: true, deleted: true })] },
  { index: 1, pages: [page('d')] },
  { index: 2, pages: [] },
];

describe('scan flow helpers', () => {
  test('"earlier" and "later" move one place, across document borders at the ends, and not past the first or last page', () => {
    expect(moveTarget(documents, 'b', 'earlier')).toEqual({ documentIndex: 0, position: 0 });
    expect(moveTarget(documents, 'b', 'later')).toEqual({ documentIndex: 0, position: 2 });
    expect(moveTarget(documents, 'c', 'later')).toEqual({ documentIndex: 1, position: 0 });
    expect(moveTarget(documents, 'd', 'earlier')).toEqual({ documentIndex: 0, position: 3 });
    // The empty document after "Nächstes Dokument" takes the last page.
    expect(moveTarget(documents, 'd', 'later')).toEqual({ documentIndex: 2, position: 0 });
    expect(moveTarget(documents, 'a', 'earlier')).toBeNull();
    expect(moveTarget(documents.slice(0, 2), 'd', 'later')).toBeNull();
    expect(moveTarget(documents, 'missing', 'later')).toBeNull();
  });

  test('a page’s place is counted from 1 for people, and deleted pages do not count as kept', () => {
    expect(placeOf(documents, 'd')).toEqual({ document: 2, page: 1 });
    expect(placeOf(documents, 'c')).toEqual({ document: 1, page: 3 });
    expect(keptPageCount(documents)).toBe(3);
  });

  test('quarter turns wrap around in both directions', () => {
    expect(rotated(0, 'left')).toBe(270);
    expect(rotated(270, 'right')).toBe(0);
    expect(rotated(90, 'right')).toBe(180);
  });

  test('the feeder is offered first, duplex feeders count as feeders, and ID cards and photos go on the glass', () => {
    expect(offeredSources({ sources: ['flatbed', 'adf-duplex'], resolutions: [], modes: [] })).toEqual(['adf', 'flatbed']);
    expect(offeredSources({ sources: ['flatbed'], resolutions: [], modes: [] })).toEqual(['flatbed']);
    expect(defaultSource('document', ['adf', 'flatbed'])).toBe('adf');
    expect(defaultSource('id-card', ['adf', 'flatbed'])).toBe('flatbed');
    expect(defaultSource('photo', ['adf'])).toBe('adf');
    expect(defaultSource('document', ['flatbed'])).toBe('flatbed');
  });

  test('sizes read like the portals’ limits (decimal megabytes), codes in groups of three and digit by digit', () => {
    expect(megabytes(1_949_999)).toBe(1.9);
    expect(megabytes(5_000_000)).toBe(5);
    expect(groupedCode('123456')).toBe('123 456');
    expect(spokenDigits('123 456')).toBe('1 2 3 4 5 6');
  });

  test('the QR goes into an <img> as base64 data, so its markup never reaches the DOM', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0h1v1H0z"/></svg>';
    const url = svgDataUrl(svg);
    expect(url.startsWith('data:image/svg+xml;base64,')).toBe(true);
    expect(Buffer.from(url.split(',')[1]!, 'base64').toString('utf8')).toBe(svg);
    expect(url).not.toContain('<');
  });
});

describe('pickup helpers', () => {
  test('only digits of a typed code count, including Arabic-Indic digits, and at most six', () => {
    expect(normalizeCode('123 456')).toBe('123456');
    expect(normalizeCode(' 12-34-56 ')).toBe('123456');
    expect(normalizeCode('١٢٣٤٥٦')).toBe('123456');
    expect(normalizeCode('۱۲۳abc')).toBe('123');
    expect(normalizeCode('1234567')).toBe('123456');
  });

  test('the download address asks for an attachment, keeping any query already there', () => {
    expect(downloadUrl('/api/scan/pickup/t/documents/0.pdf')).toBe('/api/scan/pickup/t/documents/0.pdf?download=1');
    expect(downloadUrl('/x.pdf?a=1')).toBe('/x.pdf?a=1&download=1');
  });
});
