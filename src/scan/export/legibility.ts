import sharp from 'sharp';

export type TextRegion = { box: { left: number; top: number; width: number; height: number }; score: number; glyphHeightPx: number };

/** Size of the crop shown to the citizen, in stored pixels (shown 1:1 on the station screen). */
export const LEGIBILITY_CROP = { width: 480, height: 240 };

/**
 * Finds the window with the most of the page's smallest glyphs: ink is split into connected
 * components; components shaped like letters are kept; the smallest of them (30th percentile of
 * height) define "small text"; the window holding most small glyphs wins. `score` grows with the
 * count and shrinks with the glyph size, so it also compares pages. Null when there is no text.
 */
export async function findSmallestTextRegion({ image, dpi }: { image: Buffer; dpi: number }): Promise<TextRegion | null> {
  const meta = await sharp(image).metadata();
  if (!meta.width || !meta.height) return null;
  const scale = Math.min(1, 120 / dpi);
  const { data, info } = await sharp(image)
    .resize({ width: Math.max(8, Math.round(meta.width * scale)) })
    .greyscale()
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const labels = new Int32Array(width * height).fill(-1);
  const stack = new Int32Array(width * height);
  const boxes: { x0: number; y0: number; x1: number; y1: number; n: number }[] = [];
  for (let start = 0; start < data.length; start++) {
    if (data[start]! >= 128 || labels[start] !== -1) continue;
    const id = boxes.length;
    const b = { x0: width, y0: height, x1: 0, y1: 0, n: 0 };
    let top = 0;
    stack[top++] = start;
    labels[start] = id;
    while (top > 0) {
      const i = stack[--top]!;
      const x = i % width;
      const y = (i - x) / width;
      b.n++;
      if (x < b.x0) b.x0 = x;
      if (x > b.x1) b.x1 = x;
      if (y < b.y0) b.y0 = y;
      if (y > b.y1) b.y1 = y;
      // Four neighbours, inlined: this loop runs for every ink pixel.
      let j = i - 1;
      if (x > 0 && labels[j] === -1 && data[j]! < 128) {
        labels[j] = id;
        stack[top++] = j;
      }
      j = i + 1;
      if (x < width - 1 && labels[j] === -1 && data[j]! < 128) {
        labels[j] = id;
        stack[top++] = j;
      }
      j = i - width;
      if (y > 0 && labels[j] === -1 && data[j]! < 128) {
        labels[j] = id;
        stack[top++] = j;
      }
      j = i + width;
      if (y < height - 1 && labels[j] === -1 && data[j]! < 128) {
        labels[j] = id;
        stack[top++] = j;
      }
    }
    boxes.push(b);
  }
  const maxGlyph = (0.25 * dpi * scale); // a quarter inch: bigger is a line, a logo or a photo
  const glyphs = boxes.filter((b) => {
    const h = b.y1 - b.y0 + 1;
    const w = b.x1 - b.x0 + 1;
    return h >= 4 && h <= maxGlyph && w <= 3 * h && b.n >= 6;
  });
  if (glyphs.length < 10) return null;
  const heights = glyphs.map((g) => g.y1 - g.y0 + 1).sort((a, b) => a - b);
  const small = heights[Math.floor(heights.length * 0.3)]!;
  const smallGlyphs = glyphs.filter((g) => g.y1 - g.y0 + 1 <= small * 1.2);
  const tw = Math.min(width, Math.round(LEGIBILITY_CROP.width * scale));
  const th = Math.min(height, Math.round(LEGIBILITY_CROP.height * scale));
  let best = { count: -1, x: 0, y: 0 };
  const stepX = Math.max(1, Math.round(tw / 4));
  const stepY = Math.max(1, Math.round(th / 4));
  for (let y = 0; y + th <= height; y += stepY) {
    for (let x = 0; x + tw <= width; x += stepX) {
      let count = 0;
      for (const g of smallGlyphs) {
        const cx = (g.x0 + g.x1) / 2;
        const cy = (g.y0 + g.y1) / 2;
        if (cx >= x && cx < x + tw && cy >= y && cy < y + th) count++;
      }
      if (count > best.count) best = { count, x, y };
    }
  }
  const left = Math.min(meta.width - 1, Math.round(best.x / scale));
  const top = Math.min(meta.height - 1, Math.round(best.y / scale));
  return {
    box: {
      left,
      top,
      width: Math.min(LEGIBILITY_CROP.width, meta.width - left),
      height: Math.min(LEGIBILITY_CROP.height, meta.height - top),
    },
    score: best.count / small,
    glyphHeightPx: Math.round(small / scale),
  };
}
