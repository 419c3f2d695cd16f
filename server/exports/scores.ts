import type { Instrument } from '../../schema/instrument.js';
import type { CountsByItem, ScoreReport } from '../../schema/scoring.js';
import type { Deps } from '../deps.js';
import { requireInstrument } from '../instruments/store.js';
import { responseRate } from '../invitations/responseRate.js';
import { readCounts, readResponseCounts, type CountsFilter } from '../rollups/index.js';
import { scoreUnits } from '../scoring/index.js';
import type { ExportCaller, ExportScope, ScopeUnit } from './scope.js';

/**
 * Scores for every unit of an export's scope over one period, from the rollups and the one scoring
 * engine: each unit is scored over its subtree, its child units being the units that hold
 * responses (scoreUnits pools their counts, or takes the mean of their indices, per the settings).
 * A dashboard reading the same rollup counts for a unit gets the same numbers.
 */

export interface ResponseRateFigures {
  issued: number;
  answered: number;
  /** answered / issued (0–1); null when no invitation was issued. */
  rate: number | null;
}

export interface UnitScore {
  unit: ScopeUnit;
  report: ScoreReport;
  /** Responses counted (suspect ones excluded, as everywhere). */
  responses: number;
  responseRate: ResponseRateFigures;
}

export interface ScopeScores {
  instrument: Instrument;
  /** The whole scope. */
  total: UnitScore | null;
  totalReport: ScoreReport;
  totalResponses: number;
  totalRate: ResponseRateFigures;
  /** Every unit in scope, in path order. */
  units: UnitScore[];
}

function countsFilter(scope: ExportScope, from: string, to: string): Pick<CountsFilter, 'unitPathPrefix' | 'unitIds' | 'from' | 'to'> {
  if (scope.root) return { unitPathPrefix: scope.root.path, from, to };
  if (scope.paths.length === 0) return { from, to };
  return { unitIds: scope.units.map((u) => u.id), from, to };
}

/** The instrument with the most responses in scope and period (QUAY@1 when there are none). */
export async function dominantInstrument(deps: Deps, scope: ExportScope, from: string, to: string): Promise<string> {
  const rows = await readResponseCounts(deps.db.kysely, countsFilter(scope, from, to));
  const top = [...rows].sort((a, b) => b.n - a.n)[0];
  return top?.instrumentId ?? 'QUAY@1';
}

const rateOf = (issued: number, answered: number): ResponseRateFigures => ({ issued, answered, rate: issued ? answered / issued : null });

export async function scoreScope(
  deps: Deps,
  caller: ExportCaller,
  scope: ExportScope,
  period: { from: string; to: string },
  instrumentId: string,
): Promise<ScopeScores> {
  const instrument = await requireInstrument(deps.db.kysely, instrumentId);
  const filter = { ...countsFilter(scope, period.from, period.to), instrumentId, groupBy: 'unit' as const };
  const [counts, responses, rates] = await Promise.all([
    readCounts(deps.db.kysely, filter),
    readResponseCounts(deps.db.kysely, filter),
    responseRate(deps, caller.actor, {
      from: period.from,
      to: period.to,
      groupBy: ['unit'],
      ...(scope.root && { unitId: scope.root.id }),
    }),
  ]);
  const inScope = new Map(scope.units.map((u) => [u.id, u]));
  // Every ancestor (in scope) of a unit with data collects that unit's counts, responses and invitations.
  const childCounts = new Map<string, CountsByItem[]>();
  const responseTotals = new Map<string, number>();
  const rateTotals = new Map<string, { issued: number; answered: number }>();
  const ancestorsOf = (unitId: string) => (inScope.get(unitId)?.lineage ?? []).filter((id) => inScope.has(id));
  for (const group of counts) {
    for (const id of ancestorsOf(group.group)) {
      const list = childCounts.get(id);
      if (list) list.push(group.counts);
      else childCounts.set(id, [group.counts]);
    }
  }
  for (const group of responses) {
    for (const id of ancestorsOf(group.group)) responseTotals.set(id, (responseTotals.get(id) ?? 0) + group.n);
  }
  for (const row of rates.rows) {
    for (const id of ancestorsOf(row.unitId ?? '')) {
      const t = rateTotals.get(id) ?? { issued: 0, answered: 0 };
      rateTotals.set(id, { issued: t.issued + row.issued, answered: t.answered + row.answered });
    }
  }
  const settings = deps.config.scoring;
  const units = scope.units.map((unit): UnitScore => {
    const r = rateTotals.get(unit.id) ?? { issued: 0, answered: 0 };
    return {
      unit,
      report: scoreUnits(instrument, childCounts.get(unit.id) ?? [], settings),
      responses: responseTotals.get(unit.id) ?? 0,
      responseRate: rateOf(r.issued, r.answered),
    };
  });
  const ratesInScope = rates.rows.filter((r) => inScope.has(r.unitId ?? ''));
  const inScopeGroups = counts.filter((g) => inScope.has(g.group));
  return {
    instrument,
    total: scope.root ? units.find((u) => u.unit.id === scope.root!.id)! : null,
    totalReport: scoreUnits(instrument, inScopeGroups.map((g) => g.counts), settings),
    totalResponses: responses.filter((g) => inScope.has(g.group)).reduce((sum, g) => sum + g.n, 0),
    totalRate: rateOf(
      ratesInScope.reduce((sum, r) => sum + r.issued, 0),
      ratesInScope.reduce((sum, r) => sum + r.answered, 0),
    ),
    units,
  };
}
