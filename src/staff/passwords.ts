import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost: N = 2^15, r = 8, p = 1 (OWASP's minimum), about 32 MiB and ~50–100 ms per hash. */
export const SCRYPT_PARAMS = { log2N: 15, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;

export const MIN_PASSWORD_LENGTH = 10;

function derive(password: string, salt: Buffer, { log2N, r, p, keyLength }: { log2N: number; r: number; p: number; keyLength: number }): Promise<Buffer> {
  const N = 2 ** log2N;
  // Node's default maxmem (32 MiB) is exactly at the edge for N=2^15, r=8: allow twice the need.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/** 'scrypt$15$8$1$<salt b64>$<hash b64>': parameters stored with the hash, so they can be raised later. */
export async function hashPassword(password: string, salt: Buffer = randomBytes(SCRYPT_PARAMS.saltLength)): Promise<string> {
  const key = await derive(password, salt, SCRYPT_PARAMS);
  return ['scrypt', SCRYPT_PARAMS.log2N, SCRYPT_PARAMS.r, SCRYPT_PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, log2N, r, p, saltText, hashText] = stored.split('$');
  if (scheme !== 'scrypt' || !saltText || !hashText) return false;
  const expected = Buffer.from(hashText, 'base64');
  const key = await derive(password, Buffer.from(saltText, 'base64'), { log2N: Number(log2N), r: Number(r), p: Number(p), keyLength: expected.length });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

let dummyHash: Promise<string> | undefined;

/** Spends the same time as a real check, for unknown names: response time does not tell whether a name exists. */
export async function dummyVerify(password: string): Promise<false> {
  dummyHash ??= hashPassword('druckpunkt-dummy-password', Buffer.alloc(SCRYPT_PARAMS.saltLength));
  await verifyPassword(password, await dummyHash);
  return false;
}
