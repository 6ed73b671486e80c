/**
 * Reads a byte stream piece by piece without joining it, so a raster job of many pages never
 * sits in memory as a whole. The sync fast paths (`available`, `u8Sync`) matter: the raster
 * decoder asks for one byte per run code, and an await per byte would cost more than decoding.
 */
export type ByteReader = ReturnType<typeof createByteReader>;

export function createByteReader(source: AsyncIterable<Uint8Array>) {
  const iterator = source[Symbol.asyncIterator]();
  let chunk: Uint8Array = new Uint8Array(0);
  let offset = 0;
  let ended = false;
  let consumed = 0;

  /** Loads the next non-empty chunk; false at the end of the stream. */
  async function fill(): Promise<boolean> {
    while (offset >= chunk.length) {
      if (ended) return false;
      const next = await iterator.next();
      if (next.done) {
        ended = true;
        return false;
      }
      consumed += chunk.length;
      chunk = next.value;
      offset = 0;
    }
    return true;
  }

  return {
    /** Bytes readable without waiting. */
    available: () => chunk.length - offset,
    u8Sync: () => chunk[offset++] as number,
    /** One byte, or null at the end of the stream. */
    async u8(): Promise<number | null> {
      if (offset >= chunk.length && !(await fill())) return null;
      return chunk[offset++] as number;
    },
    /** Copies exactly `length` bytes into `target` at `at`; false when the stream ends first. */
    async readInto(target: Uint8Array, at: number, length: number): Promise<boolean> {
      let written = 0;
      while (written < length) {
        if (offset >= chunk.length && !(await fill())) return false;
        const n = Math.min(length - written, chunk.length - offset);
        target.set(chunk.subarray(offset, offset + n), at + written);
        offset += n;
        written += n;
      }
      return true;
    },
    /** True when no byte is left (waits for the next chunk to know). */
    async atEnd(): Promise<boolean> {
      return !(await fill());
    },
    /** Bytes read so far. */
    position: () => consumed + offset,
  };
}
