import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SurveyPointView } from '../../schema/surveypoints.js';
import { aSession, asSession, aUser, type TestSession } from '../testing/auth.js';
import { aResponse, aSite, postJson, type TestSite } from '../testing/builders.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';

let t: TestContext;
let a: TestSite;
let b: TestSite;
let supervisor: TestSession;
let viewer: TestSession;

const BASE = '/api/admin/survey-points';

function send(session: TestSession, method: string, path: string, body?: unknown) {
  return t.app.request(path, {
    method,
    headers: asSession(session),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function countRows(): Promise<{ points: number; audit: number }> {
  const points = await t.db.kysely.selectFrom('survey_points').select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const audit = await t.db.kysely.selectFrom('audit_log').select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { points: Number(points.n), audit: Number(audit.n) };
}

beforeEach(async () => {
  t = await makeTestApp();
  a = await aSite(t.db, t.clock, { communeCode: '31942' });
  b = await aSite(t.db, t.clock, { communeCode: '31943' });
  const sup = await aUser(t.db, t.clock, { grants: [{ role: 'centre_supervisor', unitId: a.centreId }] });
  const view = await aUser(t.db, t.clock, { grants: [{ role: 'viewer', unitId: a.centreId }] });
  supervisor = await aSession(t, sup.id);
  viewer = await aSession(t, view.id);
});
afterEach(() => t.cleanup());

describe('/api/admin/survey-points', () => {
  it('needs a session, and the surveys.write permission to change anything', async () => {
    expect((await t.app.request(BASE)).status).toBe(401);
    const list = await send(viewer, 'GET', BASE);
    expect(list.status).toBe(200);
    const body = SurveyPointView.array().parse(await list.json());
    expect(body.map((p) => p.id)).toEqual([a.surveyPointId]);
    const denied = await send(viewer, 'POST', BASE, { unitId: a.centreId, instrumentId: 'QUAY@1' });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    const noCsrf = await t.app.request(`${BASE}/${a.surveyPointId}/rotate`, { method: 'POST', headers: { cookie: supervisor.cookie } });
    expect(noCsrf.status).toBe(403);
  });

  it('creates, changes and rotates a point, auditing each change under the signed-in user', async () => {
    const created = await send(supervisor, 'POST', BASE, { unitId: a.centreId, instrumentId: 'QUAY@1', kiosk: true });
    expect(created.status).toBe(201);
    const point = SurveyPointView.parse(await created.json());
    expect(point).toMatchObject({ unitId: a.centreId, counterId: null, kiosk: true, status: 'open' });

    const patched = await send(supervisor, 'PATCH', `${BASE}/${point.id}`, { status: 'closed', instrumentId: 'S17@1' });
    expect(SurveyPointView.parse(await patched.json())).toMatchObject({ status: 'closed', instrumentId: 'S17@1', kiosk: true });

    const rotated = SurveyPointView.parse(await (await send(supervisor, 'POST', `${BASE}/${point.id}/rotate`)).json());
    expect(rotated.code).not.toBe(point.code);
    const old = await t.app.request(`/api/survey/${point.code}`);
    expect(old.status).toBe(410);
    expect(((await old.json()) as { error: { code: string } }).error.code).toBe('survey_point_retired');

    const audit = await t.db.kysely.selectFrom('audit_log').select(['action', 'actor_label']).orderBy('id').execute();
    expect(audit.map((r) => r.action)).toEqual(['survey_point.create', 'survey_point.update', 'survey_point.rotate_code']);
  });

  it("answers 403 forbidden_unit for another centre's point on every route, and 404 for an unknown one", async () => {
    for (const [method, suffix] of [
      ['GET', ''],
      ['PATCH', ''],
      ['POST', '/rotate'],
      ['GET', '/qr.svg'],
      ['GET', '/qr.png'],
      ['GET', '/poster'],
    ] as const) {
      const res = await send(supervisor, method, `${BASE}/${b.surveyPointId}${suffix}`, method === 'PATCH' ? { kiosk: true } : undefined);
      expect([method, suffix, res.status]).toEqual([method, suffix, 403]);
      const unknown = await send(supervisor, method, `${BASE}/nosuchpoint${suffix}`, method === 'PATCH' ? { kiosk: true } : undefined);
      expect([method, suffix, unknown.status]).toEqual([method, suffix, 404]);
    }
    expect(await countRows()).toEqual({ points: 2, audit: 0 });
  });

  it('serves the QR as SVG and PNG and a poster page whose only stylesheet is the poster CSS file', async () => {
    const svg = await send(viewer, 'GET', `${BASE}/${a.surveyPointId}/qr.svg`);
    expect(svg.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(await svg.text()).toMatch(/^<svg /);
    const png = await send(viewer, 'GET', `${BASE}/${a.surveyPointId}/qr.png?size=tent`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(png.headers.get('content-disposition')).toMatch(/^inline; filename="qr-31942-TT-Q1-[a-z0-9]{10}-tent\.png"$/);
    expect((await send(viewer, 'GET', `${BASE}/${a.surveyPointId}/qr.png?size=huge`)).status).toBe(400);

    const poster = await send(viewer, 'GET', `${BASE}/${a.surveyPointId}/poster?size=a5`);
    expect(poster.headers.get('content-security-policy')).toMatch(/style-src 'self'/);
    const page = await poster.text();
    expect(page).toContain('Quét mã QR để đánh giá mức độ hài lòng');
    expect(page).toContain(`${t.config.publicBaseUrl}/s/${a.surveyCode}`);
    expect(page).not.toMatch(/<style|style="/);
    expect(page).toContain('href="/api/qr/poster.css"');
    const css = await t.app.request('/api/qr/poster.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('@page a4');
  });

  it('lists each point with its questionnaire and the time of its newest answer', async () => {
    const before = SurveyPointView.array().parse(await (await send(viewer, 'GET', BASE)).json());
    expect(before[0]).toMatchObject({ instrumentId: 'QUAY@1', instrumentTitle: { vi: 'Đánh giá sự hài lòng tại quầy' }, lastAnswerAt: null });
    expect((await t.app.request(...postJson('/api/responses', aResponse(a.surveyCode)))).status).toBe(201);
    t.clock.advance(20 * 60_000);
    expect((await t.app.request(...postJson('/api/responses', aResponse(a.surveyCode)))).status).toBe(201);
    const after = SurveyPointView.array().parse(await (await send(viewer, 'GET', BASE)).json());
    expect(after[0]!.lastAnswerAt).toBe('2026-11-20T03:20:00.000Z');
  });

  it('creates a point from unit and counter codes, as one-stop software knows them, only inside the caller’s area', async () => {
    await t.db.write((tx) =>
      tx.insertInto('counters').values({ id: 'q4', unit_id: a.centreId, code: 'Q4', name: 'Quầy 4', created_at: '2026-11-20T03:00:00.000Z', updated_at: '2026-11-20T03:00:00.000Z' }).execute(),
    );
    const created = await send(supervisor, 'POST', BASE, { unitCode: '31942-TT', counterCode: 'Q4', instrumentId: 'QUAY@1', kiosk: true });
    expect(created.status).toBe(201);
    expect(SurveyPointView.parse(await created.json())).toMatchObject({ unitId: a.centreId, counterCode: 'Q4', kiosk: true });
    const issues = async (body: unknown) => ((await (await send(supervisor, 'POST', BASE, body)).json()) as { error: { issues: { path: string[] }[] } }).error.issues;
    expect(await issues({ unitCode: '31943-TT', instrumentId: 'QUAY@1' })).toEqual([{ path: ['unitCode'], message: 'No unit has code 31943-TT in your area' }]);
    expect((await issues({ unitCode: '31942-TT', counterCode: 'Q9', instrumentId: 'QUAY@1' }))[0]!.path).toEqual(['counterCode']);
    expect((await issues({ instrumentId: 'QUAY@1' }))[0]!.path).toEqual(['unitId']);
    const listed = SurveyPointView.array().parse(await (await send(viewer, 'GET', `${BASE}?unitCode=31942-TT`)).json());
    expect(listed).toHaveLength(2);
  });

  it("prints every open point of a centre on one page set, and a receipt strip for a point's QR", async () => {
    const closed = SurveyPointView.parse(await (await send(supervisor, 'POST', BASE, { unitId: a.centreId, instrumentId: 'QUAY@1', status: 'closed' })).json());
    const centreWide = SurveyPointView.parse(await (await send(supervisor, 'POST', BASE, { unitId: a.centreId, instrumentId: 'QUAY@1' })).json());
    const page = await (await send(viewer, 'GET', `${BASE}/posters?unitId=${a.centreId}&size=a5`)).text();
    expect(page.match(/class="sheet sheet-a5"/g)).toHaveLength(2);
    expect(page).toContain(`/s/${a.surveyCode}`);
    expect(page).toContain(`/s/${centreWide.code}`);
    expect(page).not.toContain(`/s/${closed.code}`);
    const withClosed = await (await send(viewer, 'GET', `${BASE}/posters?unitId=${a.centreId}&includeClosed=true`)).text();
    expect(withClosed.match(/class="sheet sheet-a4"/g)).toHaveLength(3);
    expect((await send(supervisor, 'GET', `${BASE}/posters?unitId=${b.centreId}`)).status).toBe(403);
    expect((await send(supervisor, 'GET', `${BASE}/posters`)).status).toBe(400);

    const strip = await (await send(viewer, 'GET', `${BASE}/${a.surveyPointId}/poster?size=receipt`)).text();
    expect(strip).toContain('class="sheet sheet-receipt"');
    const png = await send(viewer, 'GET', `${BASE}/${a.surveyPointId}/qr.png?size=receipt`);
    expect(png.headers.get('content-disposition')).toMatch(/-receipt\.png"$/);
  });

  it('escapes unit and counter names on the poster', async () => {
    await t.db.write((tx) =>
      tx.updateTable('counters').set({ name: '<script>alert(1)</script>"&' }).where('id', '=', a.counterId).execute(),
    );
    const page = await (await send(viewer, 'GET', `${BASE}/${a.surveyPointId}/poster`)).text();
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;');
  });

  it('never answers 5xx or writes anything for malformed create and change bodies', async () => {
    const body = fc.oneof(
      fc.anything(),
      fc.record(
        {
          unitId: fc.oneof(fc.constant(a.centreId), fc.constant(b.centreId), fc.string()),
          counterId: fc.oneof(fc.constant(a.counterId), fc.constant(b.counterId), fc.constant(null), fc.string()),
          instrumentId: fc.oneof(fc.constant('NOPE@1'), fc.string()),
          status: fc.oneof(fc.constant('open'), fc.string()),
          kiosk: fc.oneof(fc.boolean(), fc.integer()),
          extra: fc.string(),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('POST', 'PATCH'), async (input, method) => {
        const path = method === 'POST' ? BASE : `${BASE}/${a.surveyPointId}`;
        const res = await send(supervisor, method, path, input);
        expect(res.status).toBeGreaterThanOrEqual(200);
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) {
          const err = (await res.json()) as { error: { code: string; message: string } };
          expect(typeof err.error.code).toBe('string');
        }
      }),
      { numRuns: 300 },
    );
    const rows = await t.db.kysely.selectFrom('survey_points').select(['id', 'instrument_id']).execute();
    expect(rows.every((r) => r.instrument_id === 'QUAY@1')).toBe(true);
    expect(rows.length).toBe(2);
  });
});
