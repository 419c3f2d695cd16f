import { sql } from 'kysely';
import type { Deps } from '../deps.js';
import { keyedHash } from '../ids.js';

/** Failed sign-ins allowed per window before the account or the address is refused for the rest of it. */
export const LOGIN_LIMITS = {
  account: { failures: 5, windowMinutes: 15 },
  ip: { failures: 20, windowMinutes: 15 },
} as const;

interface Bucket {
  key: string;
  failures: number;
  windowMinutes: number;
}

/** Buckets are keyed by salted hashes: no usernames or IP addresses are stored in clear. */
export function loginBuckets(deps: Deps, username: string, ip: string): Bucket[] {
  const buckets: Bucket[] = [
    { key: `account:${keyedHash(deps.config.serverSecret, 'login-account', username)}`, ...LOGIN_LIMITS.account },
  ];
  // In-process test requests have no socket address; they are limited per account only.
  if (ip) buckets.push({ key: `ip:${keyedHash(deps.config.serverSecret, 'login-ip', ip)}`, ...LOGIN_LIMITS.ip });
  return buckets;
}

/**
 * Counts this attempt as a failure before the password is checked, so parallel guesses cannot all
 * slip under the limit while scrypt runs; a success gives the attempt back (clearLoginAttempt).
 * Returns the seconds to wait when any bucket is over its limit, else 0.
 */
export async function countLoginAttempt(deps: Deps, buckets: Bucket[]): Promise<number> {
  const now = deps.clock.now();
  return deps.db.write(async (tx) => {
    let retryAfter = 0;
    for (const b of buckets) {
      const windowMs = b.windowMinutes * 60_000;
      const cutoff = new Date(now.getTime() - windowMs).toISOString();
      await tx
        .insertInto('login_attempts')
        .values({ key: b.key, window_start: now.toISOString(), failures: 1 })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            failures: sql`case when login_attempts.window_start <= ${cutoff} then 1 else login_attempts.failures + 1 end`,
            window_start: sql`case when login_attempts.window_start <= ${cutoff} then ${now.toISOString()} else login_attempts.window_start end`,
          }),
        )
        .execute();
      const row = await tx
        .selectFrom('login_attempts')
        .select(['failures', 'window_start'])
        .where('key', '=', b.key)
        .executeTakeFirstOrThrow();
      if (row.failures > b.failures) {
        const wait = Math.ceil((new Date(row.window_start).getTime() + windowMs - now.getTime()) / 1000);
        retryAfter = Math.max(retryAfter, wait, 1);
      }
    }
    // Old windows are dropped as we go, so the table stays small.
    const oldest = Math.max(LOGIN_LIMITS.account.windowMinutes, LOGIN_LIMITS.ip.windowMinutes) * 60_000;
    await tx
      .deleteFrom('login_attempts')
      .where('window_start', '<', new Date(now.getTime() - oldest).toISOString())
      .execute();
    return retryAfter;
  });
}

/** A successful sign-in: the account starts afresh, and the address gets this attempt back. */
export async function clearLoginAttempt(deps: Deps, buckets: Bucket[]): Promise<void> {
  await deps.db.write(async (tx) => {
    const [account, ...others] = buckets;
    if (account) await tx.deleteFrom('login_attempts').where('key', '=', account.key).execute();
    for (const b of others) {
      await tx
        .updateTable('login_attempts')
        .set({ failures: sql`case when failures > 0 then failures - 1 else 0 end` })
        .where('key', '=', b.key)
        .execute();
    }
  });
}
