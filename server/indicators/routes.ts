import { Hono } from 'hono';
import { IndicatorsQuery } from '../../schema/indicators.js';
import { requirePermission, type AuthEnv } from '../auth/middleware.js';
import type { Deps } from '../deps.js';
import { parseQuery } from '../http.js';
import { indicatorReport } from './report.js';

/** /api/admin/indicators: the TT 01/2018 indicators and the QĐ 766 5.4 ratio, scoped like every dashboard. */
export function indicatorRoutes(deps: Deps) {
  return new Hono<AuthEnv>().get('/', requirePermission('dashboard.read'), async (c) =>
    c.json(await indicatorReport(deps, c.get('actor'), parseQuery(c, IndicatorsQuery))),
  );
}
