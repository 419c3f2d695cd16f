import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DossierState } from '../../schema/dossiers.js';
import type { IndicatorReport } from '../../schema/indicators.js';
import type { InvitationIssued } from '../../schema/invitations.js';
import { insertApiKey } from '../apikeys/keys.js';
import { aSession, asSession, aUser, type TestSession } from '../testing/auth.js';
import { newId } from '../ids.js';
import { aResponse, aSite, postJson, type TestSite } from '../testing/builders.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { addDays } from '../time.js';

/**
 * The methodology's vectors for the TT 01/2018 indicators (T8–T11) and QĐ 766 5.4 (T12), sent as a
 * one-stop system sends them (invitation, survey answer, PATCH at return, unit-level PUT) and read
 * back through GET /api/admin/indicators: the whole path, not only the engine.
 */

let t: TestContext;
let key: string;
let admin: TestSession;
const sites: Record<string, TestSite & { code: string }> = {};
const staff: Record<string, string> = {};

/** (D18.1, D18.2, D18.3, D18.4, D18.7) of one dossier. */
type Tuple = [number, number, number, number, number];

const at = (day: string, hour: number) => `${day}T${String(hour).padStart(2, '0')}:00:00+07:00`;
/** A day `score` makes early (2), on time (1) or late (0) against `due`. */
const doneFor = (due: string, score: number) => addDays(due, score === 2 ? -1 : score === 1 ? 0 : 1);
/** 2 → none, 1 → one, 0 → two (contacts needed, agencies contacted). */
const countFor = (score: number) => 2 - score;
/** The citizen's attitude answer: 5 Rất hài lòng → 2, 4 Hài lòng → 1, 3 Chưa hài lòng → 0. */
const attitudeFor = (score: number) => [3, 4, 5][score]!;

async function api(path: string, method: string, body: unknown) {
  const res = await t.app.request(path, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as unknown };
}

let serial = 0;

/**
 * One dossier through the integration API: issued with its agency step, answered by the citizen,
 * then completed by PATCH at return. Answers the PATCH reply.
 */
async function dossier(site: string, official: string, [d1, d2, d3, d4, d7]: Tuple, extra: Record<string, unknown> = {}): Promise<DossierState> {
  const code = `H96-${site}-${++serial}`;
  const due = '2026-11-10';
  const issued = await api('/api/v1/invitations', 'POST', {
    dossierCode: code,
    unitCode: sites[site]!.code,
    counterCode: 'Q1',
    staffCode: official,
    receivedAt: at('2026-11-03', 9),
    dueAt: at(due, 17),
    agencySteps: [{ agency: 'Phòng Tư pháp', dueAt: at('2026-11-07', 17), completedAt: at(doneFor('2026-11-07', d2), 10) }],
  });
  expect(issued.status).toBe(201);
  const token = (issued.body as InvitationIssued).url.split('/s/')[1]!;
  const answer = aResponse(token, { answers: { 'QUAY.1': 5, 'QUAY.2': attitudeFor(d7), 'QUAY.3': 4, 'QUAY.4': 4, 'QUAY.ALL': 4 } });
  expect((await t.app.request(...postJson('/api/responses', answer))).status).toBe(201);
  const patched = await api(`/api/v1/dossiers/${encodeURIComponent(code)}`, 'PATCH', {
    returnedAt: at(doneFor(due, d1), 15),
    completionContacts: countFor(d3),
    agenciesContacted: countFor(d4),
    ...extra,
  });
  expect(patched.status).toBe(200);
  return patched.body as DossierState;
}

async function indicators(query: string): Promise<IndicatorReport> {
  const res = await t.app.request(`/api/admin/indicators?${query}`, { headers: asSession(admin) });
  expect(res.status).toBe(200);
  return (await res.json()) as IndicatorReport;
}

const T8: Tuple[] = [
  [2, 2, 2, 2, 2],
  [1, 1, 2, 1, 1],
  [0, 1, 1, 2, 1],
  [2, 2, 2, 2, 2],
  [2, 1, 2, 1, 2],
];
const T9: Tuple[] = [
  [1, 1, 1, 1, 0],
  [0, 1, 1, 1, 1],
  [1, 0, 1, 1, 1],
];
const T10: Tuple[] = [
  [0, 0, 1, 1, 0],
  [0, 1, 0, 1, 0],
];

beforeAll(async () => {
  t = await makeTestApp();
  for (const [name, commune] of [['a', '31001'], ['b', '31002'], ['c', '31003'], ['d', '31004'], ['e', '31005'], ['f', '31006'], ['q1', '31011'], ['q2', '31012']] as const) {
    const site = await aSite(t.db, t.clock, { communeCode: commune });
    sites[name] = { ...site, code: `${commune}-TT` };
  }
  const provinceId = sites.a!.provinceId;
  const now = t.clock.now().toISOString();
  await t.db.write(async (tx) => {
    for (const [name, code] of [['A', 'CB-A'], ['B', 'CB-B'], ['C', 'CB-C'], ['D', 'CB-D']] as const) {
      staff[name] = code;
      await tx.insertInto('staff').values({ id: newId(), province_id: provinceId, code, name: `Cán bộ ${name}`, created_at: now, updated_at: now }).execute();
    }
  });
  key = (await t.db.write((tx) => insertApiKey(tx, { unitId: provinceId, name: 'Một cửa', createdBy: null, at: t.clock.now() }))).key;
  const user = await aUser(t.db, t.clock, { grants: [{ role: 'provincial_officer', unitId: provinceId }] });
  admin = await aSession(t, user.id);
}, 60_000);
afterAll(() => t.cleanup());

describe('TT 01/2018 indicators through the API (methodology §8 T8–T11)', () => {
  it('each PATCH answers the dossier scores the vector gives it', async () => {
    const replies = [];
    for (const tuple of T8) replies.push(await dossier('a', staff.A!, tuple, { publication: 'one_of_them', complaints: [] }));
    expect(replies.map((r) => [r.scores['D18.1'], r.scores['D18.2'], r.scores['D18.3'], r.scores['D18.4'], r.scores['D18.7']])).toEqual(T8);
    expect(replies.every((r) => r.answered && r.scores['D18.6'] === 1 && !r.overdue === (r.scores['D18.1'] !== 0))).toBe(true);
    for (const tuple of T9) await dossier('b', staff.B!, tuple);
    for (const [i, tuple] of T10.entries()) await dossier('c', staff.C!, tuple, { publication: i === 0 ? 'one_of_them' : 'neither' });
    await dossier('d', staff.D!, [2, 2, 2, 2, 2], { publication: 'posted_and_online', complaints: [] });
    await dossier('e', staff.D!, [2, 2, 2, 2, 2]);
    await dossier('f', staff.D!, [1, 1, 1, 1, 1], { publication: 'one_of_them' });
    await dossier('f', staff.D!, [1, 1, 0, 1, 1], { publication: 'neither' });
  }, 60_000);

  it('officials A, B and C total 7.8, 4.1 and 2.0, classified 100%, 70–<100% and <70% (T8–T10)', async () => {
    const report = await indicators('period=quarter&at=2026-Q4');
    const byCode = Object.fromEntries(report.officials.map((o) => [o.code, o]));
    const scores = (code: string) => ['D18.1', 'D18.2', 'D18.3', 'D18.4', 'D18.7'].map((c) => byCode[code]!.indicators[c]!.score);
    expect(scores('CB-A')).toEqual([1.4, 1.4, 1.8, 1.6, 1.6]);
    expect([byCode['CB-A']!.total, byCode['CB-A']!.classification, byCode['CB-A']!.maxTotal]).toEqual([7.8, 'complete_100', 10]);
    expect(scores('CB-B')).toEqual([0.7, 0.7, 1, 1, 0.7]);
    // Rounding each indicator first matters: unrounded the sum would be 4.0.
    expect([byCode['CB-B']!.total, byCode['CB-B']!.classification]).toEqual([4.1, 'complete_70_100']);
    expect(scores('CB-C')).toEqual([0, 0.5, 0.5, 1, 0]);
    expect([byCode['CB-C']!.total, byCode['CB-C']!.classification]).toEqual([2, 'below_70']);
    expect(byCode['CB-A']!.indicators['D18.1']!.dossiers).toBe(5);
    expect(byCode['CB-A']!.omitted).toEqual([]);
  });

  it('agencies: unit-level scores given by PUT complete the nine, and an indicator without data is left out (T11)', async () => {
    const put = (site: string, scores: Record<string, number | null>) => api('/api/v1/unit-indicators', 'PUT', { unitCode: sites[site]!.code, period: '2026-Q4', scores });
    expect((await put('a', { 'D18.5': 2, 'D18.9': 1 })).status).toBe(200);
    expect((await put('e', { 'D18.5': 2, 'D18.6': 1, 'D18.8': 1, 'D18.9': 1 })).status).toBe(200);
    expect((await put('f', { 'D18.5': 0, 'D18.8': 0.9, 'D18.9': 0 })).status).toBe(200);
    expect((await put('d', { 'D18.5': 2 })).status).toBe(200);
    // null removes a score given earlier.
    expect((await put('c', { 'D18.5': 1, 'D18.9': 1 })).status).toBe(200);
    expect(await put('c', { 'D18.9': null })).toEqual({ status: 200, body: { unitCode: sites.c!.code, period: '2026-Q4', scores: { 'D18.5': 1 } } });

    const report = await indicators('period=quarter&at=2026-Q4');
    const byCode = Object.fromEntries(report.agencies.map((a) => [a.unit.code, a]));
    const agency = (site: string) => byCode[sites[site]!.code]!;
    const nine = (site: string) => report.definitions.map((d) => agency(site).indicators[d.code]?.score ?? null);
    const result = (site: string) => [agency(site).total, agency(site).classification];
    expect(nine('a')).toEqual([1.4, 1.4, 1.8, 1.6, 2, 1, 1.6, 2, 1]);
    expect(result('a')).toEqual([13.8, 'tot']);
    expect(agency('a').indicators['D18.8']).toEqual({ score: 2, dossiers: 5, source: 'complaints' });
    expect(agency('a').indicators['D18.5']).toEqual({ score: 2, dossiers: null, source: 'unit' });
    expect(nine('e')).toEqual([2, 2, 2, 2, 2, 1, 2, 1, 1]);
    expect(result('e')).toEqual([15, 'xuat_sac']);
    expect(nine('f')).toEqual([1, 1, 0.5, 1, 0, 0.5, 1, 0.9, 0]);
    expect(result('f')).toEqual([5.9, 'yeu']);
    expect([...result('d'), agency('d').omitted, agency('d').maxTotal]).toEqual([16, 'xuat_sac', ['D18.9'], 18]);
    expect(agency('c').indicators['D18.9']).toBeUndefined();
    expect(report.withoutData).toEqual([]);
  });

  it('a year takes the scores given for its quarters', async () => {
    const report = await indicators(`period=year&at=2026&unitId=${sites.a!.centreId}`);
    expect(report.agencies.map((a) => [a.unit.code, a.total, a.classification])).toEqual([[sites.a!.code, 13.8, 'tot']]);
    expect(report.officials.map((o) => o.code)).toEqual(['CB-A']);
  });
});

describe('QĐ 766 5.4 through the API (methodology §8 T12)', () => {
  /** Issues `n` dossiers at a centre, the first `overdue` late and those in [dislikedFrom, dislikedTo) with a complaint. */
  async function issue(site: string, n: number, overdue: number, disliked: [number, number]) {
    for (let i = 0; i < n; i++) {
      const complaint = i >= disliked[0] && i < disliked[1];
      const res = await api('/api/v1/invitations', 'POST', {
        dossierCode: `Q766-${site}-${i}`,
        unitCode: sites[site]!.code,
        receivedAt: at('2026-10-05', 9),
        dueAt: at('2026-10-20', 17),
        returnedAt: at(i < overdue ? '2026-10-22' : '2026-10-19', 10),
        ...(complaint && { complaints: [{ receivedAt: at('2026-10-23', 9), dueAt: at('2026-11-06', 17), answeredAt: at('2026-11-02', 9) }] }),
      });
      expect(res.status).toBe(201);
    }
  }

  // T12's "200 dossiers, 30 overdue, 10 with a complaint" at a tenth of the size (each issue draws a QR code).
  it('20 dossiers, 3 overdue, 1 with a complaint → 80.00, 5.33 points; 100 with 10 overdue, 5 disliked of which 3 overdue → 85.00 (5.67) or 88.00 (5.87) deduplicated', async () => {
    await issue('q1', 20, 3, [10, 11]);
    await issue('q2', 100, 10, [7, 12]);
    const get = async (dedupe: boolean) => Object.fromEntries((await indicators(`period=quarter&at=2026-Q4&dedupe=${dedupe}`)).agencies.map((a) => [a.unit.code, a.q766]));
    const asWritten = await get(false);
    expect(asWritten[sites.q1!.code]).toMatchObject({ dossiers: 20, overdue: 3, disliked: 1, rate: 80, maxPoints: 6 });
    expect(asWritten[sites.q1!.code]!.points).toBeCloseTo(5.3333, 4);
    expect(asWritten[sites.q2!.code]).toMatchObject({ dossiers: 100, overdue: 10, disliked: 5, overdueAndDisliked: 3, rate: 85 });
    expect(asWritten[sites.q2!.code]!.points).toBeCloseTo(5.6667, 4);
    const union = await get(true);
    expect(union[sites.q2!.code]).toMatchObject({ rate: 88 });
    expect(union[sites.q2!.code]!.points).toBeCloseTo(5.8667, 4);
  }, 60_000);

  it('a scope without dossiers has no ratio (N/A), not 0', async () => {
    const report = await indicators('period=quarter&at=2025-Q1');
    expect(report.q766).toMatchObject({ dossiers: 0, rate: null, points: null });
    expect(report.agencies).toEqual([]);
    expect(report.withoutData).toHaveLength(9);
  });
});

describe('bad input', () => {
  it('an unknown dossier is 404, an invalid update 400, an empty one 400', async () => {
    expect((await api('/api/v1/dossiers/NO-SUCH', 'PATCH', { late: true })).status).toBe(404);
    const bad = await api(`/api/v1/dossiers/${encodeURIComponent('H96-a-1')}`, 'PATCH', { completionContacts: -1 });
    expect(bad.status).toBe(400);
    expect((await api(`/api/v1/dossiers/${encodeURIComponent('H96-a-1')}`, 'PATCH', { unitCode: sites.a!.code })).status).toBe(400);
    const early = await api(`/api/v1/dossiers/${encodeURIComponent('H96-a-1')}`, 'PATCH', { returnedAt: at('2026-10-01', 9) });
    expect(early).toMatchObject({ status: 400, body: { error: { code: 'validation_failed', issues: [{ path: ['returnedAt'] }] } } });
    expect((await api('/api/v1/unit-indicators', 'PUT', { period: '2026-Q5', scores: { 'D18.5': 1 } })).status).toBe(400);
    expect((await api('/api/v1/unit-indicators', 'PUT', { period: '2026', scores: { 'D18.5': 1.25 } })).status).toBe(400);
    expect((await api('/api/v1/unit-indicators', 'PUT', { period: '2026', scores: { 'D18.1': 1 } })).status).toBe(400);
    const res = await t.app.request('/api/admin/indicators?period=month', { headers: asSession(admin) });
    expect(res.status).toBe(400);
  });
});
