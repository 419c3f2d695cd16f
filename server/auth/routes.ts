import { Hono, type Context } from 'hono';
import { LoginInput, PasswordChangeInput } from '../../schema/admin.js';
import { RecoveryCodesInput, SecondFactorInput, SessionId, TotpDisableInput, TotpEnableInput } from '../../schema/auth.js';
import { clientIp } from '../client-ip.js';
import type { Deps } from '../deps.js';
import { AppError, parseWith, readJsonWith } from '../http.js';
import { changeOwnPassword, rateLimitedError, sessionInfo, signIn, signOutEverywhere } from './account.js';
import { publicRoute, requireSession, type AuthEnv } from './middleware.js';
import {
  completeSecondFactor,
  disableOwnTotp,
  enableTotp,
  mySessions,
  regenerateRecoveryCodes,
  revokeOwnSession,
  startTotpSetup,
  totpStatus,
} from './second-factor.js';
import { authenticateSession, clearSessionCookie, readSessionCookie, revokeSession, setSessionCookie } from './sessions.js';

function refuse(c: Context, retryAfterSeconds: number) {
  c.header('retry-after', String(retryAfterSeconds));
  return rateLimitedError();
}

/**
 * /api/auth: sign in (password, then the second factor when the user has TOTP) and out, who am I,
 * change my password, my TOTP and recovery codes, my sessions. A session with a step of sign-in
 * still to do reaches only that step's routes (and who-am-I, sign-out).
 */
export function authRoutes(deps: Deps) {
  const limit = deps.config.bodyLimitBytes;
  const anyStep = requireSession(deps, { allowPending: ['second_factor', 'password_change', 'totp_enrolment'] });
  // Only the password is proven at the second-factor step: not enough to sign the owner out everywhere.
  const pastSecondFactor = requireSession(deps, { allowPending: ['password_change', 'totp_enrolment'] });
  const secondFactorStep = requireSession(deps, { allowPending: ['second_factor'] });
  const passwordStep = requireSession(deps, { allowPending: ['password_change'] });
  const enrolmentStep = requireSession(deps, { allowPending: ['totp_enrolment'] });
  const signedIn = requireSession(deps);
  const userAgent = (c: Context) => c.req.header('user-agent');
  return new Hono<AuthEnv>()
    .post('/login', publicRoute(deps), async (c) => {
      const input = await readJsonWith(c, limit, LoginInput);
      const result = await signIn(deps, input, clientIp(c, deps.config.trustProxy), userAgent(c));
      if (!result.ok) throw refuse(c, result.retryAfterSeconds);
      setSessionCookie(c, deps.config, result.token);
      const check = await authenticateSession(deps, result.token);
      if (!check.ok) throw new Error('a session just made did not sign in');
      return c.json(await sessionInfo(deps.db.kysely, check.actor, check.session));
    })
    // The admin app's start-up check: signed out is an ordinary answer here, not a 401.
    .get('/session', publicRoute(deps), async (c) => {
      const token = readSessionCookie(c, deps.config);
      const check = token ? await authenticateSession(deps, token) : undefined;
      if (!check?.ok) {
        if (token) clearSessionCookie(c, deps.config);
        return c.json({ session: null });
      }
      return c.json({ session: await sessionInfo(deps.db.kysely, check.actor, check.session) });
    })
    .get('/me', anyStep, async (c) => c.json(await sessionInfo(deps.db.kysely, c.get('actor'), c.get('session'))))
    .post('/logout', anyStep, async (c) => {
      await deps.db.write((tx) => revokeSession(tx, c.get('session').tokenHash));
      clearSessionCookie(c, deps.config);
      return c.json({ ok: true });
    })
    .post('/logout-all', pastSecondFactor, async (c) => {
      const revoked = await signOutEverywhere(deps, c.get('actor'));
      clearSessionCookie(c, deps.config);
      return c.json({ ok: true, revokedSessions: revoked });
    })
    .post('/second-factor', secondFactorStep, async (c) => {
      const input = await readJsonWith(c, limit, SecondFactorInput);
      const session = c.get('session');
      if (session.pending !== 'second_factor') throw new AppError('conflict', 409, 'This session is not waiting for a second factor');
      const result = await completeSecondFactor(deps, c.get('actor'), session, input, userAgent(c));
      if (!result.ok) throw refuse(c, result.retryAfterSeconds);
      setSessionCookie(c, deps.config, result.token);
      const check = await authenticateSession(deps, result.token);
      if (!check.ok) throw new Error('a session just made did not sign in');
      return c.json(await sessionInfo(deps.db.kysely, check.actor, check.session));
    })
    .post('/password', passwordStep, async (c) => {
      const input = await readJsonWith(c, limit, PasswordChangeInput);
      const result = await changeOwnPassword(deps, c.get('actor'), c.get('session'), input);
      if (!result.ok) throw refuse(c, result.retryAfterSeconds);
      return c.json(result);
    })
    .get('/totp', enrolmentStep, async (c) => c.json(await totpStatus(deps, c.get('actor'))))
    .post('/totp/setup', enrolmentStep, async (c) => c.json(await startTotpSetup(deps, c.get('actor'), c.get('session'))))
    .post('/totp/enable', enrolmentStep, async (c) => {
      const input = await readJsonWith(c, limit, TotpEnableInput);
      const codes = await enableTotp(deps, c.get('actor'), c.get('session'), input.code);
      if (!Array.isArray(codes)) throw refuse(c, codes.retryAfterSeconds);
      return c.json({ recoveryCodes: codes });
    })
    .post('/totp/recovery-codes', signedIn, async (c) => {
      const input = await readJsonWith(c, limit, RecoveryCodesInput);
      const codes = await regenerateRecoveryCodes(deps, c.get('actor'), input.code);
      if (!Array.isArray(codes)) throw refuse(c, codes.retryAfterSeconds);
      return c.json({ recoveryCodes: codes });
    })
    .post('/totp/disable', signedIn, async (c) => {
      const input = await readJsonWith(c, limit, TotpDisableInput);
      const refused = await disableOwnTotp(deps, c.get('actor'), input.password);
      if (refused) throw refuse(c, refused.retryAfterSeconds);
      return c.json({ ok: true });
    })
    .get('/sessions', signedIn, async (c) => c.json(await mySessions(deps, c.get('actor'), c.get('session'))))
    .post('/sessions/:id/revoke', signedIn, async (c) => {
      const id = parseWith(SessionId, c.req.param('id'), 'path');
      const { current } = await revokeOwnSession(deps, c.get('actor'), c.get('session'), id);
      if (current) clearSessionCookie(c, deps.config);
      return c.json({ ok: true, current });
    });
}
