import type { Instrument } from '../../schema/instrument.js';
import type { CountsByItem, ScoreReport } from '../../schema/scoring.js';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/types.js';
import type { Deps } from '../deps.js';
import { AppError } from '../http.js';
import { getInstrument, getInstrumentRecord, requireInstrument } from '../instruments/store.js';
import { responseRate } from '../invitations/responseRate.js';
import { readCounts, readResponseCounts, type CountsFilter } from '../rollups/index.js';
import { scoreUnits } from '../scoring/index.js';
import type { ReportScope, ScopeUnit } from './scope.js';

/**
 * The counts and scores behind every figure: read once from the rollups for a scope, a day range and
 * the dimension filters, and scored by the one engine. Each unit is scored over its subtree (the
 * units below it that hold answers are its children for the unit roll-up); a unit's own answers are
 * kept apart for views that rank units by what was answered at their own counters.
 */

/** The counter, staff, procedure, field and channel a view is narrowed to. */
export interface DimensionFilter {
  counterId?: string | undefined;
  staffId?: string | undefined;
  procedureId?: string | undefined;
  /** lĩnh vực: every procedure of the field in the scope's provinces. */
  field?: string | undefined;
  channel?: string | undefined;
}

/** A dimension filter with its field resolved to procedure ids, as the rollup readers take it. */
export type ResolvedFilter = Pick<CountsFilter, 'counterId' | 'staffId' | 'procedureId' | 'procedureIds' | 'channel'>;

export async function resolveFilter(db: Db, scope: ReportScope, filter: DimensionFilter): Promise<ResolvedFilter> {
  const out: ResolvedFilter = {};
  if (filter.counterId !== undefined) out.counterId = filter.counterId;
  if (filter.staffId !== undefined) out.staffId = filter.staffId;
  if (filter.procedureId !== undefined) out.procedureId = filter.procedureId;
  if (filter.channel !== undefined) out.channel = filter.channel;
  if (filter.field !== undefined) {
    const provinces = [...new Set(scope.units.map((u) => u.provinceId))];
    out.procedureIds = provinces.length
      ? (await db.selectFrom('procedures').select('id').where('field', '=', filter.field).where('province_id', 'in', provinces).execute()).map((r) => r.id)
      : [];
  }
  return out;
}

export interface DayRange {
  from: string;
  to: string;
}

/** The rollup filter for a scope: its units, a day range and the dimension filters. */
export function scopeCountsFilter(scope: ReportScope, range: DayRange, filter: ResolvedFilter): CountsFilter {
  return { unitIds: scope.unitIds, from: range.from, to: range.to, ...filter };
}

export interface InstrumentChoice {
  id: string;
  instrument: Instrument;
  responses: number;
}

/**
 * The questionnaires answered in a scope and range, most responses first; the one scored is the one
 * asked for, else the most answered, else (nothing answered yet) the one most of the scope's survey
 * points use, so an empty period still shows its criteria; null when the scope has none at all.
 */
export async function chooseInstrument(
  db: Db,
  scope: ReportScope,
  range: DayRange,
  filter: ResolvedFilter,
  requestedId: string | undefined,
): Promise<{ chosen: Instrument | null; choices: InstrumentChoice[] }> {
  const requested = requestedId !== undefined ? await requireInstrument(db, requestedId) : undefined;
  // A province's own questionnaire is not even named outside the province: answered as unknown.
  if (requested) {
    const owner = (await getInstrumentRecord(db, requested.id))?.ownerUnitId ?? null;
    if (owner !== null && !scope.units.some((u) => u.provinceId === owner)) throw new AppError('not_found', 404, `No instrument ${requested.id}`);
  }
  const byInstrument = await readResponseCounts(db, scopeCountsFilter(scope, range, filter));
  const choices: InstrumentChoice[] = [];
  for (const row of [...byInstrument].sort((a, b) => b.n - a.n || (a.instrumentId < b.instrumentId ? -1 : 1))) {
    const instrument = await getInstrument(db, row.instrumentId);
    if (instrument) choices.push({ id: instrument.id, instrument, responses: row.n });
  }
  if (requested && !choices.some((c) => c.id === requested.id)) choices.push({ id: requested.id, instrument: requested, responses: 0 });
  if (requested) return { chosen: requested, choices };
  if (choices[0]) return { chosen: choices[0].instrument, choices };
  if (scope.unitIds.length === 0) return { chosen: null, choices };
  const points = await db
    .selectFrom('survey_points')
    .select('instrument_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('unit_id', 'in', scope.unitIds)
    .groupBy('instrument_id')
    .orderBy('n', 'desc')
    .orderBy('instrument_id')
    .executeTakeFirst();
  const fallback = points ? await getInstrument(db, points.instrument_id) : undefined;
  if (fallback) choices.push({ id: fallback.id, instrument: fallback, responses: 0 });
  return { chosen: fallback ?? null, choices };
}

export interface ResponseRateFigures {
  issued: number;
  answered: number;
  /** answered / issued (0–1); null when no invitation was issued. */
  rate: number | null;
}

export interface UnitScore {
  unit: ScopeUnit;
  /** Over the unit's subtree. */
  report: ScoreReport;
  /** Responses in the subtree (suspect ones excluded, as everywhere). */
  responses: number;
  responseRate: ResponseRateFigures;
}

/** A unit's own answers (its own counters only), for rankings. */
export interface OwnCounts {
  unit: ScopeUnit;
  counts: CountsByItem;
  responses: number;
}

export interface ScopeScores {
  instrument: Instrument;
  /** The whole scope. */
  total: Omit<UnitScore, 'unit'>;
  /** Every unit in scope, in path order, each over its subtree. */
  units: UnitScore[];
  /** Units that hold answers of their own, in path order. */
  own: OwnCounts[];
}

const rateOf = (issued: number, answered: number): ResponseRateFigures => ({ issued, answered, rate: issued ? answered / issued : null });

/** Counts, responses and invitations of a scope over one range, scored per unit subtree and in total. */
export async function scoreScope(
  deps: Deps,
  actor: Actor,
  scope: ReportScope,
  range: DayRange,
  filter: ResolvedFilter,
  instrument: Instrument,
): Promise<ScopeScores> {
  const db = deps.db.kysely;
  const countsFilter: CountsFilter = { ...scopeCountsFilter(scope, range, filter), instrumentId: instrument.id, groupBy: 'unit' };
  const [counts, responses, rates] = await Promise.all([
    readCounts(db, countsFilter),
    readResponseCounts(db, countsFilter),
    responseRate(deps, actor, { from: range.from, to: range.to, groupBy: ['unit'], ...(scope.root && { unitId: scope.root.id }) }),
  ]);
  const settings = deps.config.scoring;
  // Every ancestor (in scope) of a unit with data collects that unit's counts, responses and invitations.
  const ancestorsOf = (unitId: string) => (scope.byId.get(unitId)?.lineage ?? []).filter((id) => scope.byId.has(id));
  const childCounts = new Map<string, CountsByItem[]>();
  const responseTotals = new Map<string, number>();
  const ownResponses = new Map<string, number>();
  const rateTotals = new Map<string, { issued: number; answered: number }>();
  for (const group of counts) {
    for (const id of ancestorsOf(group.group)) {
      const list = childCounts.get(id);
      if (list) list.push(group.counts);
      else childCounts.set(id, [group.counts]);
    }
  }
  for (const group of responses) {
    ownResponses.set(group.group, group.n);
    for (const id of ancestorsOf(group.group)) responseTotals.set(id, (responseTotals.get(id) ?? 0) + group.n);
  }
  const ratesInScope = rates.rows.filter((r) => scope.byId.has(r.unitId ?? ''));
  for (const row of ratesInScope) {
    for (const id of ancestorsOf(row.unitId!)) {
      const t = rateTotals.get(id) ?? { issued: 0, answered: 0 };
      rateTotals.set(id, { issued: t.issued + row.issued, answered: t.answered + row.answered });
    }
  }
  const units = scope.units.map((unit): UnitScore => {
    const r = rateTotals.get(unit.id) ?? { issued: 0, answered: 0 };
    return {
      unit,
      report: scoreUnits(instrument, childCounts.get(unit.id) ?? [], settings),
      responses: responseTotals.get(unit.id) ?? 0,
      responseRate: rateOf(r.issued, r.answered),
    };
  });
  const inScope = counts.filter((g) => scope.byId.has(g.group));
  return {
    instrument,
    total: {
      report: scoreUnits(
        instrument,
        inScope.map((g) => g.counts),
        settings,
      ),
      responses: responses.filter((g) => scope.byId.has(g.group)).reduce((sum, g) => sum + g.n, 0),
      responseRate: rateOf(
        ratesInScope.reduce((sum, r) => sum + r.issued, 0),
        ratesInScope.reduce((sum, r) => sum + r.answered, 0),
      ),
    },
    units,
    own: inScope.map((g) => ({ unit: scope.byId.get(g.group)!, counts: g.counts, responses: ownResponses.get(g.group) ?? 0 })),
  };
}
