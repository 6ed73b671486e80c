/**
 * Reads an IPP request from a byte stream (an HTTP request body, already de-chunked by Node):
 * just enough chunks to hold the attribute header, then hands the rest of the stream on as the
 * document, untouched and with backpressure. A citizen's document can be large; it is never
 * held in memory as a whole here, only passed through chunk by chunk.
 */
import { Readable } from 'node:stream';
import { IppDecodeError } from './codec.errors.ts';
import { DEFAULT_DECODE_LIMITS, IPP_HEADER_PREFIX_BYTES, decodeIppMessage, type IppDecodeLimits } from './decode.ts';
import type { IppMessage } from './model.ts';
import { GroupTag, ValueTag } from './tags.ts';

export type ReadIppRequestOptions = {
  /**
   * Most bytes (version through end-of-attributes) read while waiting for the header to end.
   * Default: the 8-byte prefix plus `limits.maxAttributeBytes`.
   */
  maxHeaderBytes?: number;
  /** Decoder limits for the header once it is complete. */
  limits?: Partial<IppDecodeLimits>;
};

export type IppRequest = {
  message: IppMessage;
  /**
   * The document data that followed end-of-attributes, as a stream with backpressure: the
   * source is only read as fast as this stream is consumed. It ends when the source ends
   * (empty for operations without a document). Destroying it stops reading but leaves the
   * source alone, so the HTTP layer can still answer on the same connection.
   */
  document: Readable;
};

/**
 * @throws IppDecodeError: `truncated` if the stream ends (or closes) before end-of-attributes,
 *   `too-large` with limit `header-bytes` when maxHeaderBytes pass without it, or the decoder's
 *   error for a complete but malformed header. A stream error rejects with that error.
 */
export function readIppRequest(stream: Readable, options: ReadIppRequestOptions = {}): Promise<IppRequest> {
  const limits = { ...DEFAULT_DECODE_LIMITS, ...options.limits };
  const maxHeaderBytes = options.maxHeaderBytes ?? IPP_HEADER_PREFIX_BYTES + limits.maxAttributeBytes;
  const header = new HeaderBuffer();
  let scanFrom = 0;

  return new Promise<IppRequest>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => IppRequest): void => {
      if (settled) return;
      settled = true;
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('close', onEnd);
      stream.off('error', onError);
      try {
        resolve(outcome());
      } catch (error) {
        reject(error);
      }
    };

    const onReadable = (): void => {
      for (;;) {
        if (settled) return;
        const chunk: unknown = stream.read();
        if (chunk === null) return;
        header.append(toBuffer(chunk));
        const scan = scanForEndOfAttributes(header.view(), scanFrom);
        if (scan.end !== undefined) {
          const end = scan.end;
          finish(() => {
            const { message } = decodeIppMessage(header.view().subarray(0, end), limits);
            // A copy, so the document stream does not keep the header buffer alive.
            const leftover = Buffer.from(header.view().subarray(end));
            return { message, document: createDocumentStream(stream, leftover) };
          });
          return;
        }
        scanFrom = scan.resumeAt;
        if (header.length > maxHeaderBytes) {
          finish(() => {
            throw new IppDecodeError({
              kind: 'too-large',
              limit: 'header-bytes',
              offset: maxHeaderBytes,
              message: `no end-of-attributes within ${maxHeaderBytes} bytes`,
            });
          });
        }
      }
    };
    const onEnd = (): void => {
      finish(() => {
        // The decoder names the first real defect (a bad tag, say) before the missing end.
        decodeIppMessage(header.view(), limits);
        throw new IppDecodeError({ kind: 'truncated', offset: header.length, message: 'request ended early' });
      });
    };
    const onError = (error: unknown): void => {
      finish(() => {
        throw error;
      });
    };

    stream.on('readable', onReadable);
    stream.on('end', onEnd);
    stream.on('close', onEnd);
    stream.on('error', onError);
  });
}

/**
 * The same as `readIppRequest` for a request body that is already in memory as a whole (a small
 * request): decodes the header synchronously and hands back the document bytes after it, with
 * the same errors for the same bytes.
 */
export function decodeIppRequestBytes(
  body: Buffer,
  options: ReadIppRequestOptions = {},
): { message: IppMessage; document: Buffer } {
  const limits = { ...DEFAULT_DECODE_LIMITS, ...options.limits };
  const maxHeaderBytes = options.maxHeaderBytes ?? IPP_HEADER_PREFIX_BYTES + limits.maxAttributeBytes;
  const scan = scanForEndOfAttributes(body, 0);
  if (scan.end !== undefined) {
    const { message } = decodeIppMessage(body.subarray(0, scan.end), limits);
    return { message, document: body.subarray(scan.end) };
  }
  if (body.length > maxHeaderBytes) {
    throw new IppDecodeError({ kind: 'too-large', limit: 'header-bytes', offset: maxHeaderBytes, message: `no end-of-attributes within ${maxHeaderBytes} bytes` });
  }
  // The decoder names the first real defect (a bad tag, say) before the missing end.
  decodeIppMessage(body, limits);
  throw new IppDecodeError({ kind: 'truncated', offset: body.length, message: 'request ended early' });
}

/**
 * Walks tag/length framing only (no value decoding) from `from`, which is always the start of an
 * item, so each new chunk costs only its own bytes. Returns where end-of-attributes ends, or
 * where to resume once more bytes are in.
 */
export function scanForEndOfAttributes(
  buf: Buffer,
  from: number,
): { end: number; resumeAt?: undefined } | { end?: undefined; resumeAt: number } {
  let pos = Math.max(from, IPP_HEADER_PREFIX_BYTES);
  for (;;) {
    if (pos >= buf.length) return { resumeAt: pos };
    const tag = buf.readUInt8(pos);
    if (tag === GroupTag.endOfAttributes) return { end: pos + 1 };
    // The decoder refuses 0x7F; stop here so it does so at once instead of misframing onward.
    if (tag === ValueTag.extension) return { end: pos + 1 };
    if (tag < 0x10) {
      pos += 1;
      continue;
    }
    if (pos + 3 > buf.length) return { resumeAt: pos };
    const valueLengthAt = pos + 3 + buf.readUInt16BE(pos + 1);
    if (valueLengthAt + 2 > buf.length) return { resumeAt: pos };
    const next = valueLengthAt + 2 + buf.readUInt16BE(valueLengthAt);
    if (next > buf.length) return { resumeAt: pos };
    pos = next;
  }
}

function createDocumentStream(source: Readable, leftover: Buffer): Readable {
  let wanting = false;
  const pull = (): void => {
    while (wanting) {
      const chunk: unknown = source.read();
      if (chunk === null) return; // 'readable' or 'end' follows
      wanting = document.push(toBuffer(chunk));
    }
  };
  const onReadable = (): void => pull();
  const onEnd = (): void => {
    detach();
    document.push(null);
  };
  const onError = (error: Error): void => {
    detach();
    document.destroy(error);
  };
  const onClose = (): void => {
    // Closed without 'end' (client aborted): the document is incomplete, never pass it as whole.
    if (!source.readableEnded) onError(new IppDecodeError({ kind: 'truncated', offset: 0, message: 'document ended early' }));
  };
  const detach = (): void => {
    source.off('readable', onReadable);
    source.off('end', onEnd);
    source.off('error', onError);
    source.off('close', onClose);
  };
  const document = new Readable({
    read() {
      wanting = true;
      pull();
    },
    destroy(error, callback) {
      detach();
      callback(error);
    },
  });
  if (leftover.length > 0) document.push(leftover);
  if (source.readableEnded) {
    document.push(null);
    return document;
  }
  source.on('readable', onReadable);
  source.on('end', onEnd);
  source.on('error', onError);
  source.on('close', onClose);
  return document;
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk, 'latin1');
  throw new TypeError('IPP request stream must yield bytes');
}

/** A growable byte buffer for the header; doubling keeps appends linear overall. */
class HeaderBuffer {
  private data = Buffer.alloc(4096);
  length = 0;

  append(chunk: Buffer): void {
    if (this.length + chunk.length > this.data.length) {
      const grown = Buffer.alloc(Math.max(this.data.length * 2, this.length + chunk.length));
      this.data.copy(grown, 0, 0, this.length);
      this.data = grown;
    }
    chunk.copy(this.data, this.length);
    this.length += chunk.length;
  }

  view(): Buffer {
    return this.data.subarray(0, this.length);
  }
}
