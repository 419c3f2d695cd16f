import { Hono } from 'hono';
import { z } from 'zod';
import { AlertListQuery, AlertRulesUpdate } from '../../schema/alerts.js';
import { requirePermission, type AuthEnv } from '../auth/middleware.js';
import type { Deps } from '../deps.js';
import { parseQuery, readJsonWith } from '../http.js';
import { alertRulesOf, listAlerts, updateAlertRules } from './list.js';

const UnitQuery = z.object({ unitId: z.string().min(1).max(64) }).strict();

/** /api/admin/alerts and /api/admin/alert-rules: what the rules raised, and the rules of a unit subtree. */
export function alertRoutes(deps: Deps) {
  return new Hono<AuthEnv>()
    .get('/alerts', requirePermission('dashboard.read'), async (c) => c.json(await listAlerts(deps, c.get('actor'), parseQuery(c, AlertListQuery))))
    .get('/alert-rules', requirePermission('dashboard.read'), async (c) => c.json(await alertRulesOf(deps, c.get('actor'), parseQuery(c, UnitQuery).unitId)))
    .put('/alert-rules/:unitId', requirePermission('settings.write'), async (c) => {
      const input = await readJsonWith(c, deps.config.bodyLimitBytes, AlertRulesUpdate);
      return c.json(await updateAlertRules(deps, c.get('actor'), c.req.param('unitId'), input.rules));
    });
}
