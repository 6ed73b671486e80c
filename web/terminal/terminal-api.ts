import { ApiError, apiFetch, clientErrorCodes } from '../shared/api.ts';

/** A job as `GET /api/terminal/session` lists it (src/spool/spool.schemas.ts, JobView). */
export type TerminalJob = {
  id: number;
  name: string;
  state: 'incoming' | 'held' | 'processing' | 'completed' | 'aborted' | 'canceled';
  stateReason: string | null;
  source: 'ipp' | 'upload';
  pages: number;
  copies: number;
  colorMode: 'color' | 'monochrome';
  sides: string;
  sizeBytes: number;
  createdAt: string;
  expiresAt: string;
  /** Seconds until the job is deleted, by the server's clock at the time of the answer. */
  secondsLeft: number;
  pagesCompleted: number;
};

/** This terminal's session: the citizen's release code and QR, and the jobs sent under it. */
export type TerminalSession = {
  site: { id: string; name: string };
  terminal: { id: string; name: string };
  /** The printer exactly as it appears in this terminal's print dialogs. */
  printerName: string;
  printerUri: string;
  session: { code: string; qrText: string; qrSvg: string; startedAt: string };
  jobs: TerminalJob[];
};

export function fetchSession(signal?: AbortSignal): Promise<TerminalSession> {
  return apiFetch<TerminalSession>('/api/terminal/session', { signal });
}

export function deleteJob(jobId: number): Promise<void> {
  return apiFetch<void>(`/api/terminal/jobs/${jobId}`, { method: 'DELETE' });
}

/** Ends the session; `deleteJobs: false` leaves waiting jobs releasable with the old code until they expire. */
export function endSession({ deleteJobs }: { deleteJobs: boolean }): Promise<void> {
  return apiFetch<void>('/api/terminal/session/end', { method: 'POST', body: { deleteJobs } });
}

export function previewUrl(jobId: number, page = 1): string {
  return `/api/terminal/jobs/${jobId}/pages/${page}/preview.png`;
}

export type UploadResult = { job: TerminalJob; code: string };

export type UploadProgress =
  /** Bytes on their way to the server. */
  | { phase: 'sending'; loaded: number; total: number }
  /** All bytes sent; the server converts, counts pages and renders previews. */
  | { phase: 'preparing' };

/**
 * Uploads one file as `POST /api/jobs` (multipart field `file`). XMLHttpRequest, not fetch: only
 * it reports upload progress, and a large scan on a slow office network needs a moving bar.
 * Failures are ApiErrors with the server's code, like `apiFetch`.
 */
export function uploadFile({
  file,
  onProgress,
  signal,
}: {
  file: File;
  onProgress: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', '/api/jobs');
    request.setRequestHeader('accept', 'application/json');
    request.responseType = 'text';
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress({ phase: 'sending', loaded: event.loaded, total: event.total });
    });
    request.upload.addEventListener('load', () => onProgress({ phase: 'preparing' }));
    request.addEventListener('error', () =>
      reject(new ApiError({ code: clientErrorCodes.network, status: 0, message: 'The server could not be reached.' })),
    );
    request.addEventListener('abort', () => reject(new DOMException('Upload aborted', 'AbortError')));
    request.addEventListener('load', () => {
      let body: unknown;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = undefined;
      }
      if (request.status === 201 && body && typeof body === 'object' && 'job' in body) {
        resolve(body as UploadResult);
        return;
      }
      reject(errorFromBody(request.status, body));
    });
    signal?.addEventListener('abort', () => request.abort(), { once: true });
    const form = new FormData();
    form.append('file', file, file.name);
    request.send(form);
  });
}

function errorFromBody(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : status >= 500 ? 'internal.error' : clientErrorCodes.badResponse;
  const message = typeof error?.message === 'string' ? error.message : `HTTP ${status}`;
  const details = error?.details && typeof error.details === 'object' ? (error.details as Record<string, unknown>) : undefined;
  return new ApiError({ code, status, message, details });
}

/** What a citizen should understand of a job's state; the wording comes from the catalog. */
export type JobStatus = 'waiting' | 'printing' | 'printed' | 'failed' | 'deleted' | 'receiving';

export function jobStatus(job: Pick<TerminalJob, 'state' | 'stateReason'>): JobStatus {
  switch (job.state) {
    case 'held':
      return 'waiting';
    case 'processing':
      return 'printing';
    case 'completed':
      return 'printed';
    case 'aborted':
      return 'failed';
    case 'canceled':
      // A file that turned out unreadable after it arrived: not deleted by anyone, it failed.
      return job.stateReason === 'document-format-error' ? 'failed' : 'deleted';
    case 'incoming':
      return 'receiving';
  }
}

/**
 * The deletion time as a value for `Intl.RelativeTimeFormat`: hours while two or more are left,
 * then whole minutes (rounded up, so "in 1 minute" until the very end). Minute steps are the
 * finest the page shows or announces; the deletion is information, not a limit on the citizen.
 */
export function deletionIn(secondsLeft: number): { value: number; unit: 'hour' | 'minute' } {
  const seconds = Math.max(0, secondsLeft);
  if (seconds >= 2 * 3600) return { value: Math.floor(seconds / 3600), unit: 'hour' };
  return { value: Math.max(1, Math.ceil(seconds / 60)), unit: 'minute' };
}

export { groupedCode, spokenDigits } from '../shared/code-display.ts';

/** An SVG from our own server as an <img> source: no markup from an answer ever enters the DOM. */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
