import { Hono } from 'hono';
import { CommentsQuery, DashboardFilter, OptionsQuery, RankingQuery, TrendsQuery, WeakQuery } from '../../schema/dashboard.js';
import { requirePermission, type AuthEnv } from '../auth/middleware.js';
import type { Deps } from '../deps.js';
import { parseQuery } from '../http.js';
import { dashboardComments } from './comments.js';
import { dashboardOptions } from './options.js';
import { dashboardOverview } from './overview.js';
import { dashboardRanking } from './ranking.js';
import { dashboardTrends } from './trends.js';
import { weakCriteria } from './weak.js';

/**
 * /api/admin/dashboard/*: read-only views for supervisors and the provincial office, every one
 * scoped to the caller's subtrees in SQL.
 */
export function dashboardRoutes(deps: Deps) {
  const read = requirePermission('dashboard.read');
  return new Hono<AuthEnv>()
    .get('/options', read, async (c) => c.json(await dashboardOptions(deps, c.get('actor'), parseQuery(c, OptionsQuery))))
    .get('/overview', read, async (c) => c.json(await dashboardOverview(deps, c.get('actor'), parseQuery(c, DashboardFilter))))
    .get('/weak', read, async (c) => c.json(await weakCriteria(deps, c.get('actor'), parseQuery(c, WeakQuery))))
    .get('/trends', read, async (c) => c.json(await dashboardTrends(deps, c.get('actor'), parseQuery(c, TrendsQuery))))
    .get('/ranking', read, async (c) => c.json(await dashboardRanking(deps, c.get('actor'), parseQuery(c, RankingQuery))))
    .get('/comments', read, async (c) => c.json(await dashboardComments(deps, c.get('actor'), parseQuery(c, CommentsQuery))));
}
