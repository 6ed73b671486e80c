import pino, { type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/**
 * Keys whose values are never written to the log, wherever they appear in a logged object:
 * document names, file paths, release/pickup codes, QR tokens, passwords, keys, cookies.
 * Code that logs domain objects should still log ids and counts only; this is the safety net.
 */
export const REDACTED_KEYS = [
  'name',
  'documentName',
  'fileName',
  'filename',
  'jobName',
  'path',
  'filePath',
  'code',
  'releaseCode',
  'pickupCode',
  'qrToken',
  'token',
  'password',
  'key',
  'masterKey',
  'wrappedKey',
  'cookie',
  'authorization',
  'set-cookie',
];

const redactPaths = [
  ...REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
];

/**
 * Removes anything personal from a request path before it is logged: the query string (which
 * may carry codes or tokens) and every segment that looks like a code or token.
 */
export function scrubUrl(url: string): string {
  const pathOnly = url.split('?')[0] ?? '';
  return pathOnly
    .split('/')
    .map((segment) => (/^\d{4,}$/.test(segment) || /^[A-Za-z0-9_-]{20,}$/.test(segment) ? ':redacted' : segment))
    .join('/');
}

export function createLogger({
  level = 'info',
  destination,
}: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level,
      redact: { paths: redactPaths, censor: '[redacted]' },
      serializers: {
        // Fastify's request log: method, scrubbed path and the remote address only.
        req: (req: { method?: string; url?: string; ip?: string; id?: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url ? scrubUrl(req.url) : undefined,
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
      base: { service: 'druckpunkt' },
    },
    destination,
  );
}
