import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { WorkerPool } from '../../../src/spool/formats/worker-pool.ts';
import { createPreviewPool, renderPreview } from '../../../src/spool/previews/previews.ts';

const fixture = (name: string) => readFile(fileURLToPath(new URL(`../../../fixtures/pdf/${name}`, import.meta.url)));

let pool: WorkerPool;
beforeAll(async () => {
  pool = createPreviewPool();
  await pool.warm({ memoryMb: 256 });
});
afterAll(async () => {
  await pool.close();
});

async function inkShare(image: Buffer) {
  const { data } = await sharp(image).greyscale().raw().toBuffer({ resolveWithObject: true });
  let dark = 0;
  for (const value of data) if (value < 128) dark++;
  return dark / data.length;
}

describe('renderPreview', () => {
  test('page 1 of a text PDF renders as a PNG of the asked width with text on it', async () => {
    const preview = await renderPreview({ pdf: await fixture('gs-text-10-pages.pdf'), page: 1, widthPx: 300, pool });
    expect(preview.contentType).toBe('image/png');
    const metadata = await sharp(preview.image).metadata();
    expect(metadata.format).toBe('png');
    expect(metadata.width).toBe(300);
    // A4 aspect: 300 * 297 / 210.
    expect(metadata.height).toBe(Math.round((300 * 842) / 595));
    const ink = await inkShare(preview.image);
    expect(ink).toBeGreaterThan(0.005);
    expect(ink).toBeLessThan(0.5);
  });

  test('different pages give different images (page numbers are drawn on each)', async () => {
    const pdf = await fixture('gs-text-10-pages.pdf');
    const first = await renderPreview({ pdf, page: 1, widthPx: 200, pool });
    const last = await renderPreview({ pdf, page: 10, widthPx: 200, pool });
    expect(first.image.equals(last.image)).toBe(false);
  });

  test('a Chromium PDF with embedded fonts and colour renders as WebP when asked', async () => {
    const preview = await renderPreview({ pdf: await fixture('chromium-2-pages.pdf'), page: 2, widthPx: 240, format: 'webp', pool });
    const metadata = await sharp(preview.image).metadata();
    expect(metadata.format).toBe('webp');
    expect(metadata.width).toBe(240);
    expect(await inkShare(preview.image)).toBeGreaterThan(0.001);
  });

  test('a page past the end is answered with its own code', async () => {
    await expect(renderPreview({ pdf: await fixture('gs-text-3-pages.pdf'), page: 4, widthPx: 300, pool })).rejects.toMatchObject({
      code: 'spool.preview_page_not_found',
      statusCode: 404,
    });
  });

  test('a password-protected PDF is answered as encrypted', async () => {
    await expect(renderPreview({ pdf: await fixture('qpdf-user-password.pdf'), page: 1, widthPx: 300, pool })).rejects.toMatchObject({
      code: 'spool.pdf_encrypted',
    });
  });

  test('a render past its deadline is stopped, and the next preview still works', async () => {
    const pdf = await fixture('gs-text-10-pages.pdf');
    await expect(renderPreview({ pdf, page: 1, widthPx: 2000, timeoutMs: 1, pool })).rejects.toMatchObject({
      code: 'spool.processing_timeout',
    });
    const next = await renderPreview({ pdf, page: 2, widthPx: 100, pool });
    expect((await sharp(next.image).metadata()).width).toBe(100);
  });

  test('an absurd width is refused before any work', async () => {
    await expect(renderPreview({ pdf: await fixture('gs-text-3-pages.pdf'), page: 1, widthPx: 50_000, pool })).rejects.toMatchObject({
      code: 'http.validation_failed',
    });
  });
});
