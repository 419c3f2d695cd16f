import { Hono } from 'hono';
import { ApiKeyCreate, ApiKeyListQuery, Id } from '../../schema/admin.js';
import { requirePermission, type AuthEnv } from '../auth/middleware.js';
import type { Deps } from '../deps.js';
import { parseQuery, parseWith, readJsonWith } from '../http.js';
import { createApiKey, listApiKeys, revokeApiKey } from './manage.js';

/** /api/admin/apikeys: keys for one-stop systems, scoped to a unit, shown once, revocable. */
export function apiKeyRoutes(deps: Deps) {
  return new Hono<AuthEnv>()
    .get('/', requirePermission('apikeys.read'), async (c) =>
      c.json(await listApiKeys(deps, c.get('actor'), parseQuery(c, ApiKeyListQuery))),
    )
    .post('/', requirePermission('apikeys.write'), async (c) => {
      c.header('cache-control', 'no-store');
      const input = await readJsonWith(c, deps.config.bodyLimitBytes, ApiKeyCreate);
      return c.json(await createApiKey(deps, c.get('actor'), input), 201);
    })
    .post('/:id/revoke', requirePermission('apikeys.write'), async (c) =>
      c.json(await revokeApiKey(deps, c.get('actor'), parseWith(Id, c.req.param('id'), 'path'))),
    );
}
