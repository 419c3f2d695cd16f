import { PERMISSIONS, type LoginInput, type PasswordChangeInput, type SessionInfo } from '../../schema/admin.js';
import { recordAudit } from '../audit/record.js';
import type { Deps } from '../deps.js';
import type { Db } from '../db/types.js';
import { AppError } from '../http.js';
import { actorPermissions, type Actor } from './actor.js';
import { decoyPasswordHash, hashPassword, verifyPassword } from './password.js';
import { clearLoginAttempt, countLoginAttempt, loginBuckets } from './rate-limit.js';
import { createSession, revokeUserSessions, type SessionRef } from './sessions.js';

/** The same answer for an unknown user, a wrong password and a disabled account. */
const WRONG_LOGIN = 'Wrong username or password';

/** Refused before the password is even checked: the caller answers 429 with Retry-After. */
export interface RateLimited {
  ok: false;
  retryAfterSeconds: number;
}

export function rateLimitedError(): AppError {
  return new AppError('rate_limited', 429, 'Too many failed sign-ins; wait a few minutes and try again');
}

/** Checks the credentials (rate-limited per account and per address) and opens a session. */
export async function signIn(
  deps: Deps,
  input: LoginInput,
  ip: string,
): Promise<{ ok: true; token: string; userId: string; csrfToken: string } | RateLimited> {
  const username = input.username.trim().toLowerCase();
  const buckets = loginBuckets(deps, username, ip);
  const retryAfter = await countLoginAttempt(deps, buckets);
  if (retryAfter > 0) return { ok: false, retryAfterSeconds: retryAfter };
  const user = await deps.db.kysely
    .selectFrom('users')
    .select(['id', 'password_hash', 'active'])
    .where('username', '=', username)
    .executeTakeFirst();
  const matches = await verifyPassword(input.password, user?.password_hash ?? (await decoyPasswordHash()));
  if (!user || !matches || !user.active) throw new AppError('unauthenticated', 401, WRONG_LOGIN);
  await clearLoginAttempt(deps, buckets);
  const { token, csrfToken } = await createSession(deps, user.id);
  return { ok: true, token, userId: user.id, csrfToken };
}

/** What the admin UI needs after sign-in: who, which roles on which units, what they may do. */
export async function sessionInfo(db: Db, actor: Actor, csrfToken: string): Promise<SessionInfo> {
  const grants = await db
    .selectFrom('role_grants')
    .leftJoin('units', 'units.id', 'role_grants.unit_id')
    .select(['role_grants.role', 'role_grants.unit_id', 'units.path', 'units.kind', 'units.code', 'units.name'])
    .where('role_grants.user_id', '=', actor.userId)
    .orderBy('role_grants.created_at')
    .orderBy('role_grants.id')
    .execute();
  return {
    user: { id: actor.userId, username: actor.username, displayName: actor.displayName },
    grants: grants.map((g) => ({
      role: g.role,
      unitId: g.unit_id,
      unitPath: g.path,
      unitKind: g.kind,
      unitCode: g.code,
      unitName: g.name,
    })),
    permissions: actorPermissions(actor, PERMISSIONS),
    csrfToken,
  };
}

/** Audit entries about an account are filed under its first unit, so that unit's officers see them. */
function homeUnit(actor: Actor): string | null {
  return actor.grants.find((g) => g.unitId)?.unitId ?? null;
}

/** Changes one's own password after checking the current one; every other session is signed out. */
export async function changeOwnPassword(
  deps: Deps,
  actor: Actor,
  session: SessionRef,
  input: PasswordChangeInput,
): Promise<{ ok: true; revokedSessions: number } | RateLimited> {
  const buckets = loginBuckets(deps, actor.username, '');
  const retryAfter = await countLoginAttempt(deps, buckets);
  if (retryAfter > 0) return { ok: false, retryAfterSeconds: retryAfter };
  const user = await deps.db.kysely
    .selectFrom('users')
    .select(['password_hash'])
    .where('id', '=', actor.userId)
    .executeTakeFirstOrThrow();
  if (!(await verifyPassword(input.currentPassword, user.password_hash))) {
    throw new AppError('validation_failed', 400, 'The current password is not right', [
      { path: ['currentPassword'], message: 'The current password is not right' },
    ]);
  }
  await clearLoginAttempt(deps, buckets);
  const hash = await hashPassword(input.newPassword);
  const now = deps.clock.now();
  return deps.db.write(async (tx) => {
    await tx
      .updateTable('users')
      .set({ password_hash: hash, password_changed_at: now.toISOString() })
      .where('id', '=', actor.userId)
      .execute();
    const revokedSessions = await revokeUserSessions(tx, actor.userId, session.tokenHash);
    await recordAudit(tx, {
      actor,
      action: 'user.password_change',
      entity: 'user',
      entityId: actor.userId,
      unitId: homeUnit(actor),
      before: { passwordChanged: false },
      after: { passwordChanged: true, passwordChangedAt: now.toISOString(), revokedSessions },
      at: now,
    });
    return { ok: true as const, revokedSessions };
  });
}

/** "Sign out everywhere": ends every session of the user, this one included. */
export async function signOutEverywhere(deps: Deps, actor: Actor): Promise<number> {
  const now = deps.clock.now();
  return deps.db.write(async (tx) => {
    const revoked = await revokeUserSessions(tx, actor.userId);
    await recordAudit(tx, {
      actor,
      action: 'user.sign_out_everywhere',
      entity: 'user',
      entityId: actor.userId,
      unitId: homeUnit(actor),
      before: { sessions: revoked },
      after: { sessions: 0 },
      at: now,
    });
    return revoked;
  });
}
