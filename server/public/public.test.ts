import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aSession, asSession, aUser, type TestSession } from '../testing/auth.js';
import type { Deps } from '../deps.js';
import { publicKeyFromPem, keyIdOf } from '../integrity/signing.js';
import { silentLogger } from '../log.js';
import { seedDemo } from '../seed/index.js';
import { aResponse, aSite, postJson } from '../testing/builders.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { OPEN_DATA_COLUMNS } from './open-data.js';

/**
 * The public transparency page on the demo province: what it shows (and never shows), its open
 * data, its cache validators, the embed's framing policy, and the province's switch.
 */

let t: TestContext;
let officer: TestSession;
let supervisor: TestSession;
let provinceId: string;
let smallCentre: string;

interface OpenFigure {
  quarter: string;
  index: number;
  lower: number | null;
  upper: number | null;
  n: number;
}
interface OpenData {
  province: { code: string; name: string };
  minResponses: number;
  provinceFigures: OpenFigure[];
  units: { code: string; name: string; figures: OpenFigure[] }[];
}

beforeAll(async () => {
  t = await makeTestApp({ now: '2026-11-20T03:00:00Z' });
  const deps: Deps = { db: t.db, config: t.config, clock: t.clock, logger: silentLogger };
  await seedDemo(deps, { responses: 4000, seed: 11, invitations: 20 });
  const province = await t.db.kysely.selectFrom('units').select('id').where('kind', '=', 'province').where('code', '=', '96').executeTakeFirstOrThrow();
  provinceId = province.id;
  // A centre with twelve answers this quarter: too few to publish.
  const site = await aSite(t.db, t.clock, { provinceCode: '96', communeCode: '31999' });
  smallCentre = 'Trung tâm PVHCC phường 31999';
  for (let i = 0; i < 12; i++) {
    const res = await t.app.request(...postJson('/api/responses', aResponse(site.surveyCode, { answers: { 'QUAY.1': 5, 'QUAY.2': 5, 'QUAY.3': 5, 'QUAY.4': 5, 'QUAY.ALL': 5 } }), { 'x-forwarded-for': `198.18.0.${i}` }));
    expect(res.status).toBe(201);
  }
  officer = await aSession(t, (await aUser(t.db, t.clock, { grants: [{ role: 'provincial_officer', unitId: provinceId }] })).id);
  supervisor = await aSession(t, (await aUser(t.db, t.clock, { grants: [{ role: 'centre_supervisor', unitId: site.centreId }] })).id);
}, 120_000);
afterAll(() => t.cleanup());

const get = (path: string, headers: Record<string, string> = {}) => t.app.request(path, { headers });

describe('the public page', () => {
  it('shows each centre with its index, interval and responses, never a staff name, a comment or a figure on fewer than 30', async () => {
    const res = await get('/public/96');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const page = await res.text();
    expect(page).toContain('<html lang="vi">');
    expect(page).toContain('Tỉnh Cà Mau');
    expect(page).toContain('Trung tâm Phục vụ hành chính công phường Giá Rai');
    expect(page).toContain('Quý 4/2026 (đến 20/11/2026)');
    expect(page).toMatch(/Mục tiêu 80,00%/);
    const staff = await t.db.kysely.selectFrom('staff').select('name').execute();
    expect(staff.filter((s) => page.includes(s.name))).toEqual([]);
    const comments = await t.db.kysely.selectFrom('responses').select('comment').where('comment', 'is not', null).limit(50).execute();
    expect(comments.filter((c) => page.includes(c.comment!))).toEqual([]);
    expect(page).not.toContain(smallCentre);
    expect(page).not.toContain('<script');
  });

  it('serves the same figures as open data (JSON and CSV), with the threshold applied', async () => {
    const json = (await (await get('/public/96/sipas.json')).json()) as OpenData;
    expect(json.province).toEqual({ code: '96', name: 'Tỉnh Cà Mau' });
    const figures = [...json.provinceFigures, ...json.units.flatMap((u) => u.figures)];
    expect(figures.length).toBeGreaterThan(10);
    expect(Math.min(...figures.map((f) => f.n))).toBeGreaterThanOrEqual(30);
    expect(figures.every((f) => f.lower !== null && f.upper !== null && f.lower <= f.index && f.index <= f.upper)).toBe(true);
    expect(json.units.map((u) => u.name)).not.toContain(smallCentre);

    const csvRes = await get('/public/96/sipas.csv');
    expect(csvRes.headers.get('content-type')).toContain('text/csv');
    expect(csvRes.headers.get('access-control-allow-origin')).toBe('*');
    const lines = (await csvRes.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe(OPEN_DATA_COLUMNS.join(','));
    expect(lines).toHaveLength(figures.length + 1);
    // The page shows what the open data holds: Giá Rai's latest index, formatted.
    const giaRai = json.units.find((u) => u.code === '31942-TTPVHCC')!.figures.find((f) => f.quarter === '2026-Q4')!;
    expect(await (await get('/public/96')).text()).toContain(`${giaRai.index.toFixed(2).replace('.', ',')}%`);
  });

  it('answers 304 to a matching If-None-Match, in English with ?lang=en, 404 for an unknown province', async () => {
    const first = await get('/public/96');
    const tag = first.headers.get('etag');
    expect(tag).toMatch(/^(W\/)?"/);
    expect(first.headers.get('cache-control')).toBe('public, max-age=300');
    expect((await get('/public/96', { 'if-none-match': tag! })).status).toBe(304);
    const en = await (await get('/public/96?lang=en')).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('Results for Q4 2026');
    for (const code of ['99', 'abc', '96%00']) expect((await get(`/public/${code}`)).status).toBe(404);
  });

  it('computes a province\'s figures at most once a minute: later answers show after it', async () => {
    const json = async () => (await (await get('/public/96/sipas.json')).json()) as OpenData;
    const before = (await json()).provinceFigures.at(-1)!;
    const site = await t.db.kysely.selectFrom('survey_points as p').innerJoin('units as u', 'u.id', 'p.unit_id').select('p.code').where('u.code', '=', '31942-TTPVHCC').where('p.counter_id', 'is not', null).executeTakeFirstOrThrow();
    for (let i = 0; i < 40; i++) {
      const res = await t.app.request(...postJson('/api/responses', aResponse(site.code, { answers: { 'QUAY.1': 1, 'QUAY.2': 1, 'QUAY.3': 1, 'QUAY.4': 1, 'QUAY.ALL': 1 } }), { 'x-forwarded-for': `198.18.2.${i}` }));
      expect(res.status).toBe(201);
    }
    expect((await json()).provinceFigures.at(-1)).toEqual(before);
    t.clock.advance(61_000);
    const after = (await json()).provinceFigures.at(-1)!;
    expect(after.n).toBeGreaterThan(before.n);
    expect(after.index).toBeLessThan(before.index);
  });

  it('lets any site frame the embed but not the full page', async () => {
    const embed = await get('/public/96/embed');
    expect(embed.status).toBe(200);
    expect(embed.headers.get('content-security-policy')).toContain('frame-ancestors *');
    expect(embed.headers.get('x-frame-options')).toBeNull();
    const full = await get('/public/96');
    expect(full.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(full.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('publishes the signing key as PEM and JSON, with the same key id', async () => {
    const pem = await (await get('/public/signing-key.pem')).text();
    const json = (await (await get('/public/signing-key.json')).json()) as { algorithm: string; keyId: string; publicKeyPem: string };
    expect(json.algorithm).toBe('Ed25519');
    expect(json.publicKeyPem).toBe(pem);
    expect(keyIdOf(publicKeyFromPem(pem))).toBe(json.keyId);
  });
});

describe("the province's switch", () => {
  const put = (id: string, enabled: boolean, session: TestSession) =>
    t.app.request(`/api/admin/public-pages/${id}`, { method: 'PUT', headers: asSession(session), body: JSON.stringify({ enabled }) });

  it('turns the page and its open data off and on, audited; a centre supervisor may not', async () => {
    expect((await put(provinceId, false, supervisor)).status).toBe(403);
    const off = await put(provinceId, false, officer);
    expect(off.status).toBe(200);
    expect(await off.json()).toMatchObject({ code: '96', enabled: false, pageUrl: `${t.config.publicBaseUrl}/public/96` });
    for (const path of ['/public/96', '/public/96/embed', '/public/96/sipas.json', '/public/96/sipas.csv']) expect((await get(path)).status).toBe(404);
    const list = await (await t.app.request('/api/admin/public-pages', { headers: asSession(officer) })).json();
    expect(list).toMatchObject({ pages: [{ code: '96', enabled: false }] });
    expect((await put(provinceId, true, officer)).status).toBe(200);
    expect((await get('/public/96')).status).toBe(200);
    const audit = await t.db.kysely.selectFrom('audit_log').select(['action', 'before', 'after']).where('action', '=', 'public_page.update').execute();
    expect(audit.map((a) => [a.before, a.after])).toEqual([
      ['{"enabled":true}', '{"enabled":false}'],
      ['{"enabled":false}', '{"enabled":true}'],
    ]);
  });
});
