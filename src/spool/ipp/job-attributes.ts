/**
 * A spool job as IPP job attributes (RFC 8011 §5.3, PWG 5100.7), with the states IPP clients
 * expect: a job waiting at the release station is pending-held with job-hold-until-specified,
 * then it follows the real printer.
 *
 * Privacy: job-name and job-originating-user-name say what a citizen printed and who they are.
 * They are only given to the terminal the job came from, in the session that sent it; anyone
 * else gets the job without these two attributes (as CUPS does with its JobPrivateValues).
 */
import { ipp, JobState as IppJobState, type IppAttribute, type IppValue } from './codec/index.ts';
import type { JobState, PrintJob } from '../spool.models.ts';
import { ippSeconds, jobUuid } from './printer-attributes.ts';

const STATE_VALUE: Readonly<Record<JobState, number>> = {
  incoming: IppJobState.pendingHeld,
  held: IppJobState.pendingHeld,
  processing: IppJobState.processing,
  completed: IppJobState.completed,
  aborted: IppJobState.aborted,
  canceled: IppJobState.canceled,
};

const DEFAULT_REASON: Readonly<Record<JobState, string>> = {
  incoming: 'job-incoming',
  held: 'job-hold-until-specified',
  processing: 'job-printing',
  completed: 'job-completed-successfully',
  aborted: 'aborted-by-system',
  canceled: 'job-canceled-by-user',
};

const STATE_MESSAGE: Readonly<Record<JobState, string>> = {
  incoming: 'Receiving the document.',
  held: 'Waiting for release at the printer with the release code.',
  processing: 'Printing.',
  completed: 'Printed.',
  aborted: 'The printer could not print the job.',
  canceled: 'Canceled.',
};

/** Reasons the spool records that are IPP keywords as they are (RFC 8011 §5.3.8, PWG 5100.x). */
const IPP_REASONS = new Set([
  'job-incoming',
  'job-hold-until-specified',
  'job-printing',
  'job-completed-successfully',
  'job-completed-with-errors',
  'job-completed-with-warnings',
  'aborted-by-system',
  'job-canceled-by-user',
  'job-canceled-by-operator',
  'job-canceled-at-device',
  'document-format-error',
  'document-unprintable-error',
  'printer-stopped',
  'job-data-insufficient',
]);

export function ippJobState(state: JobState): number {
  return STATE_VALUE[state];
}

export function jobStateReasons(job: Pick<PrintJob, 'state' | 'stateReason'>): string[] {
  if (job.stateReason && IPP_REASONS.has(job.stateReason)) return [job.stateReason];
  return [DEFAULT_REASON[job.state]];
}

export function jobUri(printerUri: string, jobId: number): string {
  return `${printerUri}/jobs/${jobId}`;
}

/** job-template attributes a job has (RFC 8011 §4.3.4.1 group 'job-template'). */
const JOB_TEMPLATE = new Set(['copies', 'sides', 'print-color-mode', 'media', 'job-hold-until']);

export type JobAttributeArgs = {
  job: PrintJob;
  printerUri: string;
  /** Number of documents received so far (Create-Job + Send-Document may bring several). */
  documents: number;
  /** Whether the asker may see the job's name and owner (see the file comment). */
  own: boolean;
  now: number;
};

/** Every attribute of a job, private ones only when `own`. */
export function buildJobAttributes({ job, printerUri, documents, own, now }: JobAttributeArgs): IppAttribute[] {
  const impressions = job.pages * job.copies;
  const sheetsPerCopy = job.sides === 'one-sided' ? job.pages : Math.ceil(job.pages / 2);
  const completed = job.state === 'completed';
  const timeOrNoValue = (ms: number | null): IppValue => (ms === null ? ipp.noValue() : ipp.integer(ippSeconds(ms)));
  const dateOrNoValue = (ms: number | null): IppValue => (ms === null ? ipp.noValue() : ipp.dateTime(new Date(ms)));
  const record: Record<string, IppValue | IppValue[]> = {
    'job-id': ipp.integer(job.id),
    'job-uri': ipp.uri(jobUri(printerUri, job.id)),
    'job-uuid': ipp.uri(jobUuid(job.siteId, job.id)),
    'job-printer-uri': ipp.uri(printerUri),
    ...(own
      ? {
          'job-name': ipp.name(job.name.slice(0, 255) || 'Untitled'),
          'job-originating-user-name': ipp.name((job.requestingUser ?? 'anonymous').slice(0, 255) || 'anonymous'),
        }
      : {}),
    'job-state': ipp.enum(ippJobState(job.state)),
    'job-state-reasons': jobStateReasons(job).map((r) => ipp.keyword(r)),
    'job-state-message': ipp.text(STATE_MESSAGE[job.state]),
    'job-printer-up-time': ipp.integer(ippSeconds(now)),
    'time-at-creation': ipp.integer(ippSeconds(job.createdAt)),
    // The spool records no separate start of printing; the completion time is the one we know.
    'time-at-processing': timeOrNoValue(job.completedAt),
    'time-at-completed': timeOrNoValue(job.completedAt),
    'date-time-at-creation': ipp.dateTime(new Date(job.createdAt)),
    'date-time-at-processing': dateOrNoValue(job.completedAt),
    'date-time-at-completed': dateOrNoValue(job.completedAt),
    'number-of-documents': ipp.integer(documents),
    'job-k-octets': ipp.integer(Math.ceil(job.sizeBytes / 1024)),
    'job-impressions': ipp.integer(impressions),
    'job-impressions-completed': ipp.integer(completed ? impressions : Math.min(job.pagesCompleted, impressions)),
    'job-media-sheets': ipp.integer(sheetsPerCopy * job.copies),
    'job-media-sheets-completed': ipp.integer(completed ? sheetsPerCopy * job.copies : 0),
    copies: ipp.integer(job.copies),
    sides: ipp.keyword(job.sides),
    'print-color-mode': ipp.keyword(job.colorMode),
    media: ipp.keyword(job.media),
    'job-hold-until': ipp.keyword('indefinite'),
  };
  return Object.entries(record).map(([name, values]) => ({ name, values: Array.isArray(values) ? values : [values] }));
}

/**
 * The attributes a Get-Job-Attributes / Get-Jobs request asked for: by name and by the group
 * names 'all', 'job-template', 'job-description' and 'job-status' (PWG 5100.7 uses the latter
 * for the description attributes too).
 */
export function selectJobAttributes(all: IppAttribute[], requested: string[]): IppAttribute[] {
  const set = new Set(requested);
  return all.filter((attribute) => {
    if (set.has('all') || set.has(attribute.name)) return true;
    return JOB_TEMPLATE.has(attribute.name) ? set.has('job-template') : set.has('job-description') || set.has('job-status');
  });
}
