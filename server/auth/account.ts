import { PERMISSIONS, type LoginInput, type PasswordChangeInput, type SessionInfo } from '../../schema/admin.js';
import { recordAudit } from '../audit/record.js';
import type { Config } from '../config.js';
import type { Deps } from '../deps.js';
import type { Db, SessionStage } from '../db/types.js';
import { AppError } from '../http.js';
import { actorPermissions, loadGrants, type Actor, type ActorGrant } from './actor.js';
import { decoyPasswordHash, hashPassword, verifyPassword } from './password.js';
import { attemptSucceeded, passwordChangeLimits, reserveAttempt, signInLimits } from './rate-limit.js';
import { createSession, revokeUserSessions, type NewSession, type SessionRef } from './sessions.js';

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

/** Whether the config requires a TOTP second factor of someone holding these roles. */
export function totpRequired(config: Config, grants: readonly Pick<ActorGrant, 'role'>[]): boolean {
  return grants.some((g) => config.totpRequiredRoles.includes(g.role));
}

/**
 * Checks the credentials (rate-limited per address, paced per account: see rate-limit.ts) and opens
 * a session at the step sign-in has reached: waiting for the second factor when the user has TOTP,
 * waiting for enrolment when their roles require TOTP and they have none, else complete.
 */
export async function signIn(
  deps: Deps,
  input: LoginInput,
  ip: string,
  userAgent: string | undefined,
): Promise<({ ok: true; userId: string } & NewSession) | RateLimited> {
  const username = input.username.trim().toLowerCase();
  const limits = signInLimits(deps, username, ip);
  const reservation = await reserveAttempt(deps, limits);
  if (!reservation.ok) return reservation;
  const user = await deps.db.kysely
    .selectFrom('users')
    .select(['id', 'password_hash', 'active', 'totp_enabled_at'])
    .where('username', '=', username)
    .executeTakeFirst();
  const matches = await verifyPassword(
    input.password,
    user?.password_hash ?? (await decoyPasswordHash(deps.config.passwordHashLogN)),
    deps.config.passwordHashLogN,
  );
  if (!user || !matches || !user.active) throw new AppError('unauthenticated', 401, WRONG_LOGIN);
  await attemptSucceeded(deps, limits);
  const stage: SessionStage =
    user.totp_enabled_at !== null ? 'second_factor' : totpRequired(deps.config, await loadGrants(deps.db.kysely, user.id)) ? 'totp_enrolment' : 'full';
  const session = await createSession(deps, user.id, { stage, userAgent });
  return { ok: true, userId: user.id, ...session };
}

/**
 * What the admin UI needs after sign-in: who, which roles on which units, what they may do. While a
 * step of sign-in is pending the session holds no roles and no permissions.
 */
export async function sessionInfo(db: Db, actor: Actor, session: Pick<SessionRef, 'csrfToken' | 'pending'>): Promise<SessionInfo> {
  const user = { id: actor.userId, username: actor.username, displayName: actor.displayName };
  if (session.pending) return { user, grants: [], permissions: [], csrfToken: session.csrfToken, pending: session.pending };
  const grants = await db
    .selectFrom('role_grants')
    .leftJoin('units', 'units.id', 'role_grants.unit_id')
    .select(['role_grants.role', 'role_grants.unit_id', 'units.path', 'units.kind', 'units.code', 'units.name'])
    .where('role_grants.user_id', '=', actor.userId)
    .orderBy('role_grants.created_at')
    .orderBy('role_grants.id')
    .execute();
  return {
    user,
    grants: grants.map((g) => ({
      role: g.role,
      unitId: g.unit_id,
      unitPath: g.path,
      unitKind: g.kind,
      unitCode: g.code,
      unitName: g.name,
    })),
    permissions: actorPermissions(actor, PERMISSIONS),
    csrfToken: session.csrfToken,
    pending: null,
  };
}

/** Audit entries about an account are filed under its first unit, so that unit's officers see them. */
export function homeUnit(actor: Actor): string | null {
  return actor.grants.find((g) => g.unitId)?.unitId ?? null;
}

/**
 * Re-checks the signed-in user's password (changing it, turning TOTP off): limited per account, and
 * only someone holding the account's session can make these attempts.
 */
export async function checkOwnPassword(deps: Deps, actor: Actor, password: string, field: string): Promise<RateLimited | undefined> {
  const limits = passwordChangeLimits(deps, actor.userId);
  const reservation = await reserveAttempt(deps, limits);
  if (!reservation.ok) return reservation;
  const user = await deps.db.kysely.selectFrom('users').select(['password_hash']).where('id', '=', actor.userId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(password, user.password_hash, deps.config.passwordHashLogN))) {
    throw new AppError('validation_failed', 400, 'The current password is not right', [{ path: [field], message: 'The current password is not right' }]);
  }
  await attemptSucceeded(deps, limits);
  return undefined;
}

/**
 * Changes one's own password after checking the current one (which it must differ from); every
 * other session is signed out, and a password that had to be changed no longer has to.
 */
export async function changeOwnPassword(
  deps: Deps,
  actor: Actor,
  session: SessionRef,
  input: PasswordChangeInput,
): Promise<{ ok: true; revokedSessions: number } | RateLimited> {
  if (input.newPassword === input.currentPassword) {
    throw new AppError('validation_failed', 400, 'Choose a new password different from the current one', [
      { path: ['newPassword'], message: 'Choose a new password different from the current one' },
    ]);
  }
  const refused = await checkOwnPassword(deps, actor, input.currentPassword, 'currentPassword');
  if (refused) return refused;
  const hash = await hashPassword(input.newPassword, deps.config.passwordHashLogN);
  const now = deps.clock.now();
  return deps.db.write(async (tx) => {
    const before = await tx.selectFrom('users').select('must_change_password').where('id', '=', actor.userId).executeTakeFirstOrThrow();
    await tx
      .updateTable('users')
      .set({ password_hash: hash, password_changed_at: now.toISOString(), must_change_password: 0 })
      .where('id', '=', actor.userId)
      .execute();
    const revokedSessions = await revokeUserSessions(tx, actor.userId, session.tokenHash);
    await recordAudit(tx, {
      actor,
      action: 'user.password_change',
      entity: 'user',
      entityId: actor.userId,
      unitId: homeUnit(actor),
      before: { passwordChanged: false, mustChangePassword: before.must_change_password === 1 },
      after: { passwordChanged: true, passwordChangedAt: now.toISOString(), mustChangePassword: false, revokedSessions },
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
