/**
 * Opening PDFs with pdfjs-dist (legacy build, the one meant for Node) with the options that keep
 * it safe and quiet on a server: no eval, no font faces, no network, standard fonts and CMaps
 * read from the package's own folders. Shared by normalisation and previews.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { createPdfDamagedError, createPdfEncryptedError } from './formats.errors.ts';

type PdfjsModule = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
export type PdfjsDocument = Awaited<ReturnType<PdfjsModule['getDocument']>['promise']>;

/**
 * For worker pools: pdfjs and its worker module, loaded plainly before tsx. Loading the worker
 * module sets `globalThis.pdfjsWorker`, which pdfjs's in-thread ("fake") worker then uses instead
 * of importing it on the first document.
 */
export const PDFJS_PRELOAD = ['pdfjs-dist/legacy/build/pdf.mjs', 'pdfjs-dist/legacy/build/pdf.worker.mjs'];

let pdfjsModule: Promise<PdfjsModule> | undefined;
/** Loaded once per worker; the import is the slow part of the first job, so workers preload it. */
export function loadPdfjs(): Promise<PdfjsModule> {
  pdfjsModule ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjsModule;
}

const pdfjsRoot = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
// pdfjs in Node reads these with fs when given plain paths ending in a separator.
const standardFontDataUrl = path.join(pdfjsRoot, 'standard_fonts') + path.sep;
const cMapUrl = path.join(pdfjsRoot, 'cmaps') + path.sep;
const wasmUrl = path.join(pdfjsRoot, 'wasm') + path.sep;

/**
 * Opens `bytes` (copied: pdfjs takes ownership of what it is given). Password protection and
 * unreadable files become our stable errors; anything else thrown by pdfjs means damaged too.
 */
export async function openPdf({ bytes }: { bytes: Uint8Array }): Promise<PdfjsDocument> {
  const pdfjs = await loadPdfjs();
  const task = pdfjs.getDocument({
    data: new Uint8Array(bytes),
    standardFontDataUrl,
    cMapUrl,
    cMapPacked: true,
    wasmUrl,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    enableXfa: false,
    disableAutoFetch: true,
    disableStream: true,
    stopAtErrors: false,
    verbosity: 0,
  });
  try {
    return await task.promise;
  } catch (error) {
    await task.destroy().catch(() => undefined);
    if (error instanceof Error && error.name === 'PasswordException') throw createPdfEncryptedError({ cause: error });
    throw createPdfDamagedError({ cause: error });
  }
}
