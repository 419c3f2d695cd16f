import { Hono } from 'hono';
import { ReviewDecisionInput, ReviewQuery } from '../../schema/review.js';
import { requirePermission, type AuthEnv } from '../auth/middleware.js';
import type { Deps } from '../deps.js';
import { parseQuery, readJsonWith } from '../http.js';
import { decideReview, listReview } from './review.js';

/** /api/admin/review: answers the anti-abuse rules flagged, and supervisors' accept/reject decisions on them. */
export function reviewRoutes(deps: Deps) {
  return new Hono<AuthEnv>()
    .get('/', requirePermission('surveys.read'), async (c) => c.json(await listReview(deps, c.get('actor'), parseQuery(c, ReviewQuery))))
    .post('/decisions', requirePermission('surveys.write'), async (c) => {
      const input = await readJsonWith(c, deps.config.bodyLimitBytes, ReviewDecisionInput);
      return c.json(await decideReview(deps, c.get('actor'), input));
    });
}
