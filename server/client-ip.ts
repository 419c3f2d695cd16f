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

/**
 * The part of an address that names one subscriber, for per-address limits: an IPv4 address as it
 * is (an IPv4-mapped IPv6 one too), an IPv6 address cut to its /64 network, since one phone or home
 * is given a whole /64 and can take a new address in it at will.
 */
export function subscriberBlock(ip: string): string {
  if (!ip.includes(':')) return ip;
  const address = ip.split('%')[0]!.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) return mapped[1]!;
  const [head = '', tail] = address.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  // A trailing dotted IPv4 part stands for two groups.
  const width = (parts: string[]) => parts.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - width(left) - width(right))).fill('0'), ...right];
  return `${all.slice(0, 4).map((g) => (Number.parseInt(g, 16) || 0).toString(16)).join(':')}::/64`;
}
