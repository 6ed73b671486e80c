import { buffer } from 'node:stream/consumers';
import { setTimeout as delay } from 'node:timers/promises';
import { createSystemClock, type Clock } from '../../shared/clock.ts';
import { isErrorOf } from '../../shared/errors.ts';
import { CAPABILITY_ATTRIBUTES, chooseDocumentTarget, fitOptions, parseCapabilities } from './ipp-capabilities.ts';
import { asList, createIppClient, firstGroup, type IppAttributes } from './ipp-client.ts';
import type { FollowState, FollowUpdate, PrinterDriver, Readiness, SubmitArgs, SubmitResult } from './printer-driver.ts';
import {
  createPrinterFormatUnsupportedError,
  createPrinterNotReadyError,
  createPrinterRejectedError,
  createPrinterUnreachableError,
} from './printer.errors.ts';
import { classifyPrinterStateReasons, followByPolling, unreachableReadiness } from './printer.models.ts';
import { pdfToRaster } from './raster/raster-worker.ts';

/**
 * A real network printer over IPP/2.0 (IPP Everywhere / AirPrint / CUPS queues).
 *
 * - readiness: Get-Printer-Attributes (printer-state, printer-state-reasons,
 *   printer-is-accepting-jobs), classified by `classifyPrinterStateReasons`.
 * - submit: one Get-Printer-Attributes for state + capabilities, then Print-Job with PDF if the
 *   printer lists application/pdf, else PWG raster, else URF, rendered here at the supported
 *   resolution closest to 300 dpi and streamed page by page.
 * - status: Get-Job-Attributes. follow: status until a final state.
 *
 * The job ref is JSON `{"v":1,"id":<job-id>,"uuid":<job-uuid|null>,"imp":<expected impressions>,
 * "duplex":<bool>}` so that a restarted follower needs nothing else. The job-uuid guards against
 * a printer that restarted and handed the same job-id to another job: a uuid mismatch is treated
 * like a forgotten job.
 */
export type IppPrinterDriverArgs = {
  id: string;
  /** ipp://host[:port]/path or ipps://… */
  uri: string;
  /** Inactivity timeout for one IPP request. */
  timeoutSeconds?: number;
  /**
   * How long submit keeps retrying while the printer answers server-error-busy (ippeveprinter and
   * small printers take one job at a time and refuse the next until the current one is done).
   * Default 120 s; then `printer.rejected` with `ippStatus: 'server-error-busy'`.
   */
  busyTimeoutSeconds?: number;
  /** Pause between busy retries. Default 500 ms. */
  busyRetryMs?: number;
  clock?: Clock;
};

type JobRef = { v: 1; id: number; uuid: string | null; imp: number; duplex: boolean };

const READINESS_ATTRIBUTES = ['printer-state', 'printer-state-reasons', 'printer-is-accepting-jobs'];
const JOB_ATTRIBUTES = [
  'job-state',
  'job-state-reasons',
  'job-impressions-completed',
  'job-media-sheets-completed',
  'job-pages-completed',
  'job-uuid',
];

function encodeRef(ref: JobRef): string {
  return JSON.stringify(ref);
}

function decodeRef(ref: string): JobRef {
  try {
    const parsed = JSON.parse(ref) as Partial<JobRef>;
    if (parsed.v === 1 && Number.isInteger(parsed.id) && Number.isInteger(parsed.imp)) {
      return { v: 1, id: parsed.id!, uuid: typeof parsed.uuid === 'string' ? parsed.uuid : null, imp: parsed.imp!, duplex: parsed.duplex === true };
    }
  } catch {
    // fall through
  }
  throw createPrinterRejectedError({ message: 'Not a job reference of this printer.' });
}

function toFollowState(jobState: unknown): FollowState {
  switch (jobState) {
    case 'pending':
    case 'pending-held':
      return 'pending';
    case 'processing':
    case 'processing-stopped':
      return 'processing';
    case 'completed':
    case 'aborted':
    case 'canceled':
      return jobState;
    default:
      return 'unknown';
  }
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/**
 * Impressions completed, in order of trust: job-impressions-completed; job-media-sheets-completed
 * (×2 for duplex); job-pages-completed. All capped at the expected impressions so a printer
 * miscount never charges more than was asked for. A completed job whose printer reports no
 * counter (ippeveprinter without a print command, some CUPS queues) counts as fully printed.
 */
export function impressionsCompleted(job: IppAttributes, state: FollowState, ref: Pick<JobRef, 'imp' | 'duplex'>): number {
  const sheets = positiveInt(job['job-media-sheets-completed']);
  const reported =
    positiveInt(job['job-impressions-completed']) ??
    (sheets === undefined ? undefined : sheets * (ref.duplex ? 2 : 1)) ??
    positiveInt(job['job-pages-completed']);
  if (reported !== undefined) return Math.min(reported, ref.imp);
  return state === 'completed' ? ref.imp : 0;
}

export function createIppPrinterDriver({
  id,
  uri,
  timeoutSeconds = 30,
  busyTimeoutSeconds = 120,
  busyRetryMs = 500,
  clock = createSystemClock(),
}: IppPrinterDriverArgs): PrinterDriver {
  const client = createIppClient({ uri, timeoutSeconds });

  function readinessFrom(attributes: IppAttributes): Readiness {
    const state = attributes['printer-state'];
    return classifyPrinterStateReasons({
      printerState: state === 'processing' || state === 'stopped' ? state : 'idle',
      stateReasons: asList(attributes['printer-state-reasons']).filter((r): r is string => typeof r === 'string'),
      acceptingJobs: attributes['printer-is-accepting-jobs'] !== false,
    });
  }

  async function printerAttributes(requested: readonly string[]): Promise<IppAttributes> {
    const response = await client.execute({
      operation: 'Get-Printer-Attributes',
      operation_attributes: { 'requested-attributes': [...requested] },
    });
    return firstGroup(response['printer-attributes-tag']);
  }

  async function readiness(): Promise<Readiness> {
    try {
      return readinessFrom(await printerAttributes(READINESS_ATTRIBUTES));
    } catch (error) {
      if (isErrorOf(error, createPrinterUnreachableError)) return unreachableReadiness();
      if (isErrorOf(error, createPrinterRejectedError)) {
        // Something answers at the address but refuses to describe itself (wrong path, not IPP).
        return { ready: false, state: 'stopped', reasons: ['printer-rejected-request'], blocking: ['printer-rejected-request'] };
      }
      throw error;
    }
  }

  async function submit({ pdf, pages, options }: SubmitArgs): Promise<SubmitResult> {
    if (!Number.isInteger(pages) || pages < 1 || !Number.isInteger(options.copies) || options.copies < 1) {
      throw createPrinterRejectedError({ message: 'Pages and copies must be positive integers.' });
    }
    const attributes = await printerAttributes([...READINESS_ATTRIBUTES, ...CAPABILITY_ATTRIBUTES]);
    const state = readinessFrom(attributes);
    if (!state.ready) throw createPrinterNotReadyError({ details: { blocking: state.blocking } });

    const caps = parseCapabilities(attributes);
    const target = chooseDocumentTarget(caps, options.colorMode);
    if (!target) throw createPrinterFormatUnsupportedError({ details: { documentFormats: caps.documentFormats } });
    const fitted = fitOptions(caps, options);

    // Copies normally travel as the `copies` attribute. A printer whose copies-supported stops
    // below the wanted number gets the copies inside a raster stream; for PDF that is refused.
    let copiesAttribute = options.copies;
    let copiesInStream = 1;
    if (caps.maxCopies !== undefined && options.copies > caps.maxCopies) {
      if (target.format === 'application/pdf') {
        throw createPrinterRejectedError({ message: 'The printer cannot print that many copies.', details: { maxCopies: caps.maxCopies } });
      }
      copiesAttribute = 1;
      copiesInStream = options.copies;
    }

    // The document is held in memory (Druckpunkt's documents are size-capped at upload) so that
    // a Print-Job refused with server-error-busy can be sent again; pdfjs needs the whole file
    // anyway. Raster is rendered afresh per attempt and streamed page by page.
    const bytes = Buffer.isBuffer(pdf) ? pdf : await buffer(pdf);
    const makeDocument = (): Buffer | AsyncIterable<Buffer> =>
      target.format === 'application/pdf'
        ? bytes
        : pdfToRaster({ pdf: bytes, pages, target, sides: fitted.sides ?? 'one-sided', media: fitted.media ?? options.media, copiesInStream });

    const jobAttributes: IppAttributes = {};
    if (copiesAttribute > 1) jobAttributes.copies = copiesAttribute;
    if (fitted.sides) jobAttributes.sides = fitted.sides;
    if (fitted.colorMode) jobAttributes['print-color-mode'] = fitted.colorMode;

    const busySince = clock.now();
    let response;
    for (;;) {
      response = await client.send({
        operation: 'Print-Job',
        operation_attributes: { 'job-name': options.jobName, 'document-format': target.format },
        job_attributes: jobAttributes,
        rawKeywords: fitted.media ? { media: fitted.media } : {},
        document: makeDocument(),
      });
      if (response.statusCode !== 'server-error-busy' || clock.now() - busySince >= busyTimeoutSeconds * 1000) break;
      await delay(busyRetryMs);
    }
    const printStatus = response.statusCode ?? 'unknown';
    if (!printStatus.startsWith('successful')) {
      if (printStatus === 'client-error-document-format-not-supported') {
        throw createPrinterFormatUnsupportedError({ details: { documentFormat: target.format } });
      }
      throw createPrinterRejectedError({ details: { ippStatus: printStatus } });
    }
    const job = firstGroup(response['job-attributes-tag']);
    const jobId = positiveInt(job['job-id']);
    if (jobId === undefined) throw createPrinterRejectedError({ message: 'The printer accepted the job but gave no job id.' });

    // job-uuid is not in the Print-Job response of most printers; one more request fetches it.
    // Without it the ref still works, only without the job-id reuse guard.
    let uuid: string | null = typeof job['job-uuid'] === 'string' ? job['job-uuid'] : null;
    if (!uuid) {
      try {
        const attrs = await client.execute({
          operation: 'Get-Job-Attributes',
          operation_attributes: { 'job-id': jobId, 'requested-attributes': ['job-uuid'] },
        });
        const value = firstGroup(attrs['job-attributes-tag'])['job-uuid'];
        uuid = typeof value === 'string' ? value : null;
      } catch {
        uuid = null;
      }
    }
    return {
      printerJobRef: encodeRef({ v: 1, id: jobId, uuid, imp: pages * options.copies, duplex: (fitted.sides ?? 'one-sided') !== 'one-sided' }),
      substitutedOptions: fitted.substituted,
    };
  }

  async function status(refText: string): Promise<FollowUpdate> {
    const ref = decodeRef(refText);
    const response = await client.send({
      operation: 'Get-Job-Attributes',
      operation_attributes: { 'job-id': ref.id, 'requested-attributes': JOB_ATTRIBUTES },
    });
    const statusCode = response.statusCode ?? 'unknown';
    const job = firstGroup(response['job-attributes-tag']);
    const forgotten =
      statusCode === 'client-error-not-found' ||
      (statusCode.startsWith('successful') && ref.uuid !== null && typeof job['job-uuid'] === 'string' && job['job-uuid'] !== ref.uuid);
    if (forgotten) return { state: 'unknown', pagesCompleted: 0, reasons: ['job-not-found'] };
    if (!statusCode.startsWith('successful')) throw createPrinterRejectedError({ details: { ippStatus: statusCode } });

    const state = toFollowState(job['job-state']);
    const reasons = asList(job['job-state-reasons']).filter((r): r is string => typeof r === 'string' && r !== 'none');
    return { state, pagesCompleted: impressionsCompleted(job, state, ref), reasons };
  }

  async function cancel(refText: string): Promise<void> {
    const ref = decodeRef(refText);
    const response = await client.send({ operation: 'Cancel-Job', operation_attributes: { 'job-id': ref.id } });
    const statusCode = response.statusCode ?? 'unknown';
    // not-possible: the job already reached a final state; not-found: the printer forgot it.
    if (statusCode.startsWith('successful') || statusCode === 'client-error-not-possible' || statusCode === 'client-error-not-found') return;
    throw createPrinterRejectedError({ details: { ippStatus: statusCode } });
  }

  return {
    id,
    readiness,
    submit,
    status,
    follow: (ref, options) => followByPolling({ ref, status, clock, options }),
    cancel,
    close: () => client.close(),
  };
}
