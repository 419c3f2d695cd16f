import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { etag } from 'hono/etag';
import { PublicPageSwitch } from '../../schema/public-page.js';
import { requirePermission, type AuthEnv } from '../auth/middleware.js';
import type { Deps } from '../deps.js';
import { allowFraming, readJsonWith } from '../http.js';
import { signingKey } from '../integrity/signing.js';
import { publicDataCache } from './data.js';
import { openDataCsv, openDataJson } from './open-data.js';
import { publicPage, type PublicLang } from './page.js';
import { listPublicPages, switchPublicPage } from './switch.js';

/**
 * /public/*: what anyone may read without signing in. A province's page (/public/96, ?lang=en),
 * its embeddable variant (/public/96/embed), the same figures as open data (sipas.json, sipas.csv),
 * and the key that checks signed exports. Answers carry an ETag and may be cached for five minutes.
 */

const PUBLIC_CSS = readFileSync(path.join(import.meta.dirname, 'public.css'), 'utf8');
const CACHE = 'public, max-age=300';

const langOf = (value: string | undefined): PublicLang => (value === 'en' ? 'en' : 'vi');

/**
 * Headers the app-wide policy would get wrong here, set after it: the embed may be framed by any
 * portal, and open data and the key may be fetched from any site. Mounted before the app's
 * secure headers so that it runs after them.
 */
export function publicHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const p = c.req.path;
    if (/^\/public\/[^/]+\/embed$/.test(p)) {
      allowFraming(c, '*');
      c.res.headers.delete('x-frame-options');
    }
    if (/\.(json|csv|pem)$/.test(p) || p.endsWith('.css')) {
      c.res.headers.set('cross-origin-resource-policy', 'cross-origin');
      c.res.headers.set('access-control-allow-origin', '*');
    }
  };
}

export function publicRoutes(deps: Deps) {
  const publicData = publicDataCache(deps);
  const page = (embed: boolean) => async (c: Context) => {
    const data = await publicData(c.req.param('code') ?? '');
    const body = await publicPage(data, { lang: langOf(c.req.query('lang')), embed, scoring: deps.config.scoring });
    c.header('cache-control', CACHE);
    return c.html(body);
  };
  return new Hono()
    .use('*', etag())
    .get('/assets/public.css', (c) => c.body(PUBLIC_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=86400' }))
    .get('/signing-key.pem', (c) => c.body(signingKey(deps.config.serverSecret).publicKeyPem, 200, { 'content-type': 'application/x-pem-file', 'cache-control': CACHE }))
    .get('/signing-key.json', (c) => {
      const key = signingKey(deps.config.serverSecret);
      c.header('cache-control', CACHE);
      return c.json({ algorithm: 'Ed25519', keyId: key.keyId, publicKeyPem: key.publicKeyPem, publicKeyBase64: key.publicKeyBase64 });
    })
    .get('/:code/sipas.json', async (c) => {
      c.header('cache-control', CACHE);
      return c.json(openDataJson(await publicData(c.req.param('code'))));
    })
    .get('/:code/sipas.csv', async (c) => {
      const data = await publicData(c.req.param('code'));
      return c.body(openDataCsv(data), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `inline; filename="sipas-${data.province.code}.csv"`,
        'cache-control': CACHE,
      });
    })
    .get('/:code/embed', page(true))
    .get('/:code', page(false));
}

/** /api/admin/public-pages: which provinces publish their page, and the switch (settings.write). */
export function publicPageAdminRoutes(deps: Deps) {
  const write = requirePermission('settings.write');
  return new Hono<AuthEnv>()
    .get('/', write, async (c) => c.json(await listPublicPages(deps, c.get('actor'))))
    .put('/:provinceId', write, async (c) =>
      c.json(await switchPublicPage(deps, c.get('actor'), c.req.param('provinceId'), await readJsonWith(c, deps.config.bodyLimitBytes, PublicPageSwitch))),
    );
}
