import { Hono } from 'hono';
import { InvitationInput, ResponseRateQuery } from '../../schema/invitations.js';
import { requireApiKey } from '../apikeys/middleware.js';
import { requirePermission, type AuthEnv } from '../auth/middleware.js';
import type { Deps } from '../deps.js';
import { parseQuery, readJson, readJsonWith } from '../http.js';
import { setUnitIndicators, updateDossier } from './dossiers.js';
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

/**
 * /api/v1/dossiers/{dossierCode} (PATCH: facts known later, mostly at return) and
 * /api/v1/unit-indicators (PUT: a unit's own scores for a quarter or year), for the one-stop software.
 */
export function dossierRoutes(deps: Deps) {
  return new Hono<AuthEnv>()
    .patch('/dossiers/:code', requireApiKey(deps), async (c) =>
      c.json(await updateDossier(deps, c.get('apiKey'), c.req.param('code'), await readJson(c, deps.config.bodyLimitBytes))),
    )
    .put('/unit-indicators', requireApiKey(deps), async (c) =>
      c.json(await setUnitIndicators(deps, c.get('apiKey'), await readJson(c, deps.config.bodyLimitBytes))),
    );
}

/** /api/admin/response-rate: invitations issued vs answered, shown beside every score. */
export function responseRateRoutes(deps: Deps) {
  return new Hono<AuthEnv>().get('/', requirePermission('dashboard.read'), async (c) =>
    c.json(await responseRate(deps, c.get('actor'), parseQuery(c, ResponseRateQuery))),
  );
}
