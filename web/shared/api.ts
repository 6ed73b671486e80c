import type { Translate } from './i18n/i18n.ts';

/**
 * A failed API call, carrying the server's stable error code (`spool.too_large`, …) so the page
 * can say what happened in the citizen's language. `details` holds the safe extra fields the
 * server sent (e.g. `{ maxPages: 50 }`) and doubles as message arguments.
 */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor({ code, status, message, details }: { code: string; status: number; message: string; details?: Record<string, unknown> }) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/** Codes made up by the page itself when there is no usable answer from the server. */
export const clientErrorCodes = {
  network: 'network.unreachable',
  badResponse: 'http.bad_response',
} as const;

export type ApiFetchOptions = {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON; a FormData body is sent as multipart as it is. */
  body?: unknown;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  fetchImpl?: typeof fetch;
};

type ErrorBody = { error?: { code?: unknown; message?: unknown; details?: unknown } };

/** Calls the Druckpunkt API and returns the parsed JSON, or throws an ApiError with a code. */
export async function apiFetch<T>(path: string, options: ApiFetchOptions = {}): Promise<T> {
  const { method = options.body === undefined ? 'GET' : 'POST', body, signal, headers = {}, fetchImpl = fetch } = options;
  const isForm = typeof FormData !== 'undefined' && body instanceof FormData;
  let response: Response;
  try {
    response = await fetchImpl(path, {
      method,
      signal,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(body !== undefined && !isForm ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : isForm ? (body as FormData) : JSON.stringify(body),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({ code: clientErrorCodes.network, status: 0, message: 'The server could not be reached.' });
  }

  if (response.status === 204) return undefined as T;
  let parsed: unknown;
  try {
    parsed = await response.json();
  } catch {
    parsed = undefined;
  }
  if (response.ok) {
    if (parsed === undefined) {
      throw new ApiError({ code: clientErrorCodes.badResponse, status: response.status, message: 'The answer was not JSON.' });
    }
    return parsed as T;
  }
  const error = (parsed as ErrorBody | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : response.status >= 500 ? 'internal.error' : clientErrorCodes.badResponse;
  const message = typeof error?.message === 'string' ? error.message : `HTTP ${response.status}`;
  const details = error?.details && typeof error.details === 'object' ? (error.details as Record<string, unknown>) : undefined;
  throw new ApiError({ code, status: response.status, message, details });
}

/**
 * Every error code the pages explain in their own words: each has an `error.<code>` message in
 * all catalogs (tests/web/i18n.test.ts checks both directions). Other codes get the general message.
 */
export const translatedErrorCodes = [
  'internal.error',
  'http.not_found',
  'http.bad_request',
  'http.validation_failed',
  'http.payload_too_large',
  'http.unsupported_media_type',
  clientErrorCodes.network,
  clientErrorCodes.badResponse,
  'web.not_built',
  'spool.format_unsupported',
  'spool.too_large',
  'spool.too_many_pages',
  'spool.pdf_encrypted',
  'spool.pdf_damaged',
  'spool.image_too_large',
  'spool.processing_timeout',
  'spool.processing_failed',
  'spool.terminal_unknown',
  'spool.file_missing',
  'spool.job_not_found',
  'spool.job_not_held',
  'spool.no_code_available',
  'release.code_invalid',
  'release.locked',
  'release.throttled',
  'release.station_unknown',
  'release.not_logged_in',
  'release.printer_not_ready',
  'release.nothing_selected',
  'quota.exceeded',
  'quota.voucher_invalid',
  'quota.voucher_used',
  'quota.voucher_expired',
  'quota.voucher_not_found',
  'quota.voucher_not_revocable',
  'staff.login_failed',
  'staff.not_logged_in',
  'staff.forbidden',
  'staff.csrf_failed',
  'staff.user_exists',
  'staff.user_not_found',
  'staff.password_too_short',
  'staff.session_not_found',
  'staff.job_not_waiting',
  'staff.voucher_slip_gone',
  'staff.site_not_found',
  'stats.range_invalid',
  'stats.site_unknown',
] as const;

/** The message key for an error code (exported so the catalog test derives keys the same way). */
export function errorMessageKey(code: string): string {
  return `error.${code}`;
}

/** A sentence for the citizen about any thrown error: the code's own message, or a general one. */
export function describeError({ error, t, has }: { error: unknown; t: Translate; has: (key: string) => boolean }): string {
  if (error instanceof ApiError) {
    const key = errorMessageKey(error.code);
    if (has(key)) {
      try {
        return t(key, messageValues(error.details));
      } catch {
        // A message expecting details the server did not send: the general message still helps.
      }
    }
  }
  return t('error.unknown');
}

function messageValues(details: Record<string, unknown> | undefined) {
  const values: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(details ?? {})) {
    if (typeof value === 'string' || typeof value === 'number') values[name] = value;
  }
  return values;
}
