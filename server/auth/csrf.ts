import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import type { Config } from '../config.js';
import { AppError } from '../http.js';
import { sha256Hex } from '../ids.js';

export const CSRF_HEADER = 'x-csrf-token';
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

function refused(): AppError {
  return new AppError('csrf_failed', 403, 'This request did not come from the admin pages; reload and try again');
}

/**
 * Strict origin check for state-changing requests: an Origin header, when the browser sends one,
 * must be our public origin or the origin the request was addressed to; a browser that says the
 * request is cross-site is refused whatever the Origin. No dependence on Content-Type.
 */
export function checkOrigin(c: Context, config: Config): void {
  const origin = c.req.header('origin');
  if (origin !== undefined) {
    const allowed = new Set([new URL(config.publicBaseUrl).origin, new URL(c.req.url).origin]);
    if (!allowed.has(origin)) throw refused();
  }
  if (c.req.header('sec-fetch-site') === 'cross-site') throw refused();
}

/** The per-session token must come back in X-CSRF-Token; compared in constant time. */
export function checkCsrfToken(c: Context, expected: string): void {
  const given = c.req.header(CSRF_HEADER);
  if (!given) throw refused();
  const a = Buffer.from(sha256Hex(given), 'hex');
  const b = Buffer.from(sha256Hex(expected), 'hex');
  if (!timingSafeEqual(a, b)) throw refused();
}
