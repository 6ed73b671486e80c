import { apiFetch } from '../shared/api.ts';

/** What `GET /api/release/printers/:printerId` says about the printer beside this station. */
export type Readiness = {
  ready: boolean;
  state: 'idle' | 'processing' | 'stopped' | 'unreachable';
  /** IPP printer-state-reasons keywords without -report/-warning/-error (media-empty, …). */
  reasons: string[];
  /** The reasons that stop printing. */
  blocking: string[];
};

export type StationInfo = {
  printer: { id: string; name: string };
  site: { id: string; name: string };
  readiness: Readiness;
};

export type JobProgress = { state: string; pagesCompleted: number; pagesTotal: number; reason: string | null };

export type StationJob = {
  id: number;
  name: string;
  state: 'incoming' | 'held' | 'processing' | 'completed' | 'aborted' | 'canceled';
  stateReason: string | null;
  pages: number;
  copies: number;
  colorMode: 'color' | 'monochrome';
  sides: string;
  /** Printed sides with all copies. */
  impressions: number;
  /** Free pages it uses up. */
  cost: number;
  expiresAt: string;
  secondsLeft: number;
  progress: JobProgress | null;
};

export type StationOverview = {
  availablePages: number;
  /** The server ends the station session after this many seconds without a request. */
  idleSeconds: number;
  jobs: StationJob[];
};

export type PrintOutcome = { jobId: number; started: boolean; errorCode?: string; missingPages?: number };

const base = '/api/release';
const query = (printerId: string) => `printerId=${encodeURIComponent(printerId)}`;

/** The release station's calls, bound to one printer. */
export function createStationApi(printerId: string) {
  return {
    info: (signal?: AbortSignal) => apiFetch<StationInfo>(`${base}/printers/${encodeURIComponent(printerId)}`, { signal }),
    loginWithCode: (code: string) => apiFetch<StationOverview>(`${base}/login`, { body: { printerId, code } }),
    loginWithQr: (qrToken: string) => apiFetch<StationOverview>(`${base}/login`, { body: { printerId, qrToken } }),
    jobs: (signal?: AbortSignal) => apiFetch<StationOverview>(`${base}/jobs?${query(printerId)}`, { signal }),
    print: (jobIds?: number[]) => apiFetch<{ outcomes: PrintOutcome[] }>(`${base}/print`, { body: jobIds ? { printerId, jobIds } : { printerId } }),
    remove: (jobIds: number[]) => apiFetch<{ deleted: number[] }>(`${base}/delete`, { body: { printerId, jobIds } }),
    logout: () => apiFetch<void>(`${base}/logout`, { body: { printerId } }),
    /** Adds a voucher's pages to the logged-in session; `code` as typed or scanned (see normalizeVoucherInput). */
    redeemVoucher: (code: string) => apiFetch<{ pagesAdded: number; availablePages: number }>(`${base}/voucher`, { body: { printerId, code } }),
    previewUrl: (jobId: number, page = 1) => `${base}/jobs/${jobId}/pages/${page}/preview.png?${query(printerId)}`,
  };
}

export type StationApi = ReturnType<typeof createStationApi>;

/** Jobs that can still be printed here (an aborted job can be tried again). */
export function isPrintable(job: StationJob): boolean {
  return job.state === 'held' || job.state === 'aborted';
}

/** A job the printer is done with, one way or the other. */
export function isFinal(job: StationJob): boolean {
  return job.state === 'completed' || job.state === 'aborted' || job.state === 'canceled';
}

/** What a voucher slip's QR code starts with (src/quota/vouchers.ts). */
export const VOUCHER_QR_PREFIX = 'DPV-';
const VOUCHER_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/**
 * A voucher code as typed ("abcde fghjk", "ABCDEFGHJK", "ABCDE-FGHJK") or scanned ("DPV-…"), as the
 * server expects it ("ABCDE-FGHJK"); null when it cannot be one — then nothing is sent, and no
 * wrong try is counted against the station.
 */
export function normalizeVoucherInput(input: string): string | null {
  let text = input.trim().toUpperCase();
  if (text.startsWith(VOUCHER_QR_PREFIX)) text = text.slice(VOUCHER_QR_PREFIX.length);
  const bare = text.replace(/[\s-]/g, '');
  if (bare.length !== 10 || [...bare].some((char) => !VOUCHER_ALPHABET.includes(char))) return null;
  return `${bare.slice(0, 5)}-${bare.slice(5)}`;
}
