import { createHash, createHmac, randomBytes } from 'node:crypto';

const BASE32 = 'abcdefghijkmnpqrstuvwxyz23456789';

/** Random text in an unambiguous lowercase alphabet (no 0/o, 1/l): 5 bits per character. */
export function randomCode(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += BASE32[bytes[i]! & 31];
  return out;
}

/** Row ids: 16 characters, 80 random bits. */
export function newId(): string {
  return randomCode(16);
}

/** Survey-point codes printed in QR codes: 10 characters, 50 random bits, short enough to type. */
export function newSurveyCode(): string {
  return randomCode(10);
}

/** Secrets handed out once (invitation tokens, API keys, session tokens): 256 random bits. */
export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Keyed hash for values we must match later but never store in clear (dossier codes, device marks). */
export function keyedHash(secret: string, purpose: string, value: string): string {
  return createHmac('sha256', secret).update(`${purpose}\u0000${value}`).digest('hex');
}
