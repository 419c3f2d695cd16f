import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { AppError, errorBody } from './http.js';
import type { Metrics } from './metrics.js';
import type { Readiness } from './readiness.js';

/** Times every request by its route pattern (c.req.routePath): never the raw path, which carries codes and tokens. */
export function requestMetrics(metrics: Metrics): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    metrics.observeRequest(c.req.method, c.req.routePath, c.res.status, (performance.now() - started) / 1000);
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/**
 * GET /readyz: 200 when this server should get traffic, else 503 listing the failing checks.
 * GET /metrics (only with a metrics token configured): the Prometheus text exposition, for a
 * scraper presenting `Authorization: Bearer <METRICS_TOKEN>`.
 */
export function probeRoutes(readiness: Readiness, metrics?: { metrics: Metrics; token: string }): Hono {
  const app = new Hono();
  app.get('/readyz', async (c) => {
    c.header('cache-control', 'no-store');
    const problems = await readiness.problems();
    if (problems.length === 0) return c.json({ status: 'ready' });
    const issues = problems.map((p) => ({ path: [p.check], message: p.message }));
    return c.json(errorBody('not_ready', `Not ready: ${problems.map((p) => p.message).join('; ')}`, issues), 503);
  });
  if (metrics) {
    // Compared as digests, in constant time, so the answer's timing says nothing about the token.
    const expected = sha256(metrics.token);
    app.get('/metrics', async (c) => {
      const given = /^Bearer (\S+)$/.exec(c.req.header('authorization') ?? '')?.[1];
      if (given === undefined || !timingSafeEqual(sha256(given), expected)) {
        c.header('www-authenticate', 'Bearer');
        throw new AppError('unauthenticated', 401, 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>');
      }
      c.header('cache-control', 'no-store');
      return c.body(await metrics.metrics.registry.metrics(), 200, { 'content-type': metrics.metrics.registry.contentType });
    });
  }
  return app;
}
