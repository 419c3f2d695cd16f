import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { WEBHOOK_HEADERS } from '../../schema/notifications.js';

/**
 * A subscription's signing secret is HMAC(server key, salt): the database keeps only the salt, so a
 * copy of it (a backup, a dump) cannot forge deliveries. Changing SERVER_SECRET changes every
 * subscription's secret.
 */
function webhookKey(serverSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', serverSecret, 'sipas-webhooks', 'webhook-signing-secret', 32));
}

export function newSecretSalt(): string {
  return randomBytes(16).toString('base64url');
}

export function webhookSecret(serverSecret: string, salt: string): string {
  return `whsec_${createHmac('sha256', webhookKey(serverSecret)).update(salt).digest('base64url')}`;
}

/** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`; the receiver recomputes it and compares. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The headers of one delivery attempt (names in WEBHOOK_HEADERS, documented in the OpenAPI document). */
export function deliveryHeaders(input: { secret: string; type: string; deliveryId: string; body: string; at: Date }): Record<string, string> {
  const timestamp = Math.floor(input.at.getTime() / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': 'SIPAS-Webhooks/1',
    [WEBHOOK_HEADERS.event]: input.type,
    [WEBHOOK_HEADERS.delivery]: input.deliveryId,
    [WEBHOOK_HEADERS.timestamp]: String(timestamp),
    [WEBHOOK_HEADERS.signature]: webhookSignature(input.secret, timestamp, input.body),
  };
}
