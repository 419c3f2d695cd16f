import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Config } from '../config.js';
import type { Deps } from '../deps.js';
import type { Db } from '../db/types.js';
import { newSecretToken, sha256Hex } from '../ids.js';
import { loadGrants, type Actor } from './actor.js';

/** Last-seen is written at most this often, so reading pages does not write on every request. */
const TOUCH_INTERVAL_MS = 60_000;

export interface SessionRef {
  tokenHash: string;
  csrfToken: string;
}

export function isSecureDeployment(config: Config): boolean {
  return config.publicBaseUrl.startsWith('https://');
}

/** `__Host-` pins the cookie to our origin, path / and Secure; only usable behind HTTPS. */
export function sessionCookieName(config: Config): string {
  return isSecureDeployment(config) ? '__Host-sipas_session' : 'sipas_session';
}

export function readSessionCookie(c: Context, config: Config): string | undefined {
  return getCookie(c, sessionCookieName(config));
}

export function setSessionCookie(c: Context, config: Config, token: string): void {
  setCookie(c, sessionCookieName(config), token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: isSecureDeployment(config),
    path: '/',
    maxAge: config.sessionMaxHours * 3600,
  });
}

export function clearSessionCookie(c: Context, config: Config): void {
  deleteCookie(c, sessionCookieName(config), { path: '/', secure: isSecureDeployment(config) });
}

/** A new session: the 256-bit token goes to the cookie, only its SHA-256 to the database. */
export async function createSession(deps: Deps, userId: string): Promise<{ token: string; csrfToken: string }> {
  const token = newSecretToken();
  const csrfToken = newSecretToken();
  const now = deps.clock.now();
  const expires = new Date(now.getTime() + deps.config.sessionMaxHours * 3_600_000);
  await deps.db.write((tx) =>
    tx
      .insertInto('sessions')
      .values({
        token_hash: sha256Hex(token),
        user_id: userId,
        csrf_token: csrfToken,
        created_at: now.toISOString(),
        last_seen_at: now.toISOString(),
        expires_at: expires.toISOString(),
      })
      .execute(),
  );
  return { token, csrfToken };
}

export type SessionCheck =
  | { ok: true; actor: Actor; session: SessionRef }
  | { ok: false; reason: 'unknown' | 'expired' | 'inactive' };

/**
 * Resolves a cookie token to its user, enforcing the absolute expiry (sessionMaxHours from sign-in)
 * and the idle expiry (sessionIdleMinutes since the last request). An expired session is deleted.
 */
export async function authenticateSession(deps: Deps, token: string): Promise<SessionCheck> {
  const tokenHash = sha256Hex(token);
  const row = await deps.db.kysely
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.csrf_token',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'users.id as user_id',
      'users.username',
      'users.display_name',
      'users.active',
    ])
    .where('sessions.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return { ok: false, reason: 'unknown' };
  const now = deps.clock.now();
  const idleDeadline = new Date(row.last_seen_at).getTime() + deps.config.sessionIdleMinutes * 60_000;
  if (now.getTime() >= new Date(row.expires_at).getTime() || now.getTime() >= idleDeadline) {
    await deps.db.write((tx) => tx.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute());
    return { ok: false, reason: 'expired' };
  }
  if (!row.active) return { ok: false, reason: 'inactive' };
  if (now.getTime() - new Date(row.last_seen_at).getTime() >= TOUCH_INTERVAL_MS) {
    await deps.db.write((tx) =>
      tx.updateTable('sessions').set({ last_seen_at: now.toISOString() }).where('token_hash', '=', tokenHash).execute(),
    );
  }
  const actor: Actor = {
    userId: row.user_id,
    username: row.username,
    displayName: row.display_name,
    grants: await loadGrants(deps.db.kysely, row.user_id),
  };
  return { ok: true, actor, session: { tokenHash, csrfToken: row.csrf_token } };
}

export async function revokeSession(tx: Db, tokenHash: string): Promise<void> {
  await tx.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

/** Signs a user out everywhere, optionally keeping the session that asked. Returns how many ended. */
export async function revokeUserSessions(tx: Db, userId: string, keepTokenHash?: string): Promise<number> {
  let q = tx.deleteFrom('sessions').where('user_id', '=', userId);
  if (keepTokenHash) q = q.where('token_hash', '!=', keepTokenHash);
  const result = await q.executeTakeFirst();
  return Number(result.numDeletedRows);
}
