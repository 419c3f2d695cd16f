import type { Role } from '../../schema/admin.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { AppDatabase } from '../db/database.js';
import { newId } from '../ids.js';
import { silentLogger } from '../log.js';
import { TEST_SCRYPT_LOG_N } from './harness.js';
import { hashPassword } from '../auth/password.js';
import { createSession, sessionCookieName } from '../auth/sessions.js';

/** Test builders for accounts and sessions (not used by the app). */

export const TEST_PASSWORD = 'correct-horse-battery-staple';

let testHash: Promise<string> | undefined;
/** One hash of TEST_PASSWORD at the tests' scrypt cost, shared by every test account. */
export function testPasswordHash(): Promise<string> {
  testHash ??= hashPassword(TEST_PASSWORD, TEST_SCRYPT_LOG_N);
  return testHash;
}

export interface TestUser {
  id: string;
  username: string;
}

export async function aUser(
  db: AppDatabase,
  clock: Clock,
  options: { username?: string; displayName?: string; grants?: { role: Role; unitId: string | null }[]; active?: boolean } = {},
): Promise<TestUser> {
  const id = newId();
  const username = options.username ?? `user-${id.slice(0, 6)}`;
  const now = clock.now().toISOString();
  const passwordHash = await testPasswordHash();
  await db.write(async (tx) => {
    await tx
      .insertInto('users')
      .values({
        id,
        username,
        display_name: options.displayName ?? username,
        password_hash: passwordHash,
        active: options.active === false ? 0 : 1,
        created_at: now,
        password_changed_at: now,
      })
      .execute();
    for (const g of options.grants ?? []) {
      await tx
        .insertInto('role_grants')
        .values({ id: newId(), user_id: id, unit_id: g.unitId, role: g.role, created_at: now })
        .execute();
    }
  });
  return { id, username };
}

export interface TestSession {
  token: string;
  csrfToken: string;
  cookie: string;
}

/** A signed-in session made directly (no scrypt), as the login route would make it. */
export async function aSession(
  t: { db: AppDatabase; config: Config; clock: Clock },
  userId: string,
): Promise<TestSession> {
  const { token, csrfToken } = await createSession({ db: t.db, config: t.config, clock: t.clock, logger: silentLogger }, userId);
  return { token, csrfToken, cookie: `${sessionCookieName(t.config)}=${token}` };
}

/** Headers for an admin request as the admin UI sends them: cookie, CSRF token, JSON. */
export function asSession(session: TestSession, extra: Record<string, string> = {}): Record<string, string> {
  return { cookie: session.cookie, 'x-csrf-token': session.csrfToken, 'content-type': 'application/json', ...extra };
}
