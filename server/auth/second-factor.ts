import type { SecondFactorInput, SessionList, TotpSetup, TotpStatus } from '../../schema/auth.js';
import { recordAudit } from '../audit/record.js';
import type { Deps } from '../deps.js';
import type { Db } from '../db/types.js';
import { AppError } from '../http.js';
import { newId } from '../ids.js';
import { qrSvg } from '../qr/qr.js';
import { checkOwnPassword, homeUnit, totpRequired, type RateLimited } from './account.js';
import type { Actor } from './actor.js';
import { attemptSucceeded, reserveAttempt, secondFactorLimits } from './rate-limit.js';
import { createSession, findSessionById, listSessions, revokeSession, type NewSession, type SessionRef } from './sessions.js';
import { checkTotpCode, decryptTotpSecret, encryptTotpSecret, newRecoveryCodes, newTotpSecret, recoveryCodeHash } from './totp.js';

/**
 * The TOTP second factor: enrolment (a secret offered, confirmed by a code, then recovery codes shown
 * once), the second step of sign-in (a code, or a recovery code used once), new recovery codes,
 * turning it off where the roles allow; and the user's own sessions. Every change is audited; no
 * secret, code or recovery code ever reaches the audit log or the logs.
 */

function wrongCode(field: 'code' | 'recoveryCode'): AppError {
  const message = field === 'code' ? 'The code is not right; enter the current one from your app' : 'This recovery code is not right or was already used';
  return new AppError('validation_failed', 400, message, [{ path: [field], message }]);
}

interface TotpRow {
  totp_secret: string | null;
  totp_last_step: number | null;
}

/** Checks a code against the user's enrolled secret and records its time step, so it is never accepted again. */
async function acceptTotpCode(deps: Deps, tx: Db, userId: string, code: string): Promise<boolean> {
  const row: TotpRow = await tx.selectFrom('users').select(['totp_secret', 'totp_last_step']).where('id', '=', userId).executeTakeFirstOrThrow();
  const secret = row.totp_secret ? decryptTotpSecret(deps.config, userId, row.totp_secret) : null;
  if (!secret) return false;
  const step = await checkTotpCode(secret, code, deps.clock.now(), row.totp_last_step);
  if (step === null) return false;
  // Conditional, so two requests racing with the same code cannot both pass (PostgreSQL reads do not lock).
  const recorded = await tx
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(recorded.numUpdatedRows) === 1;
}

/** Marks one unused recovery code of the user used; false when none matches. Atomic: a code works once. */
async function useRecoveryCode(deps: Deps, tx: Db, userId: string, normalised: string): Promise<boolean> {
  const used = await tx
    .updateTable('recovery_codes')
    .set({ used_at: deps.clock.now().toISOString() })
    .where('user_id', '=', userId)
    .where('code_hash', '=', recoveryCodeHash(deps.config, normalised))
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(used.numUpdatedRows) === 1;
}

async function recoveryCodesLeft(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Replaces the user's recovery codes with fresh ones; returns them (the only time they are seen). */
async function replaceRecoveryCodes(deps: Deps, tx: Db, userId: string, at: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await tx
    .insertInto('recovery_codes')
    .values(codes.map((code) => ({ id: newId(), user_id: userId, code_hash: recoveryCodeHash(deps.config, code.replaceAll('-', '')), created_at: at, used_at: null })))
    .execute();
  return codes;
}

/**
 * The second step of sign-in: a current code from the app, or an unused recovery code. Limited per
 * account (only someone who had the password gets here). On success the half-signed-in session is
 * replaced by a new one (a new token: the one that only proved the password is never promoted).
 */
export async function completeSecondFactor(
  deps: Deps,
  actor: Actor,
  session: SessionRef,
  input: SecondFactorInput,
  userAgent: string | undefined,
): Promise<({ ok: true } & NewSession) | RateLimited> {
  const limits = secondFactorLimits(deps, actor.userId);
  const reservation = await reserveAttempt(deps, limits);
  if (!reservation.ok) return reservation;
  const now = deps.clock.now();
  const result = await deps.db.write(async (tx) => {
    if ('code' in input) {
      if (!(await acceptTotpCode(deps, tx, actor.userId, input.code))) return undefined;
    } else {
      if (!(await useRecoveryCode(deps, tx, actor.userId, input.recoveryCode))) return undefined;
      await recordAudit(tx, {
        actor,
        action: 'user.recovery_code_use',
        entity: 'user',
        entityId: actor.userId,
        unitId: homeUnit(actor),
        after: { recoveryCodesLeft: await recoveryCodesLeft(tx, actor.userId) },
        at: now,
      });
    }
    await revokeSession(tx, session.tokenHash);
    return createSession(deps, actor.userId, { stage: 'full', userAgent, tx });
  });
  if (!result) throw wrongCode('code' in input ? 'code' : 'recoveryCode');
  await attemptSucceeded(deps, limits);
  return { ok: true, ...result };
}

export async function totpStatus(deps: Deps, actor: Actor): Promise<TotpStatus> {
  const user = await deps.db.kysely.selectFrom('users').select(['totp_enabled_at']).where('id', '=', actor.userId).executeTakeFirstOrThrow();
  return {
    enabled: user.totp_enabled_at !== null,
    enabledAt: user.totp_enabled_at,
    required: totpRequired(deps.config, actor.grants),
    recoveryCodesLeft: await recoveryCodesLeft(deps.db.kysely, actor.userId),
  };
}

/**
 * Offers a new secret for the app, kept encrypted on this session (it goes with the session) until
 * a code from it confirms it.
 */
export async function startTotpSetup(deps: Deps, actor: Actor, session: SessionRef): Promise<TotpSetup> {
  const { secret, otpauthUri } = newTotpSecret(actor.username);
  await deps.db.write(async (tx) => {
    const user = await tx.selectFrom('users').select('totp_enabled_at').where('id', '=', actor.userId).executeTakeFirstOrThrow();
    if (user.totp_enabled_at !== null) throw new AppError('conflict', 409, 'Two-step sign-in is already on for this account');
    await tx
      .updateTable('sessions')
      .set({ totp_pending_secret: encryptTotpSecret(deps.config, actor.userId, secret) })
      .where('token_hash', '=', session.tokenHash)
      .execute();
  });
  const svg = await qrSvg(otpauthUri);
  return { secret, otpauthUri, qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
}

/**
 * Turns TOTP on once a code from the offered secret checks out; returns the recovery codes (shown
 * only now). The session that enrolled is complete from here on.
 */
export async function enableTotp(deps: Deps, actor: Actor, session: SessionRef, code: string): Promise<string[] | RateLimited> {
  const limits = secondFactorLimits(deps, actor.userId);
  const reservation = await reserveAttempt(deps, limits);
  if (!reservation.ok) return reservation;
  const now = deps.clock.now();
  const codes = await deps.db.write(async (tx) => {
    const user = await tx.selectFrom('users').select('totp_enabled_at').where('id', '=', actor.userId).executeTakeFirstOrThrow();
    if (user.totp_enabled_at !== null) throw new AppError('conflict', 409, 'Two-step sign-in is already on for this account');
    const offered = await tx.selectFrom('sessions').select('totp_pending_secret').where('token_hash', '=', session.tokenHash).executeTakeFirstOrThrow();
    if (!offered.totp_pending_secret) throw new AppError('conflict', 409, 'Start the set-up first: no secret has been offered');
    const secret = decryptTotpSecret(deps.config, actor.userId, offered.totp_pending_secret);
    const step = secret ? await checkTotpCode(secret, code, now, null) : null;
    if (step === null) return undefined;
    await tx
      .updateTable('users')
      .set({ totp_secret: offered.totp_pending_secret, totp_enabled_at: now.toISOString(), totp_last_step: step })
      .where('id', '=', actor.userId)
      .execute();
    const recoveryCodes = await replaceRecoveryCodes(deps, tx, actor.userId, now.toISOString());
    await tx.updateTable('sessions').set({ stage: 'full', totp_pending_secret: null }).where('token_hash', '=', session.tokenHash).execute();
    await recordAudit(tx, {
      actor,
      action: 'user.totp_enrol',
      entity: 'user',
      entityId: actor.userId,
      unitId: homeUnit(actor),
      before: { totpEnabled: false },
      after: { totpEnabled: true, recoveryCodes: recoveryCodes.length },
      at: now,
    });
    return recoveryCodes;
  });
  if (!codes) throw wrongCode('code');
  await attemptSucceeded(deps, limits);
  return codes;
}

/** New recovery codes (the old ones stop working), confirmed by a current code from the app. */
export async function regenerateRecoveryCodes(deps: Deps, actor: Actor, code: string): Promise<string[] | RateLimited> {
  const limits = secondFactorLimits(deps, actor.userId);
  const reservation = await reserveAttempt(deps, limits);
  if (!reservation.ok) return reservation;
  const now = deps.clock.now();
  const codes = await deps.db.write(async (tx) => {
    const user = await tx.selectFrom('users').select('totp_enabled_at').where('id', '=', actor.userId).executeTakeFirstOrThrow();
    if (user.totp_enabled_at === null) throw new AppError('conflict', 409, 'Two-step sign-in is not on for this account');
    if (!(await acceptTotpCode(deps, tx, actor.userId, code))) return undefined;
    const left = await recoveryCodesLeft(tx, actor.userId);
    const recoveryCodes = await replaceRecoveryCodes(deps, tx, actor.userId, now.toISOString());
    await recordAudit(tx, {
      actor,
      action: 'user.recovery_codes_replace',
      entity: 'user',
      entityId: actor.userId,
      unitId: homeUnit(actor),
      before: { recoveryCodesLeft: left },
      after: { recoveryCodesLeft: recoveryCodes.length },
      at: now,
    });
    return recoveryCodes;
  });
  if (!codes) throw wrongCode('code');
  await attemptSucceeded(deps, limits);
  return codes;
}

/** Turns one's own TOTP off (password re-checked); refused when one's roles require it. */
export async function disableOwnTotp(deps: Deps, actor: Actor, password: string): Promise<RateLimited | undefined> {
  if (totpRequired(deps.config, actor.grants)) {
    throw new AppError('forbidden', 403, 'Your role requires two-step sign-in; it cannot be turned off');
  }
  const refused = await checkOwnPassword(deps, actor, password, 'password');
  if (refused) return refused;
  await deps.db.write(async (tx) => {
    if (!(await clearTotp(tx, actor.userId))) throw new AppError('conflict', 409, 'Two-step sign-in is not on for this account');
    await recordAudit(tx, {
      actor,
      action: 'user.totp_disable',
      entity: 'user',
      entityId: actor.userId,
      unitId: homeUnit(actor),
      before: { totpEnabled: true },
      after: { totpEnabled: false },
      at: deps.clock.now(),
    });
  });
  return undefined;
}

/** Removes a user's TOTP secret and recovery codes; false when TOTP was not on. */
export async function clearTotp(tx: Db, userId: string): Promise<boolean> {
  const cleared = await tx
    .updateTable('users')
    .set({ totp_secret: null, totp_enabled_at: null, totp_last_step: null })
    .where('id', '=', userId)
    .where('totp_enabled_at', 'is not', null)
    .executeTakeFirst();
  await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  return Number(cleared.numUpdatedRows) === 1;
}

export async function mySessions(deps: Deps, actor: Actor, session: SessionRef): Promise<SessionList> {
  return { items: await listSessions(deps, actor.userId, session) };
}

/** Ends one of the user's own sessions (by its public id); returns whether it was the one asking. */
export async function revokeOwnSession(deps: Deps, actor: Actor, session: SessionRef, id: string): Promise<{ current: boolean }> {
  return deps.db.write(async (tx) => {
    const tokenHash = await findSessionById(tx, actor.userId, id);
    if (!tokenHash) throw new AppError('not_found', 404, 'No such session (it may have ended already)');
    await revokeSession(tx, tokenHash);
    await recordAudit(tx, {
      actor,
      action: 'user.session_revoke',
      entity: 'user',
      entityId: actor.userId,
      unitId: homeUnit(actor),
      before: { session: id },
      after: { session: null },
      at: deps.clock.now(),
    });
    return { current: tokenHash === session.tokenHash };
  });
}
