import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditPage } from '../../schema/admin.js';
import { aSession, asSession, aUser, type TestSession } from '../testing/auth.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { aUnit } from '../testing/units.js';

let t: TestContext;
let admin: TestSession;

beforeEach(async () => {
  t = await makeTestApp({ now: '2026-11-20T03:00:00Z' });
  admin = await aSession(t, (await aUser(t.db, t.clock, { username: 'admin', grants: [{ role: 'system_admin', unitId: null }] })).id);
});
afterEach(async () => t.cleanup());

describe('audit entries name what they are about', () => {
  it('an account by its username, a unit and a counter by their names, next to their ids', async () => {
    const province = await aUnit(t.db, t.clock, { kind: 'province', code: '96', name: 'Tỉnh Cà Mau' });
    const post = async <T>(url: string, body: unknown): Promise<T> => {
      const res = await t.app.request(url, { method: 'POST', headers: asSession(admin), body: JSON.stringify(body) });
      expect(res.status, await res.clone().text()).toBe(201);
      return (await res.json()) as T;
    };
    const { user } = await post<{ user: { id: string } }>('/api/admin/users', {
      username: 'giarai.giamsat',
      displayName: 'Giám sát',
      password: 'a-long-enough-password',
      grants: [{ role: 'viewer', unitId: province.id }],
    });
    const centre = await post<{ id: string }>('/api/admin/units', { kind: 'centre', code: 'TT-1', name: 'Trung tâm Giá Rai', parentId: province.id });
    const counter = await post<{ id: string }>('/api/admin/counters', { unitId: centre.id, code: 'Q1', name: 'Quầy 1' });

    const res = await t.app.request('/api/admin/audit', { headers: asSession(admin) });
    const entries = AuditPage.parse(await res.json()).items;
    const about = (entity: string, id: string) => entries.find((e) => e.entity === entity && e.entityId === id);
    expect(about('user', user.id)).toMatchObject({ action: 'user.create', entityName: 'giarai.giamsat', actorLabel: 'admin' });
    expect(about('unit', centre.id)).toMatchObject({ action: 'unit.create', entityName: 'Trung tâm Giá Rai' });
    expect(about('counter', counter.id)).toMatchObject({ action: 'counter.create', entityName: 'Quầy 1' });
  });
});
