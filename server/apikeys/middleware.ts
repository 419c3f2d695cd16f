import type { MiddlewareHandler } from 'hono';
import type { AuthEnv } from '../auth/middleware.js';
import { declareGuard } from '../auth/guards.js';
import type { Deps } from '../deps.js';
import { AppError } from '../http.js';
import { findApiKey } from './keys.js';

/**
 * Authenticates a one-stop system by `Authorization: Bearer <key>` and sets c.get('apiKey') =
 * { id, unitId, unitPath, name, prefix }; 401 unauthenticated for a missing, unknown or revoked key.
 * Routes behind it must still check that what they touch lies under apiKey.unitPath.
 */
export function requireApiKey(deps: Deps): MiddlewareHandler<AuthEnv> {
  const middleware: MiddlewareHandler<AuthEnv> = async (c, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    const key = match ? await findApiKey(deps, match[1]!) : undefined;
    if (!key) {
      c.header('www-authenticate', 'Bearer realm="sipas"');
      throw new AppError('unauthenticated', 401, 'A valid API key is required (Authorization: Bearer <key>)');
    }
    c.set('apiKey', key);
    await next();
  };
  return declareGuard(middleware, { kind: 'apiKey' });
}
