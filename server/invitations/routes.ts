import { Hono } from 'hono';
import { InvitationInput, ResponseRateQuery } from '../../schema/invitations.js';
import { requireApiKey } from '../apikeys/middleware.js';
import { requirePermission, type AuthEnv } from '../auth/middleware.js';
import type { Deps } from '../deps.js';
import { parseQuery, readJsonWith } from '../http.js';
import { issueInvitation } from './issue.js';
import { responseRate } from './responseRate.js';

/** /api/v1/invitations: one-stop systems ask for a single-use survey link per dossier. */
export function invitationRoutes(deps: Deps) {
  return new Hono<AuthEnv>().post('/', requireApiKey(deps), async (c) => {
    const input = await readJsonWith(c, deps.config.bodyLimitBytes, InvitationInput);
    // The reply carries the only copy of the token.
    c.header('cache-control', 'no-store');
    return c.json(await issueInvitation(deps, c.get('apiKey'), input), 201);
  });
}

/** /api/admin/response-rate: invitations issued vs answered, shown beside every score. */
export function responseRateRoutes(deps: Deps) {
  return new Hono<AuthEnv>().get('/', requirePermission('dashboard.read'), async (c) =>
    c.json(await responseRate(deps, c.get('actor'), parseQuery(c, ResponseRateQuery))),
  );
}
