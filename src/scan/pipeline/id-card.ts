import sharp, { type OverlayOptions } from 'sharp';
import { processPage, type ProcessedPage } from './page-pipeline.ts';

export type IdCardSide = { image: Buffer; dpi: number };

export type ComposedIdCard = {
  /** One A4 page (PNG, colour) with both sides at their real size. */
  image: Buffer;
  widthPx: number;
  heightPx: number;
  dpi: number;
  /** Where each side sits on the page, in millimetres from the top-left corner. */
  placements: { side: 'front' | 'back'; leftMm: number; topMm: number; widthMm: number; heightMm: number }[];
  sides: ProcessedPage['facts'][];
};

const A4 = { width: 210, height: 297 };

/**
 * "Ausweis (Vorder- und Rückseite auf eine Seite)": two flatbed scans of a card, each cut out of
 * the lid and straightened, placed one above the other on a white A4 page at their real size
 * (as a photocopy would), which is what authorities ask for.
 */
export async function composeIdCard({ front, back, dpi = 300 }: { front: IdCardSide; back: IdCardSide; dpi?: number }): Promise<ComposedIdCard> {
  const sides = await Promise.all([front, back].map((side) => processPage({ image: side.image, dpi: side.dpi, preset: 'id-card' })));
  const px = (mm: number) => Math.round((mm / 25.4) * dpi);
  const placements: ComposedIdCard['placements'] = [];
  const composites: OverlayOptions[] = [];
  let topMm = 40;
  for (const [i, side] of sides.entries()) {
    const widthMm = (side.widthPx / side.dpi) * 25.4;
    const heightMm = (side.heightPx / side.dpi) * 25.4;
    const leftMm = (A4.width - widthMm) / 2;
    const input = await sharp(side.image).resize(px(widthMm), px(heightMm), { fit: 'fill' }).png().toBuffer();
    composites.push({ input, left: px(leftMm), top: px(topMm) });
    placements.push({ side: i === 0 ? 'front' : 'back', leftMm, topMm, widthMm, heightMm });
    topMm += heightMm + 25;
  }
  const { data, info } = await sharp({ create: { width: px(A4.width), height: px(A4.height), channels: 3, background: '#ffffff' } })
    .composite(composites)
    .png()
    .toBuffer({ resolveWithObject: true });
  return { image: data, widthPx: info.width, heightPx: info.height, dpi, placements, sides: sides.map((s) => s.facts) };
}
