import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Counts, CountsGroupBy } from '../../schema/scoring.js';
import type { AppDatabase } from '../db/database.js';
import type { Db } from '../db/types.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqlite } from '../db/database.js';
import { migrate, MIGRATIONS } from '../db/migrate.js';
import { addDays } from '../time.js';
import { applyRollupDeltas, computeRollupDeltas, negateRollupDeltas, type RollupSource } from './deltas.js';
import { planRange, readCounts, readHeat, readResponseCounts, type CountsFilter } from './read.js';
import { rebuildRollups } from './rebuild.js';
import { QUAY_V1 } from '../instruments/catalogue.js';
import { formatIndex, scoreInstrument } from '../scoring/index.js';
import { settingsWith } from '../testing/scoring.js';
import { aRollupSource, openTempDatabase, randomSources, responseRowOf, SMALL_POPULATION } from '../testing/rollups.js';

const sorted = <T>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort().map((r) => JSON.parse(r) as T);

async function snapshot(db: Db) {
  return {
    fine: await db.selectFrom('rollup_fine').selectAll().where('n', '!=', 0).execute().then(sorted),
    unitDay: await db.selectFrom('rollup_unit_day').selectAll().where('n', '!=', 0).execute().then(sorted),
    unitMonth: await db.selectFrom('rollup_unit_month').selectAll().where('n', '!=', 0).execute().then(sorted),
    heat: await db.selectFrom('rollup_heat').selectAll().where('n_valid', '!=', 0).execute().then(sorted),
    responseDay: await db.selectFrom('rollup_response_day').selectAll().where('n', '!=', 0).execute().then(sorted),
  };
}

async function insertResponses(db: AppDatabase, sources: RollupSource[], idPrefix: string) {
  const rows = sources.map((s, i) => responseRowOf(s, `${idPrefix}-${String(i).padStart(6, '0')}`));
  await db.write(async (tx) => {
    for (let i = 0; i < rows.length; i += 500) await tx.insertInto('responses').values(rows.slice(i, i + 500)).execute();
  });
}

describe('computeRollupDeltas', () => {
  it('turns one response into one row per answer in each table, N/A as score 0', () => {
    const deltas = computeRollupDeltas([aRollupSource()]);
    expect(deltas.fine).toHaveLength(5);
    expect(deltas.fine.find((r) => r.criterion === 'QUAY.4')).toEqual({
      day: '2026-01-15',
      unit_id: 'unit-a',
      counter_id: 'counter-1',
      staff_id: '',
      procedure_id: '',
      channel: 'qr_web',
      instrument_id: 'QUAY@1',
      criterion: 'QUAY.4',
      score: 0,
      n: 1,
    });
    expect(deltas.unitMonth.map((r) => [r.month, r.criterion, r.score, r.n])).toEqual([
      ['2026-01', 'QUAY.1', 5, 1],
      ['2026-01', 'QUAY.2', 4, 1],
      ['2026-01', 'QUAY.3', 3, 1],
      ['2026-01', 'QUAY.4', 0, 1],
      ['2026-01', 'QUAY.ALL', 4, 1],
    ]);
    expect(deltas.heat).toEqual([
      { unit_id: 'unit-a', counter_id: 'counter-1', month: '2026-01', weekday: 4, hour: 9, n_valid: 4, n_dissatisfied: 0 },
    ]);
    expect(deltas.responseDay).toEqual([
      {
        day: '2026-01-15',
        unit_id: 'unit-a',
        counter_id: 'counter-1',
        staff_id: '',
        procedure_id: '',
        channel: 'qr_web',
        instrument_id: 'QUAY@1',
        n: 1,
      },
    ]);
  });

  it('sums a batch in memory so each key appears once', () => {
    const unhappy = aRollupSource({ answers: { 'QUAY.1': 1, 'QUAY.2': 2, 'QUAY.3': 3 } });
    const deltas = computeRollupDeltas([aRollupSource(), aRollupSource(), unhappy]);
    expect(deltas.fine.find((r) => r.criterion === 'QUAY.1' && r.score === 5)?.n).toBe(2);
    expect(deltas.responseDay).toHaveLength(1);
    expect(deltas.responseDay[0]!.n).toBe(3);
    expect(deltas.heat).toHaveLength(1);
    expect(deltas.heat[0]).toMatchObject({ n_valid: 11, n_dissatisfied: 2 });
    const keys = deltas.unitDay.map((r) => `${r.unit_id}|${r.day}|${r.instrument_id}|${r.criterion}|${r.score}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('counts nothing for suspect responses, and ignores values outside 1–5', () => {
    expect(computeRollupDeltas([aRollupSource({ suspect: true })])).toEqual({ fine: [], unitDay: [], unitMonth: [], heat: [], responseDay: [] });
    const odd = computeRollupDeltas([aRollupSource({ answers: { 'QUAY.1': 7, 'QUAY.2': 2.5, 'QUAY.3': 0, 'QUAY.4': 2 } })]);
    expect(odd.fine.map((r) => [r.criterion, r.score])).toEqual([['QUAY.4', 2]]);
  });

  it('keeps yes/no items out of the 5-point heatmap when told which they are', () => {
    const source = aRollupSource({ answers: { 'QUAY.1': 1, 'YN.1': 2 } });
    expect(computeRollupDeltas([source])[`heat`][0]).toMatchObject({ n_valid: 2, n_dissatisfied: 2 });
    const isBinary = (_instrument: string, code: string) => code === 'YN.1';
    expect(computeRollupDeltas([source], isBinary).heat[0]).toMatchObject({ n_valid: 1, n_dissatisfied: 1 });
    expect(computeRollupDeltas([source], isBinary).fine).toHaveLength(2);
  });
});

describe('rollup tables', () => {
  let db: AppDatabase;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ db, cleanup } = await openTempDatabase());
  });
  afterAll(async () => cleanup());

  it('incremental deltas, one by one and in batches, equal a rebuild from the responses exactly', async () => {
    const sources = randomSources(20261120, 3000);
    await insertResponses(db, sources, 'inc');
    for (const source of sources.slice(0, 400)) {
      await db.write((tx) => applyRollupDeltas(tx, computeRollupDeltas([source])));
    }
    let i = 400;
    for (const size of [1, 7, 64, 129, 500, 1000, 2000]) {
      const batch = sources.slice(i, i + size);
      if (batch.length === 0) break;
      await db.write((tx) => applyRollupDeltas(tx, computeRollupDeltas(batch)));
      i += batch.length;
    }
    expect(i).toBe(sources.length);
    const incremental = await snapshot(db.kysely);
    expect(incremental.fine.length).toBeGreaterThan(1000);

    const result = await rebuildRollups(db, { pageSize: 257, flushRows: 700 });
    expect(result.responses).toBe(sources.filter((s) => !s.suspect).length);
    const rebuilt = await snapshot(db.kysely);
    expect(rebuilt).toEqual(incremental);
    expect(result.rows).toEqual({
      fine: rebuilt.fine.length,
      unitDay: rebuilt.unitDay.length,
      unitMonth: rebuilt.unitMonth.length,
      heat: rebuilt.heat.length,
      responseDay: rebuilt.responseDay.length,
    });
    const answers = sources.filter((s) => !s.suspect).reduce((sum, s) => sum + Object.keys(s.answers).length, 0);
    expect(rebuilt.unitMonth.reduce((sum, r) => sum + r.n, 0)).toBe(answers);

    // A second rebuild changes nothing; undoing a batch removes exactly its counts.
    await rebuildRollups(db);
    expect(await snapshot(db.kysely)).toEqual(rebuilt);
    const extra = randomSources(7, 50).map((s) => ({ ...s, suspect: false }));
    await db.write((tx) => applyRollupDeltas(tx, computeRollupDeltas(extra)));
    expect(await snapshot(db.kysely)).not.toEqual(rebuilt);
    await db.write((tx) => applyRollupDeltas(tx, negateRollupDeltas(computeRollupDeltas(extra))));
    expect(await snapshot(db.kysely)).toEqual(rebuilt);
  });

  it('writes a large batch in chunks below the bound-value limit', async () => {
    const many = randomSources(99, 8000).map((s, i) => ({ ...s, suspect: false, staff_id: `big-${i}` }));
    const deltas = computeRollupDeltas(many);
    expect(deltas.fine.length).toBeGreaterThan(3000);
    await db.write((tx) => applyRollupDeltas(tx, deltas));
    const fine = await db.kysely
      .selectFrom('rollup_fine')
      .select((eb) => eb.fn.sum<number>('n').as('n'))
      .where('staff_id', 'like', 'big-%')
      .executeTakeFirstOrThrow();
    expect(fine.n).toBe(many.reduce((sum, s) => sum + Object.keys(s.answers).length, 0));
    await db.write((tx) => applyRollupDeltas(tx, negateRollupDeltas(deltas)));
  });
});

describe('planRange', () => {
  it('reads whole months monthly and each edge by its smaller side: its days, or its month minus the days outside', () => {
    expect(planRange('2026-01-01', '2026-03-31')).toEqual({ months: ['2026-01', '2026-03'], addDays: [], subtractDays: [] });
    expect(planRange('2025-12-17', '2026-03-05')).toEqual({
      months: ['2026-01', '2026-02'],
      addDays: [
        ['2025-12-17', '2025-12-31'],
        ['2026-03-01', '2026-03-05'],
      ],
      subtractDays: [],
    });
    expect(planRange('2025-12-03', '2026-03-28')).toEqual({
      months: ['2025-12', '2026-03'],
      addDays: [],
      subtractDays: [
        ['2025-12-01', '2025-12-02'],
        ['2026-03-29', '2026-03-31'],
      ],
    });
    expect(planRange('2026-02-02', '2026-02-27')).toEqual({
      months: ['2026-02', '2026-02'],
      addDays: [],
      subtractDays: [
        ['2026-02-01', '2026-02-01'],
        ['2026-02-28', '2026-02-28'],
      ],
    });
    expect(planRange('2028-02-01', '2028-02-29')).toEqual({ months: ['2028-02', '2028-02'], addDays: [], subtractDays: [] });
    expect(planRange('2026-01-31', '2026-02-01')).toEqual({
      months: null,
      addDays: [
        ['2026-01-31', '2026-01-31'],
        ['2026-02-01', '2026-02-01'],
      ],
      subtractDays: [],
    });
    expect(planRange('2026-01-10', '2026-01-09')).toEqual({ months: null, addDays: [], subtractDays: [] });
  });

  it('never reads more than half a month of days at an edge (property)', () => {
    const day = fc.integer({ min: 0, max: 3000 }).map((offset) => addDays('2024-01-01', offset));
    fc.assert(
      fc.property(day, day, (a, b) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        const plan = planRange(from, to);
        const days = [...plan.addDays, ...plan.subtractDays].reduce(
          (sum, [x, y]) => sum + (Date.parse(y) - Date.parse(x)) / 86_400_000 + 1,
          0,
        );
        expect(days).toBeLessThanOrEqual(32);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('reading counts', () => {
  let db: AppDatabase;
  let cleanup: () => Promise<void>;
  const population = { ...SMALL_POPULATION, units: ['u-a', 'u-b', 'u-c', 'u-d'] };
  const sources = randomSources(4242, 2500, population);
  const paths: Record<string, string> = { 'u-a': '/p1/u-a/', 'u-b': '/p1/u-b/', 'u-c': '/p2/u-c/', 'u-d': '/p1/u-a/u-d/' };

  beforeAll(async () => {
    ({ db, cleanup } = await openTempDatabase());
    const stamp = { created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' };
    await db.write(async (tx) => {
      for (const [id, path] of Object.entries(paths)) {
        await tx
          .insertInto('units')
          .values({ id, parent_id: null, kind: 'centre', code: id, name: id, path, province_id: path.split('/')[1]!, ...stamp })
          .execute();
      }
      await applyRollupDeltas(tx, computeRollupDeltas(sources));
    });
  });
  afterAll(async () => cleanup());

  /** The reference: counting the raw responses directly, with no rollup involved. */
  function direct(filter: CountsFilter) {
    const groupBy = filter.groupBy ?? 'none';
    const counts = new Map<string, Record<string, Counts>>();
    const responses = new Map<string, number>();
    for (const s of sources) {
      if (s.suspect || s.local_day < filter.from || s.local_day > filter.to) continue;
      if (filter.unitIds && !filter.unitIds.includes(s.unit_id)) continue;
      if (filter.unitPathPrefix !== undefined && !paths[s.unit_id]!.startsWith(filter.unitPathPrefix)) continue;
      if (filter.instrumentId !== undefined && s.instrument_id !== filter.instrumentId) continue;
      if (filter.counterId !== undefined && (s.counter_id ?? '') !== filter.counterId) continue;
      if (filter.staffId !== undefined && (s.staff_id ?? '') !== filter.staffId) continue;
      if (filter.procedureId !== undefined && (s.procedure_id ?? '') !== filter.procedureId) continue;
      if (filter.channel !== undefined && s.channel !== filter.channel) continue;
      const group = {
        none: '',
        unit: s.unit_id,
        counter: s.counter_id ?? '',
        staff: s.staff_id ?? '',
        procedure: s.procedure_id ?? '',
        channel: s.channel,
        month: s.local_day.slice(0, 7),
        day: s.local_day,
      }[groupBy];
      const key = `${group}|${s.instrument_id}`;
      responses.set(key, (responses.get(key) ?? 0) + 1);
      for (const [code, value] of Object.entries(s.answers)) {
        const byItem = counts.get(key) ?? {};
        counts.set(key, byItem);
        const c = (byItem[code] ??= [0, 0, 0, 0, 0, 0]);
        c[value ?? 0]! += 1;
      }
    }
    const ordered = (keys: Iterable<string>) =>
      [...keys].sort((a, b) => {
        const [ga, ia] = a.split('|') as [string, string];
        const [gb, ib] = b.split('|') as [string, string];
        return ga < gb ? -1 : ga > gb ? 1 : ia < ib ? -1 : ia > ib ? 1 : 0;
      });
    const split = (key: string) => ({ group: key.split('|')[0]!, instrumentId: key.split('|')[1]! });
    return {
      counts: ordered(counts.keys()).map((key) => ({ ...split(key), counts: counts.get(key)! })),
      responses: ordered(responses.keys()).map((key) => ({ ...split(key), n: responses.get(key)! })),
    };
  }

  const day = fc.integer({ min: -25, max: 150 }).map((offset) => addDays('2025-11-10', offset));
  const fineFilters = fc.record(
    {
      counterId: fc.constantFrom('counter-1', ''),
      staffId: fc.constantFrom('staff-2', ''),
      procedureId: fc.constantFrom('proc-1', ''),
      channel: fc.constantFrom('qr_web', 'counter_tablet'),
    },
    { requiredKeys: [] },
  );
  const filterArb: fc.Arbitrary<CountsFilter> = fc
    .record(
      {
        from: day,
        to: day,
        groupBy: fc.constantFrom<CountsGroupBy>('none', 'unit', 'counter', 'staff', 'procedure', 'channel', 'month', 'day'),
        units: fc.oneof(
          fc.constant({}),
          fc.subarray(population.units).map((unitIds) => ({ unitIds })),
          fc.constantFrom('/p1/', '/p2/', '/p1/u-a/', '/p9/').map((unitPathPrefix) => ({ unitPathPrefix })),
        ),
        instrumentId: fc.constantFrom('QUAY@1', 'S23S@1'),
        // Half the cases have no fine filter, so the monthly + daily path is well exercised.
        fine: fc.oneof(fc.constant({}), fineFilters),
      },
      { requiredKeys: ['from', 'to', 'units', 'fine'] },
    )
    .map(({ units, fine, from, to, ...rest }) => ({ ...units, ...fine, ...rest, from: from < to ? from : to, to: from < to ? to : from }));

  it('equals a direct count over the raw responses for any range, grouping and filter', async () => {
    await fc.assert(
      fc.asyncProperty(filterArb, async (filter) => {
        const expected = direct(filter);
        expect(await readCounts(db.kysely, filter)).toEqual(expected.counts);
        expect(await readResponseCounts(db.kysely, filter)).toEqual(expected.responses);
      }),
      { numRuns: 1000 },
    );
  });

  it('reads the monthly rollup for whole months: a month-aligned range gives the same counts as its days', async () => {
    const filter: CountsFilter = { from: '2025-12-01', to: '2026-02-28', groupBy: 'month' };
    const monthly = await readCounts(db.kysely, filter);
    expect(monthly.map((g) => g.group)).toEqual(['2025-12', '2025-12', '2026-01', '2026-01', '2026-02', '2026-02']);
    expect(monthly).toEqual(direct(filter).counts);
    // Prove the monthly table is what was read: empty it for one month and that month disappears.
    await db.write((tx) => tx.deleteFrom('rollup_unit_month').where('month', '=', '2026-01').execute());
    const without = await readCounts(db.kysely, filter);
    expect(without.map((g) => g.group)).toEqual(['2025-12', '2025-12', '2026-02', '2026-02']);
    await db.write(async (tx) => {
      await applyRollupDeltas(tx, {
        ...computeRollupDeltas(sources.filter((s) => s.local_day.startsWith('2026-01'))),
        fine: [],
        unitDay: [],
        heat: [],
        responseDay: [],
      });
    });
    expect(await readCounts(db.kysely, filter)).toEqual(monthly);
  });

  it('gives the weekday × hour grid of valid and dissatisfied answers by whole months', async () => {
    const cells = await readHeat(db.kysely, { from: '2026-01-20', to: '2026-02-03', unitPathPrefix: '/p1/', counterId: 'counter-2' });
    const expected = new Map<string, { valid: number; dissatisfied: number }>();
    for (const s of sources) {
      if (s.suspect || s.counter_id !== 'counter-2' || !paths[s.unit_id]!.startsWith('/p1/')) continue;
      if (s.local_day < '2026-01-01' || s.local_day > '2026-02-28') continue;
      const key = `${s.weekday}|${s.local_hour}`;
      const cell = expected.get(key) ?? { valid: 0, dissatisfied: 0 };
      for (const value of Object.values(s.answers)) {
        if (value === null) continue;
        cell.valid++;
        if (value <= 2) cell.dissatisfied++;
      }
      expected.set(key, cell);
    }
    expect(cells.length).toBeGreaterThan(20);
    for (const cell of cells) {
      expect(expected.get(`${cell.weekday}|${cell.hour}`)).toEqual({ valid: cell.nValid, dissatisfied: cell.nDissatisfied });
    }
    expect(cells.length).toBe([...expected.values()].filter((c) => c.valid > 0).length);
  });

  it('returns nothing for an empty unit list or an inverted range', async () => {
    expect(await readCounts(db.kysely, { unitIds: [], from: '2025-11-01', to: '2026-03-31' })).toEqual([]);
    expect(await readCounts(db.kysely, { from: '2026-03-31', to: '2025-11-01' })).toEqual([]);
  });
});

describe('the dashboard path', () => {
  it('T1 answers submitted as responses come back as 62.50% through rollups, readCounts and the engine', async () => {
    const { db, cleanup } = await openTempDatabase();
    try {
      const answers = [5, 5, 4, 4, 4, 3, 2, 1, null, null];
      const sources = answers.map((value, i) =>
        aRollupSource({ unit_id: 'centre', local_day: addDays('2026-02-25', i), answers: { 'QUAY.1': value } }),
      );
      sources.push(aRollupSource({ unit_id: 'centre', answers: { 'QUAY.1': 1 }, suspect: true }));
      for (const source of sources) await db.write((tx) => applyRollupDeltas(tx, computeRollupDeltas([source])));
      const [group] = await readCounts(db.kysely, { unitIds: ['centre'], from: '2026-02-01', to: '2026-03-31', instrumentId: 'QUAY@1' });
      expect(group!.counts['QUAY.1']).toEqual([2, 1, 1, 1, 3, 2]);
      const report = scoreInstrument({ id: 'QUAY@1', definition: QUAY_V1 }, group!.counts, settingsWith());
      const criterion = report.criteria[0]!;
      expect([criterion.n, criterion.x, criterion.na, formatIndex(criterion.index, settingsWith(), 'vi')]).toEqual([8, 5, 2, '62,50%']);
      expect(formatIndex(report.overall.index, settingsWith(), 'vi')).toBe('62,50%');
    } finally {
      await cleanup();
    }
  });
});

describe('migration 002', () => {
  it('rebuilds every rollup table WITHOUT ROWID and keeps every row', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sipas-m002-'));
    const db = openSqlite(path.join(dir, 'm.sqlite'));
    try {
      await migrate(db, MIGRATIONS.filter((m) => m.version === 1));
      await db.write((tx) => applyRollupDeltas(tx, computeRollupDeltas(randomSources(5, 300))));
      const before = await snapshot(db.kysely);
      expect(before.fine.length).toBeGreaterThan(100);
      await migrate(db);
      expect(await snapshot(db.kysely)).toEqual(before);
      const tables = db.sqlite!.prepare("select name, sql from sqlite_master where type = 'table' and name like 'rollup_%' order by name").all() as {
        name: string;
        sql: string;
      }[];
      expect(tables.map((t) => t.name)).toEqual(['rollup_fine', 'rollup_heat', 'rollup_response_day', 'rollup_unit_day', 'rollup_unit_month']);
      for (const t of tables) expect(t.sql.toLowerCase()).toMatch(/\) without rowid$/);
      // Upserts still land on the same primary keys.
      await db.write((tx) => applyRollupDeltas(tx, computeRollupDeltas(randomSources(5, 300))));
      const doubled = await snapshot(db.kysely);
      expect(doubled.unitMonth.map((r) => r.n)).toEqual(before.unitMonth.map((r) => 2 * r.n));
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
