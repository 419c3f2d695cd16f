import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { requestHeader } from './http.js';

/**
 * The client's address: from the socket, unless a trusted proxy is configured, in which case the
 * last X-Forwarded-For hop (the one our proxy appended) is used. Never taken from headers otherwise,
 * so it cannot be spoofed. Used only transiently (rate limits, salted abuse hashes), never stored.
 */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const hops = (requestHeader(c, 'x-forwarded-for') ?? '').split(',').map((h) => h.trim()).filter(Boolean);
    const last = hops.at(-1);
    if (last) return last;
  }
  // app.request() in tests has no socket behind it.
  if (!(c.env as { incoming?: unknown } | undefined)?.incoming) return '';
  return getConnInfo(c).remote.address ?? '';
}
