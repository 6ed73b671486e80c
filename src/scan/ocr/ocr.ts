import { spawn } from 'node:child_process';
import {
  PDFDocument,
  PDFNumber,
  PDFOperator,
  PDFOperatorNames,
  StandardFonts,
  TextRenderingMode,
  beginText,
  endText,
  popGraphicsState,
  pushGraphicsState,
  setFontAndSize,
  setTextMatrix,
  setTextRenderingMode,
  showText,
  type PDFFont,
} from 'pdf-lib';
import { createScanOcrFailedError } from '../scan.errors.ts';
import type { PagePlacement } from '../export/pdf-export.ts';

/** One recognised word, in pixels of the image that was recognised. */
export type OcrWord = { text: string; left: number; top: number; width: number; height: number; confidence: number };

export type OcrPage = { words: OcrWord[]; widthPx: number; heightPx: number };

export type OcrPageArgs = {
  /** The page image (PNG or JPEG). */
  image: Buffer;
  dpi: number;
  /** Tesseract language models; Debian's tesseract-ocr-deu and -eng. */
  languages?: string[];
  tesseractPath?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
};

/**
 * Recognises one page with Debian's tesseract (fully offline): the image goes in on stdin, the
 * TSV word list comes back on stdout, nothing touches the disk. OMP_THREAD_LIMIT=1 keeps OCR, which
 * runs in the background, from taking both cores away from the station.
 */
export async function ocrPage({ image, dpi, languages = ['deu', 'eng'], tesseractPath = 'tesseract', timeoutMs = 120_000, signal }: OcrPageArgs): Promise<OcrPage> {
  const args = ['-', '-', '-l', languages.join('+'), '--dpi', String(Math.round(dpi)), 'tsv'];
  const tsv = await new Promise<string>((resolve, reject) => {
    const child = spawn(tesseractPath, args, { env: { ...process.env, OMP_THREAD_LIMIT: '1' }, stdio: ['pipe', 'pipe', 'pipe'], signal, timeout: timeoutMs });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.resume();
    child.on('error', (error) => reject(createScanOcrFailedError({ cause: error })));
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out).toString('utf8')) : reject(createScanOcrFailedError({ details: { exitCode: code } }))));
    child.stdin.on('error', () => {}); // the child may exit before reading everything
    child.stdin.end(image);
  });
  const words: OcrWord[] = [];
  let widthPx = 0;
  let heightPx = 0;
  for (const line of tsv.split('\n').slice(1)) {
    const cols = line.split('\t');
    if (cols.length < 12) continue;
    const [level, , , , , , left, top, width, height, conf] = cols.map(Number);
    const text = cols.slice(11).join('\t').trim();
    if (level === 1) {
      widthPx = width!;
      heightPx = height!;
    }
    // In sans-serif type a capital I is a bare vertical stroke, which tesseract reads as '|'; a
    // lone bar between words in running text is practically always the pronoun/letter I.
    const word = text === '|' ? 'I' : text;
    if (level === 5 && word) words.push({ text: word, left: left!, top: top!, width: width!, height: height!, confidence: conf! });
  }
  return { words, widthPx, heightPx };
}

/** Standard-14 Helvetica (WinAnsi) covers German and English; other characters become '?'. */
function encodable(font: PDFFont, text: string): string {
  const chars = [...text].map((ch) => {
    try {
      font.encodeText(ch);
      return ch;
    } catch {
      return '?';
    }
  });
  return chars.join('');
}

/**
 * Adds an invisible text layer (rendering mode 3, as OCR tools do) to a PDF made by `exportPdf`:
 * each word is placed over its pixels, sized to its box height and squeezed to its box width, so
 * search hits and selections line up with the image. Returns a new PDF; the input is untouched.
 */
export async function addTextLayer({ pdf, pages, placements }: { pdf: Buffer; pages: OcrPage[]; placements: PagePlacement[] }): Promise<Buffer> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const pdfPages = doc.getPages();
  for (const [index, ocr] of pages.entries()) {
    const page = pdfPages[index];
    const place = placements[index];
    if (!page || !place || ocr.widthPx === 0 || ocr.heightPx === 0) continue;
    const key = page.node.newFontDictionary('OcrFont', font.ref);
    const kx = place.width / ocr.widthPx;
    const ky = place.height / ocr.heightPx;
    const ops: PDFOperator[] = [pushGraphicsState(), beginText(), setTextRenderingMode(TextRenderingMode.Invisible)];
    for (const word of ocr.words) {
      const text = encodable(font, word.text);
      const size = Math.max(1, word.height * ky);
      const natural = font.widthOfTextAtSize(text, size);
      if (natural <= 0) continue;
      const squish = Math.max(10, Math.min(500, ((word.width * kx) / natural) * 100));
      // PDF y grows upwards; the baseline sits near the bottom of the word box.
      const x = place.x + word.left * kx;
      const y = place.y + place.height - (word.top + word.height) * ky + size * 0.2;
      ops.push(
        setFontAndSize(key, size),
        PDFOperator.of(PDFOperatorNames.SetTextHorizontalScaling, [PDFNumber.of(squish)]),
        setTextMatrix(1, 0, 0, 1, x, y),
        showText(font.encodeText(`${text} `)),
      );
    }
    ops.push(endText(), popGraphicsState());
    page.pushOperators(...ops);
  }
  return Buffer.from(await doc.save({ useObjectStreams: true }));
}
