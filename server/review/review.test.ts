import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorBody } from '../../schema/errors.js';
import type { ReviewDecisionResult, ReviewPage } from '../../schema/review.js';
import { aSession, asSession, aUser } from '../testing/auth.js';
import { rollupRows } from '../testing/durability.js';
import { rebuildRollups } from '../rollups/index.js';
import { aResponse, aSite, postJson, type TestSite } from '../testing/builders.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';

/** Small enough that a test bursts past it quickly; the default (30) is for a busy counter behind shared Wi-Fi. */
const ADDRESS_LIMIT = 10;

let t: TestContext;
let site: TestSite;
let supervisor: Record<string, string>;
beforeEach(async () => {
  t = await makeTestApp({ env: { ADDRESS_LIMIT_PER_HOUR: String(ADDRESS_LIMIT), TRUST_PROXY: 'true' } });
  site = await aSite(t.db, t.clock);
  const user = await aUser(t.db, t.clock, { grants: [{ role: 'centre_supervisor', unitId: site.centreId }] });
  supervisor = asSession(await aSession(t, user.id));
});
afterEach(async () => t.cleanup());

const ALL_ONES = { 'QUAY.1': 1, 'QUAY.2': 1, 'QUAY.3': 1, 'QUAY.4': 1, 'QUAY.ALL': 1 };

const reviewList = async (headers: Record<string, string>, query = '') => {
  const res = await t.app.request(`/api/admin/review${query}`, { headers });
  expect(res.status).toBe(200);
  return (await res.json()) as ReviewPage;
};
const decide = (headers: Record<string, string>, ids: string[], decision: 'accept' | 'reject') =>
  t.app.request(...postJson('/api/admin/review/decisions', { ids, decision }, headers));

/** Answers of QUAY.1 in the rollups: what every score of the centre is computed from. */
async function countedAnswers(): Promise<number> {
  const row = await t.db.kysely
    .selectFrom('rollup_unit_day')
    .select((eb) => eb.fn.sum<number>('n').as('n'))
    .where('criterion', '=', 'QUAY.1')
    .executeTakeFirstOrThrow();
  return Number(row.n ?? 0);
}

/** Sends answers from one citizen address (a trusted proxy's X-Forwarded-For) to the site's point. */
const fromAddress = (address: string, overrides: Parameters<typeof aResponse>[1] = {}) =>
  t.app.request(...postJson('/api/responses', aResponse(site.surveyCode, { answers: ALL_ONES, ...overrides }), { 'x-forwarded-for': address, 'user-agent': `phone-${randomUUID()}` }));

describe('ballot stuffing from one address (issue #21, findings 4 and 5)', () => {
  it('counts at most the configured number of 40 answers from one address in a minute, whatever their headers, flags the rest and lists them for review', async () => {
    // The real app on a real port: the address comes from the socket (127.0.0.1), as it does without a proxy.
    const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) {
        const body = aResponse(site.surveyCode, {
          answers: ALL_ONES,
          // A new user agent each time; the device marker absent, random, or reused; kiosk claimed on a QR point.
          ...(i % 3 === 0 ? {} : { deviceMark: i % 3 === 1 ? randomUUID() : 'same-phone' }),
          kiosk: i % 2 === 0,
        });
        const res = await fetch(`http://127.0.0.1:${port}/api/responses`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': `Mozilla/5.0 (Linux; Android 10; SM-A${i}${randomUUID().slice(0, 6)})` },
          body: JSON.stringify(body),
        });
        statuses.push(res.status);
        t.clock.advance(1_400);
      }
      expect(statuses).toEqual(Array(40).fill(201));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const rows = await t.db.kysely.selectFrom('responses').select(['suspect', 'suspect_reason', 'channel']).execute();
    expect(rows).toHaveLength(40);
    expect(rows.filter((r) => r.suspect === 0)).toHaveLength(ADDRESS_LIMIT);
    expect(rows.filter((r) => r.suspect === 1).length).toBe(40 - ADDRESS_LIMIT);
    // Kiosk behaviour is the point's: a client's "kiosk": true neither changes the channel nor skips the device limit.
    expect(new Set(rows.map((r) => r.channel))).toEqual(new Set(['qr_web']));
    expect(await countedAnswers()).toBe(ADDRESS_LIMIT);

    const page = await reviewList(supervisor);
    expect(page.counts).toEqual({ pending: 40 - ADDRESS_LIMIT, accepted: 0, rejected: 0 });
    expect(page.reasons).toEqual({ address_limit: 40 - ADDRESS_LIMIT, device_limit: 0, kiosk_gap: 0, other: 0 });
    expect(page.groups).toEqual([
      expect.objectContaining({ surveyPointId: site.surveyPointId, pending: 40 - ADDRESS_LIMIT, accepted: 0, rejected: 0, counted: ADDRESS_LIMIT, day: '2026-11-20', hour: 10 }),
    ]);
    expect(page.items).toHaveLength(40 - ADDRESS_LIMIT);
    expect(page.items[0]).toMatchObject({ status: 'pending', ratings: ALL_ONES, counter: { code: 'Q1', name: 'Quầy 1' } });
  });

});

describe('reviewing flagged answers (issue #21, finding 7)', () => {
  const flaggedIds = async () => (await t.db.kysely.selectFrom('responses').select('id').where('suspect', '=', 1).orderBy('id').execute()).map((r) => r.id);

  /** ADDRESS_LIMIT answers counted and `extra` flagged, all from one address within this hour; the flagged ids. */
  async function burst(extra: number): Promise<string[]> {
    const earlier = new Set(await flaggedIds());
    for (let i = 0; i < ADDRESS_LIMIT + extra; i++) expect((await fromAddress('192.0.2.50')).status).toBe(201);
    const flagged = (await flaggedIds()).filter((id) => !earlier.has(id));
    expect(flagged).toHaveLength(extra);
    return flagged;
  }

  it('brings accepted answers into the scores and keeps rejected ones out, audited, with rollups that a rebuild agrees with', async () => {
    const ids = await burst(6);
    expect(await countedAnswers()).toBe(ADDRESS_LIMIT);

    const accepted = await decide(supervisor, ids.slice(0, 2), 'accept');
    expect(accepted.status).toBe(200);
    expect((await accepted.json()) as ReviewDecisionResult).toEqual({ decision: 'accept', changed: 2, unchanged: 0 });
    const rejected = await decide(supervisor, ids.slice(2), 'reject');
    expect((await rejected.json()) as ReviewDecisionResult).toEqual({ decision: 'reject', changed: 4, unchanged: 0 });
    expect(await countedAnswers()).toBe(ADDRESS_LIMIT + 2);

    const incremental = await rollupRows(t.db.kysely);
    await rebuildRollups(t.db);
    expect(await rollupRows(t.db.kysely)).toEqual(incremental);

    const page = await reviewList(supervisor);
    expect(page.counts).toEqual({ pending: 0, accepted: 2, rejected: 4 });
    expect(page.items).toEqual([]);
    expect((await reviewList(supervisor, '?status=accepted')).items.map((i) => i.id).sort()).toEqual(ids.slice(0, 2));
    expect((await reviewList(supervisor, '?status=rejected')).groups).toEqual([expect.objectContaining({ rejected: 4, counted: ADDRESS_LIMIT + 2 })]);

    const audit = await t.db.kysely.selectFrom('audit_log').select(['action', 'entity_id', 'before', 'after', 'actor_label']).where('entity', '=', 'response').execute();
    expect(audit).toHaveLength(6);
    expect(audit.filter((a) => a.action === 'response.review_accept').map((a) => a.entity_id).sort()).toEqual(ids.slice(0, 2));
    expect(JSON.parse(audit[0]!.before!)).toEqual({ suspect: true, review: null, reason: 'address_limit' });
    expect(JSON.parse(audit[0]!.after!)).toEqual({ suspect: false, review: 'accepted', reason: 'address_limit' });
  });

  it('takes an accepted answer out of the scores again when it is rejected later, and counts a repeated decision once', async () => {
    const [id] = await burst(1);
    const twice = await Promise.all([decide(supervisor, [id!], 'accept'), decide(supervisor, [id!], 'accept')]);
    const results = (await Promise.all(twice.map((r) => r.json()))) as ReviewDecisionResult[];
    expect(results.map((r) => r.changed).sort()).toEqual([0, 1]);
    expect(await countedAnswers()).toBe(ADDRESS_LIMIT + 1);
    expect(((await (await decide(supervisor, [id!], 'reject')).json()) as ReviewDecisionResult).changed).toBe(1);
    expect(await countedAnswers()).toBe(ADDRESS_LIMIT);
    const incremental = await rollupRows(t.db.kysely);
    await rebuildRollups(t.db);
    expect(await rollupRows(t.db.kysely)).toEqual(incremental);
  });

  it('refuses ordinary answers, unknown ids, viewers and other centres, changing nothing', async () => {
    const [flagged] = await burst(1);
    const ordinary = (await t.db.kysely.selectFrom('responses').select('id').where('suspect', '=', 0).executeTakeFirstOrThrow()).id;
    const other = await aSite(t.db, t.clock, { communeCode: '31951' });
    const otherSupervisor = asSession(await aSession(t, (await aUser(t.db, t.clock, { grants: [{ role: 'centre_supervisor', unitId: other.centreId }] })).id));
    const viewer = asSession(await aSession(t, (await aUser(t.db, t.clock, { grants: [{ role: 'viewer', unitId: site.centreId }] })).id));
    const before = await rollupRows(t.db.kysely);

    const cases: [Record<string, string>, string[], number, string][] = [
      [supervisor, [flagged!, ordinary], 409, 'conflict'],
      [supervisor, [flagged!, randomUUID()], 404, 'not_found'],
      [otherSupervisor, [flagged!], 403, 'forbidden_unit'],
      [viewer, [flagged!], 403, 'forbidden'],
      [{ ...supervisor, 'x-csrf-token': 'wrong' }, [flagged!], 403, 'csrf_failed'],
    ];
    for (const [headers, ids, status, code] of cases) {
      const res = await decide(headers, ids, 'reject');
      expect(res.status).toBe(status);
      expect(ErrorBody.parse(await res.json()).error.code).toBe(code);
    }
    expect((await decide(supervisor, [], 'accept')).status).toBe(400);
    expect(await rollupRows(t.db.kysely)).toEqual(before);
    expect(await t.db.kysely.selectFrom('responses').select('id').where('review', 'is not', null).execute()).toEqual([]);
    // The other centre's supervisor sees none of this centre's flagged answers; the viewer sees them.
    expect((await reviewList(otherSupervisor)).counts).toEqual({ pending: 0, accepted: 0, rejected: 0 });
    expect((await reviewList(viewer)).counts.pending).toBe(1);
  });

  it('lists one hour of one point on request, and only inside the unit asked for', async () => {
    await burst(3);
    t.clock.advance(3_600_000);
    await burst(3);
    // An hour later: a fresh sign-in (sessions expire after 30 idle minutes).
    const user = await aUser(t.db, t.clock, { grants: [{ role: 'centre_supervisor', unitId: site.centreId }] });
    supervisor = asSession(await aSession(t, user.id));
    const all = await reviewList(supervisor);
    expect(all.counts.pending).toBe(6);
    expect(all.groups.map((g) => [g.hour, g.pending])).toEqual([
      [11, 3],
      [10, 3],
    ]);
    const one = await reviewList(supervisor, `?surveyPointId=${site.surveyPointId}&day=2026-11-20&hour=10`);
    expect(one.items).toHaveLength(3);
    expect(one.total).toBe(3);
    expect(one.items.every((i) => i.hour === 10)).toBe(true);
    const other = await aSite(t.db, t.clock, { communeCode: '31951' });
    const res = await t.app.request(`/api/admin/review?unitId=${other.centreId}`, { headers: supervisor });
    expect(res.status).toBe(403);
  });
});
