import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { Actor } from '../../server/auth/actor.js';
import { fixedClock } from '../../server/clock.js';
import { loadConfig } from '../../server/config.js';
import { openPostgres, openSqlite, type Dialect } from '../../server/db/database.js';
import type { Deps } from '../../server/deps.js';
import { silentLogger } from '../../server/log.js';
import { addDays } from '../../server/time.js';
import { DashboardFilter, RankingQuery } from '../../schema/dashboard.js';
import { dashboardOverview } from '../../server/dashboard/overview.js';
import { addMonths, quarterOf } from '../../server/reporting/index.js';
import { dashboardRanking } from '../../server/dashboard/ranking.js';

export interface Timing {
  median: number;
  p95: number;
  iterations: number;
}

/** Runs fn `iterations` times after a warm-up and returns the median and p95 in milliseconds. */
export async function timeIt(fn: () => Promise<unknown>, iterations: number): Promise<Timing> {
  for (let i = 0; i < Math.min(20, iterations); i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return { median: at(0.5), p95: at(0.95), iterations };
}

export interface DashboardBench {
  engine: Dialect;
  responses: number;
  centre: string;
  quarter: string;
  yearFrom: string;
  yearTo: string;
  selectOne: Timing;
  overview: Timing;
  ranking: Timing;
}

/**
 * Times the two budgeted dashboard functions (performance.md) directly, without HTTP, on an
 * existing seeded database (a SQLite file or a postgres:// URL): one centre's overview for its last
 * whole quarter, and the ranking of every unit of the province over the last 365 days. The baseline
 * is a `select 1` round trip through the same Kysely handle in the same run.
 */
export async function benchDashboard(target: string, iterations = { overview: 400, ranking: 100, selectOne: 2000 }): Promise<DashboardBench> {
  const onPostgres = /^postgres(ql)?:\/\//.test(target);
  const env = { LOG_REQUESTS: 'false', SERVER_SECRET: 'bench-only-secret-never-used-for-signing' };
  const config = onPostgres
    ? loadConfig({ ...env, DATA_DIR: tmpdir(), DATABASE_URL: target })
    : { ...loadConfig({ ...env, DATA_DIR: path.dirname(path.resolve(target)) }), databaseFile: path.resolve(target) };
  const db = onPostgres ? openPostgres(target) : openSqlite(config.databaseFile);
  try {
    const kysely = db.kysely;
    const last = await kysely.selectFrom('rollup_response_day').select((eb) => eb.fn.max('day').as('day')).executeTakeFirst();
    if (!last?.day) throw new Error(`${target} has no responses: seed it with npm run db:seed -- --responses N`);
    const lastDay = String(last.day);
    const deps: Deps = { db, config, clock: fixedClock(`${lastDay}T05:00:00Z`), logger: silentLogger };
    const total = await kysely.selectFrom('rollup_response_day').select((eb) => eb.fn.sum<number>('n').as('n')).executeTakeFirstOrThrow();
    const busiest = await kysely
      .selectFrom('rollup_unit_month')
      .innerJoin('units', 'units.id', 'rollup_unit_month.unit_id')
      .select(['units.id', 'units.path', 'units.code', 'units.province_id'])
      .where('units.kind', '=', 'centre')
      .groupBy(['units.id', 'units.path', 'units.code', 'units.province_id'])
      .orderBy(sql`sum(n)`, 'desc')
      .executeTakeFirstOrThrow();
    const weak = await kysely.selectFrom('units').select(['id', 'path', 'code', 'province_id']).where('code', '=', '31942-TTPVHCC').executeTakeFirst();
    const centre = weak ?? busiest;
    const province = await kysely.selectFrom('units').select(['id', 'path']).where('id', '=', centre.province_id).executeTakeFirstOrThrow();
    const actor = (role: 'centre_supervisor' | 'provincial_officer', unit: { id: string; path: string }): Actor => ({
      userId: 'bench',
      username: 'bench',
      displayName: 'bench',
      grants: [{ role, unitId: unit.id, unitPath: unit.path }],
    });
    const supervisor = actor('centre_supervisor', centre);
    const officer = actor('provincial_officer', province);
    // The last whole quarter before the one the data ends in.
    const quarter = quarterOf(`${addMonths(lastDay.slice(0, 7), -3)}-01`);
    const overviewQuery = DashboardFilter.parse({ period: 'quarter', at: quarter });
    const yearFrom = addDays(lastDay, -364);
    const rankingQuery = RankingQuery.parse({ period: 'custom', from: yearFrom, to: lastDay });

    const selectOne = await timeIt(() => sql`select 1`.execute(kysely), iterations.selectOne);
    const overview = await timeIt(() => dashboardOverview(deps, supervisor, overviewQuery), iterations.overview);
    const ranking = await timeIt(() => dashboardRanking(deps, officer, rankingQuery), iterations.ranking);
    return { engine: db.dialect, responses: Number(total.n), centre: centre.code, quarter, yearFrom, yearTo: lastDay, selectOne, overview, ranking };
  } finally {
    await db.close();
  }
}
