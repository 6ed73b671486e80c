import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';

/**
 * The spool's intake journal: a Print-Job that is held at once is appended here — sealed (the
 * document encrypted, its key wrapped), with everything its database rows need — by one write()
 * before the client gets its answer, and applied to the database right after (spool.usecases.ts,
 * `flushIntake`). A crash in between loses nothing: at start the records are replayed, then the
 * journal is emptied. It holds the job's row (its name, as print_jobs does), the wrapped key and
 * the ciphertext, never a plaintext document, and is truncated as soon as its records are in the
 * database (usually within the same event-loop turn, so on ext4 its pages are normally dropped
 * before they would be written to disk).
 *
 * Durability is the database's (WAL with synchronous=NORMAL): the write reaches the page cache,
 * which survives the process; like a commit, it is not fsynced.
 *
 * Record: u32 payload length, u32 CRC-32 of the payload, payload (UTF-8 JSON). A torn or damaged
 * tail (power loss mid-write) fails its length or CRC check and ends the replay there; such a
 * record was never answered.
 */
export type IntakeJournal = {
  append: (record: unknown) => void;
  /** Every intact record, oldest first. */
  readAll: () => unknown[];
  /** Empties the journal: its records are in the database. */
  clear: () => void;
  /** Bytes in the journal now (for tests and metrics). */
  size: () => number;
  close: () => void;
};

const HEADER_BYTES = 8;
/** A record is one small document (inline size) plus its rows; anything larger is damage. */
const MAX_RECORD_BYTES = 8 * 1024 * 1024;

export function openIntakeJournal({ file }: { file: string }): IntakeJournal {
  // 'a+': appends always go to the end; reads start at 0. Mode 0600: ciphertext, but ours alone.
  const fd = openSync(file, 'a+', 0o600);
  let open = true;
  return {
    append(record) {
      const payload = Buffer.from(JSON.stringify(record), 'utf8');
      const frame = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
      frame.writeUInt32BE(payload.length, 0);
      frame.writeUInt32BE(crc32(payload), 4);
      payload.copy(frame, HEADER_BYTES);
      // One write: the record is whole in the file or (after a crash mid-call) fails its check.
      let written = 0;
      while (written < frame.length) written += writeSync(fd, frame, written, frame.length - written);
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
      const records: unknown[] = [];
      let at = 0;
      while (at + HEADER_BYTES <= read) {
        const length = bytes.readUInt32BE(at);
        const checksum = bytes.readUInt32BE(at + 4);
        if (length > MAX_RECORD_BYTES || at + HEADER_BYTES + length > read) break;
        const payload = bytes.subarray(at + HEADER_BYTES, at + HEADER_BYTES + length);
        if (crc32(payload) !== checksum) break;
        try {
          records.push(JSON.parse(payload.toString('utf8')));
        } catch {
          break;
        }
        at += HEADER_BYTES + length;
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
