import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync, writevSync } from 'node:fs';
import { crc32 } from 'node:zlib';

/**
 * The spool's intake journal: a Print-Job that is held at once is appended here — sealed (the
 * document encrypted, its key wrapped), with everything its database rows need — by one write
 * before the client gets its answer, and applied to the database shortly after (spool.usecases.ts,
 * `flushIntake`). A crash in between loses nothing: at start the records are replayed, then the
 * journal is emptied. It holds the job's row (its name, as print_jobs does), the wrapped key and
 * the ciphertext, never a plaintext document, and is truncated as soon as its records are in the
 * database (within milliseconds, so on ext4 its pages are normally dropped before they would be
 * written to disk).
 *
 * Durability is the database's (WAL with synchronous=NORMAL): the write reaches the page cache,
 * which survives the process; like a commit, it is not fsynced.
 *
 * Record: u32 length of the rest, u32 CRC-32 of the rest, then u32 length of the metadata, the
 * metadata (UTF-8 JSON) and the data bytes (the ciphertext, as it is: no JSON or base64 on the
 * way in or out). A torn or damaged tail (power loss mid-write) fails its length or CRC check and
 * ends the replay there; such a record was never answered.
 */
export type IntakeRecord = { meta: unknown; data: Buffer };

export type IntakeJournal = {
  append: (meta: unknown, data?: Buffer) => void;
  /** Every intact record, oldest first. */
  readAll: () => IntakeRecord[];
  /** Empties the journal: its records are in the database. */
  clear: () => void;
  /** Bytes in the journal now (for tests and metrics). */
  size: () => number;
  close: () => void;
};

const HEADER_BYTES = 12;
/** A record is one small document (inline size) plus its rows; anything larger is damage. */
const MAX_RECORD_BYTES = 8 * 1024 * 1024;
const NO_DATA = Buffer.alloc(0);

/**
 * The CRC-32 of `value`'s bytes followed by `bytes`. An empty buffer is skipped: zlib's crc32()
 * answers 0, not the running value, when the buffer's memory is a null pointer, which an empty
 * ArrayBuffer may be (seen on Node 20.20).
 */
function continueCrc(bytes: Buffer, value: number): number {
  return bytes.length === 0 ? value : crc32(bytes, value);
}

export function openIntakeJournal({ file }: { file: string }): IntakeJournal {
  // 'a+': appends always go to the end; reads start at 0. Mode 0600: ciphertext, but ours alone.
  const fd = openSync(file, 'a+', 0o600);
  let open = true;
  return {
    append(meta, data = NO_DATA) {
      const metaBytes = Buffer.from(JSON.stringify(meta), 'utf8');
      const header = Buffer.allocUnsafe(HEADER_BYTES);
      const rest = 4 + metaBytes.length + data.length;
      header.writeUInt32BE(metaBytes.length, 8);
      header.writeUInt32BE(rest, 0);
      header.writeUInt32BE(continueCrc(data, continueCrc(metaBytes, crc32(header.subarray(8)))), 4);
      // One write: the record is whole in the file or (after a crash mid-call) fails its check.
      const total = 8 + rest;
      const written = writevSync(fd, [header, metaBytes, data]);
      if (written < total) {
        // A short write (a full disk, a signal): the rest goes after it, still one record.
        const frame = Buffer.concat([header, metaBytes, data]);
        let at = written;
        while (at < total) at += writeSync(fd, frame, at, total - at);
      }
    },
    readAll() {
      const total = fstatSync(fd).size;
      const bytes = Buffer.alloc(total);
      let read = 0;
      while (read < total) {
        const n = readSync(fd, bytes, read, total - read, read);
        if (n === 0) break;
        read += n;
      }
      const records: IntakeRecord[] = [];
      let at = 0;
      while (at + HEADER_BYTES <= read) {
        const rest = bytes.readUInt32BE(at);
        const checksum = bytes.readUInt32BE(at + 4);
        if (rest < 4 || rest > MAX_RECORD_BYTES || at + 8 + rest > read) break;
        const body = bytes.subarray(at + 8, at + 8 + rest);
        if (crc32(body) !== checksum) break;
        const metaLength = body.readUInt32BE(0);
        if (4 + metaLength > rest) break;
        try {
          const meta: unknown = JSON.parse(body.toString('utf8', 4, 4 + metaLength));
          // A copy: the record outlives this read buffer's other records.
          records.push({ meta, data: Buffer.from(body.subarray(4 + metaLength)) });
        } catch {
          break;
        }
        at += 8 + rest;
      }
      return records;
    },
    clear() {
      ftruncateSync(fd, 0);
    },
    size() {
      return fstatSync(fd).size;
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
