import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { ApiKeyCreated, ApiKeyList } from '../../schema/admin.js';
import { ErrorBody } from '../../schema/errors.js';
import { aSession, asSession, aUser, type TestSession } from '../testing/auth.js';
import type { AuthEnv } from '../auth/middleware.js';
import type { UnitRow } from '../db/types.js';
import { sha256Hex } from '../ids.js';
import { silentLogger } from '../log.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { aUnit } from '../testing/units.js';
import { requireApiKey } from './middleware.js';

let t: TestContext;
let officer: TestSession;
let province: UnitRow;
let centre: UnitRow;

beforeEach(async () => {
  t = await makeTestApp();
  province = await aUnit(t.db, t.clock, { kind: 'province', code: '96' });
  const commune = await aUnit(t.db, t.clock, { kind: 'commune', parent: province });
  centre = await aUnit(t.db, t.clock, { kind: 'centre', parent: commune });
  officer = await aSession(t, (await aUser(t.db, t.clock, { username: 'officer', grants: [{ role: 'provincial_officer', unitId: province.id }] })).id);
});
afterEach(async () => t.cleanup());

/** A real app plus one probe route behind requireApiKey, as /api/v1 routes use it. */
function probe() {
  const deps = { db: t.db, config: t.config, clock: t.clock, logger: silentLogger };
  const app = createApp({ ...deps, ui: {} });
  app.route('/', new Hono<AuthEnv>().get('/api/v1/probe', requireApiKey(deps), (c) => c.json(c.get('apiKey'))));
  return app;
}

async function createKey(unitId = centre.id): Promise<ApiKeyCreated> {
  const res = await t.app.request('/api/admin/apikeys', {
    method: 'POST',
    headers: asSession(officer),
    body: JSON.stringify({ unitId, name: 'Hệ thống một cửa tỉnh' }),
  });
  expect(res.status).toBe(201);
  return ApiKeyCreated.parse(await res.json());
}

describe('API keys', () => {
  it('shows a new key once, stores only its SHA-256 and a short prefix, and audits the creation', async () => {
    const created = await createKey();
    expect(created.key).toMatch(/^sipas_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(created.apiKey.prefix)).toBe(true);
    expect(created.apiKey.prefix.length).toBeLessThan(16);
    const row = await t.db.kysely.selectFrom('api_keys').selectAll().executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(sha256Hex(created.key));
    expect(JSON.stringify(row)).not.toContain(created.key);
    const list = await t.app.request('/api/admin/apikeys', { headers: asSession(officer) });
    const body = await list.text();
    expect(body).not.toContain(created.key);
    expect(ApiKeyList.parse(JSON.parse(body)).items.map((k) => k.createdBy)).toEqual(['officer']);
    const audit = await t.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'apikey.create').executeTakeFirstOrThrow();
    expect(audit.after).not.toContain(created.key);
    expect(audit.unit_id).toBe(centre.id);
  });

  it('requireApiKey admits a live key with its unit and path, and refuses a missing, wrong or revoked key', async () => {
    const app = probe();
    const created = await createKey();
    const ok = await app.request('/api/v1/probe', { headers: { authorization: `Bearer ${created.key}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ id: created.apiKey.id, unitId: centre.id, unitPath: centre.path, name: 'Hệ thống một cửa tỉnh', prefix: created.apiKey.prefix });
    for (const authorization of [undefined, 'Bearer ', `Bearer ${created.key}x`, `Basic ${created.key}`, 'Bearer sipas_guess']) {
      const res = await app.request('/api/v1/probe', { headers: authorization ? { authorization } : {} });
      expect(res.status, String(authorization)).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(ErrorBody.parse(await res.json()).error.code).toBe('unauthenticated');
    }
    const revoke = await t.app.request(`/api/admin/apikeys/${created.apiKey.id}/revoke`, { method: 'POST', headers: asSession(officer) });
    expect(revoke.status).toBe(200);
    expect((await app.request('/api/v1/probe', { headers: { authorization: `Bearer ${created.key}` } })).status).toBe(401);
    const again = await t.app.request(`/api/admin/apikeys/${created.apiKey.id}/revoke`, { method: 'POST', headers: asSession(officer) });
    expect(again.status).toBe(409);
    const audit = await t.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'apikey.revoke').executeTakeFirstOrThrow();
    expect(JSON.parse(audit.before!).revokedAt).toBeNull();
    expect(JSON.parse(audit.after!).revokedAt).toBe(t.clock.now().toISOString());
  });

  it('refuses a key whose unit was deactivated', async () => {
    const app = probe();
    const created = await createKey();
    await t.db.write((tx) => tx.updateTable('units').set({ active: 0 }).where('id', '=', centre.id).execute());
    expect((await app.request('/api/v1/probe', { headers: { authorization: `Bearer ${created.key}` } })).status).toBe(401);
  });

  it('keys are managed only by those who may: a centre supervisor may not create one', async () => {
    const sup = await aSession(t, (await aUser(t.db, t.clock, { grants: [{ role: 'centre_supervisor', unitId: centre.id }] })).id);
    const res = await t.app.request('/api/admin/apikeys', {
      method: 'POST',
      headers: asSession(sup),
      body: JSON.stringify({ unitId: centre.id, name: 'x' }),
    });
    expect(res.status).toBe(403);
    expect(await t.db.kysely.selectFrom('api_keys').selectAll().execute()).toHaveLength(0);
  });
});
