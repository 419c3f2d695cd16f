import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_RULES, type AlertList, type AlertRules, type CaseDetail, type CaseList, type CommentMark } from '../../schema/alerts.js';
import type { CommentPage } from '../../schema/dashboard.js';
import { aSession, asSession, aUser, type TestSession } from '../testing/auth.js';
import { aResponse, aSite, postJson, type TestSite } from '../testing/builders.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { silentLogger } from '../log.js';
import { createApp } from '../app.js';
import { createIntake } from '../intake/intake.js';
import { prepareResponse } from '../intake/prepare.js';
import { writeBatch } from '../intake/store.js';
import { requireInstrument } from '../instruments/store.js';
import { resolveSurveyCode } from '../surveys/resolve.js';
import { followLowComments, openAlertsOf, raiseLowCommentAlerts, startAlertSchedule, sweepAlerts } from './index.js';
import { workingDaysSince } from './sweep.js';

let t: TestContext;
let site: TestSite;
let supervisor: TestSession;
let supervisorId: string;
let officer: TestSession;
let officerId: string;

/** Sessions expire while a test moves its clock on by days: sign in again. */
async function signInAgain() {
  supervisor = await aSession(t, supervisorId);
  officer = await aSession(t, officerId);
}

const deps = () => ({ db: t.db, config: t.config, clock: t.clock, logger: silentLogger });

beforeEach(async () => {
  // A Wednesday in Vietnam.
  t = await makeTestApp({ now: '2026-11-18T03:00:00Z', env: { DEVICE_LIMIT_PER_HOUR: '1' } });
  site = await aSite(t.db, t.clock);
  supervisorId = (await aUser(t.db, t.clock, { grants: [{ role: 'centre_supervisor', unitId: site.centreId }] })).id;
  supervisor = await aSession(t, supervisorId);
  officerId = (await aUser(t.db, t.clock, { grants: [{ role: 'provincial_officer', unitId: site.provinceId }] })).id;
  officer = await aSession(t, officerId);
});
afterEach(() => t.cleanup());

async function submit(overrides: Parameters<typeof aResponse>[1]) {
  const res = await t.app.request(...postJson('/api/responses', aResponse(site.surveyCode, overrides)));
  expect(res.status).toBeLessThan(300);
}

async function get<T>(session: TestSession, path: string): Promise<T> {
  const res = await t.app.request(path, { headers: asSession(session) });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
}

async function putRules(rules: AlertRules | null, unitId = site.centreId) {
  const res = await t.app.request(`/api/admin/alert-rules/${unitId}`, { method: 'PUT', headers: asSession(officer), body: JSON.stringify({ rules }) });
  expect(res.status, await res.clone().text()).toBe(200);
}

describe('rule (c): an answer of 1 with a comment, a moment after the intake commits it', () => {
  it('raises one alert and opens a case assigned to the centre supervisor, linked to the answer', async () => {
    await submit({ answers: { 'QUAY.1': 5, 'QUAY.2': 1, 'QUAY.3': 4, 'QUAY.4': null, 'QUAY.ALL': 3 }, comment: 'Cán bộ quát tháo người dân' });
    // Neither a 1 without a comment nor a comment without a 1 raises anything.
    await submit({ answers: { 'QUAY.1': 1, 'QUAY.2': 1, 'QUAY.3': 1, 'QUAY.4': null, 'QUAY.ALL': 1 } });
    await submit({ answers: { 'QUAY.1': 2, 'QUAY.2': 2, 'QUAY.3': 2, 'QUAY.4': null, 'QUAY.ALL': 2 }, comment: 'Chờ lâu' });
    await t.intake.followUp();
    const alerts = await get<AlertList>(supervisor, '/api/admin/alerts');
    expect(alerts.items.map((a) => a.rule)).toEqual(['low_comment']);
    expect(alerts.items[0]!.title).toContain('QUAY.2');
    expect(alerts.items[0]!.title).not.toContain('quát tháo');
    const cases = await get<CaseList>(supervisor, '/api/admin/cases?mine=true');
    expect(cases.total).toBe(1);
    expect(cases.items[0]).toMatchObject({ status: 'new', source: 'alert', assignee: { id: supervisorId }, alertId: alerts.items[0]!.id, dueDay: '2026-11-25' });
    const detail = await get<CaseDetail>(supervisor, `/api/admin/cases/${cases.items[0]!.id}`);
    expect(detail.answers.map((a) => a.comment)).toEqual(['Cán bộ quát tháo người dân']);
    const audit = await t.db.kysely.selectFrom('audit_log').select('action').where('action', 'in', ['alert.open', 'case.open']).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['alert.open', 'case.open']);
    // The supervisors' e-mail digest lists it, from the province down, and nothing elsewhere.
    const digest = [{ title: alerts.items[0]!.title, unitName: expect.any(String), openedAt: '2026-11-18T03:00:00.000Z' }];
    expect(await openAlertsOf(t.db.kysely, site.provinceId)).toEqual(digest);
    expect(await openAlertsOf(t.db.kysely, site.centreId)).toEqual(digest);
    const elsewhere = await aSite(t.db, t.clock, { provinceCode: '97', communeCode: '97001' });
    expect(await openAlertsOf(t.db.kysely, elsewhere.centreId)).toEqual([]);
  });

  it('is off when the province turns the rule off for the subtree', async () => {
    await putRules({ ...DEFAULT_ALERT_RULES, lowComment: { enabled: false } }, site.provinceId);
    await submit({ answers: { 'QUAY.1': 1, 'QUAY.2': 1, 'QUAY.3': 4, 'QUAY.4': null, 'QUAY.ALL': 3 }, comment: 'Tệ' });
    await t.intake.followUp();
    expect((await get<AlertList>(supervisor, '/api/admin/alerts')).total).toBe(0);
    const view = await get<{ setOn: { id: string } | null; rules: AlertRules }>(supervisor, `/api/admin/alert-rules?unitId=${site.centreId}`);
    expect(view.setOn?.id).toBe(site.provinceId);
    expect(view.rules.lowComment.enabled).toBe(false);
  });
});

describe('rule (c) follows the intake on its own', () => {
  const lowWithComment = { answers: { 'QUAY.1': 1, 'QUAY.2': 4, 'QUAY.3': 4, 'QUAY.4': null, 'QUAY.ALL': 3 }, comment: 'Không ai hướng dẫn' };

  it('raises the alert by itself two seconds after the commit when no other answer comes', async () => {
    await submit(lowWithComment);
    expect((await get<AlertList>(supervisor, '/api/admin/alerts')).total).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await get<AlertList>(supervisor, '/api/admin/alerts')).items.map((a) => a.rule)).toEqual(['low_comment']);
  });

  it('raises it in the transaction of the next answer a second later, before its own timer is due', async () => {
    await submit(lowWithComment);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await get<AlertList>(supervisor, '/api/admin/alerts')).total).toBe(0);
    // The timer would run it two seconds after the first answer; the second answer's batch takes it now.
    await submit({});
    expect((await get<AlertList>(supervisor, '/api/admin/alerts')).items.map((a) => a.rule)).toEqual(['low_comment']);
  });

  it('raises a backlog of many batches in short transactions, every answer once', async () => {
    await t.intake.close();
    const instrument = await requireInstrument(t.db.kysely, 'QUAY@1');
    const target = await resolveSurveyCode(t.db.kysely, t.clock, site.surveyCode);
    // 3 batches of 20 answers of 1 with a comment: more than one transaction's share, with links never split.
    for (let batch = 0; batch < 3; batch++) {
      const items = Array.from({ length: 20 }, () =>
        prepareResponse(aResponse(site.surveyCode, lowWithComment), target, instrument.definition, { now: t.clock.now(), commentMaxChars: 500, deviceMarks: [], addressMark: null }),
      );
      await t.db.write((tx) => writeBatch(tx, items, { ...t.config, deviceLimitPerHour: 1000, addressLimitPerHour: 1000 }));
    }
    expect(await raiseLowCommentAlerts(deps())).toBe(60);
    expect(await raiseLowCommentAlerts(deps())).toBe(0);
    const alerts = await t.db.kysely.selectFrom('alerts').select('dedup_key').where('rule', '=', 'low_comment').execute();
    expect(new Set(alerts.map((a) => a.dedup_key)).size).toBe(60);
  });

  it('reads answers committed just before a crash once the server is back, and each answer only once', async () => {
    // A server that stored the answer and stopped before its follow-up ran (this file's own intake stays out of it).
    await t.intake.close();
    const crashed = createIntake(deps(), { withoutAlerts: true });
    const before = createApp({ ...deps(), ui: {}, intake: crashed });
    const res = await before.request(...postJson('/api/responses', aResponse(site.surveyCode, lowWithComment)));
    expect(res.status).toBe(201);
    await crashed.close();
    expect((await get<AlertList>(supervisor, '/api/admin/alerts')).total).toBe(0);
    // The next start: its follower runs once a moment after start.
    const pending: { fn: () => void; ms: number }[] = [];
    const follower = followLowComments(deps(), { set: (fn, ms) => pending.push({ fn, ms }), clear: () => {} });
    expect(pending.map((p) => p.ms)).toEqual([2_000]);
    pending[0]!.fn();
    await follower.stop();
    expect((await get<AlertList>(supervisor, '/api/admin/alerts')).items.map((a) => a.rule)).toEqual(['low_comment']);
    expect(await raiseLowCommentAlerts(deps())).toBe(0);
    expect((await get<CaseList>(supervisor, '/api/admin/cases')).total).toBe(1);
  });
});

describe('the scheduled rules', () => {
  it('raise a silent survey point once while it stays silent, and close it when answers come back', async () => {
    t.clock.set('2026-11-23T03:00:00Z'); // Monday: Thu, Fri, Mon are 3 working days
    await signInAgain();
    expect(workingDaysSince('2026-11-18', '2026-11-23')).toBe(3);
    let sweep = await sweepAlerts(deps());
    expect(sweep.opened).toBe(1);
    sweep = await sweepAlerts(deps());
    expect(sweep.opened).toBe(0);
    const open = await get<AlertList>(supervisor, '/api/admin/alerts');
    expect(open.items.map((a) => [a.rule, a.detail.surveyPointId])).toEqual([['silent_point', site.surveyPointId]]);
    await submit({});
    sweep = await sweepAlerts(deps());
    expect(sweep.closed).toBe(1);
    expect((await get<AlertList>(supervisor, '/api/admin/alerts')).total).toBe(0);
    expect((await get<AlertList>(supervisor, '/api/admin/alerts?state=closed')).total).toBe(1);
  });

  it('run on the server timer, the first sweep a minute after start', async () => {
    t.clock.set('2026-11-23T03:00:00Z');
    const pending: { fn: () => void; ms: number }[] = [];
    const schedule = startAlertSchedule(deps(), { set: (fn, ms) => pending.push({ fn, ms }), clear: () => {} });
    expect(pending.map((p) => p.ms)).toEqual([60_000]);
    pending[0]!.fn();
    await schedule.stop();
    expect(pending.map((p) => p.ms)).toEqual([60_000, 3_600_000]);
    expect(await t.db.kysely.selectFrom('alerts').select('rule').execute()).toEqual([{ rule: 'silent_point' }]);
  });

  it('raise a burst of answers flagged suspect', async () => {
    await putRules({ ...DEFAULT_ALERT_RULES, suspectBurst: { enabled: true, count: 3, hours: 24 } });
    for (let i = 0; i < 4; i++) await submit({ deviceMark: '0f5c3bba-2a0a-4b0e-9a51-0d8e5f0a0b11' });
    await sweepAlerts(deps());
    const alerts = await get<AlertList>(supervisor, '/api/admin/alerts?rule=suspect_burst');
    expect(alerts.items.map((a) => a.detail.count)).toEqual([3]);
  });

  it('raise a criterion that dropped significantly against the window before, with its p-value, and close it when it recovers', async () => {
    const instrument = await requireInstrument(t.db.kysely, 'QUAY@1');
    const target = await resolveSurveyCode(t.db.kysely, t.clock, site.surveyCode);
    /** `n` answers on `day`, staff attitude (QUAY.2) rated `attitude`, the rest 5. */
    const store = async (day: string, attitude: number, n: number) => {
      const now = new Date(`${day}T03:00:00Z`);
      const answers = { 'QUAY.1': 5, 'QUAY.2': attitude, 'QUAY.3': 5, 'QUAY.4': 5, 'QUAY.ALL': 5 };
      const items = Array.from({ length: n }, () =>
        prepareResponse(aResponse(site.surveyCode, { answers }), target, instrument.definition, { now, commentMaxChars: 500, deviceMarks: [], addressMark: null }),
      );
      await t.db.write((tx) => writeBatch(tx, items, t.config));
    };
    // The default window is 30 days up to 18/11: 20/10–18/11, against 20/09–19/10 before it.
    await store('2026-10-05', 5, 40);
    await store('2026-11-10', 2, 10);
    await store('2026-11-11', 5, 30);
    await sweepAlerts(deps());
    const raised = await get<AlertList>(supervisor, '/api/admin/alerts?rule=drop');
    expect(raised.items.map((a) => a.detail.criterion)).toEqual(['QUAY.2']);
    const drop = raised.items[0]!;
    // 40 of 40 satisfied before, 30 of 40 now: z ≈ 3.38, two-sided p ≈ 0.0007.
    expect(drop.detail).toMatchObject({ index: expect.any(Number), n: 40, previousIndex: 100 });
    expect(drop.detail.diff!).toBeLessThan(0);
    expect(drop.detail.pValue!).toBeLessThan(0.05);
    expect(drop.title).toContain(`p = ${drop.detail.pValue!.toFixed(3)}`);
    // Once the fall is no longer significant the sweep closes it: 230 of 240 now (p ≈ 0.19).
    await store('2026-11-12', 5, 200);
    await sweepAlerts(deps());
    expect((await get<AlertList>(supervisor, '/api/admin/alerts?rule=drop')).total).toBe(0);
    expect((await get<AlertList>(supervisor, '/api/admin/alerts?rule=drop&state=closed')).total).toBe(1);
  });
});

describe('cases', () => {
  async function oneCase(): Promise<string> {
    await submit({ answers: { 'QUAY.1': 1, 'QUAY.2': 4, 'QUAY.3': 4, 'QUAY.4': null, 'QUAY.ALL': 3 }, comment: 'Không hướng dẫn' });
    await t.intake.followUp();
    return (await get<CaseList>(supervisor, '/api/admin/cases')).items[0]!.id;
  }
  const patch = (session: TestSession, id: string, body: unknown) =>
    t.app.request(`/api/admin/cases/${id}`, { method: 'PATCH', headers: asSession(session), body: JSON.stringify(body) });

  it('go mới → đang xử lý → đã xử lý with notes; the officer sees the time to resolution', async () => {
    const id = await oneCase();
    expect((await patch(supervisor, id, { status: 'in_progress' })).status).toBe(400); // a status change needs a note
    expect((await patch(supervisor, id, { status: 'in_progress', note: 'Đã gọi cán bộ quầy 1' })).status).toBe(200);
    t.clock.advance(26 * 3600_000);
    await signInAgain();
    const done = await patch(supervisor, id, { status: 'resolved', note: 'Đã nhắc nhở', resolution: 'Cán bộ đã xin lỗi công dân' });
    expect(done.status).toBe(200);
    const detail = (await done.json()) as CaseDetail;
    expect(detail.notes.map((n) => [n.statusFrom, n.statusTo, n.text])).toEqual([
      ['new', 'in_progress', 'Đã gọi cán bộ quầy 1'],
      ['in_progress', 'resolved', 'Đã nhắc nhở'],
    ]);
    expect(detail.hoursToResolution).toBe(26);
    const seen = await get<CaseList>(officer, '/api/admin/cases?status=resolved');
    expect(seen.items.map((c) => c.hoursToResolution)).toEqual([26]);
    expect(seen.summary).toMatchObject({ byStatus: { new: 0, in_progress: 0, resolved: 1, dismissed: 0 }, meanHoursToResolution: 26 });
    // A resolved case cannot be dismissed without reopening.
    expect((await patch(supervisor, id, { status: 'dismissed', note: 'x' })).status).toBe(409);
    const changes = await t.db.kysely.selectFrom('audit_log').select('action').where('action', '=', 'case.update').execute();
    expect(changes).toHaveLength(2);
  });

  it('count overdue ones in the inbox, take only assignees of the unit, and stay out of reach of others', async () => {
    const id = await oneCase();
    t.clock.advance(8 * 86400_000);
    await signInAgain();
    expect((await get<CaseList>(supervisor, '/api/admin/cases')).summary.overdue).toBe(1);
    const other = await aSite(t.db, t.clock, { communeCode: '31951' });
    const stranger = await aUser(t.db, t.clock, { grants: [{ role: 'centre_supervisor', unitId: other.centreId }] });
    const strangerSession = await aSession(t, stranger.id);
    expect((await patch(supervisor, id, { assigneeId: stranger.id })).status).toBe(400);
    expect((await patch(strangerSession, id, { status: 'resolved', note: 'x' })).status).toBe(403);
    expect((await t.app.request(`/api/admin/cases/${id}`, { headers: asSession(strangerSession) })).status).toBe(403);
    expect((await get<CaseList>(strangerSession, '/api/admin/cases')).total).toBe(0);
    const viewer = await aSession(t, (await aUser(t.db, t.clock, { grants: [{ role: 'viewer', unitId: site.provinceId }] })).id);
    expect((await patch(viewer, id, { status: 'resolved', note: 'x' })).status).toBe(403);
    const rules = await t.app.request(`/api/admin/alert-rules/${site.centreId}`, { method: 'PUT', headers: asSession(supervisor), body: JSON.stringify({ rules: null }) });
    expect(rules.status).toBe(403);
  });

  it('open by hand from a comment, which shows its tags, handled mark and case in the comments view', async () => {
    await submit({ answers: { 'QUAY.1': 3, 'QUAY.2': 3, 'QUAY.3': 3, 'QUAY.4': null, 'QUAY.ALL': 3 }, comment: 'Phòng chờ nóng' });
    const responseId = (await t.db.kysely.selectFrom('responses').select('id').executeTakeFirstOrThrow()).id;
    const tags = await t.app.request(`/api/admin/comment-tags/${site.provinceId}`, { method: 'PUT', headers: asSession(officer), body: JSON.stringify({ tags: ['Cơ sở vật chất', 'Thái độ'] }) });
    expect(tags.status).toBe(200);
    const unknownTag = await t.app.request(`/api/admin/comments/${responseId}/mark`, { method: 'PUT', headers: asSession(supervisor), body: JSON.stringify({ tags: ['Khác'] }) });
    expect(unknownTag.status).toBe(400);
    const mark = await t.app.request(`/api/admin/comments/${responseId}/mark`, { method: 'PUT', headers: asSession(supervisor), body: JSON.stringify({ tags: ['Cơ sở vật chất'], handled: true }) });
    expect(((await mark.json()) as CommentMark).handled).toBe(true);
    const opened = await t.app.request(...postJson('/api/admin/cases', { responseId, title: 'Lắp thêm quạt' }, asSession(supervisor)));
    expect(opened.status).toBe(201);
    const created = (await opened.json()) as CaseDetail;
    expect(created).toMatchObject({ source: 'comment', status: 'new', openedBy: expect.any(String) });
    const page = await get<CommentPage>(supervisor, `/api/admin/dashboard/comments?unitId=${site.centreId}&period=month&at=2026-11`);
    expect(page.items[0]).toMatchObject({ tags: ['Cơ sở vật chất'], handled: true, caseId: created.id });
  });
});
