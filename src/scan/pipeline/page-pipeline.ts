import sharp from 'sharp';
import { createScanImageInvalidError } from '../scan.errors.ts';
import {
  borderLevel,
  dilate,
  estimateEdgeSkew,
  estimateSkew,
  histogram,
  histogramOfBox,
  insideBox,
  otsuThreshold,
  outsideMask,
  percentile,
  type GreyImage,
  type Histogram,
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
/**
 * The full-size render is cut into this many horizontal strips that libvips renders at the same
 * time (sharp runs each call on its own libuv thread; libvips itself runs one thread per call
 * by default on glibc), so a page uses both cores of a station PC.
 */
const RENDER_STRIPS = 2;
/** Rows each strip reads beyond its own so the denoise filter sees real neighbours at the seam. */
const STRIP_OVERLAP = 4;

/** A decoded page: 8-bit, 1 (grey) or 3 (sRGB) channels, row-major. */
export type RawPage = { data: Buffer; width: number; height: number; channels: 1 | 3 };
type Box = { left: number; top: number; width: number; height: number };

/** Decodes the scan once, in the colour space of the output; everything else works from this. */
async function decodePage(image: Buffer, color: boolean): Promise<RawPage> {
  const { data, info } = await sharp(image, { failOn: 'error' })
    .removeAlpha()
    .toColourspace(color ? 'srgb' : 'b-w')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const channels = color ? 3 : 1;
  if (info.channels !== channels || data.length !== info.width * info.height * channels) throw new Error('unexpected decoded layout');
  return { data, width: info.width, height: info.height, channels };
}

/**
 * sharp reading a decoded page. Raw output must name the colour space again: sharp's default
 * output is sRGB, which would turn one grey channel into three.
 */
function sharpOf(page: { data: Uint8Array; width: number; height: number; channels: 1 | 3 }) {
  return sharp(page.data, { raw: { width: page.width, height: page.height, channels: page.channels } }).toColourspace(page.channels === 1 ? 'b-w' : 'srgb');
}

/** The ~100 dpi grey copy the measurements run on. */
async function analysisCopy(page: RawPage, dpi: number): Promise<GreyImage> {
  const width = Math.max(8, Math.round(page.width * Math.min(1, WORK_DPI / dpi)));
  let p = sharpOf(page);
  if (width !== page.width) p = p.resize({ width, kernel: 'linear' });
  const { data, info } = await p.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error('unexpected analysis copy layout');
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

export type RenderArgs = {
  page: RawPage;
  /** Turn by −skewDeg (clockwise positive skew). */
  skewDeg: number;
  /** Grey level the corners that open up when turning get. */
  fill: number;
  /** The part of the turned frame to keep; null keeps the whole frame. */
  crop: Box | null;
  /** Noise filter before the levels; none when undefined. */
  denoise?: 'blur' | 'median';
  /** Levels as a lookup table (256 entries), applied after the denoise; none when undefined. */
  levels?: Uint8Array;
  /** Number of strips rendered at the same time; the result is the same for any count. */
  strips?: number;
};

/**
 * The full-size page: turned, cut, denoised and levelled, as raw pixels. libvips renders each
 * strip of output rows from the shared decoded page (only the source region a strip needs is
 * read); the strips overlap by a few rows so the filter sees the same neighbours as in one pass,
 * and the levels are a table lookup while the rows are joined.
 */
export async function renderPage({ page, skewDeg, fill, crop, denoise, levels, strips = RENDER_STRIPS }: RenderArgs): Promise<RawPage> {
  const rad = (skewDeg * Math.PI) / 180;
  // libvips sizes a rotated image to the rounded bounding box of the turned rectangle.
  const frame =
    skewDeg === 0
      ? { width: page.width, height: page.height }
      : {
          width: Math.round(page.width * Math.abs(Math.cos(rad)) + page.height * Math.abs(Math.sin(rad))),
          height: Math.round(page.width * Math.abs(Math.sin(rad)) + page.height * Math.abs(Math.cos(rad))),
        };
  const box = crop ?? { left: 0, top: 0, width: frame.width, height: frame.height };
  if (skewDeg === 0 && !denoise && box.width === page.width && box.height === page.height) {
    return levels ? { ...page, data: applyLevels(page.data, levels) } : page;
  }
  const count = Math.max(1, Math.min(strips, Math.floor(box.height / 64)));
  const margin = denoise ? STRIP_OVERLAP : 0;
  const rowBytes = box.width * page.channels;
  const out = Buffer.allocUnsafe(rowBytes * box.height);
  const background = { r: fill, g: fill, b: fill, alpha: 1 };
  await Promise.all(
    Array.from({ length: count }, async (_, k) => {
      const y0 = Math.round((box.height * k) / count);
      const y1 = Math.round((box.height * (k + 1)) / count);
      // Neighbour rows inside the kept box only: at the box's own edges the filter extends the
      // edge as one pass over the box would.
      const above = Math.min(margin, y0);
      const below = Math.min(margin, box.height - y1);
      let p = sharpOf(page);
      // sharp turns before a first extract() by rendering the whole turned page into memory; after
      // an extract() of the whole page, the turn is lazy and a second extract() cuts the strip
      // from the turned frame, so libvips computes only the strip's pixels.
      if (skewDeg !== 0) p = p.extract({ left: 0, top: 0, width: page.width, height: page.height }).rotate(-skewDeg, { background });
      p = p.extract({ left: box.left, top: box.top + y0 - above, width: box.width, height: y1 - y0 + above + below });
      if (denoise === 'median') p = p.median(3);
      else if (denoise === 'blur') p = p.blur(0.6);
      const { data } = await p.raw().toBuffer({ resolveWithObject: true });
      const rows = data.subarray(above * rowBytes, (above + y1 - y0) * rowBytes);
      if (levels) applyLevels(rows, levels, out.subarray(y0 * rowBytes));
      else rows.copy(out, y0 * rowBytes);
    }),
  );
  return { data: out, width: box.width, height: box.height, channels: page.channels };
}

function applyLevels(src: Uint8Array, lut: Uint8Array, dst: Uint8Array = Buffer.allocUnsafe(src.length)): Buffer {
  for (let i = 0; i < src.length; i++) dst[i] = lut[src[i]!]!;
  return dst as Buffer;
}

/** The ink of the small copy for the skew measurement: dark pixels away from the paper's edge. */
function inkPoints(small: GreyImage, usable: Uint8Array | null, threshold: number) {
  const { data, width, height } = small;
  const margin = Math.round(width * 0.02);
  let n = 0;
  const xs = new Int32Array(data.length);
  const ys = new Int32Array(data.length);
  for (let y = margin; y < height - margin; y++) {
    const row = y * width;
    for (let x = margin; x < width - margin; x++) {
      const i = row + x;
      if (data[i]! < threshold && (!usable || usable[i])) {
        xs[n] = x;
        ys[n] = y;
        n++;
      }
    }
  }
  return { xs: xs.subarray(0, n), ys: ys.subarray(0, n) };
}

/**
 * One page through the pipeline: find the paper against a dark lid, straighten the text (±5°),
 * cut the page out, whiten the paper and clean the noise, measure blankness, convert to the output
 * mode, apply the citizen's rotation. The scan is decoded once; the measurements run on a ~100 dpi
 * grey copy of it, then one libvips pass per strip turns, cuts and cleans the full-size page.
 */
export async function processPage({ image, dpi, preset = 'document', steps = {}, rotate = 0 }: ProcessPageArgs): Promise<ProcessedPage> {
  const opts: PageSteps = { ...PAGE_PRESETS[preset], ...steps };
  const color = opts.mode === 'color';
  let page: RawPage;
  let small: GreyImage;
  try {
    page = await decodePage(image, color);
    small = await analysisCopy(page, dpi);
  } catch (error) {
    throw createScanImageInvalidError({ cause: error });
  }
  const { width, height } = page;

  // 1. Paper against the lid. A dark lid is far darker than the paper; a white lid or a feeder
  //    backing is not, and then the whole scan is the page.
  const lid = borderLevel(small);
  const smallHist = histogram(small);
  const paperLevel = percentile(smallHist, 0.75);
  const lidFound = opts.crop && paperLevel - lid > 60;
  const cut = (lid + paperLevel) / 2;
  const outside = lidFound ? outsideMask(small, cut) : null;

  // 2. Skew from the ink on the paper, away from the paper's edge.
  let skewDeg = 0;
  if (opts.deskew) {
    // The paper's edges are exact when they are found; text lines are the fallback.
    const edgeSkew = outside ? estimateEdgeSkew({ outside, width: small.width, height: small.height }) : undefined;
    if (edgeSkew !== undefined) {
      skewDeg = edgeSkew;
    } else {
      let usable: Uint8Array | null = null;
      let threshold: number;
      if (outside) {
        usable = dilate(outside, small.width, small.height, 4);
        for (let i = 0; i < usable.length; i++) usable[i] = usable[i] ? 0 : 1;
        threshold = otsuThreshold(histogram(small, usable));
      } else {
        threshold = otsuThreshold(smallHist);
      }
      skewDeg = estimateSkew({ ink: inkPoints(small, usable, threshold), width: small.width, height: small.height }).skewDeg;
    }
    if (Math.abs(skewDeg) < 0.1) skewDeg = 0;
  }

  // 3. The turned frame; corners that open up get the lid's (or the paper's) tone.
  const fill = lidFound ? lid : paperLevel;
  const rad = (skewDeg * Math.PI) / 180;
  // libvips sizes a rotated image to the rounded bounding box of the turned rectangle.
  const frame =
    skewDeg === 0
      ? { width, height }
      : {
          width: Math.round(width * Math.abs(Math.cos(rad)) + height * Math.abs(Math.sin(rad))),
          height: Math.round(width * Math.abs(Math.sin(rad)) + height * Math.abs(Math.cos(rad))),
        };
  // Only the paper's outline needs the small copy straightened; without a lid the page's own
  // pixels give the same levels and ink share turned or not.
  const smallStraight: GreyImage =
    !lidFound || skewDeg === 0
      ? small
      : await (async () => {
          const { data, info } = await sharpOf({ ...small, channels: 1 })
            .rotate(-skewDeg, { background: { r: fill, g: fill, b: fill, alpha: 1 } })
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

  // 5. Levels from the paper and the ink, measured inside the crop on the small copy (the whole
  //    unturned copy for a page without a lid: it is all paper).
  let rl = 0;
  let rt = 0;
  let rr = smallStraight.width;
  let rb = smallStraight.height;
  if (crop && lidFound) {
    const fromFrameX = (x: number) => (x - frame.width / 2) / sx + smallStraight.width / 2;
    const fromFrameY = (y: number) => (y - frame.height / 2) / sy + smallStraight.height / 2;
    rl = Math.max(0, Math.floor(fromFrameX(crop.left)));
    rt = Math.max(0, Math.floor(fromFrameY(crop.top)));
    rr = Math.min(smallStraight.width, Math.ceil(fromFrameX(crop.left + crop.width)));
    rb = Math.min(smallStraight.height, Math.ceil(fromFrameY(crop.top + crop.height)));
  }
  const regionHist: Histogram = rl === 0 && rt === 0 && rr === smallStraight.width && rb === smallStraight.height ? smallHist : histogramOfBox(smallStraight, { left: rl, top: rt, right: rr, bottom: rb });
  const paper = percentile(regionHist, 0.5);
  const black = percentile(regionHist, 0.003);
  // Paper a little below its median already becomes pure white: that removes the grey tone and
  // the noise on it. The spread (paper − 16th percentile, about one standard deviation of the
  // noise on the ~100 dpi copy) tells the noise; the full-size page is noisier than that copy, so
  // the white point sits 2.5 spreads down (1.5 left grey specks all over the paper, which cost
  // JPEG bytes and looked like dirt; the ink is 100+ levels darker and is not touched).
  // A page with little or no ink must not have its noise stretched into "ink", so the black point
  // stays at least 120 levels down.
  const noise = Math.max(2, paper - percentile(regionHist, 0.16));
  const whitePoint = paper - Math.min(30, Math.round(2.5 * noise));
  const blackPoint = Math.min(black, whitePoint - 120);
  const gain = 255 / (whitePoint - blackPoint);
  const offset = -blackPoint * gain;
  const level = (v: number) => Math.max(0, Math.min(255, Math.round(v * gain + offset)));

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
    for (let y = rt + my + 1; y < rb - my - 1; y++) {
      const row = y * w;
      for (let i = row + rl + mx + 1; i < row + rr - mx - 1; i++) {
        area++;
        // A lone dark pixel is noise or dust; ink has dark neighbours.
        if (darkLut[px[i]!] && (darkLut[px[i - 1]!] || darkLut[px[i + 1]!]) && (darkLut[px[i - w]!] || darkLut[px[i + w]!])) inkCount++;
      }
    }
    blankScore = area > 0 ? inkCount / area : 0;
  }

  // 7. Render the page: turn, cut, denoise, levels; then the output mode and the citizen's turn.
  // Light smoothing before the levels shrinks the sensor noise so the paper clips to pure white;
  // a 3×3 median would do it too but costs ~150 ms per A4 page at 200 dpi.
  let levels: Uint8Array | undefined;
  if (opts.whiten) {
    levels = new Uint8Array(256);
    for (let v = 0; v < 256; v++) levels[v] = level(v);
  }
  const rendered = await renderPage({ page, skewDeg, fill, crop, denoise: opts.whiten ? (opts.denoise ?? 'blur') : undefined, levels });
  let out = sharpOf(rendered);
  if (rotate !== 0) out = out.rotate(rotate);
  let png: { data: Buffer; info: { width: number; height: number } };
  if (opts.mode === 'bw') {
    // Otsu on the levelled histogram: with white paper and black ink the split is clean.
    const levelled = new Float64Array(256);
    for (let v = 0; v < 256; v++) levelled[opts.whiten ? level(v) : v]! += regionHist[v]!;
    const t = Math.min(200, Math.max(60, otsuThreshold(levelled)));
    png = await out.threshold(t).png({ palette: true, colours: 2, compressionLevel: 6 }).toBuffer({ resolveWithObject: true });
  } else {
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
