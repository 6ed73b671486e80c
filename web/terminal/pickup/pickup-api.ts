import { apiFetch } from '../../shared/api.ts';

/** A finished scan as `POST /api/scan/pickup` and `GET /api/scan/pickup/:token` describe it. */
export type Pickup = {
  token: string;
  expiresAt: string;
  documents: Array<{ index: number; pages: number; bytes: number; url: string }>;
};

export const PICKUP_CODE_LENGTH = 6;

export function pickupWithCode(code: string): Promise<Pickup> {
  return apiFetch<Pickup>('/api/scan/pickup', { body: { code } });
}

export function pickupWithToken(token: string, signal?: AbortSignal): Promise<Pickup> {
  return apiFetch<Pickup>(`/api/scan/pickup/${encodeURIComponent(token)}`, { signal });
}

/** The PDF as a download (`Content-Disposition: attachment`) instead of opening it in the browser. */
export function downloadUrl(url: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}download=1`;
}

/** Only digits count: "123 456", "123-456" and "١٢٣٤٥٦" typed on an Arabic keyboard all become "123456". */
export function normalizeCode(input: string): string {
  return input
    .replace(/[\u0660-\u0669]/g, (digit) => String(digit.charCodeAt(0) - 0x0660))
    .replace(/[\u06f0-\u06f9]/g, (digit) => String(digit.charCodeAt(0) - 0x06f0))
    .replace(/\D/g, '')
    .slice(0, PICKUP_CODE_LENGTH);
}

/**
 * The token a phone brings from the QR (`/?pickup=<token>`). It is taken out of the address at
 * once, so it stays neither in the kiosk browser's history nor on the screen for the next person.
 */
export function takePickupTokenFromAddress(): string | null {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('pickup');
  if (token === null) return null;
  url.searchParams.delete('pickup');
  window.history.replaceState(window.history.state, '', url);
  const trimmed = token.trim();
  return trimmed === '' ? null : trimmed;
}

/** A size as a citizen compares it with a portal's limit (decimal MB, like the limits). */
export function megabytes(bytes: number): number {
  return Math.max(0.1, Math.round((bytes / 1_000_000) * 10) / 10);
}
