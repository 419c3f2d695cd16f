import type { Instrument } from '../../schema/instrument.js';
import type { DashUnit, Ranking, RankingQuery, RankingRow, Score } from '../../schema/dashboard.js';
import type { CountsByItem, ScoreReport } from '../../schema/scoring.js';
import type { Actor } from '../auth/actor.js';
import type { Deps } from '../deps.js';
import { AppError } from '../http.js';
import { scoreInstrument, scoreUnits } from '../scoring/index.js';
import { scoreScope, type ReportScope, type ScopeUnit } from '../reporting/index.js';
import { dashUnit, OVERALL_CODE, OVERALL_LABEL, reportEntries, scoreOf, setupView } from './context.js';

/** The measures a ranking can sort by: overall, a factor, or a single item. */
export function rankingMeasures(instrument: Instrument): Ranking['measures'] {
  const factors = instrument.definition.factors.map((f) => ({ code: f.code, label: f.title }));
  const items = instrument.definition.items
    .filter((i) => i.role !== 'factor_sat')
    .map((i) => ({ code: i.code, label: i.short ?? i.text }));
  return [{ code: OVERALL_CODE, label: OVERALL_LABEL }, ...factors, ...items];
}

/** The unit a row stands for: the unit itself, or for level `commune` the commune above it (when in view). */
function rowUnitOf(unit: ScopeUnit, scope: ReportScope, level: RankingQuery['level']): ScopeUnit {
  if (level === 'unit') return unit;
  const ancestors = unit.path.split('/').filter(Boolean);
  for (const id of ancestors) {
    const ancestor = scope.byId.get(id);
    if (ancestor?.kind === 'commune') return ancestor;
  }
  return unit;
}

const compareNullable = (a: number | null, b: number | null, dir: 1 | -1) =>
  a === null && b === null ? 0 : a === null ? 1 : b === null ? -1 : (a - b) * dir;

/**
 * Centres (or communes, combining their centres per the unit roll-up setting) of the view ranked by
 * the overall index, a factor or an item, with n and intervals. Units whose measure is
 * `insufficient` are left out unless asked for; the rank is by index, highest first, whatever the sort.
 */
export async function dashboardRanking(deps: Deps, actor: Actor, query: RankingQuery): Promise<Ranking> {
  const setup = await setupView(deps, actor, query);
  const { scope, instrument, context } = setup;
  const base = { ...context, level: query.level, measure: query.measure, sort: query.sort, dir: query.dir, includeInsufficient: query.includeInsufficient };
  if (!instrument) return { ...base, measures: [], excluded: 0, rows: [] };
  const measures = rankingMeasures(instrument);
  if (!measures.some((m) => m.code === query.measure)) {
    throw new AppError('validation_failed', 400, 'The query is not valid', [
      { path: ['measure'], message: `not a measure of ${instrument.id}: use overall, a factor or an item code` },
    ]);
  }
  const settings = deps.config.scoring;
  const { own } = await scoreScope(deps, actor, scope, setup.period, setup.filter, instrument);
  const groups = new Map<string, { unit: ScopeUnit; children: CountsByItem[]; responses: number }>();
  for (const { unit, counts, responses } of own) {
    const rowUnit = rowUnitOf(unit, scope, query.level);
    const group = groups.get(rowUnit.id) ?? { unit: rowUnit, children: [], responses: 0 };
    group.children.push(counts);
    group.responses += responses;
    groups.set(rowUnit.id, group);
  }
  let excluded = 0;
  const rows: (Omit<RankingRow, 'rank'> & { rank: number | null })[] = [];
  for (const group of groups.values()) {
    const report: ScoreReport =
      group.children.length === 1 ? scoreInstrument(instrument, group.children[0]!, settings) : scoreUnits(instrument, group.children, settings);
    const entries = reportEntries(instrument, report);
    const pick = (code: string): Score => scoreOf(entries.find((e) => e.code === code)!.score);
    const score = pick(query.measure);
    if (score.reliability === 'insufficient' && !query.includeInsufficient) {
      excluded++;
      continue;
    }
    const factors: Record<string, Score> = {};
    for (const e of entries) if (e.level === 'factor') factors[e.code] = scoreOf(e.score);
    const unit: DashUnit = dashUnit(group.unit);
    rows.push({ rank: null, unit, responses: group.responses, score, overall: pick(OVERALL_CODE), factors });
  }
  const byIndex = [...rows].sort((a, b) => compareNullable(a.score.index, b.score.index, -1));
  let previous: number | null | undefined;
  byIndex.forEach((row, i) => {
    if (row.score.index === null) return;
    row.rank = row.score.index === previous ? byIndex[i - 1]!.rank : i + 1;
    previous = row.score.index;
  });
  const dir = query.dir === 'asc' ? 1 : -1;
  const key: Record<RankingQuery['sort'], (r: RankingRow) => number | null> = {
    index: (r) => r.score.index,
    lower: (r) => r.score.wilson?.lower ?? null,
    upper: (r) => r.score.wilson?.upper ?? null,
    n: (r) => r.responses,
    name: () => null,
  };
  rows.sort((a, b) =>
    query.sort === 'name'
      ? a.unit.name.localeCompare(b.unit.name, 'vi') * dir
      : compareNullable(key[query.sort](a), key[query.sort](b), dir) || a.unit.name.localeCompare(b.unit.name, 'vi'),
  );
  return { ...base, measures, excluded, rows };
}
