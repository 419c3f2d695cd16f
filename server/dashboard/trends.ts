import type { Score, TrendPoint, Trends, TrendsQuery } from '../../schema/dashboard.js';
import type { CountsByItem } from '../../schema/scoring.js';
import type { Actor } from '../auth/actor.js';
import type { Deps } from '../deps.js';
import { addMonths, lastDayOfMonth, monthOf, monthsBetween, quarterOf, scopeCountsFilter } from '../reporting/index.js';
import { readHeat, readMonthUnitCounts, readResponseCounts } from '../rollups/index.js';
import { scoreUnits, sumCountsByItem } from '../scoring/index.js';
import { reportEntries, scoreOf, setupView } from './context.js';

/** How many months a trend of a single month or quarter looks back over. */
export const TREND_MONTHS = 12;

/** The months a trend covers: the period itself for a year or custom range, else the 12 months up to its end. */
export function trendWindow(period: { kind: string; from: string; to: string }): { firstMonth: string; lastMonth: string } {
  const lastMonth = monthOf(period.to);
  if (period.kind === 'year' || period.kind === 'custom') return { firstMonth: monthOf(period.from), lastMonth };
  return { firstMonth: addMonths(lastMonth, 1 - TREND_MONTHS), lastMonth };
}

/**
 * Monthly or quarterly lines of the overall index, each factor and each criterion over whole months,
 * and the weekday × hour grid of dissatisfied answers (1–2) for the selected period.
 */
export async function dashboardTrends(deps: Deps, actor: Actor, query: TrendsQuery): Promise<Trends> {
  const setup = await setupView(deps, actor, query);
  const { scope, period, filter, instrument, context } = setup;
  const db = deps.db.kysely;
  const { firstMonth, lastMonth } = trendWindow(period);
  const from = `${firstMonth}-01`;
  const to = lastDayOfMonth(lastMonth);
  const heatRows = await readHeat(db, {
    unitIds: scope.unitIds,
    from: period.from,
    to: period.to,
    ...(query.counterId !== undefined && { counterId: query.counterId }),
  });
  const heat = {
    fromMonth: monthOf(period.from),
    toMonth: monthOf(period.to),
    cells: heatRows.map((c) => ({ ...c, share: c.nValid > 0 ? (100 * c.nDissatisfied) / c.nValid : null })),
  };
  const months = monthsBetween(firstMonth, lastMonth);
  const bucketOf = (month: string) => (query.interval === 'quarter' ? quarterOf(`${month}-01`) : month);
  if (!instrument) return { ...context, interval: query.interval, from, to, series: [], points: [], heat };

  const windowFilter = { ...scopeCountsFilter(scope, { from, to }, filter), instrumentId: instrument.id };
  const [monthUnits, monthResponses] = await Promise.all([readMonthUnitCounts(db, windowFilter), readResponseCounts(db, { ...windowFilter, groupBy: 'month' })]);
  const byMonth = new Map<string, Map<string, CountsByItem>>();
  for (const g of monthUnits) {
    if (!byMonth.has(g.key.month)) byMonth.set(g.key.month, new Map());
    byMonth.get(g.key.month)!.set(g.key.unit_id, g.counts);
  }
  const responsesByMonth = new Map(monthResponses.map((r) => [r.group, r.n]));
  const buckets = new Map<string, { from: string; to: string; units: Map<string, CountsByItem[]>; responses: number }>();
  for (const month of months) {
    const key = bucketOf(month);
    const bucket = buckets.get(key) ?? { from: `${month}-01`, to: lastDayOfMonth(month), units: new Map(), responses: 0 };
    bucket.to = lastDayOfMonth(month);
    for (const [unitId, counts] of byMonth.get(month) ?? []) bucket.units.set(unitId, [...(bucket.units.get(unitId) ?? []), counts]);
    bucket.responses += responsesByMonth.get(month) ?? 0;
    buckets.set(key, bucket);
  }
  const settings = deps.config.scoring;
  let series: Trends['series'] = [];
  const points: TrendPoint[] = [];
  for (const [key, bucket] of buckets) {
    // Months of a quarter are pooled per unit first, so each unit is one child of the roll-up.
    const perUnit = [...bucket.units.values()].map((months) => sumCountsByItem(months));
    const entries = reportEntries(instrument, scoreUnits(instrument, perUnit, settings));
    if (series.length === 0) series = entries.map(({ code, level, factor, label }) => ({ code, level, factor, label }));
    const scores: Record<string, Score> = {};
    for (const e of entries) scores[e.code] = scoreOf(e.score);
    points.push({ period: key, from: bucket.from, to: bucket.to, responses: bucket.responses, scores });
  }
  return { ...context, interval: query.interval, from, to, series, points, heat };
}

