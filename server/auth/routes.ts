import { Hono, type Context } from 'hono';
import { LoginInput, PasswordChangeInput } from '../../schema/admin.js';
import { clientIp } from '../client-ip.js';
import type { Deps } from '../deps.js';
import { readJsonWith } from '../http.js';
import { changeOwnPassword, rateLimitedError, sessionInfo, signIn, signOutEverywhere } from './account.js';
import { publicRoute, requireSession, type AuthEnv } from './middleware.js';
import { authenticateSession, clearSessionCookie, readSessionCookie, revokeSession, setSessionCookie } from './sessions.js';
import { loadGrants } from './actor.js';

function refuse(c: Context, retryAfterSeconds: number) {
  c.header('retry-after', String(retryAfterSeconds));
  return rateLimitedError();
}

/** /api/auth: sign in and out, who am I, change my password. */
export function authRoutes(deps: Deps) {
  const session = requireSession(deps);
  return new Hono<AuthEnv>()
    .post('/login', publicRoute(deps), async (c) => {
      const input = await readJsonWith(c, deps.config.bodyLimitBytes, LoginInput);
      c.header('cache-control', 'no-store');
      const signedIn = await signIn(deps, input, clientIp(c, deps.config.trustProxy));
      if (!signedIn.ok) throw refuse(c, signedIn.retryAfterSeconds);
      setSessionCookie(c, deps.config, signedIn.token);
      const user = await deps.db.kysely
        .selectFrom('users')
        .select(['id', 'username', 'display_name'])
        .where('id', '=', signedIn.userId)
        .executeTakeFirstOrThrow();
      const actor = {
        userId: user.id,
        username: user.username,
        displayName: user.display_name,
        grants: await loadGrants(deps.db.kysely, user.id),
      };
      return c.json(await sessionInfo(deps.db.kysely, actor, signedIn.csrfToken));
    })
    // The admin app's start-up check: signed out is an ordinary answer here, not a 401.
    .get('/session', publicRoute(deps), async (c) => {
      c.header('cache-control', 'no-store');
      const token = readSessionCookie(c, deps.config);
      const check = token ? await authenticateSession(deps, token) : undefined;
      if (!check?.ok) {
        if (token) clearSessionCookie(c, deps.config);
        return c.json({ session: null });
      }
      return c.json({ session: await sessionInfo(deps.db.kysely, check.actor, check.session.csrfToken) });
    })
    .get('/me', session, async (c) => {
      c.header('cache-control', 'no-store');
      return c.json(await sessionInfo(deps.db.kysely, c.get('actor'), c.get('session').csrfToken));
    })
    .post('/logout', session, async (c) => {
      await deps.db.write((tx) => revokeSession(tx, c.get('session').tokenHash));
      clearSessionCookie(c, deps.config);
      return c.json({ ok: true });
    })
    .post('/logout-all', session, async (c) => {
      const revoked = await signOutEverywhere(deps, c.get('actor'));
      clearSessionCookie(c, deps.config);
      return c.json({ ok: true, revokedSessions: revoked });
    })
    .post('/password', session, async (c) => {
      const input = await readJsonWith(c, deps.config.bodyLimitBytes, PasswordChangeInput);
      const result = await changeOwnPassword(deps, c.get('actor'), c.get('session'), input);
      if (!result.ok) throw refuse(c, result.retryAfterSeconds);
      return c.json(result);
    });
}
