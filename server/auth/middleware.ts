import type { MiddlewareHandler } from 'hono';
import type { PendingStep, Permission } from '../../schema/admin.js';
import type { ApiKeyPrincipal } from '../apikeys/keys.js';
import type { Deps } from '../deps.js';
import { AppError } from '../http.js';
import { hasPermission, type Actor } from './actor.js';
import { checkCsrfToken, checkOrigin, SAFE_METHODS } from './csrf.js';
import { declareGuard } from './guards.js';
import { authenticateSession, clearSessionCookie, readSessionCookie, type SessionRef } from './sessions.js';

/** Hono variables set by the guards: use `new Hono<AuthEnv>()` in admin and API sub-apps. */
export interface AuthEnv {
  Variables: {
    actor: Actor;
    session: SessionRef;
    apiKey: ApiKeyPrincipal;
  };
}

const STEP_REFUSALS: Record<PendingStep, () => AppError> = {
  second_factor: () => new AppError('second_factor_required', 403, 'Enter the code from your authenticator app to finish signing in'),
  password_change: () => new AppError('password_change_required', 403, 'Change your password before doing anything else'),
  totp_enrolment: () => new AppError('totp_enrolment_required', 403, 'Set up two-step sign-in (TOTP) before doing anything else'),
};

/**
 * Signs the request in from the session cookie (401 unauthenticated when missing, unknown or
 * expired) and, for every state-changing method, checks the Origin and the X-CSRF-Token header
 * (403 csrf_failed). A session with a step of sign-in still to do (second factor, password change,
 * TOTP enrolment) is refused with that step's 403 code unless the route is one of the steps
 * (`allowPending`). Sets c.get('actor'). Mounted on /api/admin/* in app.ts; idempotent.
 */
export function requireSession(deps: Deps, options: { allowPending?: readonly PendingStep[] } = {}): MiddlewareHandler<AuthEnv> {
  const allowed = new Set(options.allowPending ?? []);
  const middleware: MiddlewareHandler<AuthEnv> = async (c, next) => {
    if (!c.get('actor')) {
      const unsafe = !SAFE_METHODS.has(c.req.method);
      if (unsafe) checkOrigin(c, deps.config);
      const token = readSessionCookie(c, deps.config);
      const check = token ? await authenticateSession(deps, token) : undefined;
      if (!check?.ok) {
        if (token) clearSessionCookie(c, deps.config);
        const expired = check?.reason === 'expired';
        throw new AppError('unauthenticated', 401, expired ? 'Your session has expired; sign in again' : 'Sign in first');
      }
      if (unsafe) checkCsrfToken(c, check.session.csrfToken);
      if (check.session.pending && !allowed.has(check.session.pending)) throw STEP_REFUSALS[check.session.pending]();
      c.set('actor', check.actor);
      c.set('session', check.session);
    }
    await next();
  };
  return declareGuard(middleware, { kind: 'session' });
}

/**
 * Declares and enforces the permission a route needs: 401 without a session, 403 forbidden when no
 * role of the actor carries it. Scoping to the actor's units is then done in the route's SQL
 * (unitScopeCondition / assertUnitInScope). Needs requireSession before it (app.ts does that for
 * /api/admin/*).
 */
export function requirePermission(permission: Permission): MiddlewareHandler<AuthEnv> {
  const middleware: MiddlewareHandler<AuthEnv> = async (c, next) => {
    const actor = c.get('actor') as Actor | undefined;
    if (!actor) throw new AppError('unauthenticated', 401, 'Sign in first');
    if (!hasPermission(actor, permission)) {
      throw new AppError('forbidden', 403, `Your role does not allow this (${permission})`);
    }
    await next();
  };
  return declareGuard(middleware, { kind: 'permission', permission });
}

/** Declares a route open to anyone (sign-in). Public routes still check Origin on writes. */
export function publicRoute(deps: Deps): MiddlewareHandler {
  const middleware: MiddlewareHandler = async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method)) checkOrigin(c, deps.config);
    await next();
  };
  return declareGuard(middleware, { kind: 'public' });
}
