import http from 'node:http';
import https from 'node:https';
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import { isAppError } from '../../shared/errors.ts';
import { createPrinterRejectedError, createPrinterUnreachableError } from './printer.errors.ts';

/**
 * A small IPP/HTTP client around the npm `ipp` package (1.1.0), which Druckpunkt uses for what it
 * does well: encoding requests (`ipp.serialize`) and decoding responses (`ipp.parse`).
 *
 * Quirks of `ipp` 1.1.0 worked around here (see README.md in this folder):
 * - `ipp.request` / `Printer.execute` have no timeout, print to the console on HTTP errors and
 *   need the whole document as one Buffer. We do the HTTP POST ourselves: timeouts, chunked
 *   streaming of the document after the serialized attributes, errors as AppErrors.
 * - `ipp.parse` prints a console line for every out-of-band value (`no-value`, `unknown`,
 *   e.g. ippeveprinter's `time-at-completed` of a running job). We replace its
 *   `handleUnknownTag` hook, once, with a silent version that still consumes the value bytes.
 * - `ipp.serialize` encodes a `media` value missing from its built-in list of 500 names (newer
 *   or vendor PWG names such as `oe_photo-l_3.5x5in`, `custom_…`) as `name`, which printers
 *   reject. `media` is therefore always appended as a raw keyword attribute (`rawKeywords`).
 * - `ipp.serialize` throws strings (not Errors) for unknown attribute names and crashes on
 *   `textWithLanguage`; we only send attributes it knows, and wrap whatever it throws.
 * - `ipp.parse` decodes dateTime with the month off by one; Druckpunkt reads no dates.
 */

type IppPackage = {
  serialize(message: Record<string, unknown>): Buffer;
  parse: ((buffer: Buffer) => IppMessage) & {
    handleUnknownTag: (tag: number, name: string, length: number, read: (length: number) => string) => unknown;
  };
};

export type IppAttributes = Record<string, unknown>;
export type IppMessage = {
  version?: string;
  statusCode?: string;
  id?: number;
  'operation-attributes-tag'?: IppAttributes;
  'job-attributes-tag'?: IppAttributes | IppAttributes[];
  'printer-attributes-tag'?: IppAttributes | IppAttributes[];
  'unsupported-attributes-tag'?: IppAttributes | IppAttributes[];
};

const ipp = createRequire(import.meta.url)('ipp') as IppPackage;
ipp.parse.handleUnknownTag = (_tag, _name, length, read) => (length ? read(length) : undefined);

/** Decodes an IPP message with the `ipp` package (silent about out-of-band values). */
export function decodeIppMessage(buffer: Buffer): IppMessage {
  return ipp.parse(buffer);
}

const TAG_KEYWORD = 0x44;
const END_OF_ATTRIBUTES = 0x03;

export type IppClient = ReturnType<typeof createIppClient>;

export type IppRequest = {
  operation: 'Get-Printer-Attributes' | 'Print-Job' | 'Get-Job-Attributes' | 'Cancel-Job';
  /** Operation attributes after charset, language and printer-uri (which are added here). */
  operation_attributes?: IppAttributes;
  job_attributes?: IppAttributes;
  /** Job attributes sent as keywords regardless of `ipp`'s keyword list (e.g. `media`). */
  rawKeywords?: Record<string, string>;
  /** The document, streamed after the attributes (chunked transfer encoding). */
  document?: Buffer | Readable | AsyncIterable<Buffer>;
};

export function toHttpUrl(uri: string): URL {
  const url = new URL(uri);
  if (url.protocol === 'ipp:') return new URL(`http://${url.hostname}:${url.port || '631'}${url.pathname}${url.search}`);
  if (url.protocol === 'ipps:') return new URL(`https://${url.hostname}:${url.port || '631'}${url.pathname}${url.search}`);
  return url;
}

function appendRawKeywords(encoded: Buffer, keywords: Record<string, string>, hasJobGroup: boolean): Buffer {
  const entries = Object.entries(keywords);
  if (entries.length === 0) return encoded;
  if (encoded[encoded.length - 1] !== END_OF_ATTRIBUTES) throw new Error('unexpected IPP encoding');
  const parts: Buffer[] = [encoded.subarray(0, encoded.length - 1)];
  // `ipp.serialize` writes the job group last, so attributes appended before the end tag land in it.
  if (!hasJobGroup) parts.push(Buffer.from([0x02]));
  for (const [name, value] of entries) {
    const nameBytes = Buffer.from(name, 'ascii');
    const valueBytes = Buffer.from(value, 'ascii');
    const head = Buffer.alloc(3);
    head.writeUInt8(TAG_KEYWORD, 0);
    head.writeUInt16BE(nameBytes.length, 1);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(valueBytes.length, 0);
    parts.push(head, nameBytes, len, valueBytes);
  }
  parts.push(Buffer.from([END_OF_ATTRIBUTES]));
  return Buffer.concat(parts);
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_SOCKET',
]);

function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNREACHABLE_CODES.has(code);
}

export function firstGroup(group: IppAttributes | IppAttributes[] | undefined): IppAttributes {
  if (Array.isArray(group)) return group[0] ?? {};
  return group ?? {};
}

/** IPP values are a scalar for one value and an array for several (an `ipp` package habit). */
export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function createIppClient({
  uri,
  timeoutSeconds = 30,
  requestingUserName = 'druckpunkt',
}: {
  uri: string;
  timeoutSeconds?: number;
  requestingUserName?: string;
}) {
  const url = toHttpUrl(uri);
  const printerUri = uri;
  // Keep-alive: the follower polls every second; a new TCP (and TLS) handshake each time is waste.
  const agent = url.protocol === 'https:'
    ? new https.Agent({ keepAlive: true, maxSockets: 4, rejectUnauthorized: false })
    : new http.Agent({ keepAlive: true, maxSockets: 4 });

  function encode(request: IppRequest): Buffer {
    const message = {
      version: '2.0',
      operation: request.operation,
      'operation-attributes-tag': {
        'attributes-charset': 'utf-8',
        'attributes-natural-language': 'en',
        'printer-uri': printerUri,
        ...request.operation_attributes,
        'requesting-user-name': requestingUserName,
      },
      ...(request.job_attributes ? { 'job-attributes-tag': request.job_attributes } : {}),
    };
    try {
      return appendRawKeywords(ipp.serialize(message), request.rawKeywords ?? {}, request.job_attributes !== undefined);
    } catch (cause) {
      // `ipp` throws plain strings; never let one escape as a non-Error.
      throw new Error(`IPP request could not be encoded: ${String(cause)}`, { cause });
    }
  }

  /**
   * Sends one IPP request; resolves with the parsed response whatever its IPP status.
   *
   * Requests without a document reuse kept-alive sockets. A printer may close an idle socket just
   * as it is reused, which looks like a reset; such a request is sent once more on a fresh socket
   * (Node's documented pattern for `reusedSocket`) so a normal idle close is never mistaken for an
   * unreachable printer. Print-Job always gets a fresh socket: its document cannot be replayed.
   */
  async function send(request: IppRequest): Promise<IppMessage> {
    try {
      return await sendOnce(request, request.document === undefined);
    } catch (error) {
      if (request.document === undefined && (error as { reusedSocket?: boolean }).reusedSocket === true) {
        return sendOnce(request, false);
      }
      throw error;
    }
  }

  async function sendOnce(request: IppRequest, keepAlive: boolean): Promise<IppMessage> {
    const head = encode(request);
    const timeoutMs = timeoutSeconds * 1000;
    return new Promise<IppMessage>((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        req.destroy();
        if (isAppError(error)) reject(error);
        else if (isNetworkError(error) || (error as Error | null)?.message === 'socket hang up') {
          // Only a reset of a reused socket is worth a second try; a timeout would just double the wait.
          const code = (error as { code?: unknown } | null)?.code;
          reject(Object.assign(createPrinterUnreachableError({ cause: error }), { reusedSocket: req.reusedSocket && code !== 'ETIMEDOUT' }));
        } else reject(error);
      };
      const transport = url.protocol === 'https:' ? https : http;
      const req = transport.request(
        url,
        {
          method: 'POST',
          agent: keepAlive ? agent : false,
          // Printers ship self-signed certificates; ipps:// here buys encryption on the wire, not
          // proof of the printer's identity (see README.md).
          ...(url.protocol === 'https:' ? { rejectUnauthorized: false } : {}),
          headers: {
            'Content-Type': 'application/ipp',
            ...(request.document === undefined || Buffer.isBuffer(request.document)
              ? { 'Content-Length': head.length + (Buffer.isBuffer(request.document) ? request.document.length : 0) }
              : { 'Transfer-Encoding': 'chunked' }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', fail);
          res.on('end', () => {
            if (settled) return;
            if (res.statusCode !== 200) {
              settled = true;
              const error = res.statusCode === 503
                ? createPrinterUnreachableError({ details: { httpStatus: res.statusCode } })
                : createPrinterRejectedError({ details: { httpStatus: res.statusCode } });
              reject(error);
              return;
            }
            try {
              const body = Buffer.concat(chunks);
              if (body.length < 8) throw new Error('short IPP response');
              const parsed = ipp.parse(body);
              settled = true;
              resolve(parsed);
            } catch (cause) {
              fail(createPrinterRejectedError({ message: 'The printer sent an unreadable answer.', cause: cause instanceof Error ? cause : new Error(String(cause)) }));
            }
          });
        },
      );
      // Inactivity timeout: a printer that stops answering mid-request counts as unreachable.
      req.setTimeout(timeoutMs, () => fail(Object.assign(new Error('IPP request timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', fail);

      const document = request.document;
      if (document === undefined) {
        req.end(head);
      } else if (Buffer.isBuffer(document)) {
        req.write(head);
        req.end(document);
      } else {
        req.write(head);
        void (async () => {
          try {
            for await (const chunk of document as AsyncIterable<Buffer>) {
              if (settled) return;
              if (!req.write(chunk)) await new Promise<void>((done) => req.once('drain', done));
            }
            req.end();
          } catch (error) {
            // The document source failed (not the printer): abort the request, pass the error on.
            if (settled) return;
            settled = true;
            req.destroy();
            reject(error);
          }
        })();
      }
    });
  }

  /** Like `send`, but an IPP error status becomes `printer.rejected` with the status keyword. */
  async function execute(request: IppRequest): Promise<IppMessage> {
    const response = await send(request);
    const status = response.statusCode ?? 'unknown';
    if (!status.startsWith('successful')) {
      throw createPrinterRejectedError({ details: { ippStatus: status } });
    }
    return response;
  }

  return {
    send,
    execute,
    close: async () => {
      agent.destroy();
    },
  };
}
