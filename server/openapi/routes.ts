import { Hono } from 'hono';
import { sessionCookieName } from '../auth/sessions.js';
import type { Deps } from '../deps.js';
import { openApiDocument } from './document.js';

/** /api/openapi.json: built once per process from the zod schemas, public like the API it describes. */
export function openApiRoutes(deps: Deps) {
  let document: Promise<Record<string, unknown>> | undefined;
  return new Hono().get('/openapi.json', async (c) => {
    document ??= openApiDocument(deps.config.publicBaseUrl, { sessionCookie: sessionCookieName(deps.config) }).catch((err: unknown) => {
      document = undefined;
      throw err;
    });
    c.header('cache-control', 'public, max-age=300');
    return c.json(await document);
  });
}
