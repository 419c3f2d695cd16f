import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditPage } from '../../schema/admin.js';
import { aSession, asSession, aUser, type TestSession } from '../testing/auth.js';
import type { UnitRow } from '../db/types.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { aUnit } from '../testing/units.js';
import { recordAudit } from './record.js';

let t: TestContext;
let admin: TestSession;
let officer: TestSession;
let province: UnitRow;
let other: UnitRow;
let commune: UnitRow;

beforeEach(async () => {
  t = await makeTestApp({ now: '2026-11-20T03:00:00Z' });
  province = await aUnit(t.db, t.clock, { kind: 'province', code: '96' });
  other = await aUnit(t.db, t.clock, { kind: 'province', code: '92' });
  commune = await aUnit(t.db, t.clock, { kind: 'commune', parent: province });
  admin = await aSession(t, (await aUser(t.db, t.clock, { username: 'admin', grants: [{ role: 'system_admin', unitId: null }] })).id);
  officer = await aSession(t, (await aUser(t.db, t.clock, { username: 'officer', grants: [{ role: 'provincial_officer', unitId: province.id }] })).id);
  const entries: [string, string | null, string][] = [
    ['unit.update', province.id, '2026-11-18T02:00:00Z'],
    ['counter.create', commune.id, '2026-11-19T18:30:00Z'],
    ['unit.update', other.id, '2026-11-19T03:00:00Z'],
    ['user.create', null, '2026-11-19T04:00:00Z'],
    ['export.run', commune.id, '2026-11-20T01:00:00Z'],
  ];
  await t.db.write(async (tx) => {
    for (const [action, unitId, at] of entries) {
      await recordAudit(tx, {
        actor: { system: 'fixture' },
        action,
        entity: action.split('.')[0]!,
        entityId: unitId,
        unitId,
        before: { n: 1 },
        after: { n: 2 },
        at: new Date(at),
      });
    }
  });
});
afterEach(async () => t.cleanup());

async function page(session: TestSession, query = ''): Promise<AuditPage> {
  const res = await t.app.request(`/api/admin/audit${query}`, { headers: asSession(session) });
  expect(res.status, await res.clone().text()).toBe(200);
  return AuditPage.parse(await res.json());
}

describe('the audit log', () => {
  it('shows a provincial officer only entries about their province, newest first; a system admin sees all', async () => {
    const mine = await page(officer);
    expect(mine.items.map((e) => e.action)).toEqual(['export.run', 'counter.create', 'unit.update']);
    expect(JSON.stringify(mine)).not.toContain(other.id);
    expect((await page(admin)).items).toHaveLength(5);
    expect(mine.items[0]).toMatchObject({ before: { n: 1 }, after: { n: 2 }, actorLabel: 'fixture' });
  });

  it('filters by action (exact or prefix), entity, unit subtree, actor and Vietnam-local period, and pages by cursor', async () => {
    expect((await page(admin, '?action=unit.')).items).toHaveLength(2);
    expect((await page(admin, '?action=unit.update&unitId=' + province.id)).items).toHaveLength(1);
    expect((await page(admin, '?entity=counter')).items.map((e) => e.action)).toEqual(['counter.create']);
    expect((await page(admin, `?unitId=${province.id}`)).items).toHaveLength(3);
    expect((await page(admin, '?actor=fixture')).items).toHaveLength(5);
    expect((await page(admin, '?actor=someone')).items).toHaveLength(0);
    // 18:30Z on the 19th is 01:30 on the 20th in Vietnam.
    expect((await page(admin, '?from=2026-11-20&to=2026-11-20')).items.map((e) => e.action)).toEqual(['export.run', 'counter.create']);
    const first = await page(admin, '?limit=2');
    expect(first.items).toHaveLength(2);
    const second = await page(admin, `?limit=2&cursor=${first.nextCursor}`);
    const third = await page(admin, `?limit=2&cursor=${second.nextCursor}`);
    expect(third.nextCursor).toBeNull();
    expect([...first.items, ...second.items, ...third.items].map((e) => e.id)).toEqual([5, 4, 3, 2, 1]);
  });

  it("cuts an account's roles in its entries to those the reader may see, as GET /api/admin/users/:id shows them", async () => {
    const foreignCentre = await aUnit(t.db, t.clock, { kind: 'centre', parent: other, name: 'Trung tâm tỉnh khác' });
    const asAdmin = (method: string, url: string, body?: unknown) =>
      t.app.request(url, { method, headers: asSession(admin), body: body === undefined ? undefined : JSON.stringify(body) });
    const created = await asAdmin('POST', '/api/admin/users', {
      username: 'hai.tinh',
      displayName: 'Hai tỉnh',
      password: 'a-long-enough-password',
      grants: [
        { role: 'viewer', unitId: commune.id },
        { role: 'provincial_officer', unitId: other.id },
      ],
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const userId = ((await created.json()) as { user: { id: string } }).user.id;
    const updated = await asAdmin('PATCH', `/api/admin/users/${userId}`, {
      grants: [
        { role: 'viewer', unitId: commune.id },
        { role: 'centre_supervisor', unitId: foreignCentre.id },
      ],
    });
    expect(updated.status, await updated.clone().text()).toBe(200);
    // Which of its units an account's entries are filed under depends on grant order; this one is
    // filed under the officer's commune for certain, with the account as the admin sees it.
    const full: unknown = await (await asAdmin('GET', `/api/admin/users/${userId}`)).json();
    await t.db.write((tx) =>
      recordAudit(tx, { actor: { system: 'fixture' }, action: 'user.update', entity: 'user', entityId: userId, unitId: commune.id, before: full, after: full, at: t.clock.now() }),
    );

    const seen = (await (await t.app.request(`/api/admin/users/${userId}`, { headers: asSession(officer) })).json()) as { grants: { unitId: string }[] };
    expect(seen.grants.map((g) => g.unitId)).toEqual([commune.id]);
    const grantsIn = (snapshot: unknown) => (snapshot as { grants: unknown[] }).grants;
    const mine = (await page(officer, '?entity=user')).items.filter((e) => e.entityId === userId);
    expect(mine.length).toBeGreaterThanOrEqual(1);
    for (const e of mine) for (const snapshot of [e.before, e.after]) if (snapshot !== null) expect(grantsIn(snapshot)).toEqual(seen.grants);
    expect(mine[0]!.after).toMatchObject({ username: 'hai.tinh', displayName: 'Hai tỉnh' });
    const text = JSON.stringify(mine);
    for (const hidden of [other.id, other.name, foreignCentre.id, foreignCentre.name, 'provincial_officer', 'centre_supervisor']) {
      expect(text).not.toContain(hidden);
    }

    const everything = (await page(admin, '?entity=user')).items.filter((e) => e.entityId === userId);
    expect(everything.map((e) => grantsIn(e.after).length)).toEqual([2, 2, 2]);
  });

  it('refuses an officer a foreign unit filter and a centre supervisor the whole log', async () => {
    const res = await t.app.request(`/api/admin/audit?unitId=${other.id}`, { headers: asSession(officer) });
    expect(res.status).toBe(403);
    const centre = await aUnit(t.db, t.clock, { kind: 'centre', parent: commune });
    const sup = await aSession(t, (await aUser(t.db, t.clock, { grants: [{ role: 'centre_supervisor', unitId: centre.id }] })).id);
    expect((await t.app.request('/api/admin/audit', { headers: asSession(sup) })).status).toBe(403);
  });

  it('is append-only in the database itself', async () => {
    await expect(sql`update audit_log set action = 'x'`.execute(t.db.kysely)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(t.db.kysely)).rejects.toThrow(/append-only/);
  });
});
