import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { PendingStep } from '../../schema/admin.js';
import type { Config } from '../config.js';
import type { Deps } from '../deps.js';
import type { Db, SessionStage } from '../db/types.js';
import { newSecretToken, sha256Hex } from '../ids.js';
import { loadGrants, type Actor } from './actor.js';

/** Last-seen is written at most this often, so reading pages does not write on every request. */
const TOUCH_INTERVAL_MS = 60_000;

/** A session waiting for its second factor lives this long at most: the code is at hand or never. */
const SECOND_FACTOR_MINUTES = 10;
/** Enough of a User-Agent to tell one's browsers apart on the account page. */
const USER_AGENT_MAX = 200;

export interface SessionRef {
  tokenHash: string;
  csrfToken: string;
  /** The step of sign-in still to do; null once signed in fully. */
  pending: PendingStep | null;
}

/**
 * What a session still has to do. The password change comes after the second factor (only then is
 * it the account's owner) and before TOTP enrolment (a new password first, then the app).
 */
export function pendingStep(stage: SessionStage, mustChangePassword: boolean, totpEnabled: boolean): PendingStep | null {
  if (stage === 'second_factor') return 'second_factor';
  if (mustChangePassword) return 'password_change';
  if (stage === 'totp_enrolment' && !totpEnabled) return 'totp_enrolment';
  return null;
}

/** The id shown on the account page: a hash of the stored hash, so it can name a session but never sign in. */
export function publicSessionId(tokenHash: string): string {
  return sha256Hex(`session-id:${tokenHash}`).slice(0, 32);
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

export interface NewSession {
  token: string;
  csrfToken: string;
}

/**
 * A new session: the 256-bit token goes to the cookie, only its SHA-256 to the database. Written in
 * the caller's transaction `tx` (when given) so it can replace another session atomically.
 */
export async function createSession(
  deps: Deps,
  userId: string,
  options: { stage?: SessionStage; userAgent?: string | undefined; tx?: Db } = {},
): Promise<NewSession> {
  const token = newSecretToken();
  const csrfToken = newSecretToken();
  const now = deps.clock.now();
  const stage = options.stage ?? 'full';
  const lifetimeMs = stage === 'second_factor' ? Math.min(SECOND_FACTOR_MINUTES * 60_000, deps.config.sessionMaxHours * 3_600_000) : deps.config.sessionMaxHours * 3_600_000;
  const insert = (tx: Db) =>
    tx
      .insertInto('sessions')
      .values({
        token_hash: sha256Hex(token),
        user_id: userId,
        csrf_token: csrfToken,
        created_at: now.toISOString(),
        last_seen_at: now.toISOString(),
        expires_at: new Date(now.getTime() + lifetimeMs).toISOString(),
        stage,
        user_agent: options.userAgent ? options.userAgent.slice(0, USER_AGENT_MAX) : null,
      })
      .execute();
  if (options.tx) await insert(options.tx);
  else await deps.db.write(insert);
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
      'sessions.stage',
      'users.id as user_id',
      'users.username',
      'users.display_name',
      'users.active',
      'users.must_change_password',
      'users.totp_enabled_at',
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
  const pending = pendingStep(row.stage, row.must_change_password === 1, row.totp_enabled_at !== null);
  return { ok: true, actor, session: { tokenHash, csrfToken: row.csrf_token, pending } };
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

/** The user's live sessions, newest first, marking the one asking. */
export async function listSessions(deps: Deps, userId: string, current: SessionRef) {
  const now = deps.clock.now();
  const idleCutoff = new Date(now.getTime() - deps.config.sessionIdleMinutes * 60_000).toISOString();
  const rows = await deps.db.kysely
    .selectFrom('sessions')
    .select(['token_hash', 'created_at', 'last_seen_at', 'expires_at', 'user_agent'])
    .where('user_id', '=', userId)
    .where('stage', '!=', 'second_factor')
    .where('expires_at', '>', now.toISOString())
    .where('last_seen_at', '>', idleCutoff)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: publicSessionId(r.token_hash),
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    expiresAt: r.expires_at,
    userAgent: r.user_agent,
    current: r.token_hash === current.tokenHash,
  }));
}

/** The stored hash of the user's session with this public id, if there is one. */
export async function findSessionById(tx: Db, userId: string, id: string): Promise<string | undefined> {
  const rows = await tx.selectFrom('sessions').select('token_hash').where('user_id', '=', userId).execute();
  return rows.find((r) => publicSessionId(r.token_hash) === id)?.token_hash;
}
