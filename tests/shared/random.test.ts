import { describe, expect, test } from 'vitest';
import { createSystemRandom } from '../../src/shared/random.ts';

describe('system randomness', () => {
  test('bytes come in the asked length, never repeat across the pool refills, and are independent copies', () => {
    const random = createSystemRandom();
    const seen = new Set<string>();
    const handedOut: Buffer[] = [];
    // 32-byte keys and 8-byte nonce prefixes as a job takes them, across several 4 KiB refills.
    for (let i = 0; i < 600; i++) {
      const key = random.bytes(32);
      const nonce = random.bytes(8);
      expect(key.length).toBe(32);
      expect(nonce.length).toBe(8);
      seen.add(key.toString('hex'));
      handedOut.push(key);
    }
    expect(seen.size).toBe(600);
    // A caller wiping its key (as the store does) touches nothing handed out before or after.
    const before = Buffer.from(handedOut[0]!);
    handedOut[1]!.fill(0);
    expect(handedOut[0]).toEqual(before);
    expect(random.bytes(32).equals(Buffer.alloc(32))).toBe(false);
  });

  test('large requests are served too, and the bytes look uniform', () => {
    const random = createSystemRandom();
    const big = random.bytes(64 * 1024);
    expect(big.length).toBe(64 * 1024);
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 2000; i++) for (const b of random.bytes(16)) counts[b]! += 1;
    // 32 000 bytes over 256 values: about 125 each; a stuck or zeroed pool would be far off.
    expect(Math.min(...counts)).toBeGreaterThan(60);
    expect(Math.max(...counts)).toBeLessThan(200);
  });
});
