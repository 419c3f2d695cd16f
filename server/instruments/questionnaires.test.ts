import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Overview } from '../../schema/dashboard.js';
import type { InstrumentDefinition, Item } from '../../schema/instrument.js';
import { AssignResult, Catalogue, InstrumentDetail, InstrumentList } from '../../schema/questionnaires.js';
import { SurveyPointView } from '../../schema/surveypoints.js';
import { aSession, asSession, aUser, type TestSession } from '../testing/auth.js';
import { aResponse, aSite, postJson, type TestSite } from '../testing/builders.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';

let t: TestContext;
let a: TestSite;
let b: TestSite;
let officer: TestSession;
let otherOfficer: TestSession;
let supervisor: TestSession;
let viewer: TestSession;

const BASE = '/api/admin/instruments';

function send(session: TestSession, method: string, path: string, body?: unknown) {
  return t.app.request(path, { method, headers: asSession(session), ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

async function errorOf(res: Response): Promise<{ status: number; code: string; issues: { path: (string | number)[]; message: string }[] }> {
  const body = (await res.json()) as { error: { code: string; issues?: { path: (string | number)[]; message: string }[] } };
  return { status: res.status, code: body.error.code, issues: body.error.issues ?? [] };
}

async function create(session: TestSession, body: Record<string, unknown>): Promise<InstrumentDetail> {
  const res = await send(session, 'POST', BASE, body);
  expect(res.status).toBe(201);
  return InstrumentDetail.parse(await res.json());
}

const ownCriterion: Item = {
  code: 'CMQUAY.5',
  role: 'criterion',
  scale: 'scale5',
  factor: 'QUAY.F3',
  text: { vi: 'Cán bộ hướng dẫn nộp hồ sơ trực tuyến', en: 'Staff helped with online filing' },
  allowNa: true,
  required: false,
};

/** The definition with the province's own criterion added after QUAY.3. */
function withOwnCriterion(definition: InstrumentDefinition, item: Item = ownCriterion): InstrumentDefinition {
  const at = definition.items.findIndex((i) => i.code === 'QUAY.3') + 1;
  return { ...definition, items: [...definition.items.slice(0, at), item, ...definition.items.slice(at)] };
}

async function auditActions(): Promise<string[]> {
  const rows = await t.db.kysely.selectFrom('audit_log').select(['action', 'entity_id']).orderBy('id').execute();
  return rows.map((r) => `${r.action} ${r.entity_id}`);
}

beforeEach(async () => {
  t = await makeTestApp();
  a = await aSite(t.db, t.clock, { provinceCode: '96', communeCode: '31942' });
  b = await aSite(t.db, t.clock, { provinceCode: '92', communeCode: '31001' });
  const user = async (role: 'provincial_officer' | 'centre_supervisor' | 'viewer', unitId: string) =>
    aSession(t, (await aUser(t.db, t.clock, { grants: [{ role, unitId }] })).id);
  officer = await user('provincial_officer', a.provinceId);
  otherOfficer = await user('provincial_officer', b.provinceId);
  supervisor = await user('centre_supervisor', a.centreId);
  viewer = await user('viewer', a.centreId);
});
afterEach(() => t.cleanup());

describe('/api/admin/instruments', () => {
  it("lets a province's officers write its questionnaires from a template; others of the province read them, other provinces never see them", async () => {
    const created = await create(officer, { code: 'cmquay', template: 'QUAY' });
    expect(created).toMatchObject({
      id: 'CMQUAY@1',
      status: 'draft',
      owner: { id: a.provinceId, code: '96' },
      editable: true,
      criteria: 4,
      answers: 0,
      surveyPoints: 0,
    });
    expect(created.definition.items.map((i) => i.code)).toEqual(['QUAY.1', 'QUAY.2', 'QUAY.3', 'QUAY.4', 'QUAY.ALL']);

    const listed = InstrumentList.parse(await (await send(supervisor, 'GET', BASE)).json()).items;
    expect(listed.map((i) => [i.id, i.status, i.editable])).toEqual([
      ['CMQUAY@1', 'draft', false],
      ['QUAY@1', 'published', false],
      ['S17@1', 'published', false],
      ['S23@1', 'published', false],
      ['S23S@1', 'published', false],
    ]);
    expect(listed.find((i) => i.id === 'QUAY@1')).toMatchObject({ owner: null, surveyPoints: 1 });

    expect(InstrumentList.parse(await (await send(otherOfficer, 'GET', BASE)).json()).items.map((i) => i.id)).not.toContain('CMQUAY@1');
    expect(await errorOf(await send(otherOfficer, 'GET', `${BASE}/CMQUAY@1`))).toMatchObject({ status: 403, code: 'forbidden_unit' });
    expect(await errorOf(await send(otherOfficer, 'POST', `${BASE}/CMQUAY@1/versions`))).toMatchObject({ status: 403, code: 'forbidden_unit' });
    // Nor do the dashboards and exports name it to them.
    for (const path of ['/api/admin/dashboard/overview', '/api/admin/exports/summary']) {
      const res = await send(otherOfficer, 'GET', `${path}?instrumentId=CMQUAY@1`);
      expect([path, res.status]).toEqual([path, 404]);
      expect(await res.text()).not.toContain('Đánh giá sự hài lòng tại quầy');
    }
    expect(await errorOf(await send(supervisor, 'PUT', `${BASE}/CMQUAY@1`, { definition: created.definition }))).toMatchObject({
      status: 403,
      code: 'forbidden',
    });
    expect(await errorOf(await send(viewer, 'POST', BASE, { code: 'X1', template: 'EMPTY' }))).toMatchObject({ status: 403, code: 'forbidden' });
    // Built-in versions are read-only for a province: it starts its own from them instead.
    const builtIn = (await (await send(officer, 'GET', `${BASE}/QUAY@1`)).json()) as InstrumentDetail;
    expect(await errorOf(await send(officer, 'PUT', `${BASE}/QUAY@1`, { definition: builtIn.definition }))).toMatchObject({
      status: 403,
      code: 'forbidden',
    });
    // A code is taken once, whoever took it.
    expect(await errorOf(await send(otherOfficer, 'POST', BASE, { code: 'CMQUAY', template: 'S17' }))).toMatchObject({
      status: 400,
      issues: [{ path: ['code'] }],
    });
    expect(await errorOf(await send(officer, 'POST', BASE, { code: 'X2', template: 'QUAY', ownerUnitId: a.centreId }))).toMatchObject({
      status: 400,
      issues: [{ path: ['ownerUnitId'] }],
    });
    expect(await errorOf(await send(officer, 'POST', BASE, { code: 'X3', template: 'QUAY', ownerUnitId: b.provinceId }))).toMatchObject({
      status: 403,
      code: 'forbidden_unit',
    });
  });

  it('starts from an empty questionnaire or any template, and offers the SIPAS criteria with their factor and part', async () => {
    const empty = await create(officer, { code: 'CM1', template: 'EMPTY', title: { vi: 'Phiếu của tỉnh', en: 'Our survey' } });
    expect(empty.definition).toMatchObject({ title: { vi: 'Phiếu của tỉnh' }, items: [], factors: [{ code: 'CM1.F1', part: 'S' }] });
    const twoParts = await create(officer, { code: 'CM2', template: 'S23' });
    expect(twoParts).toMatchObject({ parts: 2, factors: 9, criteria: 23 });
    const catalogue = Catalogue.parse(await (await send(viewer, 'GET', `${BASE}/catalogue`)).json());
    expect(catalogue.criteria.find((c) => c.item.code === 'S23.S.3.4')).toMatchObject({ factor: { code: 'S23.S.3', sipasFactor: 3 }, part: { code: 'S' } });
  });

  it('changes a draft in place, names the field of every problem, freezes it when published, and saves edits of a published version as a new draft; every change audited', async () => {
    const draft = await create(officer, { code: 'CMQUAY', template: 'QUAY' });
    const edited = withOwnCriterion(draft.definition);
    const saved = await send(officer, 'PUT', `${BASE}/CMQUAY@1`, { definition: edited });
    expect(saved.status).toBe(200);
    expect(InstrumentDetail.parse(await saved.json())).toMatchObject({ id: 'CMQUAY@1', status: 'draft', criteria: 5 });

    const lost = withOwnCriterion(draft.definition, { ...ownCriterion, factor: 'QUAY.F9' });
    expect(await errorOf(await send(officer, 'PUT', `${BASE}/CMQUAY@1`, { definition: lost }))).toMatchObject({
      status: 400,
      code: 'validation_failed',
      issues: [{ path: ['definition', 'items', 3, 'factor'], message: "Item CMQUAY.5 must belong to one of the instrument's factors" }],
    });
    const blank = withOwnCriterion(draft.definition, { ...ownCriterion, text: { vi: ' ', en: 'x' } });
    expect((await errorOf(await send(officer, 'PUT', `${BASE}/CMQUAY@1`, { definition: blank }))).issues).toEqual([
      { path: ['definition', 'items', 3, 'text', 'vi'], message: 'required' },
    ]);
    const recoded = { ...edited, code: 'OTHER' };
    expect((await errorOf(await send(officer, 'PUT', `${BASE}/CMQUAY@1`, { definition: recoded }))).issues[0]!.path).toEqual(['definition', 'code']);

    const published = await send(officer, 'POST', `${BASE}/CMQUAY@1/publish`);
    expect(InstrumentDetail.parse(await published.json())).toMatchObject({ status: 'published', publishedAt: '2026-11-20T03:00:00.000Z' });
    expect((await errorOf(await send(officer, 'POST', `${BASE}/CMQUAY@1/publish`))).code).toBe('conflict');
    expect((await errorOf(await send(officer, 'DELETE', `${BASE}/CMQUAY@1`))).code).toBe('instrument_locked');

    const retitled = { ...edited, title: { vi: 'Đánh giá tại quầy (bản 2)', en: 'Counter survey (v2)' } };
    const second = await send(officer, 'PUT', `${BASE}/CMQUAY@1`, { definition: retitled });
    expect(second.status).toBe(201);
    expect(InstrumentDetail.parse(await second.json())).toMatchObject({ id: 'CMQUAY@2', version: 2, status: 'draft', title: retitled.title });
    const first = InstrumentDetail.parse(await (await send(viewer, 'GET', `${BASE}/CMQUAY@1`)).json());
    expect(first).toMatchObject({ status: 'published', title: draft.definition.title });
    expect(first.definition).toEqual({ ...edited, version: 1 });

    const copy = await send(officer, 'POST', `${BASE}/CMQUAY@1/versions`);
    expect(InstrumentDetail.parse(await copy.json())).toMatchObject({ id: 'CMQUAY@3', status: 'draft' });
    expect((await send(officer, 'DELETE', `${BASE}/CMQUAY@3`)).status).toBe(200);
    expect((await send(officer, 'GET', `${BASE}/CMQUAY@3`)).status).toBe(404);

    expect(await auditActions()).toEqual([
      'instrument.create CMQUAY@1',
      'instrument.update CMQUAY@1',
      'instrument.publish CMQUAY@1',
      'instrument.create CMQUAY@2',
      'instrument.create CMQUAY@3',
      'instrument.delete CMQUAY@3',
    ]);
  });

  it('refuses to publish a questionnaire with nothing to score, naming what is missing', async () => {
    await create(officer, { code: 'CM1', template: 'EMPTY' });
    expect(await errorOf(await send(officer, 'POST', `${BASE}/CM1@1/publish`))).toMatchObject({
      status: 400,
      issues: [
        { path: ['definition', 'items'], message: 'Add at least one criterion' },
        { path: ['definition', 'factors', 0], message: 'Factor CM1.F1 has no criterion: add one or remove the factor' },
      ],
    });
  });

  it("assigns a published version to survey points one by one or to a whole centre, never a draft or another province's", async () => {
    const draft = await create(officer, { code: 'CMQUAY', template: 'QUAY' });
    const assign = (session: TestSession, body: unknown, id = draft.id) => send(session, 'POST', `${BASE}/${id}/assign`, body);
    expect(await errorOf(await assign(supervisor, { surveyPointIds: [a.surveyPointId] }))).toMatchObject({
      status: 400,
      issues: [{ path: ['instrumentId'], message: 'CMQUAY@1 is a draft: publish it before survey points use it' }],
    });
    const patchDraft = await send(supervisor, 'PATCH', `/api/admin/survey-points/${a.surveyPointId}`, { instrumentId: draft.id });
    expect((await errorOf(patchDraft)).issues[0]!.path).toEqual(['instrumentId']);
    await send(officer, 'POST', `${BASE}/${draft.id}/publish`);

    const centreWide = SurveyPointView.parse(
      await (await send(supervisor, 'POST', '/api/admin/survey-points', { unitId: a.centreId, instrumentId: 'QUAY@1', kiosk: true })).json(),
    );
    const one = AssignResult.parse(await (await assign(supervisor, { surveyPointIds: [a.surveyPointId] })).json());
    expect(one).toEqual({ instrumentId: 'CMQUAY@1', changed: 1, unchanged: 0 });
    const all = AssignResult.parse(await (await assign(supervisor, { unitId: a.centreId })).json());
    expect(all).toEqual({ instrumentId: 'CMQUAY@1', changed: 1, unchanged: 1 });
    const points = SurveyPointView.array().parse(await (await send(viewer, 'GET', `/api/admin/survey-points?unitId=${a.centreId}`)).json());
    expect(points.map((p) => [p.id, p.instrumentId, p.instrumentTitle.vi])).toEqual([
      [centreWide.id, 'CMQUAY@1', 'Đánh giá sự hài lòng tại quầy'],
      [a.surveyPointId, 'CMQUAY@1', 'Đánh giá sự hài lòng tại quầy'],
    ]);

    expect((await assign(viewer, { unitId: a.centreId })).status).toBe(403);
    expect(await errorOf(await assign(supervisor, { unitId: b.centreId }))).toMatchObject({ status: 403, code: 'forbidden_unit' });
    expect(await errorOf(await assign(otherOfficer, { unitId: b.centreId }))).toMatchObject({ status: 403, code: 'forbidden_unit' });
    // A system administrator may see both provinces, but a province's questionnaire stays in its province.
    const admin = await aSession(t, (await aUser(t.db, t.clock, { grants: [{ role: 'system_admin', unitId: null }] })).id);
    expect(await errorOf(await assign(admin, { surveyPointIds: [b.surveyPointId] }))).toMatchObject({
      status: 400,
      issues: [{ path: ['surveyPointIds', 0], message: 'CMQUAY@1 belongs to another province' }],
    });
    expect((await errorOf(await send(admin, 'PATCH', `/api/admin/survey-points/${b.surveyPointId}`, { instrumentId: draft.id }))).issues[0]!.message).toBe(
      'CMQUAY@1 belongs to another province',
    );
    expect(await errorOf(await assign(admin, { unitId: a.centreId, surveyPointIds: [a.surveyPointId] }))).toMatchObject({ status: 400 });

    const audit = await t.db.kysely.selectFrom('audit_log').select(['action', 'before', 'after']).where('action', '=', 'survey_point.update').execute();
    expect(audit.map((r) => [JSON.parse(r.before!).instrumentId, JSON.parse(r.after!).instrumentId])).toEqual([
      ['QUAY@1', 'CMQUAY@1'],
      ['QUAY@1', 'CMQUAY@1'],
    ]);
  });

  it('keeps scoring old answers under the version they answered when a version with answers is edited', async () => {
    const draft = await create(officer, { code: 'CMQUAY', template: 'QUAY' });
    await send(officer, 'PUT', `${BASE}/CMQUAY@1`, { definition: withOwnCriterion(draft.definition) });
    await send(officer, 'POST', `${BASE}/CMQUAY@1/publish`);
    await send(officer, 'POST', `${BASE}/CMQUAY@1/assign`, { surveyPointIds: [a.surveyPointId] });
    const answer = (instrumentId: string, answers: Record<string, number | null>) =>
      t.app.request(...postJson('/api/responses', aResponse(a.surveyCode, { instrumentId, answers })));
    expect((await answer('CMQUAY@1', { 'QUAY.2': 2, 'CMQUAY.5': 5 })).status).toBe(201);

    // The edit drops QUAY.2 and rewords the province's criterion: a new version, the answered one untouched.
    const v1 = InstrumentDetail.parse(await (await send(officer, 'GET', `${BASE}/CMQUAY@1`)).json());
    expect(v1.answers).toBe(1);
    const reworded = { ...ownCriterion, text: { vi: 'Cán bộ hướng dẫn dịch vụ công trực tuyến', en: 'Staff helped with online services' } };
    const edit = { ...v1.definition, items: v1.definition.items.filter((i) => i.code !== 'QUAY.2').map((i) => (i.code === 'CMQUAY.5' ? reworded : i)) };
    const saved = await send(officer, 'PUT', `${BASE}/CMQUAY@1`, { definition: edit });
    expect(saved.status).toBe(201);
    await send(officer, 'POST', `${BASE}/CMQUAY@2/publish`);
    await send(officer, 'POST', `${BASE}/CMQUAY@2/assign`, { surveyPointIds: [a.surveyPointId] });
    t.clock.advance(60_000); // past the intake's short cache of what a survey code asks
    expect((await answer('CMQUAY@2', { 'CMQUAY.5': 1 })).status).toBe(201);
    // A page still showing version 1 is told to reload, not silently scored under version 2.
    expect((await answer('CMQUAY@1', { 'CMQUAY.5': 5 })).status).toBe(409);

    const overview = async (instrumentId: string) => {
      const res = await send(officer, 'GET', `/api/admin/dashboard/overview?unitId=${a.centreId}&period=month&instrumentId=${instrumentId}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as Overview;
      return Object.fromEntries(body.rows.filter((r) => r.level === 'criterion').map((r) => [r.code, [r.score.n, r.score.index]]));
    };
    expect(await overview('CMQUAY@1')).toEqual({ 'QUAY.1': [0, null], 'QUAY.2': [1, 0], 'QUAY.3': [0, null], 'CMQUAY.5': [1, 100], 'QUAY.4': [0, null] });
    expect(await overview('CMQUAY@2')).toEqual({ 'QUAY.1': [0, null], 'QUAY.3': [0, null], 'CMQUAY.5': [1, 0], 'QUAY.4': [0, null] });
    expect((InstrumentDetail.parse(await (await send(officer, 'GET', `${BASE}/CMQUAY@1`)).json())).definition.items.find((i) => i.code === 'CMQUAY.5')!.text.vi).toBe(
      ownCriterion.text.vi,
    );
  });
});
