import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '../schema/errors.js';
import { aProvince, type ExportTestContext } from './testing/exports.js';

/**
 * Issue 21, acceptance 3: every admin query parameter (days, period anchors, ids, codes, limits,
 * sorts, formats) on every admin GET route, drawn at random over a seeded province: never a 5xx,
 * always the error shape on a 4xx. Days and anchors are drawn over all four-digit years, impossible
 * months and days included, since those once reached date arithmetic as 500s or endless loops.
 */

let x: ExportTestContext;
let admin: Record<string, string>;
let ids: { units: string[]; counters: string[]; staff: string[]; procedures: string[]; points: string[]; users: string[] };

beforeAll(async () => {
  x = await aProvince({ responses: 600 });
  admin = await x.as('system_admin', null);
  const column = async (table: 'units' | 'counters' | 'staff' | 'procedures' | 'survey_points' | 'users') =>
    (await x.t.db.kysely.selectFrom(table).select('id').limit(5).execute()).map((r) => r.id);
  ids = {
    units: await column('units'),
    counters: await column('counters'),
    staff: await column('staff'),
    procedures: await column('procedures'),
    points: await column('survey_points'),
    users: await column('users'),
  };
}, 120_000);

afterAll(async () => {
  await x.t.cleanup();
});

const digits = (n: number) => fc.integer({ min: 0, max: 10 ** n - 1 }).map((v) => String(v).padStart(n, '0'));
const year = fc.oneof(fc.integer({ min: 2020, max: 2027 }).map(String), digits(4), fc.constantFrom('0000', '0001', '9999', '1900'));
const month = fc.oneof(fc.integer({ min: 1, max: 12 }).map((m) => String(m).padStart(2, '0')), digits(2));
const dayOfMonth = fc.oneof(fc.integer({ min: 1, max: 28 }).map((d) => String(d).padStart(2, '0')), digits(2));
const junk = fc.oneof(fc.string({ maxLength: 16 }), fc.constantFrom('', '%', '-1', '1e9', 'null', "'; drop table units; --", '2026-11-20T00:00:00Z'));

const day = fc.oneof(fc.tuple(year, month, dayOfMonth).map(([y, m, d]) => `${y}-${m}-${d}`), junk);
const anchor = fc.oneof(year, fc.tuple(year, month).map(([y, m]) => `${y}-${m}`), fc.tuple(year, fc.integer({ min: 0, max: 5 })).map(([y, q]) => `${y}-Q${q}`), junk);
const oneOf = (values: () => string[]) => fc.oneof(fc.constant(null).map(() => values()[0] ?? 'x'), fc.nat({ max: 4 }).map((i) => values()[i] ?? 'x'), junk);
const number = fc.oneof(fc.integer({ min: -5, max: 300 }).map(String), fc.constantFrom('99999999999', '1.5', '0'), junk);

/** Values per parameter name, real ones mixed with hostile ones. */
const VALUES: Record<string, fc.Arbitrary<string>> = {
  from: day,
  to: day,
  at: anchor,
  period: fc.oneof(fc.constantFrom('month', 'quarter', 'year', 'custom'), junk),
  unitId: oneOf(() => ids.units),
  parentId: oneOf(() => ids.units),
  provinceId: oneOf(() => ids.units),
  counterId: oneOf(() => ids.counters),
  staffId: oneOf(() => ids.staff),
  procedureId: oneOf(() => ids.procedures),
  instrumentId: fc.oneof(fc.constantFrom('QUAY@1', 'S17@1', 'S23S@1', 'QUAY@999', 'ZZ@0'), junk),
  criterion: fc.oneof(fc.constantFrom('QUAY.1', 'QUAY.4', 'S17.1.1', 'X.9'), junk),
  measure: fc.oneof(fc.constantFrom('overall', 'QUAY.F1', 'QUAY.1'), junk),
  field: fc.oneof(fc.constantFrom('Đất đai', 'Hộ tịch'), junk),
  channel: fc.oneof(fc.constantFrom('qr', 'counter_tablet', 'web', 'paper'), junk),
  interval: fc.oneof(fc.constantFrom('month', 'quarter'), junk),
  level: fc.oneof(fc.constantFrom('unit', 'commune'), junk),
  sort: fc.oneof(fc.constantFrom('index', 'lower', 'upper', 'n', 'name'), junk),
  dir: fc.oneof(fc.constantFrom('asc', 'desc'), junk),
  format: fc.oneof(fc.constantFrom('csv', 'xlsx', 'html'), junk),
  groupBy: fc.oneof(fc.constantFrom('unit', 'counter,day', 'month,procedure,staff', 'unit,unit'), junk),
  status: fc.oneof(fc.constantFrom('active', 'closed', 'retired'), junk),
  size: fc.oneof(fc.constantFrom('a4', 'a5', 'tent', 'strip'), junk),
  kind: fc.oneof(fc.constantFrom('province', 'commune', 'centre', 'branch'), junk),
  limit: number,
  offset: number,
  cursor: number,
  maxScore: number,
  includeInsufficient: fc.oneof(fc.constantFrom('true', 'false', '1', '0'), junk),
  includeInactive: fc.oneof(fc.constantFrom('true', 'false'), junk),
  includeRevoked: fc.oneof(fc.constantFrom('true', 'false'), junk),
  dedupe: fc.oneof(fc.constantFrom('true', 'false', '1', '0'), junk),
  q: junk,
  actor: junk,
  action: fc.oneof(fc.constantFrom('export.run', 'user.create'), junk),
  entity: junk,
};

const DASHBOARD = ['unitId', 'period', 'at', 'from', 'to', 'instrumentId', 'counterId', 'staffId', 'procedureId', 'field', 'channel'];

/** Every admin GET that reads a query string, with the parameters it knows (others are drawn too, as strays). */
const ROUTES: { path: () => string; params: string[] }[] = [
  { path: () => '/api/admin/dashboard/options', params: ['unitId'] },
  { path: () => '/api/admin/dashboard/overview', params: DASHBOARD },
  { path: () => '/api/admin/dashboard/weak', params: [...DASHBOARD, 'criterion', 'limit'] },
  { path: () => '/api/admin/dashboard/trends', params: [...DASHBOARD, 'interval'] },
  { path: () => '/api/admin/dashboard/ranking', params: [...DASHBOARD, 'level', 'measure', 'sort', 'dir', 'includeInsufficient'] },
  { path: () => '/api/admin/dashboard/comments', params: [...DASHBOARD, 'criterion', 'maxScore', 'q', 'limit', 'offset'] },
  { path: () => '/api/admin/exports/summary', params: ['unitId', 'period', 'at', 'from', 'to', 'instrumentId', 'format'] },
  { path: () => '/api/admin/exports/raw', params: ['unitId', 'period', 'at', 'from', 'to', 'instrumentId', 'format'] },
  { path: () => '/api/admin/exports/report', params: ['unitId', 'period', 'at', 'from', 'to', 'instrumentId', 'format'] },
  { path: () => '/api/admin/audit', params: ['actor', 'action', 'entity', 'unitId', 'from', 'to', 'cursor', 'limit'] },
  { path: () => '/api/admin/response-rate', params: ['from', 'to', 'groupBy', 'unitId'] },
  { path: () => '/api/admin/survey-points', params: ['unitId', 'status'] },
  { path: () => `/api/admin/survey-points/${ids.points[0]}/qr.png`, params: ['size'] },
  { path: () => `/api/admin/survey-points/${ids.points[0]}/poster`, params: ['size'] },
  { path: () => '/api/admin/units', params: ['parentId', 'kind', 'q', 'includeInactive'] },
  { path: () => '/api/admin/counters', params: ['unitId', 'q', 'includeInactive'] },
  { path: () => '/api/admin/staff', params: ['provinceId', 'q', 'field', 'includeInactive'] },
  { path: () => '/api/admin/procedures', params: ['provinceId', 'q', 'field', 'includeInactive'] },
  { path: () => '/api/admin/users', params: ['unitId', 'q', 'includeInactive'] },
  { path: () => '/api/admin/apikeys', params: ['unitId', 'includeRevoked'] },
  { path: () => '/api/admin/indicators', params: ['unitId', 'period', 'at', 'counterId', 'staffId', 'procedureId', 'dedupe'] },
];

const ALL_PARAMS = Object.keys(VALUES);

/** A route and a query: mostly its own parameters, sometimes a stray one. */
const request = fc.nat({ max: ROUTES.length - 1 }).chain((r) => {
  const route = ROUTES[r]!;
  const entry = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...route.params) }, { weight: 1, arbitrary: fc.constantFrom(...ALL_PARAMS) }).chain((key) => VALUES[key]!.map((value) => [key, value] as const));
  return fc.tuple(fc.constant(route), fc.array(entry, { maxLength: 6 }));
});

describe('days and period anchors outside the calendar', () => {
  it('are a 400 naming the parameter (each was a 500 RangeError)', async () => {
    const cases: [string, string][] = [
      ['/api/admin/dashboard/overview?period=year&at=0001', 'at'],
      ['/api/admin/dashboard/overview?period=year&at=9999', 'at'],
      ['/api/admin/dashboard/trends?period=month&at=0000-01', 'at'],
      ['/api/admin/dashboard/ranking?period=quarter&at=0000-Q1', 'at'],
      ['/api/admin/dashboard/weak?period=custom&from=0000-01-01&to=2026-01-01', 'from'],
      ['/api/admin/audit?from=2026-13-01', 'from'],
      ['/api/admin/audit?to=9999-12-31', 'to'],
      ['/api/admin/exports/summary?to=0000-01-01', 'to'],
      ['/api/admin/exports/report?from=2026-02-30', 'from'],
      ['/api/admin/response-rate?from=0000-01-01&to=2026-01-01', 'from'],
      // An export's anchor without a period is a quarter's; an empty one reached the calendar as a 500.
      ['/api/admin/exports/summary?at=', 'at'],
      ['/api/admin/exports/raw?at=2026', 'at'],
    ];
    for (const [url, param] of cases) {
      const res = await x.t.app.request(url, { headers: admin });
      expect(res.status, url).toBe(400);
      const body = ErrorBody.parse(await res.json());
      expect(body.error.issues?.map((i) => i.path[0]), url).toContain(param);
    }
  });
});

describe('every admin query parameter, drawn at random', () => {
  it('gets an answer or a clear 4xx, never a 5xx (10,000 requests)', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async ([route, entries]) => {
        const url = `${route.path()}?${new URLSearchParams(entries.map(([k, v]) => [k, v])).toString()}`;
        const res = await x.t.app.request(url, { headers: admin });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status, url).toBeLessThan(500);
        if (res.status >= 400) ErrorBody.parse(await res.json());
        else await res.arrayBuffer();
      }),
      { numRuns: 10_000 },
    );
    // Both kinds of answer were exercised, not only refusals.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(1000);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(1000);
  }, 600_000);
});
