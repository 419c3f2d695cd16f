import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '../../schema/errors.js';
import { aSession, asSession, aUser, type TestSession } from '../testing/auth.js';
import type { UnitRow } from '../db/types.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { aCatalogueEntry, aCounter, aUnit } from '../testing/units.js';

/**
 * Outside input on every admin write of this feature: arbitrary JSON bodies never produce a 5xx,
 * always the error shape on 4xx, and a refused request writes nothing. (Query strings of every admin
 * route are fuzzed in server/admin-query-fuzz.test.ts.)
 */

let t: TestContext;
let admin: TestSession;
let ids: { province: UnitRow; centre: UnitRow; counter: string; staff: string; procedure: string; user: string };

beforeAll(async () => {
  t = await makeTestApp();
  const province = await aUnit(t.db, t.clock, { kind: 'province', code: '96' });
  const commune = await aUnit(t.db, t.clock, { kind: 'commune', parent: province });
  const centre = await aUnit(t.db, t.clock, { kind: 'centre', parent: commune });
  const counter = await aCounter(t.db, t.clock, { unit: centre });
  const staff = await aCatalogueEntry(t.db, t.clock, { table: 'staff', province });
  const procedure = await aCatalogueEntry(t.db, t.clock, { table: 'procedures', province });
  const user = await aUser(t.db, t.clock, { grants: [{ role: 'viewer', unitId: centre.id }] });
  admin = await aSession(t, (await aUser(t.db, t.clock, { grants: [{ role: 'system_admin', unitId: null }] })).id);
  ids = { province, centre, counter: counter.id, staff: staff.id, procedure: procedure.id, user: user.id };
});
afterAll(async () => t.cleanup());

/** JSON-ish values, biased towards the fields these routes read. */
const field = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('commune', 'centre', 'branch', 'province', 'agency', 'viewer', 'system_admin', '31942', '96', 'Q1', '1.001193'),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.record({ role: fc.string(), unitId: fc.oneof(fc.string(), fc.constant(null)) }), { maxLength: 3 }),
);
const keys = ['kind', 'code', 'name', 'parentId', 'unitId', 'provinceId', 'field', 'active', 'username', 'displayName', 'password', 'grants'];
const body = fc.oneof(fc.dictionary(fc.constantFrom(...keys), field, { maxKeys: 6 }), fc.jsonValue({ maxDepth: 2 }));

const snapshot = async () =>
  JSON.stringify(
    await Promise.all(
      (['units', 'counters', 'staff', 'procedures', 'users', 'role_grants', 'api_keys', 'audit_log'] as const).map((table) =>
        t.db.kysely.selectFrom(table).selectAll().execute(),
      ),
    ),
  );

async function expectSound(res: Response, before: string) {
  expect(res.status).toBeLessThan(500);
  if (res.status >= 400) {
    ErrorBody.parse(await res.json());
    expect(await snapshot()).toBe(before);
  }
}

describe('admin writes with arbitrary bodies', () => {
  it('answer every body with success or a clear 4xx that wrote nothing', async () => {
    const routes = () => [
      ['POST', '/api/admin/units'],
      ['PATCH', `/api/admin/units/${ids.centre.id}`],
      ['POST', '/api/admin/counters'],
      ['PATCH', `/api/admin/counters/${ids.counter}`],
      ['POST', '/api/admin/staff'],
      ['PATCH', `/api/admin/staff/${ids.staff}`],
      ['POST', '/api/admin/procedures'],
      ['PATCH', `/api/admin/procedures/${ids.procedure}`],
      ['POST', '/api/admin/apikeys'],
      ['PATCH', `/api/admin/users/${ids.user}`],
    ];
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 9 }), body, async (which, input) => {
        const [method, path] = routes()[which]!;
        const before = await snapshot();
        const res = await t.app.request(path!, { method, headers: asSession(admin), body: JSON.stringify(input) });
        await expectSound(res, before);
      }),
      { numRuns: 1500 },
    );
  }, 240_000);

  it('answer malformed JSON, wrong content types and odd ids with a clear 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 60 }), fc.constantFrom('application/json', 'text/plain', ''), fc.string({ maxLength: 20 }), async (raw, type, id) => {
        const before = await snapshot();
        const headers: Record<string, string> = { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken };
        if (type) headers['content-type'] = type;
        const res = await t.app.request(`/api/admin/units/${encodeURIComponent(id)}`, { method: 'PATCH', headers, body: raw });
        await expectSound(res, before);
      }),
      { numRuns: 500 },
    );
  }, 120_000);
});
