/**
 * Pixel analysis on small 8-bit grey images (one byte per pixel, row-major): paper detection
 * against the scanner lid, skew estimation, thresholds and blank scoring. Pure functions with no
 * I/O, so the page pipeline can run them on a ~100 dpi copy of the page and stay fast. They run on
 * the event loop, so every loop is a flat pass over typed arrays.
 */
export type GreyImage = { data: Uint8Array; width: number; height: number };

/** 256 counts, one per grey level. */
export type Histogram = Float64Array;

/** Histogram of an 8-bit image, optionally only where `mask` is 1. */
export function histogram(image: GreyImage, mask?: Uint8Array): Histogram {
  const counts = new Uint32Array(256);
  const { data } = image;
  if (mask) {
    for (let i = 0; i < data.length; i++) if (mask[i]) counts[data[i]!]!++;
  } else {
    for (let i = 0; i < data.length; i++) counts[data[i]!]!++;
  }
  return Float64Array.from(counts);
}

/** Histogram of the rectangle [left, right) × [top, bottom) of an 8-bit image. */
export function histogramOfBox(image: GreyImage, { left, top, right, bottom }: { left: number; top: number; right: number; bottom: number }): Histogram {
  const counts = new Uint32Array(256);
  const { data, width } = image;
  for (let y = top; y < bottom; y++) {
    const row = y * width;
    for (let i = row + left; i < row + right; i++) counts[data[i]!]!++;
  }
  return Float64Array.from(counts);
}

/** Value below which `fraction` of the histogram lies. */
export function percentile(hist: ArrayLike<number>, fraction: number): number {
  let total = 0;
  for (let v = 0; v < 256; v++) total += hist[v]!;
  const target = total * fraction;
  let sum = 0;
  for (let v = 0; v < 256; v++) {
    sum += hist[v]!;
    if (sum >= target) return v;
  }
  return 255;
}

/** Otsu's threshold: the grey level that best separates ink from paper. */
export function otsuThreshold(hist: ArrayLike<number>): number {
  let total = 0;
  let sumAll = 0;
  for (let v = 0; v < 256; v++) {
    total += hist[v]!;
    sumAll += v * hist[v]!;
  }
  let sumB = 0;
  let weightB = 0;
  let best = 0;
  let threshold = 127;
  for (let v = 0; v < 256; v++) {
    weightB += hist[v]!;
    if (weightB === 0) continue;
    const weightF = total - weightB;
    if (weightF === 0) break;
    sumB += v * hist[v]!;
    const meanB = sumB / weightB;
    const meanF = (sumAll - sumB) / weightF;
    const between = weightB * weightF * (meanB - meanF) ** 2;
    if (between > best) {
      best = between;
      threshold = v;
    }
  }
  return threshold;
}

/** Median grey of the outermost `band` pixels of the image: the lid (or feeder backing). */
export function borderLevel(image: GreyImage, band = 2): number {
  const { data, width, height } = image;
  const hist = new Float64Array(256);
  const b = Math.min(band, Math.floor(width / 2), Math.floor(height / 2));
  for (let y = 0; y < height; y++) {
    const row = y * width;
    if (y < b || y >= height - b) {
      for (let i = row; i < row + width; i++) hist[data[i]!]!++;
    } else {
      for (let x = 0; x < b; x++) hist[data[row + x]!]!++;
      for (let x = width - b; x < width; x++) hist[data[row + x]!]!++;
    }
  }
  return percentile(hist, 0.5);
}

/**
 * Marks (1) every pixel darker than `threshold` that is connected to the image border: the
 * scanner lid around the paper. Text on the paper is enclosed by paper and stays unmarked.
 */
export function outsideMask(image: GreyImage, threshold: number): Uint8Array {
  const { data, width, height } = image;
  const mask = new Uint8Array(width * height);
  const stack = new Int32Array(width * height);
  let top = 0;
  const seed = (i: number) => {
    if (!mask[i] && data[i]! < threshold) {
      mask[i] = 1;
      stack[top++] = i;
    }
  };
  for (let x = 0; x < width; x++) {
    seed(x);
    seed((height - 1) * width + x);
  }
  for (let y = 0; y < height; y++) {
    seed(y * width);
    seed(y * width + width - 1);
  }
  const lastRow = width * (height - 1);
  while (top > 0) {
    const i = stack[--top]!;
    const x = i % width;
    // The four neighbours, inlined: this runs for every lid pixel.
    let j = i - 1;
    if (x > 0 && !mask[j] && data[j]! < threshold) {
      mask[j] = 1;
      stack[top++] = j;
    }
    j = i + 1;
    if (x < width - 1 && !mask[j] && data[j]! < threshold) {
      mask[j] = 1;
      stack[top++] = j;
    }
    j = i - width;
    if (i >= width && !mask[j] && data[j]! < threshold) {
      mask[j] = 1;
      stack[top++] = j;
    }
    j = i + width;
    if (i < lastRow && !mask[j] && data[j]! < threshold) {
      mask[j] = 1;
      stack[top++] = j;
    }
  }
  return mask;
}

/** Grows a 0/1 mask by `radius` pixels (square neighbourhood), separably, row by row. */
export function dilate(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const tmp = new Uint8Array(mask.length);
  const out = new Uint8Array(mask.length);
  // Along rows: distance to the nearest set pixel, forward then backward.
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let last = -radius - 1;
    for (let x = 0; x < width; x++) {
      if (mask[row + x]) last = x;
      if (x - last <= radius) tmp[row + x] = 1;
    }
    last = width + radius;
    for (let x = width - 1; x >= 0; x--) {
      if (mask[row + x]) last = x;
      if (last - x <= radius) tmp[row + x] = 1;
    }
  }
  // Along columns, still walking rows (cache-friendly): the last set row per column.
  const lastRow = new Int32Array(width).fill(-radius - 1);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (tmp[row + x]) lastRow[x] = y;
      if (y - lastRow[x]! <= radius) out[row + x] = 1;
    }
  }
  lastRow.fill(height + radius);
  for (let y = height - 1; y >= 0; y--) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (tmp[row + x]) lastRow[x] = y;
      if (lastRow[x]! - y <= radius) out[row + x] = 1;
    }
  }
  return out;
}

/** Bounding box of the pixels where `mask` is 0 (the paper), or undefined when there are none. */
export function insideBox(mask: Uint8Array, width: number, height: number) {
  let left = width;
  let right = -1;
  let top = height;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let x = 0;
    while (x < width && mask[row + x]) x++;
    if (x === width) continue;
    if (x < left) left = x;
    let r = width - 1;
    while (mask[row + r]) r--;
    if (r > right) right = r;
    if (y < top) top = y;
    bottom = y;
  }
  if (right < 0) return undefined;
  return { left, top, width: right - left + 1, height: bottom - top + 1 };
}

/** Coordinates of ink pixels, as parallel arrays. */
export type InkPoints = { xs: Int32Array; ys: Int32Array };

/**
 * Skew of text lines in degrees, clockwise positive (sharp's `rotate` convention: rotating the
 * page by `-skew` straightens it). Projection-profile method: the ink pixels are projected onto
 * the vertical axis of a frame rotated by each candidate angle; lines of text give the sharpest
 * profile (largest sum of squares) when the frame matches their slope. Coarse 0.25° steps over
 * ±maxDeg, then 0.05° steps around the best.
 */
export function estimateSkew({ ink, width, height, maxDeg = 5 }: { ink: InkPoints; width: number; height: number; maxDeg?: number }): {
  skewDeg: number;
  confidence: number;
} {
  const { xs, ys } = ink;
  if (xs.length < 150) return { skewDeg: 0, confidence: 0 };
  // Cap the work: every n-th ink pixel still carries the line structure.
  const stride = Math.max(1, Math.floor(xs.length / 80_000));
  const n = Math.ceil(xs.length / stride);
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  for (let k = 0, j = 0; k < xs.length; k += stride, j++) {
    px[j] = xs[k]!;
    py[j] = ys[k]!;
  }
  const diag = Math.ceil(Math.hypot(width, height));
  const bins = new Float64Array(2 * diag + 2);
  const score = (deg: number) => {
    const rad = (deg * Math.PI) / 180;
    const sin = Math.sin(rad);
    const cos = Math.cos(rad);
    bins.fill(0);
    for (let k = 0; k < n; k++) bins[Math.round(py[k]! * cos - px[k]! * sin) + diag]!++;
    let sum = 0;
    for (let b = 0; b < bins.length; b++) sum += bins[b]! * bins[b]!;
    return sum;
  };
  let best = 0;
  let bestScore = -1;
  let worstScore = Infinity;
  for (let deg = -maxDeg; deg <= maxDeg + 1e-9; deg += 0.25) {
    const s = score(deg);
    if (s > bestScore) {
      bestScore = s;
      best = deg;
    }
    worstScore = Math.min(worstScore, s);
  }
  const coarse = best;
  for (let deg = coarse - 0.25; deg <= coarse + 0.25 + 1e-9; deg += 0.05) {
    const s = score(deg);
    if (s > bestScore) {
      bestScore = s;
      best = deg;
    }
  }
  return { skewDeg: Math.round(best * 100) / 100, confidence: worstScore > 0 ? bestScore / worstScore - 1 : 0 };
}

function fitSlope(points: { t: number; v: number }[]): number | undefined {
  // Least squares v = a·t + b, refitted once without points more than 2 px off (paper corners,
  // dog-ears, a finger on the glass).
  let pts = points;
  for (let pass = 0; pass < 2; pass++) {
    if (pts.length < 20) return undefined;
    const n = pts.length;
    const mt = pts.reduce((s, p) => s + p.t, 0) / n;
    const mv = pts.reduce((s, p) => s + p.v, 0) / n;
    let num = 0;
    let den = 0;
    for (const p of pts) {
      num += (p.t - mt) * (p.v - mv);
      den += (p.t - mt) ** 2;
    }
    if (den === 0) return undefined;
    const a = num / den;
    const b = mv - a * mt;
    if (pass === 0) pts = pts.filter((p) => Math.abs(p.v - (a * p.t + b)) <= 2);
    else return a;
  }
  return undefined;
}

/**
 * Skew of the paper itself from its four edges against the lid (clockwise positive), or
 * undefined when the edges disagree (torn paper, paper touching the glass edge). More reliable
 * than text lines for ID cards and photos, which have little text.
 */
export function estimateEdgeSkew({ outside, width, height }: { outside: Uint8Array; width: number; height: number }): number | undefined {
  const box = insideBox(outside, width, height);
  if (!box || box.width < 40 || box.height < 40) return undefined;
  const left: { t: number; v: number }[] = [];
  const right: { t: number; v: number }[] = [];
  const top: { t: number; v: number }[] = [];
  const bottom: { t: number; v: number }[] = [];
  // Only the middle 60 % of each edge: the corners bend the fit. Each scan stops at the first
  // paper pixel from either side.
  for (let y = Math.round(box.top + box.height * 0.2); y < box.top + box.height * 0.8; y++) {
    const row = y * width;
    let first = 0;
    while (first < width && outside[row + first]) first++;
    if (first === width) continue;
    let last = width - 1;
    while (outside[row + last]) last--;
    // An edge that touches the image border is the glass's edge, not the paper's.
    if (first > 0) left.push({ t: y, v: first });
    if (last < width - 1) right.push({ t: y, v: last });
  }
  for (let x = Math.round(box.left + box.width * 0.2); x < box.left + box.width * 0.8; x++) {
    let first = 0;
    while (first < height && outside[first * width + x]) first++;
    if (first === height) continue;
    let last = height - 1;
    while (outside[last * width + x]) last--;
    if (first > 0) top.push({ t: x, v: first });
    if (last < height - 1) bottom.push({ t: x, v: last });
  }
  const deg = (a: number) => (Math.atan(a) * 180) / Math.PI;
  const estimates: number[] = [];
  // Clockwise rotation moves a vertical edge's top to the right (x falls as y grows) and lowers a
  // horizontal edge's right end (y grows with x).
  for (const pts of [left, right]) {
    const a = fitSlope(pts);
    if (a !== undefined) estimates.push(-deg(a));
  }
  for (const pts of [top, bottom]) {
    const a = fitSlope(pts);
    if (a !== undefined) estimates.push(deg(a));
  }
  if (estimates.length < 2) return undefined;
  estimates.sort((a, b) => a - b);
  if (estimates[estimates.length - 1]! - estimates[0]! > 1) return undefined;
  const mid = estimates.length / 2;
  const median = estimates.length % 2 ? estimates[Math.floor(mid)]! : (estimates[mid - 1]! + estimates[mid]!) / 2;
  return Math.round(median * 100) / 100;
}
