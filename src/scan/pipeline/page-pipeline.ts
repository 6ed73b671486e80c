import sharp, { type OutputInfo } from 'sharp';
import { createScanImageInvalidError } from '../scan.errors.ts';
import {
  borderLevel,
  dilate,
  estimateEdgeSkew,
  estimateSkew,
  histogram,
  insideBox,
  otsuThreshold,
  outsideMask,
  percentile,
  type GreyImage,
} from './page-analysis.ts';

/** What the exported page looks like: colour, 8-bit grey, or 1-bit black and white. */
export type OutputMode = 'color' | 'gray' | 'bw';
export type UserRotation = 0 | 90 | 180 | 270;
export type PagePreset = 'document' | 'color-document' | 'id-card' | 'photo';

export type PageSteps = {
  mode: OutputMode;
  /** Straighten text by up to ±5°. */
  deskew: boolean;
  /** Cut the page out of a dark scanner lid. */
  crop: boolean;
  /** Make the paper white and the ink black (levels), and remove sensor noise (median 3×3). */
  whiten: boolean;
  /** Measure whether the page is empty (feeder back sides); it is flagged, never dropped. */
  detectBlank: boolean;
  /** Noise filter used with `whiten`: a light Gaussian blur (fast, default) or a 3×3 median. */
  denoise?: 'blur' | 'median';
};

/** The choices a citizen sees, with the German label the station shows. */
export const PAGE_PRESETS: Record<PagePreset, PageSteps & { label: string }> = {
  document: { label: 'Dokument (schwarz-weiß/grau)', mode: 'gray', deskew: true, crop: true, whiten: true, detectBlank: true },
  'color-document': { label: 'Farbdokument', mode: 'color', deskew: true, crop: true, whiten: true, detectBlank: true },
  'id-card': { label: 'Ausweis (Vorder- und Rückseite auf eine Seite)', mode: 'color', deskew: true, crop: true, whiten: false, detectBlank: false },
  photo: { label: 'Foto', mode: 'color', deskew: false, crop: true, whiten: false, detectBlank: false },
};

export type ProcessPageArgs = {
  /** The scanned page: PNG, JPEG or TIFF as a driver delivered it. */
  image: Buffer;
  /** Resolution of `image`. */
  dpi: number;
  preset?: PagePreset;
  /** Overrides of single steps of the preset. */
  steps?: Partial<PageSteps>;
  /** The citizen's rotation, applied last, clockwise. */
  rotate?: UserRotation;
};

export type PageFacts = {
  /** Measured skew of the text in degrees, clockwise positive; the page was rotated by −skewDeg. */
  skewDeg: number;
  /** True when a dark lid was found around the paper. */
  lidFound: boolean;
  /**
   * The kept part of the deskewed page, in pixels of the deskewed frame (`frameWidth` ×
   * `frameHeight`, which shares its centre with the scan). Null when nothing was cut away.
   */
  crop: { left: number; top: number; width: number; height: number; frameWidth: number; frameHeight: number } | null;
  /** Share of the page area covered by ink after cleaning (0..1). */
  blankScore: number;
  /** True when `blankScore` is below the blank limit (only when blank detection ran). */
  blank: boolean;
};

export type ProcessedPage = {
  /** PNG (1-bit for `bw`, 8-bit grey, or RGB). */
  image: Buffer;
  widthPx: number;
  heightPx: number;
  dpi: number;
  mode: OutputMode;
  facts: PageFacts;
};

/** Below this ink share a page counts as blank: one short line of text is ~0.1 %. */
export const BLANK_INK_LIMIT = 0.0003;
/** The analysis runs on a copy of about this resolution. */
const WORK_DPI = 100;

async function greyOf(image: Buffer, width: number): Promise<GreyImage> {
  const p = sharp(image).removeAlpha().resize({ width: Math.max(8, width), kernel: 'linear' }).greyscale();
  const { data, info } = await p.extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw createScanImageInvalidError();
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/**
 * One page through the pipeline: find the paper against a dark lid, straighten the text (±5°),
 * cut the page out, whiten the paper and clean the noise, measure blankness, convert to the output
 * mode, apply the citizen's rotation. Everything heavy runs in libvips; the measurements run on a
 * ~100 dpi grey copy.
 */
export async function processPage({ image, dpi, preset = 'document', steps = {}, rotate = 0 }: ProcessPageArgs): Promise<ProcessedPage> {
  const opts: PageSteps = { ...PAGE_PRESETS[preset], ...steps };
  const color = opts.mode === 'color';
  let width: number;
  let height: number;
  let small: GreyImage;
  try {
    const meta = await sharp(image, { failOn: 'error' }).metadata();
    if (!meta.width || !meta.height) throw new Error('no size');
    width = meta.width;
    height = meta.height;
    // Decoded straight from the file at ~100 dpi (JPEG shrink-on-load makes this cheap).
    small = await greyOf(image, Math.round(width * Math.min(1, WORK_DPI / dpi)));
  } catch (error) {
    throw createScanImageInvalidError({ cause: error });
  }

  // 1. Paper against the lid. A dark lid is far darker than the paper; a white lid or a feeder
  //    backing is not, and then the whole scan is the page.
  const lid = borderLevel(small);
  const paperLevel = percentile(histogram(small), 0.75);
  const lidFound = opts.crop && paperLevel - lid > 60;
  const cut = (lid + paperLevel) / 2;
  const outside = lidFound ? outsideMask(small, cut) : new Uint8Array(small.data.length);

  // 2. Skew from the ink on the paper, away from the paper's edge.
  let skewDeg = 0;
  if (opts.deskew) {
    const nearEdge = lidFound ? dilate(outside, small.width, small.height, 4) : outside;
    const insideMaskArr = new Uint8Array(small.data.length);
    for (let i = 0; i < insideMaskArr.length; i++) insideMaskArr[i] = nearEdge[i] ? 0 : 1;
    const threshold = otsuThreshold(histogram(small, insideMaskArr));
    const ink = new Uint8Array(small.data.length);
    const margin = Math.round(small.width * 0.02);
    for (let y = margin; y < small.height - margin; y++) {
      for (let x = margin; x < small.width - margin; x++) {
        const i = y * small.width + x;
        if (insideMaskArr[i] && small.data[i]! < threshold) ink[i] = 1;
      }
    }
    const edgeSkew = lidFound ? estimateEdgeSkew({ outside, width: small.width, height: small.height }) : undefined;
    skewDeg = edgeSkew ?? estimateSkew({ ink, width: small.width, height: small.height }).skewDeg;
    if (Math.abs(skewDeg) < 0.1) skewDeg = 0;
  }

  // 3. Straighten the small copy to find the crop; the full page is straightened while it is
  //    rendered (step 7). Corners that open up get the lid's (or the paper's) tone.
  const fill = lidFound ? lid : paperLevel;
  const background = { r: fill, g: fill, b: fill, alpha: 1 };
  const rad = (skewDeg * Math.PI) / 180;
  // libvips sizes a rotated image to the rounded bounding box of the turned rectangle.
  const frame =
    skewDeg === 0
      ? { width, height }
      : {
          width: Math.round(width * Math.abs(Math.cos(rad)) + height * Math.abs(Math.sin(rad))),
          height: Math.round(width * Math.abs(Math.sin(rad)) + height * Math.abs(Math.cos(rad))),
        };
  const smallStraight: GreyImage =
    skewDeg === 0
      ? small
      : await (async () => {
          const { data, info } = await sharp(Buffer.from(small.data), { raw: { width: small.width, height: small.height, channels: 1 } })
            .rotate(-skewDeg, { background })
            .extractChannel(0)
            .raw()
            .toBuffer({ resolveWithObject: true });
          return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
        })();

  // 4. The crop box, in the straightened frame (both frames share their centre).
  let crop: PageFacts['crop'] = null;
  const sx = width / small.width;
  const sy = height / small.height;
  const toFrameX = (x: number) => (x - smallStraight.width / 2) * sx + frame.width / 2;
  const toFrameY = (y: number) => (y - smallStraight.height / 2) * sy + frame.height / 2;
  if (lidFound) {
    const box = insideBox(outsideMask(smallStraight, cut), smallStraight.width, smallStraight.height);
    if (box && box.width * box.height > 0.05 * smallStraight.width * smallStraight.height) {
      // Half a millimetre inside the edge drops the paper's shadow line.
      const inset = Math.round((0.5 / 25.4) * dpi);
      const left = Math.min(frame.width - 2, Math.max(0, Math.round(toFrameX(box.left)) + inset));
      const top = Math.min(frame.height - 2, Math.max(0, Math.round(toFrameY(box.top)) + inset));
      const right = Math.min(frame.width, Math.round(toFrameX(box.left + box.width)) - inset);
      const bottom = Math.min(frame.height, Math.round(toFrameY(box.top + box.height)) - inset);
      crop = { left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top), frameWidth: frame.width, frameHeight: frame.height };
    }
  } else if (skewDeg !== 0) {
    // A feeder page is the paper: keep the original size, centred in the larger rotated frame.
    const left = Math.max(0, Math.round((frame.width - width) / 2));
    const top = Math.max(0, Math.round((frame.height - height) / 2));
    crop = { left, top, width: Math.min(width, frame.width - left), height: Math.min(height, frame.height - top), frameWidth: frame.width, frameHeight: frame.height };
  }

  // 5. Levels from the paper and the ink, measured inside the crop on the small copy.
  const region = new Uint8Array(smallStraight.data.length);
  const fromFrameX = (x: number) => (x - frame.width / 2) / sx + smallStraight.width / 2;
  const fromFrameY = (y: number) => (y - frame.height / 2) / sy + smallStraight.height / 2;
  const rl = crop ? Math.max(0, Math.floor(fromFrameX(crop.left))) : 0;
  const rt = crop ? Math.max(0, Math.floor(fromFrameY(crop.top))) : 0;
  const rr = crop ? Math.min(smallStraight.width, Math.ceil(fromFrameX(crop.left + crop.width))) : smallStraight.width;
  const rb = crop ? Math.min(smallStraight.height, Math.ceil(fromFrameY(crop.top + crop.height))) : smallStraight.height;
  for (let y = Math.max(0, rt); y < Math.min(smallStraight.height, rb); y++) {
    for (let x = Math.max(0, rl); x < Math.min(smallStraight.width, rr); x++) region[y * smallStraight.width + x] = 1;
  }
  const regionHist = histogram(smallStraight, region);
  const paper = percentile(regionHist, 0.5);
  const black = percentile(regionHist, 0.003);
  // Paper a little below its median already becomes pure white: that removes the grey tone and
  // most of the noise on it.
  // The spread (paper − 2nd percentile) tells the noise; a page with little or no ink must not
  // have its noise stretched into "ink", so the black point stays at least 120 levels down.
  const noise = Math.max(2, paper - percentile(regionHist, 0.16));
  const whitePoint = paper - Math.min(30, Math.round(1.5 * noise));
  const blackPoint = Math.min(black, whitePoint - 120);
  const gain = 255 / (whitePoint - blackPoint);
  const offset = -blackPoint * gain;

  // 6. Blank score: ink share in the page's central area after levelling.
  let blankScore = 0;
  if (opts.detectBlank) {
    const w = smallStraight.width;
    const mx = Math.round((rr - rl) * 0.05);
    const my = Math.round((rb - rt) * 0.05);
    let inkCount = 0;
    let area = 0;
    const darkLut = new Uint8Array(256);
    for (let v = 0; v < 256; v++) darkLut[v] = v * gain + offset < 110 ? 1 : 0;
    const px = smallStraight.data;
    const dark = (i: number) => darkLut[px[i]!] === 1;
    for (let y = rt + my + 1; y < rb - my - 1; y++) {
      for (let x = rl + mx + 1; x < rr - mx - 1; x++) {
        area++;
        const i = y * w + x;
        // A lone dark pixel is noise or dust; ink has dark neighbours.
        if (dark(i) && (dark(i - 1) || dark(i + 1)) && (dark(i - w) || dark(i + w))) inkCount++;
      }
    }
    blankScore = area > 0 ? inkCount / area : 0;
  }

  // 7. Render the page.
  // One libvips pipeline from the file: decode, straighten, crop, clean, encode.
  let out = sharp(image, { failOn: 'error' }).removeAlpha();
  out = color ? out.toColourspace('srgb') : out.toColourspace('b-w');
  if (skewDeg !== 0) out = out.rotate(-skewDeg, { background });
  // extract() after rotate() cuts from the rotated frame.
  if (crop) out = out.extract({ left: crop.left, top: crop.top, width: crop.width, height: crop.height });
  // Light smoothing before the levels shrinks the sensor noise so the paper clips to pure white;
  // a 3×3 median would do it too but costs ~150 ms per A4 page at 200 dpi.
  if (opts.whiten) out = (opts.denoise === 'median' ? out.median(3) : out.blur(0.6)).linear(gain, offset);
  // libvips takes one rotation per pipeline; the citizen's quarter turn is a second, cheap pass.
  if (rotate !== 0) out = sharp(await out.png({ compressionLevel: 0 }).toBuffer()).rotate(rotate);
  let png: { data: Buffer; info: OutputInfo };
  if (opts.mode === 'bw') {
    // Otsu on the levelled histogram: with white paper and black ink the split is clean.
    const levelled = new Array<number>(256).fill(0);
    for (let v = 0; v < 256; v++) {
      const lv = opts.whiten ? Math.max(0, Math.min(255, Math.round(v * gain + offset))) : v;
      levelled[lv]! += regionHist[v]!;
    }
    const t = Math.min(200, Math.max(60, otsuThreshold(levelled)));
    png = await out.toColourspace('b-w').threshold(t).png({ palette: true, colours: 2, compressionLevel: 6 }).toBuffer({ resolveWithObject: true });
  } else {
    out = color ? out.toColourspace('srgb') : out.toColourspace('b-w');
    png = await out.png({ compressionLevel: 1, adaptiveFiltering: false }).toBuffer({ resolveWithObject: true });
  }

  return {
    image: png.data,
    widthPx: png.info.width,
    heightPx: png.info.height,
    dpi,
    mode: opts.mode,
    facts: {
      skewDeg,
      lidFound,
      crop,
      blankScore,
      blank: opts.detectBlank && blankScore < BLANK_INK_LIMIT,
    },
  };
}
