import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvitationIssued, RESPONSE_RATE_DIMENSIONS, ResponseRateResult } from '../../schema/invitations.js';
import { insertApiKey } from '../apikeys/keys.js';
import { aSession, asSession, aUser } from '../testing/auth.js';
import { aResponse, aSite, postJson, type TestSite } from '../testing/builders.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { aCounter } from '../testing/units.js';

let t: TestContext;
let a: TestSite;
let b: TestSite;
let keyA: string;

async function anApiKey(unitId: string): Promise<string> {
  const created = await t.db.write((tx) => insertApiKey(tx, { unitId, name: 'Một cửa điện tử', createdBy: null, at: t.clock.now() }));
  return created.key;
}

const issue = (key: string, body: unknown) =>
  t.app.request(...postJson('/api/v1/invitations', body, { authorization: `Bearer ${key}` }));

async function invitationCount(): Promise<number> {
  const row = await t.db.kysely.selectFrom('invitations').select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

beforeEach(async () => {
  t = await makeTestApp({ env: { PUBLIC_BASE_URL: 'https://khaosat.example.gov.vn' } });
  a = await aSite(t.db, t.clock, { communeCode: '31942' });
  b = await aSite(t.db, t.clock, { communeCode: '31943' });
  keyA = await anApiKey(a.centreId);
});
afterEach(() => t.cleanup());

describe('POST /api/v1/invitations', () => {
  it('issues a link for a valid API key, never cached, that opens the survey exactly once', async () => {
    const res = await issue(keyA, { dossierCode: 'HS-1', counterCode: 'Q1' });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const issued = InvitationIssued.parse(await res.json());
    const token = issued.url.split('/s/')[1]!;
    expect(issued.url).toBe(`https://khaosat.example.gov.vn/s/${token}`);

    const survey = await t.app.request(`/api/survey/${token}`);
    expect(survey.status).toBe(200);
    expect(await survey.json()).toMatchObject({ kind: 'invitation', counterName: 'Quầy 1' });
    const first = await t.app.request(...postJson('/api/responses', aResponse(token)));
    expect(first.status).toBe(201);
    const again = await t.app.request(...postJson('/api/responses', aResponse(token)));
    expect(again.status).toBe(409);
    expect(await errorCode(again)).toBe('invitation_used');
  });

  it('refuses a missing, unknown or revoked key with 401', async () => {
    expect((await t.app.request(...postJson('/api/v1/invitations', { dossierCode: 'HS-1' }))).status).toBe(401);
    expect((await issue(`sipas_${'A'.repeat(43)}`, { dossierCode: 'HS-1' })).status).toBe(401);
    await t.db.write((tx) => tx.updateTable('api_keys').set({ revoked_at: t.clock.now().toISOString() }).execute());
    expect((await issue(keyA, { dossierCode: 'HS-1' })).status).toBe(401);
    expect(await invitationCount()).toBe(0);
  });

  it("answers a unit or counter code outside the key's area exactly as one that does not exist, so a key cannot probe for them", async () => {
    const keyB = await anApiKey(b.centreId);
    const centreA = await t.db.kysely.selectFrom('units').selectAll().where('id', '=', a.centreId).executeTakeFirstOrThrow();
    const codeA = centreA.code;
    await aCounter(t.db, t.clock, { unit: centreA, code: 'Q7', name: 'Quầy 7' });
    const refusal = async (body: object, code: string) => {
      const res = await issue(keyB, { dossierCode: 'HS-1', ...body });
      // The code itself is echoed back; everything else must be the same.
      return { status: res.status, body: (await res.text()).replaceAll(code, '<code>') };
    };
    const unknownUnit = await refusal({ unitCode: 'NOWHERE' }, 'NOWHERE');
    expect(unknownUnit.status).toBe(400);
    expect(await refusal({ unitCode: codeA }, codeA)).toEqual(unknownUnit);
    expect(await refusal({ unitCode: codeA, counterCode: 'Q1' }, codeA)).toEqual(unknownUnit);
    const unknownCounter = await refusal({ counterCode: 'NOPE' }, 'NOPE');
    expect(unknownCounter.status).toBe(400);
    expect(await refusal({ counterCode: 'Q7' }, 'Q7')).toEqual(unknownCounter);
    expect(await invitationCount()).toBe(0);
  });

  it('answers any body with 201 or a 4xx in the error shape, never a 5xx, and writes nothing on refusal', async () => {
    const mostly = <T,>(valid: fc.Arbitrary<T>, ...other: fc.Arbitrary<unknown>[]) =>
      fc.oneof({ arbitrary: valid, weight: 4 }, ...other.map((arbitrary) => ({ arbitrary, weight: 1 })));
    const body = fc.oneof(
      fc.anything(),
      fc.dictionary(fc.string(), fc.anything()),
      fc.record(
        {
          dossierCode: mostly(fc.string({ minLength: 1, maxLength: 120 }), fc.integer(), fc.constant('')),
          counterCode: mostly(fc.constant('Q1'), fc.constant('Q9'), fc.string({ maxLength: 70 }), fc.constant(null)),
          unitCode: mostly(fc.constant('31942-TT'), fc.constant('31943-TT'), fc.string({ maxLength: 70 })),
          procedureCode: mostly(fc.constant(undefined), fc.string({ maxLength: 70 })),
          receivedAt: mostly(fc.date({ noInvalidDate: true, min: new Date(0), max: new Date('2090-01-01') }).map((d) => d.toISOString()), fc.string()),
          dueAt: mostly(fc.constant('2099-01-01T00:00:00+07:00'), fc.string(), fc.constant('1970-01-01T00:00:00Z')),
          expiresInDays: mostly(fc.integer({ min: 1, max: 365 }), fc.integer(), fc.double(), fc.string()),
        },
        { requiredKeys: ['dossierCode'] },
      ),
    );
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(body, async (input) => {
        const before = await invitationCount();
        const res = await issue(keyA, input);
        const after = await invitationCount();
        if (res.status === 201) {
          accepted++;
          expect(after - before).toBeGreaterThanOrEqual(0);
          expect(after - before).toBeLessThanOrEqual(1);
          return;
        }
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(await errorCode(res)).toMatch(/^[a-z_]+$/);
        expect(after).toBe(before);
      }),
      { numRuns: 1000 },
    );
    expect(accepted).toBeGreaterThan(0);
    const raw = await t.app.request('/api/v1/invitations', {
      method: 'POST',
      headers: { authorization: `Bearer ${keyA}`, 'content-type': 'application/json' },
      body: '{"dossierCode": "HS-1",',
    });
    expect(await errorCode(raw)).toBe('invalid_json');
  });
});

describe('GET /api/admin/response-rate', () => {
  it("shows a supervisor their own centre's issued and answered invitations", async () => {
    const keyB = await anApiKey(b.centreId);
    const issued = InvitationIssued.parse(await (await issue(keyA, { dossierCode: 'HS-1' })).json());
    await issue(keyA, { dossierCode: 'HS-2' });
    await issue(keyB, { dossierCode: 'HS-3' });
    await t.app.request(...postJson('/api/responses', aResponse(issued.url.split('/s/')[1]!)));

    const user = await aUser(t.db, t.clock, { grants: [{ role: 'centre_supervisor', unitId: a.centreId }] });
    const session = await aSession(t, user.id);
    const res = await t.app.request('/api/admin/response-rate?from=2026-11-01&to=2026-11-30&groupBy=unit', {
      headers: asSession(session),
    });
    expect(res.status).toBe(200);
    const body = ResponseRateResult.parse(await res.json());
    expect(body.rows).toEqual([expect.objectContaining({ unitId: a.centreId, issued: 2, answered: 1, rate: 0.5 })]);
    const bad = await t.app.request('/api/admin/response-rate?from=2026-11-01&to=2026-11-30&groupBy=name', { headers: asSession(session) });
    expect(bad.status).toBe(400);
    expect((await t.app.request('/api/admin/response-rate?from=2026-11-01&to=2026-11-30')).status).toBe(401);
  });

  it('answers any query string with 200 or a 4xx in the error shape, never a 5xx', async () => {
    const user = await aUser(t.db, t.clock, { grants: [{ role: 'viewer', unitId: a.centreId }] });
    const session = await aSession(t, user.id);
    // Valid queries are a branch of their own: as a mix of independently drawn fields they would
    // come up about once in a thousand runs, and the 200 path would go untested.
    const validQuery = fc.record(
      {
        from: fc.constantFrom('2026-10-01', '2026-11-01'),
        to: fc.constantFrom('2026-11-30', '2026-12-31'),
        groupBy: fc.subarray([...RESPONSE_RATE_DIMENSIONS], { minLength: 1, maxLength: 4 }).map((dims) => dims.join(',')),
        unitId: fc.constant(a.centreId),
      },
      { requiredKeys: ['from', 'to'] },
    );
    const day = fc.oneof(fc.constantFrom('2026-11-01', '2026-11-30'), fc.constantFrom('2026-02-30', '01/11/2026'), fc.string());
    const fuzzedQuery = fc.oneof(
      fc.dictionary(fc.constantFrom('from', 'to', 'groupBy', 'unitId', 'x', 'from[]'), fc.string()),
      fc.record(
        {
          from: day,
          to: day,
          groupBy: fc.oneof(fc.constantFrom('unit,counter,procedure,staff,day,month', 'unit,unit', 'month', ''), fc.string()),
          unitId: fc.oneof(fc.constantFrom(a.centreId, b.centreId, a.provinceId), fc.string()),
        },
        { requiredKeys: [] },
      ),
    );
    const params = fc.oneof(validQuery, fuzzedQuery);
    let ok = 0;
    const statuses: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(params, async (q) => {
        const res = await t.app.request(`/api/admin/response-rate?${new URLSearchParams(q)}`, { headers: asSession(session) });
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status === 200) {
          ok++;
          ResponseRateResult.parse(await res.json());
          return;
        }
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(await errorCode(res)).toMatch(/^[a-z_]+$/);
      }),
      { numRuns: 1000 },
    );
    expect(ok, `statuses seen: ${JSON.stringify(statuses)}`).toBeGreaterThan(300);
  });
});
