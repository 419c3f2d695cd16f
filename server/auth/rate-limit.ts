import { sql } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Deps } from '../deps.js';
import type { Db } from '../db/types.js';
import { keyedHash } from '../ids.js';

/**
 * Limits on guessing (issue #21): a stranger must not be able to lock anyone out. Failures lock only
 * the address they came from (per account, and across accounts); the account itself is never
 * locked, but once many addresses together have failed on it, its password checks are spaced out,
 * so a botnet gains little while the right password still signs in after a short wait.
 */
export const LOGIN_LIMITS = {
  /** One address guessing one account: that address is refused for that account for the rest of the window. */
  accountFromAddress: { failures: 5, windowMinutes: 15 },
  /** One address guessing across accounts: that address is refused for the rest of the window. */
  address: { failures: 20, windowMinutes: 15 },
  /**
   * Every address together on one account: past freeFailures in the window, one password check per
   * interval (doubling from firstIntervalSeconds up to maxIntervalSeconds). An attempt waits for its
   * turn; only one that would wait longer than maxWaitSeconds is refused, with that short Retry-After.
   */
  account: { freeFailures: 5, windowMinutes: 15, firstIntervalSeconds: 1, maxIntervalSeconds: 4, maxWaitSeconds: 6 },
  /** Wrong second-factor codes on one account (only someone who knew the password can make them). */
  secondFactor: { failures: 5, windowMinutes: 15 },
  /** Wrong current passwords on the change-password form of one account (needs its signed-in session). */
  passwordChange: { failures: 5, windowMinutes: 15 },
} as const;

/** A bucket that refuses once `failures` are counted in its window; a success resets it or gives one back. */
export interface LockBucket {
  key: string;
  failures: number;
  windowMinutes: number;
  onSuccess: 'reset' | 'give_back';
}

/** The per-account pace: never refuses outright, spaces out checks once freeFailures are counted. */
export interface PaceBucket {
  key: string;
  freeFailures: number;
  windowMinutes: number;
  firstIntervalSeconds: number;
  maxIntervalSeconds: number;
  maxWaitSeconds: number;
}

export interface AttemptLimits {
  locks: LockBucket[];
  pace?: PaceBucket;
}

export type Reservation = { ok: true; waitMs: number } | { ok: false; retryAfterSeconds: number };

/** Buckets are keyed by salted hashes: no usernames or IP addresses are stored in clear. */
function bucketKey(deps: Deps, kind: string, ...values: string[]): string {
  return `${kind}:${keyedHash(deps.config.serverSecret, `login-${kind}`, values.join('\u0000'))}`;
}

/** The limits on a password sign-in of `username` from `ip`. */
export function signInLimits(deps: Deps, username: string, ip: string): AttemptLimits {
  const locks: LockBucket[] = [
    { key: bucketKey(deps, 'account-ip', username, ip), ...LOGIN_LIMITS.accountFromAddress, onSuccess: 'reset' },
  ];
  // In-process test requests have no socket address: they are limited as one address.
  if (ip) locks.push({ key: bucketKey(deps, 'ip', ip), ...LOGIN_LIMITS.address, onSuccess: 'give_back' });
  return { locks, pace: { key: bucketKey(deps, 'account', username), ...LOGIN_LIMITS.account } };
}

/** The limit on second-factor codes of one account. */
export function secondFactorLimits(deps: Deps, userId: string): AttemptLimits {
  return { locks: [{ key: bucketKey(deps, 'second-factor', userId), ...LOGIN_LIMITS.secondFactor, onSuccess: 'reset' }] };
}

/** The limit on current-password checks when a signed-in user changes their password. */
export function passwordChangeLimits(deps: Deps, userId: string): AttemptLimits {
  return { locks: [{ key: bucketKey(deps, 'password-change', userId), ...LOGIN_LIMITS.passwordChange, onSuccess: 'reset' }] };
}

interface BucketRow {
  failures: number;
  window_start: string;
  next_check_at: string | null;
}

/**
 * Takes the bucket's row lock (PostgreSQL; SQLite's write transaction is already exclusive) and
 * starts a new window when the old one is over, then reads it.
 */
async function lockBucket(tx: Db, key: string, windowMinutes: number, now: Date): Promise<BucketRow> {
  const cutoff = new Date(now.getTime() - windowMinutes * 60_000).toISOString();
  const expired = sql<boolean>`login_attempts.window_start <= ${cutoff}`;
  await tx
    .insertInto('login_attempts')
    .values({ key, window_start: now.toISOString(), failures: 0, next_check_at: null })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures: sql`case when ${expired} then 0 else login_attempts.failures end`,
        window_start: sql`case when ${expired} then ${now.toISOString()} else login_attempts.window_start end`,
        next_check_at: sql`case when ${expired} then null else login_attempts.next_check_at end`,
      }),
    )
    .execute();
  return tx.selectFrom('login_attempts').select(['failures', 'window_start', 'next_check_at']).where('key', '=', key).executeTakeFirstOrThrow();
}

/**
 * Reserves one attempt before the secret is checked: refused (nothing counted) when a lock bucket is
 * full or the account's queue is too long; otherwise counted as a failure in every bucket up front,
 * so parallel guesses cannot all slip under the limits while scrypt runs, and given its turn in the
 * account's pace. A success gives the attempt back (attemptSucceeded). The caller waits `waitMs`.
 */
export async function reserveAttempt(deps: Deps, limits: AttemptLimits): Promise<Reservation> {
  const now = deps.clock.now();
  const reservation = await deps.db.write(async (tx): Promise<Reservation> => {
    let retryAfter = 0;
    for (const b of limits.locks) {
      const row = await lockBucket(tx, b.key, b.windowMinutes, now);
      if (row.failures >= b.failures) {
        const wait = Math.ceil((new Date(row.window_start).getTime() + b.windowMinutes * 60_000 - now.getTime()) / 1000);
        retryAfter = Math.max(retryAfter, wait, 1);
      }
    }
    let waitMs = 0;
    let nextCheckAt: string | null = null;
    const pace = limits.pace;
    if (retryAfter === 0 && pace) {
      const row = await lockBucket(tx, pace.key, pace.windowMinutes, now);
      if (row.failures >= pace.freeFailures) {
        const slot = Math.max(now.getTime(), row.next_check_at ? new Date(row.next_check_at).getTime() : 0);
        waitMs = slot - now.getTime();
        if (waitMs > pace.maxWaitSeconds * 1000) retryAfter = Math.ceil(waitMs / 1000);
        const interval = Math.min(pace.firstIntervalSeconds * 2 ** (row.failures - pace.freeFailures), pace.maxIntervalSeconds);
        nextCheckAt = new Date(slot + interval * 1000).toISOString();
      }
    }
    if (retryAfter > 0) return { ok: false, retryAfterSeconds: retryAfter };
    const counted = [...limits.locks.map((b) => b.key), ...(pace ? [pace.key] : [])];
    await tx.updateTable('login_attempts').set({ failures: sql`failures + 1` }).where('key', 'in', counted).execute();
    if (pace && nextCheckAt) await tx.updateTable('login_attempts').set({ next_check_at: nextCheckAt }).where('key', '=', pace.key).execute();
    // Old windows are dropped as we go, so the table stays small.
    const longest = Math.max(...Object.values(LOGIN_LIMITS).map((l) => l.windowMinutes)) * 60_000;
    await tx.deleteFrom('login_attempts').where('window_start', '<', new Date(now.getTime() - longest).toISOString()).execute();
    return { ok: true, waitMs };
  });
  // The wait is real time even under a test clock: it is what slows a guesser down.
  if (reservation.ok && reservation.waitMs > 0) await sleep(reservation.waitMs);
  return reservation;
}

/** A success: the account and this address on it start afresh; the address alone gets this attempt back. */
export async function attemptSucceeded(deps: Deps, limits: AttemptLimits): Promise<void> {
  await deps.db.write(async (tx) => {
    const reset = [...limits.locks.filter((b) => b.onSuccess === 'reset').map((b) => b.key), ...(limits.pace ? [limits.pace.key] : [])];
    if (reset.length) await tx.deleteFrom('login_attempts').where('key', 'in', reset).execute();
    const givenBack = limits.locks.filter((b) => b.onSuccess === 'give_back').map((b) => b.key);
    if (givenBack.length) {
      await tx
        .updateTable('login_attempts')
        .set({ failures: sql`case when failures > 0 then failures - 1 else 0 end` })
        .where('key', 'in', givenBack)
        .execute();
    }
  });
}
