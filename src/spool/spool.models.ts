/** A citizen's stay at a terminal: one release code and QR token for all of its jobs. */
export type TerminalSession = {
  id: string;
  siteId: string;
  terminalId: string;
  /** 6-digit release code; never logged. */
  code: string;
  /** High-entropy token encoded in the QR; never logged. */
  qrToken: string;
  startedAt: number;
  endedAt: number | null;
};

export type JobState = 'incoming' | 'held' | 'processing' | 'completed' | 'aborted' | 'canceled';
export type Sides = 'one-sided' | 'two-sided-long-edge' | 'two-sided-short-edge';
export type ColorMode = 'color' | 'monochrome';

export const FINAL_JOB_STATES: readonly JobState[] = ['completed', 'aborted', 'canceled'];

export type PrintOptions = {
  copies: number;
  sides: Sides;
  colorMode: ColorMode;
  /** PWG media name, e.g. iso_a4_210x297mm. */
  media: string;
};

export type PrintJob = PrintOptions & {
  /** Also the IPP job-id. */
  id: number;
  siteId: string;
  sessionId: string;
  terminalId: string;
  source: 'ipp' | 'upload';
  /** The document name the citizen sees. Never logged, never in statistics. */
  name: string;
  state: JobState;
  stateReason: string | null;
  requestingUser: string | null;
  /** Pages of one copy, over all documents of the job. */
  pages: number;
  sizeBytes: number;
  pagesCompleted: number;
  createdAt: number;
  expiresAt: number;
  completedAt: number | null;
};

export type JobDocument = {
  jobId: number;
  seq: number;
  documentId: string;
  sourceFormat: string;
  pages: number;
  sizeBytes: number;
  /** False while a quickly counted PDF waits for its full check (see pdf-quick-count.ts). */
  checked: boolean;
};

/** Pages a job costs: every page of every copy (quota rules weigh colour and duplex later). */
export function sheetsOfJob(job: Pick<PrintJob, 'pages' | 'copies'>): number {
  return job.pages * job.copies;
}

export function storeOwnerOfJob(jobId: number): string {
  return `job:${jobId}`;
}
