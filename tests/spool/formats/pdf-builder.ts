/**
 * Builds small PDFs object by object with a correct classic cross-reference table, so tests can
 * make exactly the structure they need (lying page counts, loops, incremental updates, pages
 * that are streams) without a PDF library smoothing it over.
 */
export type PdfObject = { num: number; body: string };

function xrefTable(entries: Array<{ num: number; offset: number }>, size: number): string {
  const lines = ['xref', `0 ${size}`, '0000000000 65535 f\r'];
  const byNum = new Map(entries.map((e) => [e.num, e.offset]));
  for (let num = 1; num < size; num++) {
    const offset = byNum.get(num);
    lines.push(offset === undefined ? '0000000000 00001 f\r' : `${String(offset).padStart(10, '0')} 00000 n\r`);
  }
  return `${lines.join('\n')}\n`;
}

/** One PDF from its objects; `trailerExtra` is added to the trailer dictionary (e.g. '/Encrypt 9 0 R'). */
export function buildPdf({ objects, rootNum = 1, trailerExtra = '' }: { objects: PdfObject[]; rootNum?: number; trailerExtra?: string }): Buffer {
  let text = '%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n';
  const entries: Array<{ num: number; offset: number }> = [];
  for (const object of objects) {
    entries.push({ num: object.num, offset: Buffer.byteLength(text, 'latin1') });
    text += `${object.num} 0 obj\n${object.body}\nendobj\n`;
  }
  const size = Math.max(...objects.map((o) => o.num)) + 1;
  const xrefAt = Buffer.byteLength(text, 'latin1');
  text += xrefTable(entries, size);
  text += `trailer\n<< /Size ${size} /Root ${rootNum} 0 R ${trailerExtra} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(text, 'latin1');
}

/** Appends an incremental update (new versions of some objects) with /Prev pointing at the old table. */
export function appendUpdate(pdf: Buffer, { objects, rootNum = 1 }: { objects: PdfObject[]; rootNum?: number }): Buffer {
  const text = pdf.toString('latin1');
  const prev = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)![1]);
  let update = '';
  const entries: Array<{ num: number; offset: number }> = [];
  for (const object of objects) {
    entries.push({ num: object.num, offset: pdf.length + Buffer.byteLength(update, 'latin1') });
    update += `${object.num} 0 obj\n${object.body}\nendobj\n`;
  }
  const xrefAt = pdf.length + Buffer.byteLength(update, 'latin1');
  update += 'xref\n';
  for (const entry of entries) update += `${entry.num} 1\n${String(entry.offset).padStart(10, '0')} 00000 n\r\n`;
  const size = Math.max(...objects.map((o) => o.num)) + 1;
  update += `trailer\n<< /Size ${size} /Root ${rootNum} 0 R /Prev ${prev} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.concat([pdf, Buffer.from(update, 'latin1')]);
}

/** A plain document of `pages` A4 pages, each with a line of text: catalog 1, tree 2, pages from 3. */
export function plainPdfObjects(pages: number): PdfObject[] {
  const kids = Array.from({ length: pages }, (_, i) => `${3 + i * 2} 0 R`).join(' ');
  const objects: PdfObject[] = [
    { num: 1, body: '<< /Type /Catalog /Pages 2 0 R >>' },
    { num: 2, body: `<< /Type /Pages /Kids [${kids}] /Count ${pages} >>` },
  ];
  for (let i = 0; i < pages; i++) {
    const content = `BT /F1 24 Tf 72 720 Td (Seite ${i + 1}) Tj ET`;
    objects.push({
      num: 3 + i * 2,
      body: `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> /Contents ${4 + i * 2} 0 R >>`,
    });
    objects.push({ num: 4 + i * 2, body: `<< /Length ${content.length} >>\nstream\n${content}\nendstream` });
  }
  return objects;
}
