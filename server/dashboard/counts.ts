import { sql } from 'kysely';
import type { Counts, CountsByItem } from '../../schema/scoring.js';
import type { Db } from '../db/types.js';
import { readCounts, type CountsFilter } from '../rollups/index.js';
import { emptyCounts } from '../scoring/index.js';
import type { ViewScope } from './scope.js';

/**
 * Counts for the dashboards, from the rollup tables only. The rollups' own readers serve every
 * single-valued filter; a procedure field (lĩnh vực: several procedures) and the multi-column
 * groupings of the weak-criteria view read rollup_fine here.
 */

export interface ViewFilter {
  from: string;
  to: string;
  instrumentId?: string | undefined;
  counterId?: string | undefined;
  staffId?: string | undefined;
  procedureId?: string | undefined;
  /** Procedures of a field; an empty list matches nothing. */
  procedureIds?: readonly string[] | undefined;
  channel?: string | undefined;
}

/** Columns of rollup_fine (and a month derived from its day) the dashboards group by. */
export type FineColumn = 'unit_id' | 'counter_id' | 'staff_id' | 'procedure_id' | 'channel' | 'month';

export interface FineGroup {
  key: Record<FineColumn, string>;
  instrumentId: string;
  counts: CountsByItem;
}

const FINE_EXPRESSIONS: Record<FineColumn, ReturnType<typeof sql<string>>> = {
  unit_id: sql<string>`unit_id`,
  counter_id: sql<string>`counter_id`,
  staff_id: sql<string>`staff_id`,
  procedure_id: sql<string>`procedure_id`,
  channel: sql<string>`channel`,
  month: sql<string>`substr(day, 1, 7)`,
};

const SEP = '\u0001';

/** rollup_fine summed over days, grouped by the given columns (plus instrument, criterion, score). */
export async function readFineGroups(db: Db, unitIds: readonly string[], filter: ViewFilter, columns: readonly FineColumn[]): Promise<FineGroup[]> {
  if (filter.from > filter.to || unitIds.length === 0) return [];
  let query = db
    .selectFrom('rollup_fine')
    .select(['instrument_id', 'criterion', 'score'])
    .select((eb) => eb.fn.sum<number>('n').as('n'))
    .where('unit_id', 'in', [...unitIds])
    .where('day', '>=', filter.from)
    .where('day', '<=', filter.to)
    .groupBy(['instrument_id', 'criterion', 'score']);
  if (filter.instrumentId !== undefined) query = query.where('instrument_id', '=', filter.instrumentId);
  if (filter.counterId !== undefined) query = query.where('counter_id', '=', filter.counterId);
  if (filter.staffId !== undefined) query = query.where('staff_id', '=', filter.staffId);
  if (filter.procedureId !== undefined) query = query.where('procedure_id', '=', filter.procedureId);
  if (filter.procedureIds !== undefined) query = query.where('procedure_id', 'in', filter.procedureIds.length ? [...filter.procedureIds] : ['']);
  if (filter.channel !== undefined) query = query.where('channel', '=', filter.channel);
  for (const column of columns) {
    const expression = FINE_EXPRESSIONS[column];
    query = query.select(expression.as(`g_${column}`)).groupBy(expression);
  }
  const rows = (await query.execute()) as unknown as (Record<string, string> & { instrument_id: string; criterion: string; score: number; n: number | string })[];
  const groups = new Map<string, FineGroup>();
  for (const row of rows) {
    const key = Object.fromEntries(columns.map((c) => [c, row[`g_${c}`] ?? ''])) as Record<FineColumn, string>;
    const id = `${columns.map((c) => key[c]).join(SEP)}${SEP}${row.instrument_id}`;
    let group = groups.get(id);
    if (!group) {
      group = { key, instrumentId: row.instrument_id, counts: {} };
      groups.set(id, group);
    }
    const counts: Counts = (group.counts[row.criterion] ??= emptyCounts());
    if (row.score >= 0 && row.score <= 5) counts[row.score as 0] += Number(row.n);
  }
  return [...groups.values()];
}

const needsFine = (f: ViewFilter) => f.procedureIds !== undefined;

function rollupFilter(scope: ViewScope, f: ViewFilter): CountsFilter {
  return {
    unitIds: scope.unitIds,
    from: f.from,
    to: f.to,
    ...(f.instrumentId !== undefined && { instrumentId: f.instrumentId }),
    ...(f.counterId !== undefined && { counterId: f.counterId }),
    ...(f.staffId !== undefined && { staffId: f.staffId }),
    ...(f.procedureId !== undefined && { procedureId: f.procedureId }),
    ...(f.channel !== undefined && { channel: f.channel }),
  };
}

/** Counts of one unit on one instrument. */
export interface UnitCounts {
  unitId: string;
  instrumentId: string;
  counts: CountsByItem;
}

/**
 * Counts per unit and instrument (every instrument unless the filter names one), ordered by unit id:
 * from the monthly + daily unit rollups, or rollup_fine when a counter/staff/procedure/channel
 * filter applies.
 */
export async function countsByUnit(db: Db, scope: ViewScope, filter: ViewFilter): Promise<UnitCounts[]> {
  if (scope.unitIds.length === 0) return [];
  if (needsFine(filter)) {
    return (await readFineGroups(db, scope.unitIds, filter, ['unit_id']))
      .map((g) => ({ unitId: g.key.unit_id, instrumentId: g.instrumentId, counts: g.counts }))
      .sort((a, b) => (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0));
  }
  return (await readCounts(db, { ...rollupFilter(scope, filter), groupBy: 'unit' })).map((g) => ({
    unitId: g.group,
    instrumentId: g.instrumentId,
    counts: g.counts,
  }));
}

/**
 * Counts per month (YYYY-MM), one entry per unit, for trends over whole months: from the monthly
 * unit rollup, or from rollup_fine when a counter/staff/procedure/channel filter applies.
 */
export async function countsByMonthAndUnit(
  db: Db,
  scope: ViewScope,
  filter: ViewFilter & { instrumentId: string },
): Promise<Map<string, Map<string, CountsByItem>>> {
  const out = new Map<string, Map<string, CountsByItem>>();
  if (scope.unitIds.length === 0) return out;
  const countsAt = (month: string, unitId: string): CountsByItem => {
    let units = out.get(month);
    if (!units) out.set(month, (units = new Map()));
    let counts = units.get(unitId);
    if (!counts) units.set(unitId, (counts = {}));
    return counts;
  };
  const fine = needsFine(filter) || filter.counterId !== undefined || filter.staffId !== undefined || filter.procedureId !== undefined || filter.channel !== undefined;
  if (fine) {
    for (const g of await readFineGroups(db, scope.unitIds, filter, ['month', 'unit_id'])) {
      out.set(g.key.month, out.get(g.key.month) ?? new Map());
      out.get(g.key.month)!.set(g.key.unit_id, g.counts);
    }
    return out;
  }
  const rows = await db
    .selectFrom('rollup_unit_month')
    .select(['unit_id', 'month', 'criterion', 'score', 'n'])
    .where('unit_id', 'in', scope.unitIds)
    .where('month', '>=', filter.from.slice(0, 7))
    .where('month', '<=', filter.to.slice(0, 7))
    .where('instrument_id', '=', filter.instrumentId)
    .execute();
  for (const r of rows) {
    const c: Counts = (countsAt(r.month, r.unit_id)[r.criterion] ??= emptyCounts());
    if (r.score >= 0 && r.score <= 5) c[r.score as 0] += Number(r.n);
  }
  return out;
}

/**
 * Responses behind counts: per unit, the answers (no opinion included) to the instrument's
 * most-answered item. The survey forms make every item answered (no opinion is an answer), so this
 * is the number of responses; it reads the unit rollups the scores come from, not the per-response
 * rollup whose row count grows with counters × staff × procedures × channels.
 */
export function responsesIn(units: readonly CountsByItem[]): number {
  let total = 0;
  for (const counts of units) {
    let most = 0;
    for (const c of Object.values(counts)) most = Math.max(most, c[0] + c[1] + c[2] + c[3] + c[4] + c[5]);
    total += most;
  }
  return total;
}
