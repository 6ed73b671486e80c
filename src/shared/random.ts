import { randomBytes, randomFillSync, randomInt, randomUUID } from 'node:crypto';

/**
 * Randomness is injected (`random.releaseCode()`), so tests can make codes collide on purpose
 * and get repeatable ids. Production uses the operating system's CSPRNG.
 */
export type Random = {
  /** Uniform integer in [0, max). */
  int(max: number): number;
  bytes(length: number): Buffer;
  uuid(): string;
  /** A 6-digit numeric code, uniformly random over 000000–999999. */
  numericCode(digits?: number): string;
  /** A URL-safe token with `bytes` bytes of entropy. */
  token(bytes?: number): string;
};

/** Bytes drawn from the CSPRNG in one call and handed out in pieces (see `bytes`). */
const POOL_BYTES = 4096;

export function createSystemRandom(): Random {
  // Every held job takes a document key, a nonce prefix and more: one getrandom call per 4 KiB
  // instead of one per value. Handed-out bytes are copied and wiped from the pool, never reused.
  const pool = Buffer.alloc(POOL_BYTES);
  let used = POOL_BYTES;
  const bytes = (length: number): Buffer => {
    if (length > POOL_BYTES / 4) return randomBytes(length);
    if (used + length > POOL_BYTES) {
      randomFillSync(pool);
      used = 0;
    }
    const out = Buffer.from(pool.subarray(used, used + length));
    pool.fill(0, used, used + length);
    used += length;
    return out;
  };
  return {
    int: (max) => randomInt(max),
    bytes,
    uuid: () => randomUUID(),
    numericCode: (digits = 6) => String(randomInt(10 ** digits)).padStart(digits, '0'),
    token: (bytes = 24) => randomBytes(bytes).toString('base64url'),
  };
}

/**
 * Deterministic randomness for tests (xorshift128+ seeded). Not for production: it is predictable.
 * `queueCodes` makes the next `numericCode()` calls return given values, to test collisions.
 */
export function createTestRandom(seed = 1): Random & { queueCodes(...codes: string[]): void } {
  let s0 = BigInt(seed) | 1n;
  let s1 = 0x9e3779b97f4a7c15n;
  const mask = (1n << 64n) - 1n;
  const next64 = () => {
    let x = s0;
    const y = s1;
    s0 = y;
    x ^= (x << 23n) & mask;
    s1 = x ^ y ^ (x >> 17n) ^ (y >> 26n);
    return (s1 + y) & mask;
  };
  const queued: string[] = [];
  const bytes = (length: number) => {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i += 8) {
      const v = next64();
      for (let j = 0; j < 8 && i + j < length; j++) out[i + j] = Number((v >> BigInt(8 * j)) & 0xffn);
    }
    return out;
  };
  const int = (max: number) => Number(next64() % BigInt(max));
  return {
    int,
    bytes,
    uuid: () => {
      const b = bytes(16);
      b[6] = (b[6]! & 0x0f) | 0x40;
      b[8] = (b[8]! & 0x3f) | 0x80;
      const h = b.toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
    numericCode: (digits = 6) => queued.shift() ?? String(int(10 ** digits)).padStart(digits, '0'),
    token: (n = 24) => bytes(n).toString('base64url'),
    queueCodes: (...codes) => {
      queued.push(...codes);
    },
  };
}
