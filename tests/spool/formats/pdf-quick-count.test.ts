import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, test } from 'vitest';
import { QUICK_COUNT_MAX_BYTES, quickCountPdfPages } from '../../../src/spool/formats/pdf-quick-count.ts';
import { openPdf } from '../../../src/spool/formats/pdfjs.ts';
import { appendUpdate, buildPdf, plainPdfObjects } from './pdf-builder.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/pdf');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name));
const count = (bytes: Buffer, maxPages = 500) => quickCountPdfPages(bytes, { maxPages });

async function pdfjsPages(bytes: Buffer): Promise<number> {
  const doc = await openPdf({ bytes: Buffer.from(bytes) });
  try {
    return doc.numPages;
  } finally {
    await doc.destroy();
  }
}

describe('quick page count of small PDFs', () => {
  test.each(['gs-text-3-pages.pdf', 'gs-text-10-pages.pdf', 'gs-text-25-pages.pdf', 'cairo-text-3-pages.pdf', 'chromium-2-pages.pdf'])(
    '%s: the same count as pdfjs',
    async (name) => {
      const bytes = fixture(name);
      const quick = count(bytes);
      expect(quick).not.toBeNull();
      expect(quick).toBe(await pdfjsPages(bytes));
    },
  );

  test.each(['damaged-truncated.pdf', 'damaged-garbled.pdf', 'qpdf-user-password.pdf', 'qpdf-owner-password-only.pdf'])(
    '%s: not decided here (the full check gives the reason)',
    (name) => {
      expect(count(fixture(name))).toBeNull();
    },
  );

  test('a document built object by object is counted, and pdfjs agrees', async () => {
    const pdf = buildPdf({ objects: plainPdfObjects(4) });
    expect(count(pdf)).toBe(4);
    expect(await pdfjsPages(pdf)).toBe(4);
  });

  test('a nested page tree is walked to its leaves', () => {
    const objects = [
      { num: 1, body: '<< /Type /Catalog /Pages 2 0 R >>' },
      { num: 2, body: '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 3 >>' },
      { num: 3, body: '<< /Type /Pages /Parent 2 0 R /Kids [5 0 R 6 0 R] /Count 2 >>' },
      { num: 4, body: '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>' },
      { num: 5, body: '<< /Type /Page /Parent 3 0 R /MediaBox [0 0 595 842] >>' },
      { num: 6, body: '<< /Type /Page /Parent 3 0 R /MediaBox [0 0 595 842] >>' },
    ];
    expect(count(buildPdf({ objects }))).toBe(3);
  });

  test('a page tree whose /Count disagrees with its pages is left to the full check', () => {
    const objects = plainPdfObjects(4).map((o) => (o.num === 2 ? { ...o, body: o.body.replace('/Count 4', '/Count 5') } : o));
    expect(count(buildPdf({ objects }))).toBeNull();
  });

  test('a page tree that loops back on itself is left to the full check', () => {
    const objects = [
      { num: 1, body: '<< /Type /Catalog /Pages 2 0 R >>' },
      { num: 2, body: '<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>' },
      { num: 3, body: '<< /Type /Page /Parent 2 0 R >>' },
    ];
    expect(count(buildPdf({ objects }))).toBeNull();
  });

  test('an incremental update that adds a page is read through /Prev, newest objects winning', async () => {
    const base = buildPdf({ objects: plainPdfObjects(2) });
    const updated = appendUpdate(base, {
      objects: [
        { num: 2, body: '<< /Type /Pages /Kids [3 0 R 5 0 R 7 0 R] /Count 3 >>' },
        { num: 7, body: '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>' },
      ],
    });
    expect(count(base)).toBe(2);
    expect(count(updated)).toBe(3);
    expect(await pdfjsPages(updated)).toBe(3);
  });

  test('cross-reference streams and object streams (as pdf-lib writes) are left to the full check', async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    doc.addPage();
    const bytes = Buffer.from(await doc.save({ useObjectStreams: true }));
    expect(count(bytes)).toBeNull();
    // Without object streams pdf-lib writes a classic table, which is counted.
    expect(count(Buffer.from(await doc.save({ useObjectStreams: false })))).toBe(2);
  });

  test('values the count does not need are still read strictly, and their keys do not count', () => {
    const withPage = (page: string) =>
      buildPdf({
        objects: [
          { num: 1, body: '<< /Type /Catalog /Pages 2 0 R >>' },
          { num: 2, body: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>' },
          { num: 3, body: page },
        ],
      });
    // Nested resources with names, numbers, strings and references; a /Type inside them is not the page's.
    const plain = '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.3 -842 +1 .5] /Resources << /Type /Pages /Font << /F1 4 0 R >> /X [(a\\)b) <00ff> true false null] >> >>';
    expect(count(withPage(plain))).toBe(1);
    // A stray keyword deep in a value nobody asks for: unsure, so the full check decides.
    expect(count(withPage('<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 oops >> >> >>'))).toBeNull();
    expect(count(withPage('<< /Type /Page /Parent 2 0 R /Rotate 1.2.3 >>'))).toBeNull();
    // A key that is not a name.
    expect(count(withPage('<< /Type /Page /Parent 2 0 R /Resources << 12 /Font >> >>'))).toBeNull();
  });

  test('a trailer naming /Encrypt is never counted here', () => {
    expect(count(buildPdf({ objects: plainPdfObjects(1), trailerExtra: '/Encrypt << /Filter /Standard >>' }))).toBeNull();
  });

  test('more pages than allowed, or more bytes than the quick look takes, go to the full check', () => {
    expect(count(buildPdf({ objects: plainPdfObjects(6) }), 5)).toBeNull();
    const padded = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(QUICK_COUNT_MAX_BYTES, 0x20)]);
    expect(count(padded)).toBeNull();
  });

  test('every truncation of a valid document gives null or the right count, never an exception', () => {
    const pdf = buildPdf({ objects: plainPdfObjects(3) });
    const results = new Set<number | null>();
    for (let length = 0; length <= pdf.length; length++) results.add(count(pdf.subarray(0, length)));
    expect([...results].every((r) => r === null || r === 3)).toBe(true);
    expect(results.has(3)).toBe(true);
    expect(results.has(null)).toBe(true);
  });

  test('hostile nesting and endless arrays stop early and cheaply', () => {
    const deep = buildPdf({
      objects: [
        { num: 1, body: `<< /Type /Catalog /Pages 2 0 R /X ${'['.repeat(100_000)} >>` },
        { num: 2, body: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>' },
        { num: 3, body: '<< /Type /Page /Parent 2 0 R >>' },
      ],
    });
    const wide = buildPdf({
      objects: [
        { num: 1, body: `<< /Type /Catalog /Pages 2 0 R /X [${'1 '.repeat(300_000)}] >>` },
        { num: 2, body: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>' },
        { num: 3, body: '<< /Type /Page /Parent 2 0 R >>' },
      ],
    });
    const started = performance.now();
    expect(count(deep)).toBeNull();
    expect(count(wide)).toBeNull();
    expect(performance.now() - started).toBeLessThan(200);
  });
});
