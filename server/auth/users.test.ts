import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserList, UserSummary, UserWithPassword } from '../../schema/admin.js';
import { ErrorBody, type ErrorCode } from '../../schema/errors.js';
import type { UnitRow } from '../db/types.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { aUnit } from '../testing/units.js';
import { aSession, asSession, aUser, type TestSession } from '../testing/auth.js';

let t: TestContext;
let admin: TestSession;
let officer: TestSession;
let province: UnitRow;
let otherProvince: UnitRow;
let centre: UnitRow;

beforeEach(async () => {
  t = await makeTestApp();
  province = await aUnit(t.db, t.clock, { kind: 'province', code: '96' });
  otherProvince = await aUnit(t.db, t.clock, { kind: 'province', code: '92' });
  const commune = await aUnit(t.db, t.clock, { kind: 'commune', parent: province });
  centre = await aUnit(t.db, t.clock, { kind: 'centre', parent: commune });
  admin = await aSession(t, (await aUser(t.db, t.clock, { username: 'admin', grants: [{ role: 'system_admin', unitId: null }] })).id);
  officer = await aSession(
    t,
    (await aUser(t.db, t.clock, { username: 'officer.96', grants: [{ role: 'provincial_officer', unitId: province.id }] })).id,
  );
});
afterEach(async () => t.cleanup());

function call(session: TestSession, method: string, path: string, body?: unknown) {
  return t.app.request(path, { method, headers: asSession(session), body: body === undefined ? undefined : JSON.stringify(body) });
}

async function ok<T>(res: Response, schema: { parse(v: unknown): T }, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return schema.parse(JSON.parse(text));
}

async function fails(res: Response, status: number, code: ErrorCode) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(ErrorBody.parse(JSON.parse(text)).error.code).toBe(code);
}

describe('accounts', () => {
  it('a provincial officer creates a centre supervisor in their province; the generated password is shown once and works', async () => {
    const created = await ok(
      await call(officer, 'POST', '/api/admin/users', {
        username: 'Mai.Nguyen',
        displayName: 'Nguyễn Thị Mai',
        grants: [{ role: 'centre_supervisor', unitId: centre.id }],
      }),
      UserWithPassword,
      201,
    );
    expect(created.user.username).toBe('mai.nguyen');
    expect(created.password).toMatch(/^[A-Za-z0-9]{20}$/);
    const login = await t.app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'mai.nguyen', password: created.password }),
    });
    expect(login.status).toBe(200);
    const row = await t.db.kysely.selectFrom('users').selectAll().where('username', '=', 'mai.nguyen').executeTakeFirstOrThrow();
    expect(row.password_hash).not.toContain(created.password!);
    const audit = await t.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'user.create').executeTakeFirstOrThrow();
    expect(audit.unit_id).toBe(centre.id);
    expect(audit.after).not.toContain(created.password!);
    expect(JSON.parse(audit.after!).grants[0]).toMatchObject({ role: 'centre_supervisor', unitId: centre.id });
  });

  it('a provincial officer cannot grant roles outside their province, make a system admin, or touch accounts beyond it', async () => {
    await fails(
      await call(officer, 'POST', '/api/admin/users', { username: 'x.user', displayName: 'X', grants: [{ role: 'viewer', unitId: otherProvince.id }] }),
      403,
      'forbidden_unit',
    );
    await fails(
      await call(officer, 'POST', '/api/admin/users', { username: 'x.user', displayName: 'X', grants: [{ role: 'system_admin', unitId: null }] }),
      403,
      'forbidden',
    );
    const foreign = await aUser(t.db, t.clock, { grants: [{ role: 'provincial_officer', unitId: otherProvince.id }] });
    const mixed = await aUser(t.db, t.clock, {
      grants: [
        { role: 'viewer', unitId: centre.id },
        { role: 'viewer', unitId: otherProvince.id },
      ],
    });
    const adminRow = await t.db.kysely.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow();
    await fails(await call(officer, 'GET', `/api/admin/users/${foreign.id}`), 403, 'forbidden_unit');
    await fails(await call(officer, 'PATCH', `/api/admin/users/${foreign.id}`, { displayName: 'Hacked' }), 403, 'forbidden_unit');
    await fails(await call(officer, 'PATCH', `/api/admin/users/${mixed.id}`, { active: false }), 403, 'forbidden_unit');
    await fails(await call(officer, 'POST', `/api/admin/users/${adminRow.id}/reset-password`), 403, 'forbidden_unit');
    // The mixed account is visible, but only with the grant inside the officer's province.
    const seen = await ok(await call(officer, 'GET', `/api/admin/users/${mixed.id}`), UserSummary);
    expect(seen.grants.map((g) => g.unitId)).toEqual([centre.id]);
    const list = await ok(await call(officer, 'GET', '/api/admin/users'), UserList);
    expect(list.items.map((u) => u.id).sort()).toEqual([mixed.id, list.items.find((u) => u.username === 'officer.96')!.id].sort());
    expect(JSON.stringify(list)).not.toContain(otherProvince.id);
  });

  it('disabling an account or changing its roles signs it out; a reset password is new and shown once; all audited with before/after', async () => {
    const sup = await aUser(t.db, t.clock, { grants: [{ role: 'centre_supervisor', unitId: centre.id }] });
    const supSession = await aSession(t, sup.id);
    const changed = await ok(
      await call(officer, 'PATCH', `/api/admin/users/${sup.id}`, { grants: [{ role: 'viewer', unitId: province.id }] }),
      UserSummary,
    );
    expect(changed.grants.map((g) => g.role)).toEqual(['viewer']);
    expect((await t.app.request('/api/auth/me', { headers: { cookie: supSession.cookie } })).status).toBe(401);
    const reset = await ok(await call(officer, 'POST', `/api/admin/users/${sup.id}/reset-password`), UserWithPassword);
    expect(reset.password).toMatch(/^[A-Za-z0-9]{20}$/);
    await ok(await call(officer, 'PATCH', `/api/admin/users/${sup.id}`, { active: false }), UserSummary);
    const entries = await t.db.kysely.selectFrom('audit_log').selectAll().where('entity_id', '=', sup.id).orderBy('id').execute();
    expect(entries.map((e) => e.action)).toEqual(['user.update', 'user.password_reset', 'user.deactivate']);
    for (const e of entries) {
      expect(e.before).not.toBeNull();
      expect(e.after).not.toBeNull();
      expect(`${e.before}${e.after}`).not.toContain(reset.password!);
    }
    expect(JSON.parse(entries[0]!.before!).grants[0].role).toBe('centre_supervisor');
    expect(JSON.parse(entries[0]!.after!).grants[0].role).toBe('viewer');
  });

  it('refuses changing one’s own roles, duplicate usernames, and grants without a unit', async () => {
    const me = await t.db.kysely.selectFrom('users').select('id').where('username', '=', 'officer.96').executeTakeFirstOrThrow();
    await fails(await call(officer, 'PATCH', `/api/admin/users/${me.id}`, { grants: [{ role: 'provincial_officer', unitId: province.id }] }), 403, 'forbidden');
    await fails(
      await call(admin, 'POST', '/api/admin/users', { username: 'officer.96', displayName: 'X', grants: [{ role: 'viewer', unitId: province.id }] }),
      409,
      'conflict',
    );
    await fails(
      await call(admin, 'POST', '/api/admin/users', { username: 'no.unit', displayName: 'X', grants: [{ role: 'viewer', unitId: null }] }),
      400,
      'validation_failed',
    );
    await fails(
      await call(admin, 'POST', '/api/admin/users', { username: 'short', displayName: 'X', password: 'short', grants: [{ role: 'viewer', unitId: province.id }] }),
      400,
      'validation_failed',
    );
  });
});
