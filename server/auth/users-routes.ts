import { Hono, type Context } from 'hono';
import { Id, UserCreate, UserListQuery, UserUpdate } from '../../schema/admin.js';
import type { Deps } from '../deps.js';
import { parseQuery, parseWith, readJsonWith } from '../http.js';
import { requirePermission, type AuthEnv } from './middleware.js';
import { createUser, getUser, listUsers, resetPassword, resetTotp, updateUser } from './users.js';

const idParam = (c: Context) => parseWith(Id, c.req.param('id'), 'path');

/** /api/admin/users: accounts and their roles, within the caller's area. */
export function userRoutes(deps: Deps) {
  const limit = deps.config.bodyLimitBytes;
  const read = requirePermission('users.read');
  const write = requirePermission('users.write');
  return new Hono<AuthEnv>()
    .get('/', read, async (c) => c.json(await listUsers(deps, c.get('actor'), parseQuery(c, UserListQuery))))
    .get('/:id', read, async (c) => c.json(await getUser(deps, c.get('actor'), idParam(c))))
    .post('/', write, async (c) => {
      c.header('cache-control', 'no-store');
      return c.json(await createUser(deps, c.get('actor'), await readJsonWith(c, limit, UserCreate)), 201);
    })
    .patch('/:id', write, async (c) =>
      c.json(await updateUser(deps, c.get('actor'), idParam(c), await readJsonWith(c, limit, UserUpdate))),
    )
    .post('/:id/reset-password', write, async (c) => {
      c.header('cache-control', 'no-store');
      return c.json(await resetPassword(deps, c.get('actor'), idParam(c)));
    })
    .post('/:id/totp/reset', write, async (c) => c.json(await resetTotp(deps, c.get('actor'), idParam(c))));
}
