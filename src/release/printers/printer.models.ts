import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../../shared/clock.ts';
import { isErrorOf } from '../../shared/errors.ts';
import type { FollowOptions, FollowState, FollowUpdate, PrinterState, Readiness } from './printer-driver.ts';
import { createPrinterUnreachableError } from './printer.errors.ts';

/**
 * Base keywords (RFC 8011 §5.4.12, PWG 5100.9, CUPS) that stop a job from printing, whatever
 * severity suffix the printer adds. The suffix is not trusted for these because printers derive
 * it from their own state, not from the job's fate: ippeveprinter, for one, reports
 * `media-empty-report` while idle and still holds every new job until paper is loaded, so a
 * `-report` media-empty would otherwise let a citizen release into a printer that cannot print.
 */
export const BLOCKING_REASONS: ReadonlySet<string> = new Set([
  'media-empty',
  'media-needed',
  'media-jam',
  'door-open',
  'cover-open',
  'interlock-open',
  'input-tray-missing',
  'output-tray-missing',
  'output-area-full',
  'toner-empty',
  'marker-supply-empty',
  'marker-waste-full',
  'offline',
  'paused',
  'moving-to-paused',
  'shutdown',
  'spool-area-full',
  'stopping',
]);

const SUFFIXES = ['-report', '-warning', '-error'] as const;

/** Splits `media-empty-error` into `{ base: 'media-empty', severity: 'error' }`. */
export function splitStateReason(keyword: string): { base: string; severity: 'report' | 'warning' | 'error' | null } {
  for (const suffix of SUFFIXES) {
    if (keyword.endsWith(suffix) && keyword.length > suffix.length) {
      return { base: keyword.slice(0, -suffix.length), severity: suffix.slice(1) as 'report' | 'warning' | 'error' };
    }
  }
  return { base: keyword, severity: null };
}

/**
 * Turns what Get-Printer-Attributes said into a Readiness.
 *
 * - `reasons`: base keywords, suffixes stripped, `none` dropped, order kept, no duplicates.
 * - `blocking`: a reason blocks when its base is in BLOCKING_REASONS (any suffix) or when the
 *   printer itself marks it `-error`. `-report`/`-warning`/unsuffixed reasons outside the list
 *   (toner-low, media-low, marker-supply-low…) are informational: the printer still prints.
 * - `printer-state` stopped, or `printer-is-accepting-jobs` false, is never ready; when the printer
 *   gives no blocking reason for it, `stopped` / `not-accepting-jobs` is added so the station can
 *   still say why.
 */
export function classifyPrinterStateReasons({
  printerState,
  stateReasons,
  acceptingJobs = true,
}: {
  printerState: Exclude<PrinterState, 'unreachable'>;
  stateReasons: readonly string[];
  acceptingJobs?: boolean;
}): Readiness {
  const reasons: string[] = [];
  const blocking: string[] = [];
  for (const keyword of stateReasons) {
    const { base, severity } = splitStateReason(keyword.trim().toLowerCase());
    if (base === '' || base === 'none') continue;
    if (!reasons.includes(base)) reasons.push(base);
    if ((BLOCKING_REASONS.has(base) || severity === 'error') && !blocking.includes(base)) blocking.push(base);
  }
  if (!acceptingJobs) {
    reasons.push('not-accepting-jobs');
    blocking.push('not-accepting-jobs');
  }
  if (printerState === 'stopped' && blocking.length === 0) {
    reasons.push('stopped');
    blocking.push('stopped');
  }
  return { ready: blocking.length === 0, state: printerState, reasons, blocking };
}

/** The Readiness of a printer that did not answer. */
export function unreachableReadiness(): Readiness {
  return { ready: false, state: 'unreachable', reasons: ['unreachable'], blocking: ['unreachable'] };
}

const FINAL_STATES: ReadonlySet<FollowState> = new Set(['completed', 'aborted', 'canceled', 'unknown']);

export function isFinalFollowState(state: FollowState): boolean {
  return FINAL_STATES.has(state);
}

/**
 * The follow loop shared by the drivers: polls `status(ref)` until a final state. Unreachable
 * polls are tolerated for `unreachableToleranceMs` (measured with the injected clock) so that a
 * printer reboot or Wi-Fi blip does not end a job that is still printing; after that the loop
 * rejects with `printer.unreachable` and the caller keeps the attempt open to resume later.
 */
export async function followByPolling({
  ref,
  status,
  clock,
  options = {},
}: {
  ref: string;
  status: (ref: string) => Promise<FollowUpdate>;
  clock: Clock;
  options?: FollowOptions;
}): Promise<FollowUpdate> {
  const { signal, intervalMs = 1000, onUpdate, unreachableToleranceMs = 30_000 } = options;
  let previous: FollowUpdate | undefined;
  let unreachableSince: number | undefined;
  for (;;) {
    signal?.throwIfAborted();
    let update: FollowUpdate | undefined;
    try {
      update = await status(ref);
      unreachableSince = undefined;
    } catch (error) {
      if (!isErrorOf(error, createPrinterUnreachableError)) throw error;
      unreachableSince ??= clock.now();
      if (clock.now() - unreachableSince >= unreachableToleranceMs) throw error;
    }
    if (update) {
      if (
        !previous ||
        previous.state !== update.state ||
        previous.pagesCompleted !== update.pagesCompleted ||
        previous.reasons.join() !== update.reasons.join()
      ) {
        onUpdate?.(update);
      }
      previous = update;
      if (isFinalFollowState(update.state)) return update;
    }
    await delay(intervalMs, undefined, { signal });
  }
}
