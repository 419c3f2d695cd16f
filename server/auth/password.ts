import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt N=2^logN, r=8, p=1. Production uses logN=17 (security.md): 128 MiB and a few hundred ms per
 * hash, on purpose. The cost comes from the config (PASSWORD_SCRYPT_LOG_N) so tests can sign in
 * without paying it; a stored hash carries its own cost.
 */
const BLOCK_SIZE = 8;
const PARALLEL = 1;
const KEY_LENGTH = 32;
const SALT_BYTES = 16;
/**
 * Accepted cost range when reading a stored hash, so a corrupted row cannot demand unbounded memory
 * and a weak hash is not accepted; the configured cost may lower the floor (tests).
 */
const LOG_N_RANGE = [14, 20] as const;

function derive(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** logN;
  // scrypt needs 128·N·r bytes; leave headroom over that.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** `scrypt$<logN>$<r>$<p>$<salt b64url>$<hash b64url>` */
export async function hashPassword(password: string, logN: number): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, logN, BLOCK_SIZE, PARALLEL);
  return ['scrypt', logN, BLOCK_SIZE, PARALLEL, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time comparison against a stored hash; a malformed hash never matches. */
export async function verifyPassword(password: string, stored: string, configuredLogN: number): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [logN, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (!Number.isInteger(logN) || logN < Math.min(LOG_N_RANGE[0], configuredLogN) || logN > LOG_N_RANGE[1]) return false;
  if (r !== BLOCK_SIZE || p !== PARALLEL) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (salt.length < SALT_BYTES || expected.length !== KEY_LENGTH) return false;
  const actual = await derive(password, salt, logN, r, p);
  return timingSafeEqual(actual, expected);
}

/**
 * A hash of a random password, computed once per cost: verifying against it when the username is
 * unknown makes a wrong username cost the same time as a wrong password.
 */
const decoyHashes = new Map<number, Promise<string>>();
export function decoyPasswordHash(logN: number): Promise<string> {
  let hash = decoyHashes.get(logN);
  if (!hash) {
    hash = hashPassword(randomBytes(16).toString('hex'), logN);
    decoyHashes.set(logN, hash);
  }
  return hash;
}

const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A generated password: 20 characters from an unambiguous alphabet (~115 bits). */
export function generatePassword(length = 20): string {
  const out: string[] = [];
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // Rejection sampling keeps every character equally likely.
      if (byte < 256 - (256 % PASSWORD_ALPHABET.length) && out.length < length) {
        out.push(PASSWORD_ALPHABET[byte % PASSWORD_ALPHABET.length]!);
      }
    }
  }
  return out.join('');
}
