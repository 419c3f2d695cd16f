import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorBody } from '../../schema/errors.js';
import { SurveyResponseInput } from '../../schema/survey.js';
import { subscriberBlock } from '../client-ip.js';
import { newId } from '../ids.js';
import { createInvitation } from '../invitations/issue.js';
import { silentLogger } from '../log.js';
import { aResponse, aSite, postJson, type TestSite } from '../testing/builders.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';

let t: TestContext;
let site: TestSite;
beforeEach(async () => {
  t = await makeTestApp();
  site = await aSite(t.db, t.clock);
});
afterEach(async () => t.cleanup());

const submit = (body: unknown, headers: Record<string, string> = {}) => t.app.request(...postJson('/api/responses', body, headers));
const count = async (table: 'responses' | 'rollup_fine' | 'rollup_unit_day') =>
  Number((await t.db.kysely.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('GET /api/survey/:code', () => {
  it('returns the centre, counter and instrument for a survey point', async () => {
    const res = await t.app.request(`/api/survey/${site.surveyCode}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { unitName: string; counterName: string; instrument: { id: string } };
    expect(body.unitName).toMatch(/Trung tâm/);
    expect(body.counterName).toBe('Quầy 1');
    expect(body.instrument.id).toBe('QUAY@1');
  });

  it('answers an unknown code with 404 and a retired one with 410', async () => {
    expect((await t.app.request('/api/survey/nosuchcode')).status).toBe(404);
    await t.db.kysely.insertInto('retired_codes').values({ code: 'oldcode123', survey_point_id: site.surveyPointId, retired_at: 'x' }).execute();
    const res = await t.app.request('/api/survey/oldcode123');
    expect(res.status).toBe(410);
    expect(ErrorBody.parse(await res.json()).error.code).toBe('survey_point_retired');
  });
});

describe('POST /api/responses', () => {
  it('stores an accepted response with its unit, counter, instrument, channel and rollups', async () => {
    const input = aResponse(site.surveyCode, { comment: '  Cán bộ tận tình  ' });
    const res = await submit(input);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ id: input.id, status: 'accepted' });
    const row = await t.db.kysely.selectFrom('responses').selectAll().where('id', '=', input.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      unit_id: site.centreId,
      counter_id: site.counterId,
      instrument_id: 'QUAY@1',
      channel: 'qr_web',
      comment: 'Cán bộ tận tình',
      suspect: 0,
      local_day: '2026-11-20',
      local_hour: 10,
      weekday: 5,
    });
    expect(JSON.parse(row.answers)).toEqual(input.answers);
    const day = await t.db.kysely.selectFrom('rollup_unit_day').selectAll().where('criterion', '=', 'QUAY.4').execute();
    expect(day).toEqual([expect.objectContaining({ unit_id: site.centreId, score: 0, n: 1 })]);
  });

  it('stores a comment without NUL characters, which PostgreSQL text cannot hold', async () => {
    const input = aResponse(site.surveyCode, { comment: 'Chờ\u0000 lâu' });
    expect((await submit(input)).status).toBe(201);
    const row = await t.db.kysely.selectFrom('responses').select('comment').where('id', '=', input.id).executeTakeFirstOrThrow();
    expect(row.comment).toBe('Chờ lâu');
  });

  it('is idempotent on the client id: a retry is a duplicate and nothing is stored twice', async () => {
    const input = aResponse(site.surveyCode);
    expect((await submit(input)).status).toBe(201);
    const rollupsAfterFirst = await count('rollup_fine');
    const retries = await Promise.all([submit(input), submit(input), submit(input)]);
    for (const res of retries) {
      expect(res.status).toBe(200);
      expect(((await res.json()) as { status: string }).status).toBe('duplicate');
    }
    expect(await count('responses')).toBe(1);
    const n = await t.db.kysely.selectFrom('rollup_unit_day').select((eb) => eb.fn.sum<number>('n').as('n')).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(5);
    expect(await count('rollup_fine')).toBe(rollupsAfterFirst);
  });

  it('group-commits concurrent submissions and answers each after its batch commits', async () => {
    const inputs = Array.from({ length: 200 }, () => aResponse(site.surveyCode));
    const results = await Promise.all(inputs.map((i) => submit(i)));
    expect(results.map((r) => r.status)).toEqual(inputs.map(() => 201));
    expect(await count('responses')).toBe(200);
  });

  it.each([
    ['unknown criterion', { answers: { 'QUAY.9': 5 } }, 400, 'validation_failed'],
    ['out-of-range score', { answers: { 'QUAY.1': 6 } }, 400, 'validation_failed'],
    ['zero score', { answers: { 'QUAY.1': 0 } }, 400, 'validation_failed'],
    ['no answers', { answers: {} }, 400, 'validation_failed'],
    ['wrong instrument', { instrumentId: 'S17@1' }, 409, 'wrong_instrument'],
    ['oversized comment', { comment: 'x'.repeat(2001) }, 400, 'validation_failed'],
    ['not a uuid', { id: 'abc' }, 400, 'validation_failed'],
    ['unknown field', { extra: 1 }, 400, 'validation_failed'],
  ])('refuses %s with %i %s and writes nothing', async (_name, override, status, code) => {
    const res = await submit({ ...aResponse(site.surveyCode), ...override });
    expect(res.status).toBe(status);
    expect(ErrorBody.parse(await res.json()).error.code).toBe(code);
    expect(await count('responses')).toBe(0);
  });

  it('stops accepting a survey point closed after a submission within two seconds', async () => {
    expect((await submit(aResponse(site.surveyCode))).status).toBe(201);
    await t.db.kysely.updateTable('survey_points').set({ status: 'closed' }).execute();
    t.clock.advance(2001);
    const res = await submit(aResponse(site.surveyCode));
    expect(res.status).toBe(409);
    expect(ErrorBody.parse(await res.json()).error.code).toBe('survey_point_closed');
  });

  it('refuses a closed survey point', async () => {
    await t.db.kysely.updateTable('survey_points').set({ status: 'closed' }).execute();
    const res = await submit(aResponse(site.surveyCode));
    expect(res.status).toBe(409);
    expect(ErrorBody.parse(await res.json()).error.code).toBe('survey_point_closed');
  });

  it('accepts but flags as suspect a device that answers one survey point too often, and excludes it from rollups', async () => {
    const mark = 'device-123';
    const statuses = [];
    for (let i = 0; i < t.config.deviceLimitPerHour + 2; i++) {
      statuses.push((await submit(aResponse(site.surveyCode, { deviceMark: mark }))).status);
    }
    expect(statuses.every((s) => s === 201)).toBe(true);
    const rows = await t.db.kysely.selectFrom('responses').select('suspect').execute();
    expect(rows.filter((r) => r.suspect === 1)).toHaveLength(2);
    const overall = await t.db.kysely
      .selectFrom('rollup_unit_day')
      .select((eb) => eb.fn.sum<number>('n').as('n'))
      .where('criterion', '=', 'QUAY.1')
      .executeTakeFirstOrThrow();
    expect(Number(overall.n)).toBe(t.config.deviceLimitPerHour);
    const marks = await t.db.kysely.selectFrom('device_marks').select('mark_hash').execute();
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.every((m) => !m.mark_hash.includes(mark) && /^[0-9a-f]{32}$/.test(m.mark_hash))).toBe(true);
  });

  it('flags kiosk submissions that come faster than one citizen can answer, without a device limit', async () => {
    const kiosk = await aSite(t.db, t.clock, { communeCode: '31951', kiosk: true });
    const statuses = [];
    statuses.push((await submit(aResponse(kiosk.surveyCode, { kiosk: true }))).status);
    t.clock.advance(5_000);
    statuses.push((await submit(aResponse(kiosk.surveyCode, { kiosk: true }))).status);
    t.clock.advance(t.config.kioskMinGapSeconds * 1000 + 1);
    for (let i = 0; i < t.config.deviceLimitPerHour + 1; i++) {
      statuses.push((await submit(aResponse(kiosk.surveyCode, { kiosk: true }))).status);
      t.clock.advance(t.config.kioskMinGapSeconds * 1000 + 1);
    }
    expect(statuses.every((s) => s === 201)).toBe(true);
    const rows = await t.db.kysely.selectFrom('responses').select(['suspect', 'channel']).orderBy('submitted_at').execute();
    expect(rows.map((r) => r.suspect)).toEqual([0, 1, ...Array(t.config.deviceLimitPerHour + 1).fill(0)]);
    expect(rows.every((r) => r.channel === 'counter_tablet')).toBe(true);
  });

  it('stores a client-claimed kiosk answer on an ordinary QR point as qr_web, under the device limit (issue #21, finding 5)', async () => {
    const statuses = [];
    for (let i = 0; i < t.config.deviceLimitPerHour + 2; i++) {
      statuses.push((await submit(aResponse(site.surveyCode, { kiosk: true, deviceMark: 'one-phone' }))).status);
    }
    expect(statuses.every((s) => s === 201)).toBe(true);
    const rows = await t.db.kysely.selectFrom('responses').select(['channel', 'suspect', 'suspect_reason']).orderBy('submitted_at').execute();
    expect(rows.every((r) => r.channel === 'qr_web')).toBe(true);
    expect(rows.filter((r) => r.suspect === 1)).toEqual(Array(2).fill({ channel: 'qr_web', suspect: 1, suspect_reason: 'device_limit' }));
  });

  it('survives 10,000 malformed bodies with no 5xx and no rows written', async () => {
    const valid = aResponse(site.surveyCode);
    const anyJson = fc.jsonValue();
    const mutated = fc.oneof(
      anyJson,
      fc.record({ ...Object.fromEntries(Object.keys(valid).map((k) => [k, anyJson])) }, { requiredKeys: [] }),
      fc.record({
        id: fc.oneof(fc.uuid(), fc.string()),
        code: fc.oneof(fc.constant(site.surveyCode), fc.string()),
        instrumentId: fc.oneof(fc.constant('QUAY@1'), fc.string()),
        answers: fc.dictionary(fc.oneof(fc.constantFrom('QUAY.1', 'QUAY.ALL', 'QUAY.9'), fc.string()), fc.oneof(fc.integer(), fc.double(), fc.constant(null), fc.string())),
        comment: fc.oneof(fc.string(), fc.integer()),
        lang: fc.oneof(fc.constantFrom('vi', 'en'), fc.string()),
      }),
    );
    const bodies = fc.oneof(
      mutated.map((v) => JSON.stringify(v)),
      fc.string(),
      fc.string().map((s) => `{"id":${s}`),
    );
    const quay = new Set(['QUAY.1', 'QUAY.2', 'QUAY.3', 'QUAY.4', 'QUAY.ALL']);
    /** Independent statement of "valid": a case that happens to be valid is not a malformed body. */
    const isValid = (body: string) => {
      try {
        const parsed = SurveyResponseInput.safeParse(JSON.parse(body));
        if (!parsed.success) return false;
        const entries = Object.entries(parsed.data.answers);
        return (
          parsed.data.code === site.surveyCode &&
          parsed.data.instrumentId === 'QUAY@1' &&
          entries.length > 0 &&
          entries.every(([k]) => quay.has(k)) &&
          [...(parsed.data.comment?.trim() ?? '')].length <= 2000 &&
          !parsed.data.demographics
        );
      } catch {
        return false;
      }
    };
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        fc.pre(!isValid(body));
        const res = await t.app.request('/api/responses', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        ErrorBody.parse(await res.json());
      }),
      { numRuns: 10_000 },
    );
    expect(await count('responses')).toBe(0);
    expect(await count('rollup_fine')).toBe(0);
  }, 120_000);
});

describe('per-address limit (issue #21, finding 4)', () => {
  beforeEach(async () => {
    // Behind a trusted proxy, so each request can come from its own citizen address.
    await t.cleanup();
    t = await makeTestApp({ env: { TRUST_PROXY: 'true' } });
    site = await aSite(t.db, t.clock);
  });

  /** One citizen's phone (its own marker and browser) at an address. */
  const fromAddress = (address: string, overrides: Partial<SurveyResponseInput> = {}) =>
    submit(aResponse(site.surveyCode, { deviceMark: randomUUID(), ...overrides }), { 'x-forwarded-for': address, 'user-agent': `phone-${randomUUID()}` });
  const flagged = async () => t.db.kysely.selectFrom('responses').select('suspect_reason').where('suspect', '=', 1).execute();
  const anInvitationToken = async () => {
    const centre = await t.db.kysely.selectFrom('units').select(['id', 'path']).where('id', '=', site.centreId).executeTakeFirstOrThrow();
    const deps = { db: t.db, config: t.config, clock: t.clock, logger: silentLogger };
    const { token } = await createInvitation(deps, { id: newId(), unitId: centre.id, unitPath: centre.path }, { dossierCode: `HS-${randomUUID()}`, counterCode: 'Q1' });
    return token;
  };

  it('counts a busy counter behind one shared address in full under the default limit, and the answer past it is flagged', async () => {
    expect(t.config.addressLimitPerHour).toBe(30);
    // 30 citizens within the hour on the centre's Wi-Fi (one public address), each on their own phone.
    for (let i = 0; i < 30; i++) {
      expect((await fromAddress('203.0.113.7')).status).toBe(201);
      t.clock.advance(100_000);
    }
    expect((await fromAddress('203.0.113.8')).status).toBe(201);
    expect(await flagged()).toEqual([]);
    expect((await fromAddress('203.0.113.7')).status).toBe(201);
    expect(await flagged()).toEqual([{ suspect_reason: 'address_limit' }]);
  });

  it('counts a phone by its IPv6 /64 network, in which it can take new addresses at will', async () => {
    for (let i = 0; i < 33; i++) expect((await fromAddress(`2001:db8:aa:1:${(i + 1).toString(16)}::${i}`)).status).toBe(201);
    expect((await fromAddress('2001:db8:aa:2::1')).status).toBe(201);
    expect(await flagged()).toEqual(Array(3).fill({ suspect_reason: 'address_limit' }));
  });

  it('leaves answers given through single-use invitations out of the address count', async () => {
    for (let i = 0; i < 30; i++) expect((await fromAddress('203.0.113.9')).status).toBe(201);
    const tokens = await Promise.all([1, 2].map(() => anInvitationToken()));
    for (const token of tokens) {
      const res = await submit(aResponse(token), { 'x-forwarded-for': '203.0.113.9', 'user-agent': `phone-${randomUUID()}` });
      expect(res.status).toBe(201);
    }
    expect(await flagged()).toEqual([]);
  });
});

describe('subscriberBlock', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:aa:1:2:3:4:5', '2001:db8:aa:1::/64'],
    ['2001:DB8:AA:1::9', '2001:db8:aa:1::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['1::2:3:4:5:1.2.3.4', '1:0:2:3::/64'],
    ['', ''],
  ])('%s → %s', (address, block) => {
    expect(subscriberBlock(address)).toBe(block);
  });
});
