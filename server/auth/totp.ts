import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import type { Config } from '../config.js';
import { keyedHash, randomCode } from '../ids.js';

/**
 * TOTP (RFC 6238: SHA-1, 6 digits, 30 s, as every authenticator app expects) and recovery codes.
 * Secrets are kept encrypted with a key derived from the server secret, bound to their user, so a
 * copy of the database alone (a backup, a dump) does not give anyone's second factor away.
 */

const ISSUER = 'SIPAS';
const PERIOD_SECONDS = 30;
/** One step either side of now: phones' clocks drift, and a code typed at the end of its step still counts. */
const TOLERANCE_SECONDS = PERIOD_SECONDS;
export const RECOVERY_CODE_COUNT = 10;
const CIPHER_VERSION = 'v1';

function secretKey(config: Config): Buffer {
  return Buffer.from(hkdfSync('sha256', config.serverSecret, 'sipas-totp', 'totp-secret-encryption', 32));
}

/** AES-256-GCM with the user id as associated data: a ciphertext moved to another account does not decrypt. */
export function encryptTotpSecret(config: Config, userId: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', secretKey(config), iv);
  cipher.setAAD(Buffer.from(userId));
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [CIPHER_VERSION, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** The secret, or null when the stored value is not one of ours (tampered, another server secret). */
export function decryptTotpSecret(config: Config, userId: string, stored: string): string | null {
  const [version, iv, body, tag] = stored.split('.');
  if (version !== CIPHER_VERSION || !iv || !body || !tag) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', secretKey(config), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(userId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** A new 160-bit secret (Base32) and the otpauth:// URI an app scans. */
export function newTotpSecret(username: string): { secret: string; otpauthUri: string } {
  const secret = generateSecret({ length: 20 });
  return { secret, otpauthUri: generateURI({ issuer: ISSUER, label: username, secret, period: PERIOD_SECONDS }) };
}

/**
 * Checks a 6-digit code at `now`; returns the time step it belongs to, or null. A code of a step at
 * or before `lastStep` (one already used) is refused, so an observed code cannot be replayed.
 */
export async function checkTotpCode(secret: string, code: string, now: Date, lastStep: number | null): Promise<number | null> {
  const epoch = Math.floor(now.getTime() / 1000);
  // Every step in the window is used up (otplib would throw rather than answer no).
  if (lastStep !== null && lastStep >= Math.floor((epoch + TOLERANCE_SECONDS) / PERIOD_SECONDS)) return null;
  const result = await verify({
    secret,
    token: code,
    period: PERIOD_SECONDS,
    epoch,
    epochTolerance: TOLERANCE_SECONDS,
    ...(lastStep !== null ? { afterTimeStep: lastStep } : {}),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

/** Recovery codes as shown: 12 characters of the unambiguous alphabet (60 bits) in groups of four. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => randomCode(12).replace(/(.{4})(?=.)/g, '$1-'));
}

/**
 * Recovery codes are random (60 bits), so a keyed hash is enough to keep them: no slow KDF needed,
 * and the key keeps a leaked table from being checked offline. Takes the normalised code (schema/auth.ts).
 */
export function recoveryCodeHash(config: Config, normalised: string): string {
  return keyedHash(config.serverSecret, 'recovery-code', normalised);
}
