import { Hono } from 'hono';
import { AuditQuery } from '../../schema/admin.js';
import { requirePermission, type AuthEnv } from '../auth/middleware.js';
import type { Deps } from '../deps.js';
import { parseQuery } from '../http.js';
import { listAudit } from './query.js';

/** /api/admin/audit: the append-only log, read-only, scoped to the caller's subtree. */
export function auditRoutes(deps: Deps) {
  return new Hono<AuthEnv>().get('/', requirePermission('audit.read'), async (c) =>
    c.json(await listAudit(deps, c.get('actor'), parseQuery(c, AuditQuery))),
  );
}
