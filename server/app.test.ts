import { mkdirSync, writeFileSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { serve } from '@hono/node-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { z } from 'zod';
import { ErrorBody } from '../schema/errors.js';
import { createApp } from './app.js';
import { AppError, parseQuery, readBodyText, readJsonWith } from './http.js';
import { makeTestApp, type TestContext } from './testing/harness.js';
import { silentLogger } from './log.js';
import { loadBuiltUi } from './ui.js';

let t: TestContext;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(async () => t.cleanup());

async function expectErrorShape(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  const body = ErrorBody.parse(await res.json());
  expect(body.error.code).toBe(code);
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+|SELECT|sqlite/i);
  return body;
}

/** A probe app with one JSON route and one query route, on the real app's error handling. */
function probeApp() {
  const app = createApp({ db: t.db, config: t.config, clock: t.clock, logger: silentLogger, ui: {} });
  const probe = new Hono()
    .post('/echo', async (c) => c.json(await readJsonWith(c, t.config.bodyLimitBytes, z.object({ a: z.number() }))))
    .get('/page', (c) => c.json(parseQuery(c, z.object({ page: z.coerce.number().int().min(1) }))))
    .get('/boom', () => {
      throw new Error('SELECT secret FROM users -- internal detail');
    });
  app.route('/probe', probe);
  return app;
}

describe('error shape', () => {
  it('answers unknown routes with 404 not_found', async () => {
    await expectErrorShape(await t.app.request('/api/nope'), 404, 'not_found');
  });

  it('answers malformed JSON with 400 invalid_json', async () => {
    const res = await probeApp().request('/probe/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a": 1,,}',
    });
    await expectErrorShape(res, 400, 'invalid_json');
  });

  it('answers a body over the limit with 413, also when it is small only while gzipped', async () => {
    const big = JSON.stringify({ a: 1, pad: 'x'.repeat(t.config.bodyLimitBytes) });
    const plain = await probeApp().request('/probe/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    await expectErrorShape(plain, 413, 'payload_too_large');
    const zipped = gzipSync(big);
    expect(zipped.length).toBeLessThan(t.config.bodyLimitBytes / 10);
    const gz = await probeApp().request('/probe/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: zipped,
    });
    await expectErrorShape(gz, 413, 'payload_too_large');
  });

  it('accepts a valid gzipped body', async () => {
    const res = await probeApp().request('/probe/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync('{"a":5}'),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ a: 5 });
  });

  it('reads bodies from the Node request on a real port: plain, gzipped, over the limit either way, or in an unknown or broken encoding', async () => {
    // app.request() hands the app a WHATWG Request; under @hono/node-server the body is read from
    // the Node message itself, a path of its own.
    const server = serve({ fetch: probeApp().fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const post = (body: Uint8Array<ArrayBuffer> | string, encoding?: string) =>
      fetch(`http://127.0.0.1:${port}/probe/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(encoding ? { 'content-encoding': encoding } : {}) },
        body,
      });
    try {
      const plain = await post('{"a":1}');
      expect(plain.status).toBe(200);
      expect(await plain.json()).toEqual({ a: 1 });
      const zipped = await post(gzipSync('{"a":2}'), 'gzip');
      expect(zipped.status).toBe(200);
      expect(await zipped.json()).toEqual({ a: 2 });
      const big = JSON.stringify({ a: 1, pad: 'x'.repeat(t.config.bodyLimitBytes) });
      await expectErrorShape(await post(big), 413, 'payload_too_large');
      await expectErrorShape(await post(gzipSync(big), 'gzip'), 413, 'payload_too_large');
      await expectErrorShape(await post('{"a":3}', 'zstd'), 415, 'unsupported_media_type');
      const broken = await post('{"a":4} is not gzip', 'gzip');
      expect(broken.status).toBeGreaterThanOrEqual(400);
      expect(broken.status).toBeLessThan(500);
      const again = await post('{"a":5}');
      expect(await again.json()).toEqual({ a: 5 });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('gives up on a body whose client went away before its end, instead of waiting for ever', async () => {
    const outcomes: string[] = [];
    const reader = new Hono().post('/read', async (c) => {
      try {
        return c.text(await readBodyText(c, 1000));
      } catch (err) {
        outcomes.push(err instanceof AppError ? err.code : String(err));
        return c.body(null, 400);
      }
    });
    const server = serve({ fetch: reader.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const socket = connect(port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write('POST /read HTTP/1.1\r\nhost: x\r\ncontent-type: text/plain\r\ncontent-length: 100\r\n\r\n{"a":');
      await new Promise((resolve) => setTimeout(resolve, 100));
      socket.destroy();
      await expect.poll(() => outcomes, { timeout: 5000 }).toEqual(['bad_request']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('answers an invalid body and an invalid query with 400 validation_failed and issues', async () => {
    const res = await probeApp().request('/probe/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":"x"}',
    });
    const body = await expectErrorShape(res, 400, 'validation_failed');
    expect(body.error.issues?.[0]?.path).toEqual(['a']);
    await expectErrorShape(await probeApp().request('/probe/page?page=zero'), 400, 'validation_failed');
  });

  it('answers a wrong content type with 415', async () => {
    const res = await probeApp().request('/probe/echo', { method: 'POST', body: '{"a":1}' });
    await expectErrorShape(res, 415, 'unsupported_media_type');
  });

  it('answers a path with broken percent-encoding with a 4xx, never a 500, on the UI routes and the API', async () => {
    // Tiny built UIs, so the static routes decode paths as in production.
    const dist = path.join(t.dir, 'dist');
    for (const name of ['survey', 'admin']) {
      mkdirSync(path.join(dist, name, 'assets'), { recursive: true });
      writeFileSync(path.join(dist, name, 'index.html'), '<!doctype html><html><head></head><body></body></html>');
      writeFileSync(path.join(dist, name, 'assets', 'app.js'), 'export {};');
    }
    const app = createApp({
      db: t.db,
      config: t.config,
      clock: t.clock,
      logger: silentLogger,
      ui: { survey: loadBuiltUi('survey', '/s', dist), admin: loadBuiltUi('admin', '/admin', dist) },
    });
    expect((await app.request('/admin/assets/app.js')).status).toBe(200);
    for (const bad of ['%', '%E0%A4%A', '%ZZ', '%C0%80']) {
      for (const prefix of ['/admin/', '/admin/assets/', '/s/x/']) {
        await expectErrorShape(await app.request(`${prefix}${bad}`), 400, 'bad_request');
      }
      // A survey code that cannot exist: the survey page shows its "unknown code" state.
      expect((await app.request(`/s/${bad}`)).status).toBe(404);
      for (const api of ['/api/', '/api/survey/', '/api/v1/invitations/', '/api/qr/', '/']) {
        const res = await app.request(`${api}${bad}`);
        expect(res.status, `${api}${bad}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${api}${bad}`).toBeLessThan(500);
      }
    }
  });

  it('never shows a stack trace or SQL to the client', async () => {
    const body = await expectErrorShape(await probeApp().request('/probe/boom'), 500, 'internal');
    expect(body.error.message).not.toMatch(/secret|SELECT/);
  });
});

describe('health and headers', () => {
  it('GET /healthz answers ok after a database round trip', async () => {
    const res = await t.app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('sends a real Content-Security-Policy with no inline script', async () => {
    const res = await t.app.request('/healthz');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers 503 with the error shape when the database is gone', async () => {
    await t.db.close();
    const res = await t.app.request('/healthz');
    expect(res.status).toBeGreaterThanOrEqual(500);
    ErrorBody.parse(await res.json());
    t = await makeTestApp();
  });
});
