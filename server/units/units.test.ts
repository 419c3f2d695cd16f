import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Counter, Procedure, ProcedureList, Staff, Unit, UnitDetail, UnitList } from '../../schema/admin.js';
import { ErrorBody, type ErrorCode } from '../../schema/errors.js';
import { aSession, asSession, aUser, type TestSession } from '../testing/auth.js';
import type { UnitRow } from '../db/types.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { aUnit } from '../testing/units.js';

let t: TestContext;
let admin: TestSession;
let province: UnitRow;

beforeEach(async () => {
  t = await makeTestApp();
  province = await aUnit(t.db, t.clock, { kind: 'province', code: '96', name: 'Tỉnh Cà Mau' });
  const user = await aUser(t.db, t.clock, { username: 'admin', grants: [{ role: 'system_admin', unitId: null }] });
  admin = await aSession(t, user.id);
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
  const body = ErrorBody.parse(JSON.parse(text));
  expect(body.error.code).toBe(code);
  return body.error;
}

const newUnit = (session: TestSession, kind: string, code: string, name: string, parentId: string | null) =>
  call(session, 'POST', '/api/admin/units', { kind, code, name, parentId });

async function auditOf(entityId: string) {
  return t.db.kysely.selectFrom('audit_log').selectAll().where('entity_id', '=', entityId).orderBy('id').execute();
}

describe('the unit tree', () => {
  it('builds province → commune → centre → branch with materialized paths and audits each creation', async () => {
    const commune = await ok(await newUnit(admin, 'commune', '31942', 'Phường Giá Rai', province.id), Unit, 201);
    const centre = await ok(await newUnit(admin, 'centre', '96-TTPVHCC', 'Trung tâm PVHCC tỉnh', province.id), Unit, 201);
    const communeCentre = await ok(await newUnit(admin, 'centre', '31942-TT', 'Trung tâm phường Giá Rai', commune.id), Unit, 201);
    const branch = await ok(await newUnit(admin, 'branch', '96-TTPVHCC-BL', 'Chi nhánh Bạc Liêu', centre.id), Unit, 201);
    const agency = await ok(await newUnit(admin, 'agency', '96-STP', 'Sở Tư pháp', province.id), Unit, 201);
    expect(commune.path).toBe(`/${province.id}/${commune.id}/`);
    expect(communeCentre.path).toBe(`/${province.id}/${commune.id}/${communeCentre.id}/`);
    expect(branch.path).toBe(`/${province.id}/${centre.id}/${branch.id}/`);
    expect(new Set([commune, centre, communeCentre, branch, agency].map((u) => u.provinceId))).toEqual(new Set([province.id]));
    const detail = await ok(await call(admin, 'GET', `/api/admin/units/${communeCentre.id}`), UnitDetail);
    expect(detail.ancestors.map((a) => a.name)).toEqual(['Tỉnh Cà Mau', 'Phường Giá Rai']);
    const [entry] = await auditOf(branch.id);
    expect(entry).toMatchObject({ action: 'unit.create', entity: 'unit', actor_label: 'admin', unit_id: branch.id, before: null });
    expect(JSON.parse(entry!.after!)).toMatchObject({ code: '96-TTPVHCC-BL', name: 'Chi nhánh Bạc Liêu' });
  });

  it('enforces the 2025 model: codes as strings of the right length and parents of the right kind', async () => {
    const commune = await ok(await newUnit(admin, 'commune', '31942', 'Phường Giá Rai', province.id), Unit, 201);
    const centre = await ok(await newUnit(admin, 'centre', '96-TT', 'Trung tâm', province.id), Unit, 201);
    for (const [kind, code, parentId, path] of [
      ['commune', '3194', province.id, 'code'],
      ['commune', '031942', province.id, 'code'],
      ['province', '9', null, 'code'],
      ['commune', '31951', commune.id, 'parentId'],
      ['branch', '96-TT-X', province.id, 'parentId'],
      ['agency', '96-SXD', commune.id, 'parentId'],
      ['centre', 'x y', commune.id, 'code'],
      ['commune', '31951', null, 'parentId'],
    ] as const) {
      const error = await fails(await newUnit(admin, kind, code, 'X', parentId), 400, 'validation_failed');
      expect(error.issues?.[0]?.path, `${kind} ${code}`).toEqual([path]);
    }
    await fails(await newUnit(admin, 'commune', '31942', 'Trùng mã', province.id), 409, 'conflict');
    await ok(await newUnit(admin, 'branch', 'B1', 'Chi nhánh', centre.id), Unit, 201);
    await fails(await newUnit(admin, 'branch', 'B1', 'Again', centre.id), 409, 'conflict');
  });

  it('moves a subtree: every path under it and its province follow, and the move is audited with before/after', async () => {
    const other = await aUnit(t.db, t.clock, { kind: 'province', code: '92', name: 'Thành phố Cần Thơ' });
    const commune = await ok(await newUnit(admin, 'commune', '31942', 'Phường Giá Rai', province.id), Unit, 201);
    const centre = await ok(await newUnit(admin, 'centre', '31942-TT', 'Trung tâm', commune.id), Unit, 201);
    const moved = await ok(await call(admin, 'PATCH', `/api/admin/units/${commune.id}`, { parentId: other.id }), Unit);
    expect(moved.path).toBe(`/${other.id}/${commune.id}/`);
    const child = await ok(await call(admin, 'GET', `/api/admin/units/${centre.id}`), UnitDetail);
    expect(child.path).toBe(`/${other.id}/${commune.id}/${centre.id}/`);
    expect(child.provinceId).toBe(other.id);
    const entries = await auditOf(commune.id);
    expect(entries.at(-1)).toMatchObject({ action: 'unit.move' });
    expect(JSON.parse(entries.at(-1)!.before!).path).toBe(`/${province.id}/${commune.id}/`);
    expect(JSON.parse(entries.at(-1)!.after!).path).toBe(`/${other.id}/${commune.id}/`);
    const loop = await fails(await call(admin, 'PATCH', `/api/admin/units/${commune.id}`, { parentId: centre.id }), 400, 'validation_failed');
    expect(loop.issues?.[0]?.path).toEqual(['parentId']);
  });

  it('deactivates bottom-up and lists active units unless asked', async () => {
    const commune = await ok(await newUnit(admin, 'commune', '31942', 'Phường Giá Rai', province.id), Unit, 201);
    const centre = await ok(await newUnit(admin, 'centre', '31942-TT', 'Trung tâm', commune.id), Unit, 201);
    await fails(await call(admin, 'PATCH', `/api/admin/units/${commune.id}`, { active: false }), 409, 'conflict');
    await ok(await call(admin, 'PATCH', `/api/admin/units/${centre.id}`, { active: false }), Unit);
    await ok(await call(admin, 'PATCH', `/api/admin/units/${commune.id}`, { active: false }), Unit);
    const active = await ok(await call(admin, 'GET', `/api/admin/units?parentId=${province.id}`), UnitList);
    expect(active.items).toHaveLength(0);
    const all = await ok(await call(admin, 'GET', `/api/admin/units?parentId=${province.id}&includeInactive=true`), UnitList);
    expect(all.items.map((u) => [u.code, u.active])).toEqual([['31942', false]]);
    await fails(await call(admin, 'PATCH', `/api/admin/units/${centre.id}`, { active: true }), 409, 'conflict');
    expect((await auditOf(centre.id)).map((e) => e.action)).toEqual(['unit.create', 'unit.deactivate']);
  });

  it('lets a centre supervisor manage the counters of their centre but not the centre itself or its siblings', async () => {
    const commune = await aUnit(t.db, t.clock, { kind: 'commune', parent: province });
    const mine = await aUnit(t.db, t.clock, { kind: 'centre', parent: commune });
    const theirs = await aUnit(t.db, t.clock, { kind: 'centre', parent: commune });
    const sup = await aUser(t.db, t.clock, { grants: [{ role: 'centre_supervisor', unitId: mine.id }] });
    const s = await aSession(t, sup.id);
    const counter = await ok(await call(s, 'POST', '/api/admin/counters', { unitId: mine.id, code: 'Q1', name: 'Quầy 1' }), Counter, 201);
    await fails(await call(s, 'POST', '/api/admin/counters', { unitId: mine.id, code: 'Q1', name: 'Again' }), 409, 'conflict');
    await fails(await call(s, 'POST', '/api/admin/counters', { unitId: theirs.id, code: 'Q1', name: 'Quầy 1' }), 403, 'forbidden_unit');
    await fails(await call(s, 'PATCH', `/api/admin/units/${mine.id}`, { name: 'Renamed' }), 403, 'forbidden_unit');
    await fails(await call(s, 'POST', '/api/admin/counters', { unitId: commune.id, code: 'Q9', name: 'X' }), 403, 'forbidden_unit');
    const renamed = await ok(await call(s, 'PATCH', `/api/admin/counters/${counter.id}`, { name: 'Quầy 1 – Hộ tịch' }), Counter);
    expect(renamed.name).toBe('Quầy 1 – Hộ tịch');
    await fails(await call(s, 'PATCH', `/api/admin/counters/${counter.id}`, { unitId: theirs.id }), 403, 'forbidden_unit');
    const entries = await auditOf(counter.id);
    expect(entries.map((e) => e.action)).toEqual(['counter.create', 'counter.update']);
    expect(JSON.parse(entries[1]!.before!).name).toBe('Quầy 1');
    expect(JSON.parse(entries[1]!.after!).name).toBe('Quầy 1 – Hộ tịch');
    const onCommune = await fails(await call(admin, 'POST', '/api/admin/counters', { unitId: commune.id, code: 'Q1', name: 'X' }), 400, 'validation_failed');
    expect(onCommune.issues?.[0]?.path).toEqual(['unitId']);
  });

  it('keeps staff and procedures per province: readable by anyone in the province, writable at province level', async () => {
    const commune = await aUnit(t.db, t.clock, { kind: 'commune', parent: province });
    const centre = await aUnit(t.db, t.clock, { kind: 'centre', parent: commune });
    const officer = await aSession(t, (await aUser(t.db, t.clock, { grants: [{ role: 'provincial_officer', unitId: province.id }] })).id);
    const sup = await aSession(t, (await aUser(t.db, t.clock, { grants: [{ role: 'centre_supervisor', unitId: centre.id }] })).id);
    const staff = await ok(await call(officer, 'POST', '/api/admin/staff', { provinceId: province.id, code: 'CB001', name: 'Nguyễn Thị Mai' }), Staff, 201);
    const procedure = await ok(
      await call(officer, 'POST', '/api/admin/procedures', { provinceId: province.id, code: '1.001193', name: 'Đăng ký khai sinh', field: 'Hộ tịch' }),
      Procedure,
      201,
    );
    await fails(await call(sup, 'POST', '/api/admin/staff', { provinceId: province.id, code: 'CB002', name: 'X' }), 403, 'forbidden_unit');
    await fails(await call(sup, 'PATCH', `/api/admin/procedures/${procedure.id}`, { name: 'X' }), 403, 'forbidden_unit');
    const seen = await ok(await call(sup, 'GET', `/api/admin/procedures?provinceId=${province.id}`), ProcedureList);
    expect(seen.items.map((p) => p.code)).toEqual(['1.001193']);
    const notProvince = await fails(await call(officer, 'POST', '/api/admin/staff', { provinceId: commune.id, code: 'CB3', name: 'X' }), 400, 'validation_failed');
    expect(notProvince.issues?.[0]?.path).toEqual(['provinceId']);
    const off = await ok(await call(officer, 'PATCH', `/api/admin/staff/${staff.id}`, { active: false }), Staff);
    expect(off.active).toBe(false);
    expect((await auditOf(staff.id)).map((e) => e.action)).toEqual(['staff.create', 'staff.deactivate']);
    expect((await auditOf(procedure.id)).map((e) => e.action)).toEqual(['procedure.create']);
  });
});
