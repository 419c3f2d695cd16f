import { Hono } from 'hono';
import { z } from 'zod';
import { CaseFromComment, CaseListQuery, CaseUpdate, CommentMarkUpdate, CommentTagsUpdate } from '../../schema/alerts.js';
import { requirePermission, type AuthEnv } from '../auth/middleware.js';
import type { Deps } from '../deps.js';
import { parseQuery, readJsonWith } from '../http.js';
import { commentTags, markComment, setCommentTags } from './comment-marks.js';
import { caseDetail, listCases, openCaseFromComment, updateCase } from './store.js';

const UnitQuery = z.object({ unitId: z.string().min(1).max(64) }).strict();

/** /api/admin/cases: follow-up cases (inbox, detail, changes, opening one from a comment). */
export function caseRoutes(deps: Deps) {
  return new Hono<AuthEnv>()
    .get('/', requirePermission('dashboard.read'), async (c) => c.json(await listCases(deps, c.get('actor'), parseQuery(c, CaseListQuery))))
    .post('/', requirePermission('surveys.write'), async (c) => {
      const input = await readJsonWith(c, deps.config.bodyLimitBytes, CaseFromComment);
      return c.json(await openCaseFromComment(deps, c.get('actor'), input), 201);
    })
    .get('/:id', requirePermission('dashboard.read'), async (c) => c.json(await caseDetail(deps, c.get('actor'), c.req.param('id'))))
    .patch('/:id', requirePermission('surveys.write'), async (c) => {
      const input = await readJsonWith(c, deps.config.bodyLimitBytes, CaseUpdate);
      return c.json(await updateCase(deps, c.get('actor'), c.req.param('id'), input));
    });
}

/** /api/admin/comment-tags and /api/admin/comments/{id}/mark: topic tags and the handled mark on comments. */
export function commentMarkRoutes(deps: Deps) {
  return new Hono<AuthEnv>()
    .get('/comment-tags', requirePermission('dashboard.read'), async (c) => c.json(await commentTags(deps, c.get('actor'), parseQuery(c, UnitQuery).unitId)))
    .put('/comment-tags/:provinceId', requirePermission('settings.write'), async (c) => {
      const input = await readJsonWith(c, deps.config.bodyLimitBytes, CommentTagsUpdate);
      return c.json(await setCommentTags(deps, c.get('actor'), c.req.param('provinceId'), input.tags));
    })
    .put('/comments/:responseId/mark', requirePermission('surveys.write'), async (c) => {
      const input = await readJsonWith(c, deps.config.bodyLimitBytes, CommentMarkUpdate);
      return c.json(await markComment(deps, c.get('actor'), c.req.param('responseId'), input));
    });
}
