/**
 * The one contract every scanner driver (`sane`, `folder`, `demo`) fulfils. The scan use cases
 * and the station only talk to this type. One `scan()` call is one batch: a flatbed scan yields
 * one page, a feeder scan yields a page per sheet side until the feeder is empty.
 *
 * Errors are AppErrors from `scan.errors.ts` with stable codes (`scan.jammed`, `scan.no_documents`,
 * `scan.cover_open`, `scan.device_busy`, `scan.io_error`, `scan.timeout`, `scan.canceled`,
 * `scan.device_not_found`, `scan.unsupported`). Pages already yielded before an error stay valid:
 * a jam on sheet 4 leaves sheets 1–3 with the caller.
 */

/** Where the paper is: the glass, the feeder one-sided, or the feeder both sides. */
export type ScanSource = 'flatbed' | 'adf' | 'adf-duplex';

/** Colour, 8-bit grey, or 1-bit black and white (SANE's "Lineart"). */
export type ScanMode = 'color' | 'gray' | 'lineart';

export type ScannerCapabilities = {
  /** Sources the device offers, in the device's order. Never empty. */
  sources: ScanSource[];
  /** True when the feeder can scan both sides in one pass (`adf-duplex` is then in `sources`). */
  duplex: boolean;
  /**
   * Resolutions in dpi the device accepts, ascending. A device with a continuous range is reported
   * with the usual steps inside it (75, 100, 150, 200, 300, 400, 600, 1200).
   */
  resolutions: number[];
  /** Modes the device offers. Never empty. */
  modes: ScanMode[];
  /** Largest scan area in millimetres (width × height). */
  maxAreaMm: { width: number; height: number };
};

export type ScannerState = 'ready' | 'busy' | 'unavailable';

export type ScannerStatus = {
  state: ScannerState;
  /** Stable error code explaining `busy`/`unavailable` (e.g. `scan.device_not_found`). */
  reason?: string;
};

export type ScanRequest = {
  source: ScanSource;
  /** Dots per inch; must be one of `capabilities().resolutions` for `sane`. */
  resolution: number;
  mode: ScanMode;
  /** Aborting stops the device and makes the iteration throw `scan.canceled`. */
  signal?: AbortSignal;
};

export type ScanImageFormat = 'png' | 'jpeg' | 'tiff';

export type ScanProgressEvent = {
  type: 'progress';
  /** 0-based index of the page being scanned. */
  index: number;
  /** Progress of this page, 0..1, non-decreasing within a page. */
  fraction: number;
};

export type ScanPageEvent = {
  type: 'page';
  /** 0-based, consecutive within one scan. */
  index: number;
  /** The page as the device delivered it (never written anywhere by the driver). */
  image: Buffer;
  format: ScanImageFormat;
  widthPx: number;
  heightPx: number;
  /** Resolution the pixels were taken at (the physical size is widthPx / dpi inches). */
  dpi: number;
};

/** A file in a hot folder that could not be read as an image; it was deleted, no page made. */
export type ScanRejectedEvent = {
  type: 'rejected';
  reason: 'unreadable' | 'unsupported';
};

export type ScanEvent = ScanProgressEvent | ScanPageEvent | ScanRejectedEvent;

export type ScannerDriver = {
  /** Which driver this is, for logs and metrics (never a path or device name). */
  kind: 'sane' | 'folder' | 'demo';
  capabilities(): Promise<ScannerCapabilities>;
  status(): Promise<ScannerStatus>;
  scan(request: ScanRequest): AsyncIterable<ScanEvent>;
};

/** The usual resolution steps, used to describe continuous ranges. */
export const COMMON_RESOLUTIONS = [75, 100, 150, 200, 300, 400, 600, 1200] as const;
