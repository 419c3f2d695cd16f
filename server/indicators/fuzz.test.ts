import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertApiKey } from '../apikeys/keys.js';
import { aSite, postJson, type TestSite } from '../testing/builders.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';

/**
 * Outside input to issue 19's routes (security.md, bad input): any body to the dossier update and the
 * unit scores, any dossier code, any province code and language on the public page. Never a 5xx;
 * a 4xx in the error shape; a refused update changes nothing.
 */

let t: TestContext;
let site: TestSite;
let key: string;

beforeAll(async () => {
  t = await makeTestApp();
  site = await aSite(t.db, t.clock);
  key = (await t.db.write((tx) => insertApiKey(tx, { unitId: site.centreId, name: 'Một cửa', createdBy: null, at: t.clock.now() }))).key;
  const issued = await t.app.request(...postJson('/api/v1/invitations', { dossierCode: 'HS-FUZZ', counterCode: 'Q1', receivedAt: '2026-11-02T08:00:00+07:00' }, { authorization: `Bearer ${key}` }));
  expect(issued.status).toBe(201);
});
afterAll(() => t.cleanup());

const instant = fc.oneof(
  fc.date({ noInvalidDate: true, min: new Date('1990-01-01'), max: new Date('2110-01-01') }).map((d) => d.toISOString()),
  fc.constantFrom('2026-11-10T17:00:00+07:00', '2026-02-30T10:00:00Z', 'hôm qua', ''),
  fc.string(),
);
const anything = fc.oneof(fc.anything(), instant, fc.integer(), fc.constant(null));
const step = fc.record({ agency: fc.oneof(fc.string({ maxLength: 220 }), anything), dueAt: instant, completedAt: fc.oneof(instant, fc.constant(null)) }, { requiredKeys: [] });
const complaint = fc.record({ receivedAt: instant, dueAt: instant, answeredAt: fc.oneof(instant, fc.constant(null)), substantiated: fc.oneof(fc.boolean(), anything) }, { requiredKeys: [] });
/** Well-formed updates, drawn as their own branch: mixed from random fields they would almost never occur. */
const day = fc.integer({ min: 1, max: 28 }).map((d) => `2026-11-${String(d).padStart(2, '0')}T10:00:00+07:00`);
const validUpdate = fc.record(
  {
    returnedAt: fc.oneof(day, fc.constant(null)),
    dueAt: fc.oneof(day, fc.constant(null)),
    agencySteps: fc.array(fc.record({ agency: fc.constantFrom('Phòng Tư pháp', 'Chi cục Thuế'), dueAt: day, completedAt: fc.oneof(day, fc.constant(null)) }), { maxLength: 3 }),
    completionContacts: fc.nat({ max: 4 }),
    agenciesContacted: fc.nat({ max: 4 }),
    late: fc.boolean(),
    complaints: fc.array(fc.record({ receivedAt: fc.constant('2026-11-01T08:00:00+07:00'), dueAt: day, answeredAt: fc.oneof(day, fc.constant(null)), substantiated: fc.boolean() }), { maxLength: 3 }),
    publication: fc.constantFrom('posted_and_online', 'one_of_them', 'neither'),
  },
  { requiredKeys: ['late'] },
);
const update = fc.oneof(
  validUpdate,
  anything,
  fc.record(
    {
      unitCode: fc.oneof(fc.constant('31942-TT'), fc.string({ maxLength: 70 })),
      receivedAt: fc.oneof(instant, fc.constant(null)),
      dueAt: fc.oneof(instant, fc.constant(null)),
      returnedAt: fc.oneof(instant, fc.constant(null)),
      agencySteps: fc.oneof(fc.array(step, { maxLength: 40 }), anything),
      completionContacts: fc.oneof(fc.integer({ min: -2, max: 200 }), fc.double(), anything),
      agenciesContacted: fc.oneof(fc.integer({ min: -2, max: 200 }), anything),
      late: fc.oneof(fc.boolean(), anything),
      complaints: fc.oneof(fc.array(complaint, { maxLength: 60 }), anything),
      publication: fc.oneof(fc.constantFrom('posted_and_online', 'one_of_them', 'neither', 'both'), anything),
      extra: anything,
    },
    { requiredKeys: [] },
  ),
);

async function send(method: string, path: string, body: unknown) {
  return t.app.request(path, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) ?? 'null' });
}

const stored = async () => JSON.stringify(await t.db.kysely.selectFrom('invitations').select(['facts', 'received_at', 'due_at', 'returned_at', 'dossier_day']).execute());

describe('bad input to issue 19 routes', () => {
  it('PATCH /api/v1/dossiers/{code}: any body, any code: 200 or a 4xx, and a refusal changes nothing', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 4, arbitrary: fc.constant('HS-FUZZ') }, { weight: 1, arbitrary: fc.string({ maxLength: 130 }) }), update, async (code, body) => {
        const before = await stored();
        const res = await send('PATCH', `/api/v1/dossiers/${encodeURIComponent(code)}`, body);
        expect(res.status, await res.clone().text()).toBeLessThan(500);
        if (res.status === 200) {
          accepted++;
          return;
        }
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(((await res.json()) as { error: { code: string } }).error.code).toMatch(/^[a-z_]+$/);
        expect(await stored()).toBe(before);
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(0);
  }, 120_000);

  it('PUT /api/v1/unit-indicators: any body: 200 or a 4xx', async () => {
    const score = fc.oneof(fc.constantFrom(0, 0.5, 1, 1.9, 2, null), fc.double({ min: -1, max: 3 }), anything);
    const body = fc.oneof(
      fc.record({ period: fc.constantFrom('2026-Q4', '2026'), scores: fc.dictionary(fc.constantFrom('D18.5', 'D18.6', 'D18.8', 'D18.9'), fc.constantFrom(0, 0.5, 1.3, 2, null), { minKeys: 1 }) }),
      anything,
      fc.record(
        {
          unitCode: fc.oneof(fc.constant('31942-TT'), fc.string({ maxLength: 70 })),
          period: fc.oneof(fc.constantFrom('2026-Q4', '2026', '2026-Q5', '1999', '2026-q1'), fc.string()),
          scores: fc.oneof(fc.dictionary(fc.constantFrom('D18.5', 'D18.6', 'D18.8', 'D18.9', 'D18.1', 'x'), score), anything),
        },
        { requiredKeys: [] },
      ),
    );
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const res = await send('PUT', '/api/v1/unit-indicators', b);
        expect(res.status, await res.clone().text()).toBeLessThan(500);
        if (res.status === 200) accepted++;
        else expect(res.status).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(0);
  }, 120_000);

  it('GET /public/{code}[/embed|/sipas.json|/sipas.csv]?lang=: any code and language: 200 or 404', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom('96', '99', '00', '96 ', '०९'), fc.string({ maxLength: 20 })),
        fc.constantFrom('', '/embed', '/sipas.json', '/sipas.csv'),
        fc.oneof(fc.constantFrom('vi', 'en', 'fr'), fc.string({ maxLength: 10 })),
        async (code, suffix, lang) => {
          const res = await t.app.request(`/public/${encodeURIComponent(code)}${suffix}?lang=${encodeURIComponent(lang)}`);
          expect([200, 404]).toContain(res.status);
        },
      ),
      { numRuns: 1000 },
    );
  }, 120_000);
});
