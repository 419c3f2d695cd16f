import { createHash, createPrivateKey, createPublicKey, hkdfSync, sign, verify, type KeyObject } from 'node:crypto';

/**
 * The server's Ed25519 key for signing export manifests. It is derived from the server secret
 * (HKDF-SHA-256), so every app server of one deployment signs with the same key and a backup of the
 * secret (README: keep it with the backups) is a backup of the key; no second secret file to lose.
 * Anyone checks a signature with the public key the public page serves.
 */

/** PKCS#8 DER prefix of an Ed25519 private key, before its 32-byte seed (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const KEY_INFO = 'sipas export signing key / Ed25519 / v1';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** First 16 hex characters of SHA-256 over the raw public key: names the key in manifests. */
  keyId: string;
  publicKeyPem: string;
  /** The 32 raw public-key bytes, base64. */
  publicKeyBase64: string;
}

const cache = new Map<string, SigningKey>();

export function signingKey(serverSecret: string): SigningKey {
  const cached = cache.get(serverSecret);
  if (cached) return cached;
  const seed = Buffer.from(hkdfSync('sha256', serverSecret, '', KEY_INFO, 32));
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey);
  const raw = publicKeyRaw(publicKey);
  const key: SigningKey = {
    privateKey,
    publicKey,
    keyId: keyIdOf(publicKey),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    publicKeyBase64: raw.toString('base64'),
  };
  cache.set(serverSecret, key);
  return key;
}

/** The raw 32 bytes of an Ed25519 public key (the last 32 of its SPKI DER). */
function publicKeyRaw(publicKey: KeyObject): Buffer {
  return publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKeyRaw(publicKey)).digest('hex').slice(0, 16);
}

export function signText(key: SigningKey, text: string): string {
  return sign(null, Buffer.from(text, 'utf8'), key.privateKey).toString('base64');
}

export function verifyText(publicKey: KeyObject, text: string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(text, 'utf8'), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** A public key from its PEM text. */
export function publicKeyFromPem(pem: string): KeyObject {
  return createPublicKey({ key: pem, format: 'pem' });
}
