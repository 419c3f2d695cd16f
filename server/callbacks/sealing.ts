import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Call-back contacts are sealed with AES-256-GCM under a key derived (HKDF-SHA256) from the server
 * secret, so neither the database file, its WAL nor a backup holds a phone number or e-mail in clear.
 * The answer's id is the additional data: a sealed value copied onto another row does not open.
 * Format: `v1.<base64url nonce>.<base64url tag>.<base64url ciphertext>`.
 */
const FORMAT = 'v1';
const NONCE_BYTES = 12;

export interface ContactSealer {
  seal(plain: string, responseId: string): string;
  /** Throws when the value was sealed under another key or for another answer. */
  open(sealed: string, responseId: string): string;
}

export function contactSealer(serverSecret: string): ContactSealer {
  const key = Buffer.from(hkdfSync('sha256', serverSecret, 'sipas-callback-contacts', 'aes-256-gcm contact key v1', 32));
  return {
    seal(plain, responseId) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      cipher.setAAD(Buffer.from(responseId, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [FORMAT, nonce, cipher.getAuthTag(), body].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
    },
    open(sealed, responseId) {
      const [format, nonce, tag, body] = sealed.split('.');
      if (format !== FORMAT || nonce === undefined || tag === undefined || body === undefined) throw new Error('not a sealed contact');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
      decipher.setAAD(Buffer.from(responseId, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
