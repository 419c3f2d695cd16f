import { sql, type ExpressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { Counts, CountsByItem, CountsGroupBy } from '../../schema/scoring.js';
import type { Database, Db } from '../db/types.js';
import { addDays } from '../time.js';
import { likePrefix } from '../db/like.js';

/**
 * Which counts a dashboard wants. Units are either an already-scoped id list or a subtree
 * (units.path prefix); days are Vietnam-local and inclusive at both ends.
 */
export interface CountsFilter {
  unitIds?: readonly string[];
  unitPathPrefix?: string;
  from: string;
  to: string;
  instrumentId?: string;
  counterId?: string;
  staffId?: string;
  procedureId?: string;
  /** Procedures of a field (lĩnh vực); an empty list matches nothing. */
  procedureIds?: readonly string[];
  channel?: string;
  groupBy?: CountsGroupBy;
}

/** Counts per item for one group and one instrument: what the scoring engine takes. */
export interface GroupCounts {
  /** The unit/counter/staff/procedure id, channel, YYYY-MM or YYYY-MM-DD; '' when not grouped or not recorded. */
  group: string;
  instrumentId: string;
  counts: CountsByItem;
}

export interface GroupResponses {
  group: string;
  instrumentId: string;
  n: number;
}

export interface HeatCell {
  /** ISO weekday, 1 = Monday … 7 = Sunday */
  weekday: number;
  hour: number;
  nValid: number;
  nDissatisfied: number;
}

type UnitScoped = 'rollup_fine' | 'rollup_unit_day' | 'rollup_unit_month' | 'rollup_heat' | 'rollup_response_day';

const monthOf = (day: string) => day.slice(0, 7);

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** The last day of a YYYY-MM month. */
const lastDay = (month: string) => addDays(`${nextMonth(month)}-01`, -1);

const dayCount = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;

/** How a day range is read: whole months, plus or minus day ranges at the edges. */
export interface RangePlan {
  /** Contiguous months read from the monthly rollup. */
  months: [string, string] | null;
  /** Days added from the daily rollup (partial edge months read directly). */
  addDays: [string, string][];
  /** Days subtracted: the part of an edge month outside the range, when that is the smaller read. */
  subtractDays: [string, string][];
}

/**
 * Splits [from, to] into whole months and partial edge months. An edge month is read day by day,
 * or as its monthly total minus the days outside the range, whichever touches fewer days: an edge
 * never costs more than half a month of daily rows.
 */
export function planRange(from: string, to: string): RangePlan {
  const plan: RangePlan = { months: null, addDays: [], subtractDays: [] };
  if (from > to) return plan;
  let firstRead: string | null = null;
  let lastRead: string | null = null;
  for (let month = monthOf(from); month <= monthOf(to); month = nextMonth(month)) {
    const monthStart = `${month}-01`;
    const monthEnd = lastDay(month);
    const start = from > monthStart ? from : monthStart;
    const end = to < monthEnd ? to : monthEnd;
    const inRange = dayCount(start, end);
    const outside = dayCount(monthStart, monthEnd) - inRange;
    if (outside > 0 && inRange <= outside + 1) {
      plan.addDays.push([start, end]);
      continue;
    }
    firstRead ??= month;
    lastRead = month;
    if (start > monthStart) plan.subtractDays.push([monthStart, addDays(start, -1)]);
    if (end < monthEnd) plan.subtractDays.push([addDays(end, 1), monthEnd]);
  }
  if (firstRead && lastRead) plan.months = [firstRead, lastRead];
  return plan;
}

function unitCondition<T extends UnitScoped>(eb: ExpressionBuilder<Database, T>, filter: CountsFilter): Expression<SqlBool>[] {
  const conditions: Expression<SqlBool>[] = [];
  const unitId = sql.ref<string>('unit_id');
  if (filter.unitIds) conditions.push(eb(unitId, 'in', filter.unitIds.length ? [...filter.unitIds] : ['']));
  if (filter.unitPathPrefix !== undefined) {
    const pattern = likePrefix(filter.unitPathPrefix);
    conditions.push(sql<SqlBool>`unit_id in (select units.id from units where units.path like ${pattern} escape '\\')`);
  }
  return conditions;
}

/** The counter, staff, procedure and channel filters, on the tables keyed by them (fine and response-day). */
function dimensionConditions(filter: CountsFilter): Expression<SqlBool>[] {
  const dimensions = [
    ['counter_id', filter.counterId],
    ['staff_id', filter.staffId],
    ['procedure_id', filter.procedureId],
    ['channel', filter.channel],
  ] as const;
  const conditions = dimensions.flatMap(([column, value]) => (value === undefined ? [] : [sql<SqlBool>`${sql.ref(column)} = ${value}`]));
  if (filter.procedureIds !== undefined) {
    const ids = filter.procedureIds.length ? [...filter.procedureIds] : [''];
    conditions.push(sql<SqlBool>`procedure_id in (${sql.join(ids)})`);
  }
  return conditions;
}

const hasFineFilter = (f: CountsFilter) => dimensionConditions(f).length > 0;

interface CountRow {
  grp?: string;
  instrument_id: string;
  criterion: string;
  score: number;
  n: number | string | bigint;
}

function fold(rows: Iterable<CountRow>, into: Map<string, GroupCounts>, sign: 1 | -1 = 1): void {
  for (const row of rows) {
    const group = row.grp ?? '';
    const key = `${group}\u0001${row.instrument_id}`;
    let entry = into.get(key);
    if (!entry) {
      entry = { group, instrumentId: row.instrument_id, counts: {} };
      into.set(key, entry);
    }
    const counts: Counts = (entry.counts[row.criterion] ??= [0, 0, 0, 0, 0, 0]);
    if (row.score >= 0 && row.score <= 5) counts[row.score as 0 | 1 | 2 | 3 | 4 | 5] += sign * Number(row.n);
  }
}

/** Drops items and groups left with no answers (after subtracting, or rows zeroed by negated deltas). */
function nonEmpty(groups: Iterable<GroupCounts>): GroupCounts[] {
  const out: GroupCounts[] = [];
  for (const group of groups) {
    for (const [code, counts] of Object.entries(group.counts)) if (counts.every((c) => c === 0)) delete group.counts[code];
    if (Object.keys(group.counts).length > 0) out.push(group);
  }
  return out;
}

const byGroupThenInstrument = <T extends { group: string; instrumentId: string }>(a: T, b: T) =>
  a.group < b.group ? -1 : a.group > b.group ? 1 : a.instrumentId < b.instrumentId ? -1 : a.instrumentId > b.instrumentId ? 1 : 0;

/**
 * Grouping columns after the group: with the group first, SQLite's sorter gets input already in
 * unit order (the primary key's prefix) and aggregates a province-year by unit ~1.5× faster.
 */
const COUNT_KEY = ['instrument_id', 'criterion', 'score'] as const;

/** The rollup_fine / rollup_response_day column (or expression) a groupBy reads. */
function fineGroup(groupBy: CountsGroupBy) {
  switch (groupBy) {
    case 'none':
      return null;
    case 'unit':
      return sql<string>`unit_id`;
    case 'counter':
      return sql<string>`counter_id`;
    case 'staff':
      return sql<string>`staff_id`;
    case 'procedure':
      return sql<string>`procedure_id`;
    case 'channel':
      return sql<string>`channel`;
    case 'month':
      return sql<string>`substr(day, 1, 7)`;
    case 'day':
      return sql<string>`day`;
  }
}

async function readFine(db: Db, filter: CountsFilter, groupBy: CountsGroupBy): Promise<CountRow[]> {
  const group = fineGroup(groupBy);
  let query = db
    .selectFrom('rollup_fine')
    .select(['instrument_id', 'criterion', 'score'])
    .select((eb) => eb.fn.sum<number>('n').as('n'))
    .where((eb) =>
      eb.and([...unitCondition(eb, filter), ...dimensionConditions(filter), eb('day', '>=', filter.from), eb('day', '<=', filter.to)]),
    );
  if (filter.instrumentId !== undefined) query = query.where('instrument_id', '=', filter.instrumentId);
  if (group) return query.select(group.as('grp')).groupBy([group, ...COUNT_KEY]).execute();
  return query.groupBy(COUNT_KEY).execute();
}

/** Columns of rollup_fine that counts can be grouped by together (a month is derived from the day). */
export type FineColumn = 'unit_id' | 'counter_id' | 'staff_id' | 'procedure_id' | 'channel' | 'month';

export interface ColumnGroupCounts {
  key: Record<FineColumn, string>;
  instrumentId: string;
  counts: CountsByItem;
}

const FINE_COLUMNS: Record<FineColumn, ReturnType<typeof sql<string>>> = {
  unit_id: sql<string>`unit_id`,
  counter_id: sql<string>`counter_id`,
  staff_id: sql<string>`staff_id`,
  procedure_id: sql<string>`procedure_id`,
  channel: sql<string>`channel`,
  month: sql<string>`substr(day, 1, 7)`,
};

/** Counts grouped by several columns at once (a counter within a field, a unit within a month), from rollup_fine. */
export async function readCountsByColumns(db: Db, filter: CountsFilter, columns: readonly FineColumn[]): Promise<ColumnGroupCounts[]> {
  if (filter.from > filter.to) return [];
  let query = db
    .selectFrom('rollup_fine')
    .select(['instrument_id', 'criterion', 'score'])
    .select((eb) => eb.fn.sum<number>('n').as('n'))
    .where((eb) =>
      eb.and([...unitCondition(eb, filter), ...dimensionConditions(filter), eb('day', '>=', filter.from), eb('day', '<=', filter.to)]),
    )
    .groupBy([...COUNT_KEY]);
  if (filter.instrumentId !== undefined) query = query.where('instrument_id', '=', filter.instrumentId);
  for (const column of columns) query = query.select(FINE_COLUMNS[column].as(`g_${column}`)).groupBy(FINE_COLUMNS[column]);
  const rows = (await query.execute()) as unknown as (Record<string, string> & CountRow)[];
  const groups = new Map<string, ColumnGroupCounts>();
  for (const row of rows) {
    const key = Object.fromEntries(columns.map((c) => [c, row[`g_${c}`] ?? ''])) as Record<FineColumn, string>;
    const id = `${columns.map((c) => key[c]).join('\u0001')}\u0001${row.instrument_id}`;
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { key, instrumentId: row.instrument_id, counts: {} }));
    const counts: Counts = (group.counts[row.criterion] ??= [0, 0, 0, 0, 0, 0]);
    if (row.score >= 0 && row.score <= 5) counts[row.score as 0 | 1 | 2 | 3 | 4 | 5] += Number(row.n);
  }
  return [...groups.values()];
}

/**
 * Counts per whole month (YYYY-MM) and unit, for trends: from the monthly unit rollup, or from
 * rollup_fine when a counter/staff/procedure/field/channel filter applies.
 */
export async function readMonthUnitCounts(db: Db, filter: CountsFilter & { instrumentId: string }): Promise<ColumnGroupCounts[]> {
  if (hasFineFilter(filter)) return readCountsByColumns(db, filter, ['month', 'unit_id']);
  if (filter.from > filter.to) return [];
  const rows = await db
    .selectFrom('rollup_unit_month')
    .select(['unit_id', 'month', 'criterion', 'score', 'n'])
    .where((eb) => eb.and(unitCondition(eb, filter)))
    .where('month', '>=', monthOf(filter.from))
    .where('month', '<=', monthOf(filter.to))
    .where('instrument_id', '=', filter.instrumentId)
    .execute();
  const groups = new Map<string, ColumnGroupCounts>();
  for (const r of rows) {
    const id = `${r.month}\u0001${r.unit_id}`;
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { key: { month: r.month, unit_id: r.unit_id } as Record<FineColumn, string>, instrumentId: filter.instrumentId, counts: {} }));
    const counts: Counts = (group.counts[r.criterion] ??= [0, 0, 0, 0, 0, 0]);
    if (r.score >= 0 && r.score <= 5) counts[r.score as 0 | 1 | 2 | 3 | 4 | 5] += Number(r.n);
  }
  return [...groups.values()];
}

/** One query per day range: an OR of ranges would make SQLite scan the table instead of seeking. */
async function readUnitDays(
  db: Db,
  filter: CountsFilter,
  groupBy: 'none' | 'unit' | 'month' | 'day',
  ranges: [string, string][],
): Promise<CountRow[]> {
  const group =
    groupBy === 'none' ? null : groupBy === 'month' ? sql<string>`substr(day, 1, 7)` : sql<string>`${sql.ref(groupBy === 'unit' ? 'unit_id' : 'day')}`;
  let rows: CountRow[] = [];
  for (const [from, to] of ranges) {
    let query = db
      .selectFrom('rollup_unit_day')
      .select(['instrument_id', 'criterion', 'score'])
      .select((eb) => eb.fn.sum<number>('n').as('n'))
      .where((eb) => eb.and([...unitCondition(eb, filter), eb('day', '>=', from), eb('day', '<=', to)]));
    if (filter.instrumentId !== undefined) query = query.where('instrument_id', '=', filter.instrumentId);
    rows = rows.concat(
      group ? await query.select(group.as('grp')).groupBy([group, ...COUNT_KEY]).execute() : await query.groupBy(COUNT_KEY).execute(),
    );
  }
  return rows;
}

async function readUnitMonths(
  db: Db,
  filter: CountsFilter,
  groupBy: 'none' | 'unit' | 'month',
  [first, last]: [string, string],
): Promise<CountRow[]> {
  const group = groupBy === 'none' ? null : sql<string>`${sql.ref(groupBy === 'unit' ? 'unit_id' : 'month')}`;
  let query = db
    .selectFrom('rollup_unit_month')
    .select(['instrument_id', 'criterion', 'score'])
    .select((eb) => eb.fn.sum<number>('n').as('n'))
    .where((eb) => eb.and([...unitCondition(eb, filter), eb('month', '>=', first), eb('month', '<=', last)]));
  if (filter.instrumentId !== undefined) query = query.where('instrument_id', '=', filter.instrumentId);
  if (group) return query.select(group.as('grp')).groupBy([group, ...COUNT_KEY]).execute();
  return query.groupBy(COUNT_KEY).execute();
}

/**
 * Answer counts ([na, 1..5] per item) per group and instrument. Without a counter/staff/procedure/
 * channel filter, a range is read from the monthly rollup for its whole months and the daily one
 * for at most half a month at each edge (planRange), so the rows read do not grow with the number
 * of responses; otherwise from rollup_fine.
 */
export async function readCounts(db: Db, filter: CountsFilter): Promise<GroupCounts[]> {
  const groupBy = filter.groupBy ?? 'none';
  const result = new Map<string, GroupCounts>();
  if (filter.from > filter.to) return [];
  if (hasFineFilter(filter) || groupBy === 'counter' || groupBy === 'staff' || groupBy === 'procedure' || groupBy === 'channel') {
    fold(await readFine(db, filter, groupBy), result);
  } else if (groupBy === 'day') {
    fold(await readUnitDays(db, filter, groupBy, [[filter.from, filter.to]]), result);
  } else {
    const plan = planRange(filter.from, filter.to);
    if (plan.months) fold(await readUnitMonths(db, filter, groupBy, plan.months), result);
    fold(await readUnitDays(db, filter, groupBy, plan.addDays), result);
    fold(await readUnitDays(db, filter, groupBy, plan.subtractDays), result, -1);
  }
  return nonEmpty(result.values()).sort(byGroupThenInstrument);
}

/** Responses (not answers) per group and instrument, from rollup_response_day. */
export async function readResponseCounts(db: Db, filter: CountsFilter): Promise<GroupResponses[]> {
  if (filter.from > filter.to) return [];
  const group = fineGroup(filter.groupBy ?? 'none');
  let query = db
    .selectFrom('rollup_response_day')
    .select('instrument_id')
    .select((eb) => eb.fn.sum<number>('n').as('n'))
    .where((eb) =>
      eb.and([...unitCondition(eb, filter), ...dimensionConditions(filter), eb('day', '>=', filter.from), eb('day', '<=', filter.to)]),
    );
  if (filter.instrumentId !== undefined) query = query.where('instrument_id', '=', filter.instrumentId);
  const rows: { grp?: string; instrument_id: string; n: number | string | bigint }[] = group
    ? await query.select(group.as('grp')).groupBy([group, 'instrument_id']).execute()
    : await query.groupBy('instrument_id').execute();
  return rows
    .map((r) => ({ group: r.grp ?? '', instrumentId: r.instrument_id, n: Number(r.n) }))
    .sort(byGroupThenInstrument);
}

/**
 * The weekday × hour dissatisfaction grid, by whole months: every month that the range touches
 * counts in full (the heat rollup is monthly).
 */
export async function readHeat(
  db: Db,
  filter: Pick<CountsFilter, 'unitIds' | 'unitPathPrefix' | 'from' | 'to' | 'counterId'>,
): Promise<HeatCell[]> {
  if (filter.from > filter.to) return [];
  let query = db
    .selectFrom('rollup_heat')
    .select(['weekday', 'hour'])
    .select((eb) => [eb.fn.sum<number>('n_valid').as('n_valid'), eb.fn.sum<number>('n_dissatisfied').as('n_dissatisfied')])
    .where((eb) =>
      eb.and([...unitCondition(eb, filter), eb('month', '>=', monthOf(filter.from)), eb('month', '<=', monthOf(filter.to))]),
    )
    .groupBy(['weekday', 'hour'])
    .orderBy('weekday')
    .orderBy('hour');
  if (filter.counterId !== undefined) query = query.where('counter_id', '=', filter.counterId);
  const rows = await query.execute();
  return rows.map((r) => ({ weekday: r.weekday, hour: r.hour, nValid: Number(r.n_valid), nDissatisfied: Number(r.n_dissatisfied) }));
}
