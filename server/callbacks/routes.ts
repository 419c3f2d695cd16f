import { Hono } from 'hono';
import { z } from 'zod';
import { CallbackContactInput } from '../../schema/callbacks.js';
import { Lang } from '../../schema/survey.js';
import { requirePermission, type AuthEnv } from '../auth/middleware.js';
import type { Deps } from '../deps.js';
import { parseQuery, parseWith, readJsonWith } from '../http.js';
import { leaveContact, readCaseContact } from './contacts.js';

const ResponseId = z.uuid();
const ContactQuery = z.object({ lang: Lang.default('vi') }).strict();

/** POST /api/responses/{id}/contact: the survey page's call-back request, apart from the answer's own POST. */
export function callbackIntakeRoutes(deps: Deps) {
  return new Hono().post('/api/responses/:id/contact', async (c) => {
    const responseId = parseWith(ResponseId, c.req.param('id'), 'answer id');
    const input = await readJsonWith(c, deps.config.bodyLimitBytes, CallbackContactInput);
    const result = await leaveContact(deps, responseId, input);
    return c.json(result, result.status === 'stored' ? 201 : 200);
  });
}

/** /api/admin/callback-contacts/{caseId}: the contact left with a case, for its assignee only. */
export function callbackAdminRoutes(deps: Deps) {
  return new Hono<AuthEnv>().get('/:caseId', requirePermission('dashboard.read'), async (c) =>
    c.json(await readCaseContact(deps, c.get('actor'), c.req.param('caseId'), parseQuery(c, ContactQuery).lang)),
  );
}
