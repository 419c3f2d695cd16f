import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommentPage, Overview, OverviewRow, Ranking, Trends, WeakList } from '../../schema/dashboard.js';
import type { Instrument } from '../../schema/instrument.js';
import type { CountsByItem, CriterionScore, ScoreReport } from '../../schema/scoring.js';
import { createApp } from '../app.js';
import { aSession, asSession, aUser } from '../testing/auth.js';
import type { ScoringSettings } from '../config.js';
import { requireInstrument } from '../instruments/store.js';
import { silentLogger } from '../log.js';
import { compareScores, emptyCounts, scoreUnits } from '../scoring/index.js';
import { seedReference, seedResponses, type DemoReference } from '../seed/demo.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { scoreOf } from './context.js';

/**
 * The dashboards against the demo province (20k responses over a year, the Giá Rai weakness
 * seeded), with numbers checked against the scoring engine run on counts tallied straight from the
 * responses table — not from the rollups the dashboards read.
 */

let t: TestContext;
let ref: DemoReference;
let quay: Instrument;
const headers: Record<'giarai' | 'baclieu' | 'province', Record<string, string>> = { giarai: {}, baclieu: {}, province: {} };
let giarai: DemoReference['centres'][number];
let baclieu: DemoReference['centres'][number];

beforeAll(async () => {
  t = await makeTestApp();
  const deps = { db: t.db, config: t.config, clock: t.clock, logger: silentLogger };
  ref = await seedReference(deps);
  await seedResponses(deps, ref, { count: 20_000, seed: 7 });
  quay = await requireInstrument(t.db.kysely, 'QUAY@1');
  giarai = ref.centres.find((c) => c.code === '31942-TTPVHCC')!;
  baclieu = ref.centres.find((c) => c.code === '31825-TTPVHCC')!;
  const session = async (role: 'centre_supervisor' | 'provincial_officer', unitId: string) => {
    const user = await aUser(t.db, t.clock, { grants: [{ role, unitId }] });
    return asSession(await aSession(t, user.id));
  };
  headers.giarai = await session('centre_supervisor', giarai.id);
  headers.baclieu = await session('centre_supervisor', baclieu.id);
  headers.province = await session('provincial_officer', ref.provinceId);
}, 120_000);
afterAll(() => t.cleanup());

async function get<T>(who: keyof typeof headers, path: string, app = t.app): Promise<T> {
  const res = await app.request(path, { headers: headers[who] });
  const body = await res.text();
  expect(res.status, body.slice(0, 400)).toBe(200);
  return JSON.parse(body) as T;
}

interface RawFilter {
  unitIds: string[];
  from: string;
  to: string;
  counterId?: string;
  procedureIds?: string[];
  channel?: string;
}

interface RawRow {
  id: string;
  unit_id: string;
  counter_id: string | null;
  procedure_id: string | null;
  channel: string;
  local_day: string;
  answers: string;
  comment: string | null;
}

/** Accepted (non-suspect) QUAY responses matching a filter, straight from the responses table. */
async function rawResponses(f: RawFilter): Promise<RawRow[]> {
  const rows: RawRow[] = await t.db.kysely
    .selectFrom('responses')
    .select(['id', 'unit_id', 'counter_id', 'procedure_id', 'channel', 'local_day', 'answers', 'comment'])
    .where('suspect', '=', 0)
    .where('instrument_id', '=', 'QUAY@1')
    .where('local_day', '>=', f.from)
    .where('local_day', '<=', f.to)
    .execute();
  return rows.filter(
    (r) =>
      f.unitIds.includes(r.unit_id) &&
      (f.counterId === undefined || r.counter_id === f.counterId) &&
      (f.procedureIds === undefined || f.procedureIds.includes(r.procedure_id ?? '')) &&
      (f.channel === undefined || r.channel === f.channel),
  );
}

/** Counts per unit tallied in TypeScript from raw answers. */
async function rawCountsByUnit(f: RawFilter): Promise<CountsByItem[]> {
  const byUnit = new Map<string, CountsByItem>();
  for (const r of await rawResponses(f)) {
    const counts = byUnit.get(r.unit_id) ?? {};
    byUnit.set(r.unit_id, counts);
    for (const [code, value] of Object.entries(JSON.parse(r.answers) as Record<string, number | null>)) {
      const c = (counts[code] ??= emptyCounts());
      if (value === null) c[0]++;
      else c[value as 1]++;
    }
  }
  // By unit id, as the rollup readers return them: a mean of children depends on summation order in the last bit.
  return [...byUnit.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, counts]) => counts);
}

/** The engine's scores by code, overall under 'overall'. */
function engineScores(report: ScoreReport): Map<string, CriterionScore | ScoreReport['overall'] | ScoreReport['factors'][number]> {
  const out = new Map<string, CriterionScore | ScoreReport['overall'] | ScoreReport['factors'][number]>();
  out.set('overall', report.overall);
  for (const f of report.factors) out.set(f.code, f);
  for (const c of [...report.criteria, ...report.factorQuestions]) out.set(c.code, c);
  if (report.overallQuestion) out.set(report.overallQuestion.code, report.overallQuestion);
  return out;
}


/** Every number of an overview equals the engine's on raw counts, for the current and previous period. */
async function expectOverviewMatchesEngine(overview: Overview, filter: Omit<RawFilter, 'from' | 'to'>, settings: ScoringSettings) {
  const current = scoreUnits(quay, await rawCountsByUnit({ ...filter, from: overview.period.from, to: overview.period.to }), settings);
  const previous = scoreUnits(quay, await rawCountsByUnit({ ...filter, ...overview.period.previous }), settings);
  const now = engineScores(current);
  const before = engineScores(previous);
  const rows: OverviewRow[] = [overview.overall!, ...overview.rows];
  expect(rows.map((r) => r.code).sort()).toEqual([...now.keys()].sort());
  for (const row of rows) {
    const expected = now.get(row.code)!;
    const prior = before.get(row.code)!;
    expect(scoreOf(row.score), row.code).toEqual(scoreOf(expected));
    expect(row.previous, row.code).toEqual({ index: prior.index, n: prior.n });
    expect(row.test, row.code).toEqual(compareScores(expected, prior));
    expect(row.belowTarget).toBe(expected.index !== null && expected.index < overview.target);
  }
  expect(overview.responses).toBe((await rawResponses({ ...filter, from: overview.period.from, to: overview.period.to })).length);
}

const allUnitIds = () => ref.centres.map((c) => c.id);
const landProcedures = () => ref.procedures.filter((p) => p.field === 'Đất đai').map((p) => p.id);

describe('overview: the same numbers as the scoring engine on raw counts', () => {
  it('a centre supervisor, this quarter (the default)', async () => {
    const o = await get<Overview>('giarai', '/api/admin/dashboard/overview');
    expect(o.unit?.code).toBe('31942-TTPVHCC');
    // The current quarter runs to today and is compared with the previous one up to the same point.
    expect(o.period).toMatchObject({ kind: 'quarter', at: '2026-Q4', from: '2026-10-01', to: '2026-11-20', toDate: true, previous: { from: '2026-07-01', to: '2026-08-20' } });
    expect(o.instrumentId).toBe('QUAY@1');
    expect(o.target).toBe(80);
    expect(o.responses).toBeGreaterThan(100);
    await expectOverviewMatchesEngine(o, { unitIds: [giarai.id] }, t.config.scoring);
    expect(o.rows.find((r) => r.code === 'QUAY.2')!.belowTarget).toBe(true);
  });

  it('the province for a year, pooled and as the mean of its centres', async () => {
    const pooled = await get<Overview>('province', '/api/admin/dashboard/overview?period=year&at=2026');
    expect(pooled.unit?.code).toBe('96');
    await expectOverviewMatchesEngine(pooled, { unitIds: allUnitIds() }, t.config.scoring);
    const settings = { ...t.config.scoring, unitRollup: 'mean_of_children' as const };
    const meanApp = createApp({ db: t.db, config: { ...t.config, scoring: settings }, clock: t.clock, logger: silentLogger, ui: {} });
    const mean = await get<Overview>('province', '/api/admin/dashboard/overview?period=year&at=2026', meanApp);
    expect(mean.overall!.score.unitRollup).toBe('mean_of_children');
    expect(mean.overall!.score.index).not.toBe(pooled.overall!.score.index);
    await expectOverviewMatchesEngine(mean, { unitIds: allUnitIds() }, settings);
  });

  it('filtered by counter, by field (several procedures) and by channel, over a custom range with partial months', async () => {
    const q3 = giarai.counters[2]!;
    const base = `/api/admin/dashboard/overview?period=custom&from=2026-03-15&to=2026-06-10`;
    await expectOverviewMatchesEngine(
      await get<Overview>('giarai', `${base}&counterId=${q3.id}`),
      { unitIds: [giarai.id], counterId: q3.id },
      t.config.scoring,
    );
    await expectOverviewMatchesEngine(
      await get<Overview>('province', `${base}&field=${encodeURIComponent('Đất đai')}`),
      { unitIds: allUnitIds(), procedureIds: landProcedures() },
      t.config.scoring,
    );
    await expectOverviewMatchesEngine(await get<Overview>('province', `${base}&channel=paper`), { unitIds: allUnitIds(), channel: 'paper' }, t.config.scoring);
  });

  it('a province target in the settings table moves the target line', async () => {
    await t.db.write((tx) =>
      tx.insertInto('settings').values({ unit_id: ref.provinceId, key: 'target_index', value: '95', updated_at: t.clock.now().toISOString() }).execute(),
    );
    try {
      const o = await get<Overview>('giarai', '/api/admin/dashboard/overview');
      expect(o).toMatchObject({ target: 95, targetSource: 'province' });
      for (const r of o.rows) expect(r.belowTarget).toBe(r.score.index !== null && r.score.index < 95);
    } finally {
      await t.db.write((tx) => tx.deleteFrom('settings').where('unit_id', '=', ref.provinceId).execute());
    }
  });
});

describe('weak criteria', () => {
  it('the supervisor sees staff attitude at counter 3, land procedures, at the top', async () => {
    const weak = await get<WeakList>('giarai', '/api/admin/dashboard/weak');
    const top = weak.items[0]!;
    expect(top.criterion).toBe('QUAY.2');
    expect(top.label.vi).toBe('Thái độ công chức');
    expect(top.where.counter?.code).toBe('Q3');
    expect(top.where.field).toBe('Đất đai');
    expect(top.clearlyBelow).toBe(true);
    // The rule as shown: enough answers, below target, ordered by the interval's upper bound.
    expect(weak.rule).toEqual({ minN: 30, target: 80, basis: 'wilson_upper' });
    for (const item of weak.items) {
      expect(item.score.n).toBeGreaterThanOrEqual(30);
      expect(item.score.index!).toBeLessThan(80);
    }
    const uppers = weak.items.map((i) => i.score.wilson!.upper);
    expect(uppers).toEqual([...uppers].sort((a, b) => a - b));
    // The top cell's numbers are the engine's on the raw answers of that counter and field.
    const raw = scoreUnits(quay, await rawCountsByUnit({ unitIds: [giarai.id], from: '2026-10-01', to: '2026-12-31', counterId: top.where.counter!.id, procedureIds: landProcedures() }), t.config.scoring);
    expect(scoreOf(top.score)).toEqual(scoreOf(raw.criteria.find((c) => c.code === 'QUAY.2')!));
  });

  it('the provincial office sees where: Giá Rai, counter 3, staff attitude', async () => {
    const weak = await get<WeakList>('province', '/api/admin/dashboard/weak?period=year&at=2026&limit=5');
    expect(weak.items.length).toBe(5);
    expect(weak.total).toBeGreaterThanOrEqual(5);
    const top = weak.items[0]!;
    expect(top).toMatchObject({ criterion: 'QUAY.2', where: { unit: { id: giarai.id }, counter: { code: 'Q3' } } });
  });

  it('narrows to one criterion', async () => {
    const weak = await get<WeakList>('province', '/api/admin/dashboard/weak?period=year&at=2026&criterion=QUAY.1');
    expect(weak.items.length).toBeGreaterThan(0);
    expect(weak.items.every((i) => i.criterion === 'QUAY.1')).toBe(true);
  });

  it('another centre’s supervisor sees nothing of Giá Rai', async () => {
    const weak = await get<WeakList>('baclieu', '/api/admin/dashboard/weak?period=year&at=2026');
    expect(JSON.stringify(weak)).not.toContain(giarai.id);
  });
});

describe('trends', () => {
  it('12 monthly points up to the current month, each the engine’s, and the heatmap from rollup_heat', async () => {
    const trends = await get<Trends>('province', '/api/admin/dashboard/trends');
    expect(trends.points.map((p) => p.period)).toEqual([
      '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11',
    ]);
    const may = trends.points.find((p) => p.period === '2026-05')!;
    const raw = engineScores(scoreUnits(quay, await rawCountsByUnit({ unitIds: allUnitIds(), from: '2026-05-01', to: '2026-05-31' }), t.config.scoring));
    for (const [code, score] of Object.entries(may.scores)) expect(scoreOf(score), code).toEqual(scoreOf(raw.get(code)!));
    expect(may.responses).toBe((await rawResponses({ unitIds: allUnitIds(), from: '2026-05-01', to: '2026-05-31' })).length);
    const december = (await get<Trends>('province', '/api/admin/dashboard/trends?period=quarter&at=2025-Q4')).points.at(-1)!;
    expect(december.period).toBe('2025-12');
    expect(trends.series[0]).toMatchObject({ code: 'overall', level: 'overall' });

    let dissatisfied = 0;
    let valid = 0;
    for (const r of await rawResponses({ unitIds: allUnitIds(), from: '2026-10-01', to: '2026-12-31' })) {
      for (const v of Object.values(JSON.parse(r.answers) as Record<string, number | null>)) {
        if (v === null) continue;
        valid++;
        if (v <= 2) dissatisfied++;
      }
    }
    expect(trends.heat.cells.reduce((a, c) => a + c.nDissatisfied, 0)).toBe(dissatisfied);
    expect(trends.heat.cells.reduce((a, c) => a + c.nValid, 0)).toBe(valid);
    for (const c of trends.heat.cells) expect(c.share).toBeCloseTo((100 * c.nDissatisfied) / c.nValid, 10);
  });

  it('quarterly points pool their months per unit', async () => {
    const trends = await get<Trends>('giarai', '/api/admin/dashboard/trends?period=year&at=2026&interval=quarter');
    expect(trends.points.map((p) => p.period)).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
    const q2 = trends.points[1]!;
    const raw = engineScores(scoreUnits(quay, await rawCountsByUnit({ unitIds: [giarai.id], from: '2026-04-01', to: '2026-06-30' }), t.config.scoring));
    expect(scoreOf(q2.scores['QUAY.2']!)).toEqual(scoreOf(raw.get('QUAY.2')!));
    expect(scoreOf(q2.scores.overall!)).toEqual(scoreOf(raw.get('overall')!));
  });
});

describe('ranking', () => {
  it('ranks the province’s centres by a criterion; Giá Rai is last on staff attitude', async () => {
    const r = await get<Ranking>('province', '/api/admin/dashboard/ranking?period=year&at=2026&measure=QUAY.2&sort=index&dir=asc');
    expect(r.rows[0]!.unit.id).toBe(giarai.id);
    expect(r.rows.length + r.excluded).toBe(ref.centres.length);
    const byRank = [...r.rows].sort((a, b) => a.rank! - b.rank!);
    const indices = byRank.map((row) => row.score.index!);
    expect(indices).toEqual([...indices].sort((a, b) => b - a));
    const raw = scoreUnits(quay, await rawCountsByUnit({ unitIds: [giarai.id], from: '2026-01-01', to: '2026-12-31' }), t.config.scoring);
    expect(scoreOf(r.rows[0]!.score)).toEqual(scoreOf(raw.criteria.find((c) => c.code === 'QUAY.2')!));
  });

  it('leaves out insufficient units unless asked, and sorts by name', async () => {
    const month = '/api/admin/dashboard/ranking?period=custom&from=2026-11-16&to=2026-11-18';
    const without = await get<Ranking>('province', month);
    const withAll = await get<Ranking>('province', `${month}&includeInsufficient=true&sort=name&dir=asc`);
    expect(without.excluded).toBeGreaterThan(0);
    expect(without.rows.every((row) => row.score.reliability !== 'insufficient')).toBe(true);
    expect(withAll.rows.length).toBe(without.rows.length + without.excluded);
    const names = withAll.rows.map((row) => row.unit.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'vi')));
  });

  it('groups centres by commune', async () => {
    const r = await get<Ranking>('province', '/api/admin/dashboard/ranking?period=year&at=2026&level=commune&includeInsufficient=true');
    const kinds = new Set(r.rows.map((row) => row.unit.kind));
    expect(kinds.has('commune')).toBe(true);
    expect(r.rows.find((row) => row.unit.code === '31942')).toBeDefined();
  });

  it('a supervisor ranks only their own centre', async () => {
    const r = await get<Ranking>('giarai', '/api/admin/dashboard/ranking?period=year&at=2026');
    expect(r.rows.map((row) => row.unit.id)).toEqual([giarai.id]);
  });
});

describe('comments', () => {
  it('filters by a low score on one criterion, newest first, a page at a time', async () => {
    const path = `/api/admin/dashboard/comments?period=year&at=2026&criterion=QUAY.2&maxScore=2&limit=10`;
    const page1 = await get<CommentPage>('giarai', path);
    const page2 = await get<CommentPage>('giarai', `${path}&offset=10`);
    const expected = (await rawResponses({ unitIds: [giarai.id], from: '2026-01-01', to: '2026-12-31' })).filter((r) => {
      const v = (JSON.parse(r.answers) as Record<string, number | null>)['QUAY.2'];
      return r.comment !== null && v != null && v <= 2;
    });
    expect(page1.total).toBe(expected.length);
    expect(page1.items.length).toBe(10);
    for (const item of [...page1.items, ...page2.items]) {
      expect(item.ratings['QUAY.2']).toBeLessThanOrEqual(2);
      expect(item.unit.id).toBe(giarai.id);
    }
    const times = [...page1.items, ...page2.items].map((i) => i.submittedAt);
    expect(times).toEqual([...times].sort().reverse());
    expect(new Set([...page1.items, ...page2.items].map((i) => i.id)).size).toBe(20);
    expect(page1.labels['QUAY.2']!.vi).toBe('Thái độ công chức');
  });

  it('searches words, filters by counter, and names counter and procedure', async () => {
    const q3 = giarai.counters[2]!;
    const page = await get<CommentPage>('giarai', `/api/admin/dashboard/comments?period=year&at=2026&counterId=${q3.id}&q=${encodeURIComponent('quầy 3')}`);
    expect(page.total).toBeGreaterThan(0);
    for (const item of page.items) {
      expect(item.comment.toLowerCase()).toContain('quầy 3');
      expect(item.counter).toMatchObject({ id: q3.id, code: 'Q3' });
      expect(item.procedure?.field === 'Đất đai' || item.procedure?.field === 'Hoạt động xây dựng').toBe(true);
    }
    // LIKE wildcards in the search are literal.
    expect((await get<CommentPage>('giarai', '/api/admin/dashboard/comments?period=year&at=2026&q=%25')).total).toBe(0);
  });

  it('leaves out suspect responses', async () => {
    const row = await t.db.kysely
      .selectFrom('responses')
      .select('id')
      .where('unit_id', '=', giarai.id)
      .where('comment', 'is not', null)
      .where('local_day', '>=', '2026-01-01')
      .limit(1)
      .executeTakeFirstOrThrow();
    const path = '/api/admin/dashboard/comments?period=year&at=2026&limit=100';
    const all = async () => {
      const ids: string[] = [];
      const first = await get<CommentPage>('giarai', path);
      for (let offset = 0; offset < first.total; offset += 100) ids.push(...(await get<CommentPage>('giarai', `${path}&offset=${offset}`)).items.map((i) => i.id));
      return ids;
    };
    expect(await all()).toContain(row.id);
    await t.db.kysely.updateTable('responses').set({ suspect: 1 }).where('id', '=', row.id).execute();
    try {
      expect(await all()).not.toContain(row.id);
    } finally {
      await t.db.kysely.updateTable('responses').set({ suspect: 0 }).where('id', '=', row.id).execute();
    }
  });
});

describe('scope and validation', () => {
  it('refuses a unit outside the caller’s area and an unknown one', async () => {
    for (const view of ['overview', 'weak', 'trends', 'ranking', 'comments', 'options']) {
      const foreign = await t.app.request(`/api/admin/dashboard/${view}?unitId=${baclieu.id}`, { headers: headers.giarai });
      expect(foreign.status, view).toBe(403);
      expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe('forbidden_unit');
      const unknown = await t.app.request(`/api/admin/dashboard/${view}?unitId=nosuchunit`, { headers: headers.giarai });
      expect(unknown.status, view).toBe(404);
    }
  });

  it('needs a session', async () => {
    expect((await t.app.request('/api/admin/dashboard/overview')).status).toBe(401);
  });

  it('the provincial office can narrow to one centre; options list what the filters offer', async () => {
    const o = await get<Overview>('province', `/api/admin/dashboard/overview?unitId=${giarai.id}`);
    const own = await get<Overview>('giarai', '/api/admin/dashboard/overview');
    expect(o.overall).toEqual(own.overall);
    const options = await get<{ counters: { code: string }[]; fields: string[]; units: { id: string }[] }>('giarai', '/api/admin/dashboard/options');
    expect(options.counters.map((c) => c.code)).toEqual(['Q1', 'Q2', 'Q3', 'Q4']);
    expect(options.fields).toContain('Đất đai');
    expect(options.units.map((u) => u.id)).toEqual([giarai.id]);
  });

  it('sort columns, levels and measures come from closed lists', async () => {
    for (const bad of [
      'ranking?sort=name;drop table responses',
      'ranking?sort=unit_id',
      'ranking?measure=QUAY.9',
      'ranking?level=province',
      'overview?period=quarter&at=2026-11',
      'overview?period=custom&from=2026-01-01',
      'overview?orderBy=x',
      'comments?maxScore=0',
      'comments?criterion=1%20or%201=1',
      'trends?interval=week',
    ]) {
      const res = await t.app.request(`/api/admin/dashboard/${bad}`, { headers: headers.province });
      expect(res.status, bad).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code, bad).toBe('validation_failed');
    }
  });

  it('any query string gives a clear 4xx or an answer, never a 5xx', async () => {
    const keys = ['unitId', 'period', 'at', 'from', 'to', 'instrumentId', 'counterId', 'staffId', 'procedureId', 'field', 'channel', 'limit', 'offset', 'q', 'criterion', 'maxScore', 'sort', 'dir', 'measure', 'level', 'includeInsufficient', 'interval', 'zzz'];
    const value = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('quarter', 'month', 'year', 'custom', '2026', '2026-Q4', '2026-11', '2026-11-01', 'QUAY@1', 'QUAY.2', 'overall', 'true', '-1', '99999999', giarai.id),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('overview', 'weak', 'trends', 'ranking', 'comments', 'options'),
        fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 5 }),
        async (view, params) => {
          const res = await t.app.request(`/api/admin/dashboard/${view}?${new URLSearchParams(params)}`, { headers: headers.giarai });
          expect(res.status).toBeLessThan(500);
          if (res.status !== 200) expect(((await res.json()) as { error: { code: string } }).error.code).toMatch(/^[a-z_]+$/);
        },
      ),
      { numRuns: 300 },
    );
  });
});
