import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import { composeIdCard } from '../../../src/scan/pipeline/id-card.ts';
import { processPage, renderPage } from '../../../src/scan/pipeline/page-pipeline.ts';
import { loadFixture } from './scan-fixtures.ts';

const mm = (px: number, dpi: number) => (px / dpi) * 25.4;

describe('page pipeline on degraded scans', () => {
  for (const name of ['letter-de', 'letter-en', 'payslip-de', 'sparse-de', 'id-front', 'id-back']) {
    test(`the skew of ${name} is measured within 0.5° of the truth`, async () => {
      const { truth, image } = await loadFixture(name);
      const page = await processPage({ image, dpi: truth.dpi, preset: truth.kind === 'id-card' ? 'id-card' : 'document' });
      expect(Math.abs(page.facts.skewDeg - truth.skewDeg)).toBeLessThanOrEqual(0.5);
    });
  }

  for (const name of ['letter-de', 'letter-en', 'id-front']) {
    test(`${name} is cut out of the dark lid within 2 mm of the paper's real size and place`, async () => {
      const { truth, image } = await loadFixture(name);
      const page = await processPage({ image, dpi: truth.dpi, preset: truth.kind === 'id-card' ? 'id-card' : 'document' });
      expect(page.facts.lidFound).toBe(true);
      expect(Math.abs(mm(page.widthPx, truth.dpi) - truth.paper.widthMm)).toBeLessThan(2);
      expect(Math.abs(mm(page.heightPx, truth.dpi) - truth.paper.heightMm)).toBeLessThan(2);
      // Map the crop's centre from the straightened frame back into the scan: both frames share
      // their centre, and the page was turned by −skew.
      const crop = page.facts.crop!;
      const dx = crop.left + crop.width / 2 - crop.frameWidth / 2;
      const dy = crop.top + crop.height / 2 - crop.frameHeight / 2;
      const rad = (page.facts.skewDeg * Math.PI) / 180;
      const x = truth.widthPx / 2 + dx * Math.cos(rad) - dy * Math.sin(rad);
      const y = truth.heightPx / 2 + dx * Math.sin(rad) + dy * Math.cos(rad);
      expect(mm(Math.abs(x - truth.paper.centerPx.x), truth.dpi)).toBeLessThan(2);
      expect(mm(Math.abs(y - truth.paper.centerPx.y), truth.dpi)).toBeLessThan(2);
    });
  }

  test('a feeder page (no lid) keeps its full size and is not cropped into', async () => {
    const { truth, image } = await loadFixture('payslip-de');
    const page = await processPage({ image, dpi: truth.dpi });
    expect(page.facts.lidFound).toBe(false);
    expect([page.widthPx, page.heightPx]).toEqual([truth.widthPx, truth.heightPx]);
  });

  test('an empty sheet with noise and dust is flagged blank; a sheet with one line of text is not', async () => {
    const blank = await loadFixture('blank-noise');
    const sparse = await loadFixture('sparse-de');
    const blankPage = await processPage({ image: blank.image, dpi: blank.truth.dpi });
    const sparsePage = await processPage({ image: sparse.image, dpi: sparse.truth.dpi });
    expect(blankPage.facts.blank).toBe(true);
    expect(sparsePage.facts.blank).toBe(false);
    // Flagged, not dropped: the blank page still comes out as an image.
    expect(blankPage.image.length).toBeGreaterThan(0);
    expect(sparsePage.facts.blankScore).toBeGreaterThan(5 * blankPage.facts.blankScore);
  });

  test('the grey paper becomes white and the ink stays dark', async () => {
    const { truth, image } = await loadFixture('letter-de');
    const before = await sharp(image).extract({ left: Math.round(truth.paper.centerPx.x - 100), top: Math.round(truth.paper.centerPx.y + 700), width: 200, height: 100 }).stats();
    const page = await processPage({ image, dpi: truth.dpi });
    const stats = await sharp(page.image).stats();
    const hist = await sharp(page.image).raw().toBuffer();
    const white = hist.reduce((n, v) => n + (v >= 250 ? 1 : 0), 0) / hist.length;
    expect(before.channels[0]!.mean).toBeLessThan(235); // the fixture's paper is grey…
    expect(white).toBeGreaterThan(0.85); // …the cleaned page is mostly pure white
    expect(stats.channels[0]!.min).toBeLessThan(30); // and ink is still black
  });

  test('the noise and specks on an empty grey sheet are whitened away, not kept as grey dirt', async () => {
    const { truth, image } = await loadFixture('blank-noise');
    const page = await processPage({ image, dpi: truth.dpi });
    const pixels = await sharp(page.image).raw().toBuffer();
    const white = pixels.reduce((n, v) => n + (v === 255 ? 1 : 0), 0) / pixels.length;
    // The fixture's noise has σ = 10 levels on paper of 218; the sheet must come out pure white
    // nearly everywhere (what is left are the dust specks and the noise's far tail).
    expect(white).toBeGreaterThan(0.98);
  });

  test('black-and-white output has two levels only; grey has one channel; colour three', async () => {
    const { truth, image } = await loadFixture('letter-en');
    const bw = await processPage({ image, dpi: truth.dpi, steps: { mode: 'bw' } });
    const bwPixels = await sharp(bw.image).greyscale().raw().toBuffer();
    expect(new Set(bwPixels).size).toBe(2);
    const grey = await processPage({ image, dpi: truth.dpi, steps: { mode: 'gray' } });
    expect((await sharp(grey.image).metadata()).channels).toBe(1);
    const card = await loadFixture('id-front');
    const color = await processPage({ image: card.image, dpi: card.truth.dpi, preset: 'id-card' });
    expect((await sharp(color.image).metadata()).channels).toBe(3);
  });

  test('the citizen’s quarter turns rotate the result', async () => {
    const { truth, image } = await loadFixture('letter-de');
    const upright = await processPage({ image, dpi: truth.dpi });
    const turned = await processPage({ image, dpi: truth.dpi, rotate: 90 });
    expect([turned.widthPx, turned.heightPx]).toEqual([upright.heightPx, upright.widthPx]);
  });

  test('the page rendered in strips at the same time is pixel for pixel the page rendered in one pass', async () => {
    const { image } = await loadFixture('letter-en');
    const { data, info } = await sharp(image).toColourspace('b-w').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    const page = { data, width: info.width, height: info.height, channels: 1 as const };
    const levels = Uint8Array.from({ length: 256 }, (_, v) => Math.max(0, Math.min(255, Math.round(v * 1.6 - 100))));
    for (const denoise of ['blur', 'median'] as const) {
      const args = { page, skewDeg: -3.8, fill: 60, crop: { left: 154, top: 188, width: 1646, height: 2330 }, denoise, levels };
      const whole = await renderPage({ ...args, strips: 1 });
      const striped = await renderPage({ ...args, strips: 3 });
      expect([striped.width, striped.height, striped.channels]).toEqual([1646, 2330, 1]);
      expect(striped.data.equals(whole.data)).toBe(true);
    }
  });

  test('bytes that are not an image are refused with scan.image_invalid', async () => {
    await expect(processPage({ image: Buffer.from('not an image'), dpi: 200 })).rejects.toMatchObject({ code: 'scan.image_invalid' });
  });

  test('an ID card front and back land on one A4 page at their real size', async () => {
    const front = await loadFixture('id-front');
    const back = await loadFixture('id-back');
    const page = await composeIdCard({ front: { image: front.image, dpi: front.truth.dpi }, back: { image: back.image, dpi: back.truth.dpi }, dpi: 150 });
    expect(Math.abs(mm(page.widthPx, 150) - 210)).toBeLessThan(1);
    expect(Math.abs(mm(page.heightPx, 150) - 297)).toBeLessThan(1);
    for (const p of page.placements) {
      expect(Math.abs(p.widthMm - 85.6)).toBeLessThan(2);
      expect(Math.abs(p.heightMm - 54)).toBeLessThan(2);
    }
    expect(page.placements[1]!.topMm).toBeGreaterThan(page.placements[0]!.topMm + 54);
  });
});
