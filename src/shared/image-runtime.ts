import os from 'node:os';
import sharp from 'sharp';

/**
 * Process-wide settings of libvips (through sharp), applied once at start by the server and by
 * anything that measures the server's image work (bench/scan.bench.ts), so both run alike.
 *
 * sharp uses one libvips thread per operation on glibc by default, to keep malloc arenas (and
 * so memory fragmentation) small. The station's scans are the one heavy image job here and a
 * citizen waits for each page, so libvips may use every core, up to four.
 */
export function configureImageRuntime(): { concurrency: number } {
  sharp.concurrency(Math.max(1, Math.min(os.availableParallelism(), 4)));
  return { concurrency: sharp.concurrency() };
}
