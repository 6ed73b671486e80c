import type { Readable } from 'node:stream';

/**
 * The one contract every printer driver (`ipp`, `file`) fulfils. The release use cases only ever
 * talk to this type, so the station, the follower and the ledger do not know which printer is
 * behind it.
 *
 * Lifecycle of one print attempt:
 *   readiness() → submit() → the caller persists `printerJobRef` → follow(ref) (or, after a
 *   restart, status(ref) / follow(ref) again with the persisted ref) → a final FollowUpdate whose
 *   `pagesCompleted` is what gets charged.
 */

export type Sides = 'one-sided' | 'two-sided-long-edge' | 'two-sided-short-edge';
export type ColorMode = 'color' | 'monochrome';

export type PrintOptions = {
  /** Number of copies of the whole document, ≥ 1. */
  copies: number;
  sides: Sides;
  colorMode: ColorMode;
  /** PWG 5101.1 self-describing media name, e.g. `iso_a4_210x297mm`. */
  media: string;
  /**
   * Job name shown on the printer's panel and in its logs. Opaque by rule (e.g. `Druckpunkt 42`):
   * never the document name, which is private.
   */
  jobName: string;
};

export type PrinterState = 'idle' | 'processing' | 'stopped' | 'unreachable';

export type Readiness = {
  /** True when a job submitted now is expected to print without staff help. */
  ready: boolean;
  state: PrinterState;
  /**
   * The printer's `printer-state-reasons` as base keywords: the RFC 8011 severity suffixes
   * (`-report`, `-warning`, `-error`) are stripped, `none` is dropped, duplicates removed.
   * Synthetic reasons added by Druckpunkt: `unreachable` (no answer), `not-accepting-jobs`
   * (`printer-is-accepting-jobs` false), `stopped` (state stopped without any reason given).
   */
  reasons: string[];
  /**
   * The subset of `reasons` that prevents printing (see `classifyPrinterStateReasons`). Empty when
   * `ready` is true.
   */
  blocking: string[];
};

export type SubmitArgs = {
  /**
   * The document, a PDF. A Buffer or a stream, read once. The file driver streams it to disk; the
   * ipp driver reads it into memory (to resend on server-error-busy and to rasterise).
   */
  pdf: Buffer | Readable;
  /** Pages in one copy of the document (already counted by the spool). */
  pages: number;
  options: PrintOptions;
};

export type SubmitResult = {
  /**
   * Opaque reference to the job on the printer. The caller persists it before anything else so
   * a restarted follower can resume with `status(ref)` / `follow(ref)`. Short ASCII, ≤ 512 chars.
   */
  printerJobRef: string;
  /**
   * Options the printer does not support and that were changed to what it does (e.g. `sides`
   * printed one-sided, `colorMode` printed monochrome, `media` left to the printer's default).
   * Empty when the job prints exactly as asked.
   */
  substitutedOptions: Array<keyof PrintOptions>;
};

export type FollowState = 'pending' | 'processing' | 'completed' | 'aborted' | 'canceled' | 'unknown';

export type FollowUpdate = {
  /**
   * `completed`, `aborted`, `canceled` and `unknown` are final. `unknown` means the printer no
   * longer knows the job (printers forget finished jobs): the outcome cannot be learned, so the
   * caller must NOT resend automatically (that could print twice) and should refund and show the
   * job to staff. See the driver READMEs for how each driver gets there.
   */
  state: FollowState;
  /**
   * Impressions completed, copies included: one printed side of a sheet is one impression
   * (a 3-page document, 2 copies, completed → 6, whether printed one- or two-sided).
   */
  pagesCompleted: number;
  /** Job state reasons as keywords (e.g. `job-completed-successfully`, `aborted-by-system`). */
  reasons: string[];
};

export type FollowOptions = {
  /** Stops following (rejects with the signal's reason); the job itself is not cancelled. */
  signal?: AbortSignal;
  /** Poll interval. Default 1000 ms. */
  intervalMs?: number;
  /** Called on the first poll and on every poll whose state, page count or reasons changed. */
  onUpdate?(update: FollowUpdate): void;
  /**
   * How long the printer may stay unreachable while following before `follow` rejects with
   * `printer.unreachable`. Short network blips are ridden out. Default 30 000 ms.
   */
  unreachableToleranceMs?: number;
};

export type PrinterDriver = {
  /** The configured printer id. */
  id: string;
  /** Whether the printer can print now, and if not, why. Never throws for an unreachable printer. */
  readiness(): Promise<Readiness>;
  /**
   * Sends the document. Throws `printer.unreachable`, `printer.rejected` (the printer answered
   * with an IPP error status) or `printer.format_unsupported` (no format the driver can produce).
   */
  submit(args: SubmitArgs): Promise<SubmitResult>;
  /** One poll of the job. Throws `printer.unreachable` when the printer does not answer. */
  status(ref: string): Promise<FollowUpdate>;
  /** Polls `status` until a final state and returns it. */
  follow(ref: string, opts?: FollowOptions): Promise<FollowUpdate>;
  /** Asks the printer to cancel the job. A job that already ended is not an error. */
  cancel(ref: string): Promise<void>;
  /** Releases resources (sockets, timers). */
  close?(): Promise<void>;
};
