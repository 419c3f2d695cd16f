import type { WeakDimension, WeakItem, WeakList, WeakQuery, WeakWhere } from '../../schema/dashboard.js';
import type { Channel } from '../../schema/survey.js';
import type { Counts, CountsByItem, CriterionScore } from '../../schema/scoring.js';
import type { Actor } from '../auth/actor.js';
import type { Deps } from '../deps.js';
import type { Db } from '../db/types.js';
import { scoreInstrument, sumCountsByItem } from '../scoring/index.js';
import { itemLabel, scoreOf, setupView } from './context.js';
import { scopeCountsFilter, type ReportScope } from '../reporting/index.js';
import { readCountsByColumns, type ColumnGroupCounts } from '../rollups/index.js';

/** When two cells hold the very same answers, the most specific description names the merged cell. */
const SPECIFICITY: Record<WeakDimension, number> = {
  counter_field: 7,
  staff: 6,
  counter: 5,
  procedure: 4,
  field: 3,
  channel: 2,
  unit: 1,
};

interface Names {
  counters: Map<string, { id: string; unitId: string; code: string; name: string }>;
  staff: Map<string, { id: string; code: string; name: string }>;
  procedures: Map<string, { id: string; code: string; name: string; field: string }>;
}

async function loadNames(db: Db, scope: ReportScope, groups: ColumnGroupCounts[]): Promise<Names> {
  const ids = (column: 'counter_id' | 'staff_id' | 'procedure_id') => [...new Set(groups.map((g) => g.key[column]).filter((id) => id !== ''))];
  const counterIds = ids('counter_id');
  const staffIds = ids('staff_id');
  const procedureIds = ids('procedure_id');
  const provinces = [...new Set(scope.units.map((u) => u.provinceId))];
  const [counters, staff, procedures] = await Promise.all([
    counterIds.length
      ? db.selectFrom('counters').select(['id', 'unit_id', 'code', 'name']).where('id', 'in', counterIds).where('unit_id', 'in', scope.unitIds).execute()
      : [],
    staffIds.length && provinces.length
      ? db.selectFrom('staff').select(['id', 'code', 'name']).where('id', 'in', staffIds).where('province_id', 'in', provinces).execute()
      : [],
    procedureIds.length && provinces.length
      ? db.selectFrom('procedures').select(['id', 'code', 'name', 'field']).where('id', 'in', procedureIds).where('province_id', 'in', provinces).execute()
      : [],
  ]);
  return {
    counters: new Map(counters.map((c) => [c.id, { id: c.id, unitId: c.unit_id, code: c.code, name: c.name }])),
    staff: new Map(staff.map((s) => [s.id, s])),
    procedures: new Map(procedures.map((p) => [p.id, p])),
  };
}

interface Cell {
  dimension: WeakDimension;
  where: WeakWhere;
  parts: CountsByItem[];
}

/** The cells of every dimension: each fine group falls into one cell per dimension it has a value for. */
function cellsOf(groups: ColumnGroupCounts[], scope: ReportScope, names: Names): Cell[] {
  const cells = new Map<string, Cell>();
  const add = (dimension: WeakDimension, key: string, where: () => WeakWhere, counts: CountsByItem) => {
    const id = `${dimension}\u0001${key}`;
    const cell = cells.get(id);
    if (cell) cell.parts.push(counts);
    else cells.set(id, { dimension, where: where(), parts: [counts] });
  };
  const unitsWithData = new Set(groups.map((g) => g.key.unit_id));
  const channels = new Set(groups.map((g) => g.key.channel));
  for (const g of groups) {
    const { unit_id: unitId, counter_id: counterId, staff_id: staffId, procedure_id: procedureId, channel } = g.key;
    const unit = scope.byId.get(unitId);
    const counter = names.counters.get(counterId);
    const staff = names.staff.get(staffId);
    const procedure = names.procedures.get(procedureId);
    const unitRef = unit ? { id: unit.id, name: unit.name } : undefined;
    if (unitsWithData.size > 1 && unitRef) add('unit', unitId, () => ({ unit: unitRef }), g.counts);
    const staffRef = staff ? { id: staff.id, code: staff.code, name: staff.name } : undefined;
    if (counter && unitRef) {
      const counterRef = { id: counter.id, code: counter.code, name: counter.name };
      add('counter', counterId, () => ({ unit: unitRef, counter: counterRef }), g.counts);
      if (procedure) {
        add('counter_field', `${counterId}\u0001${procedure.field}`, () => ({ unit: unitRef, counter: counterRef, field: procedure.field }), g.counts);
      }
      // A staff member is judged where they serve: at this counter.
      if (staffRef) add('staff', `${counterId}\u0001${staffId}`, () => ({ unit: unitRef, counter: counterRef, staff: staffRef }), g.counts);
    } else if (staffRef) {
      add('staff', staffId, () => ({ staff: staffRef }), g.counts);
    }
    if (procedure) {
      add('procedure', procedureId, () => ({ procedure: { id: procedure.id, code: procedure.code, name: procedure.name } }), g.counts);
      add('field', procedure.field, () => ({ field: procedure.field }), g.counts);
    }
    if (channels.size > 1) add('channel', channel, () => ({ channel: channel as Channel }), g.counts);
  }
  return [...cells.values()];
}

const sameCounts = (a: Counts, b: Counts) => a.every((v, i) => v === b[i]);

/** Two descriptions can name one cell when they agree on every key both carry. */
function compatible(a: WeakWhere, b: WeakWhere): boolean {
  const idOf = (w: WeakWhere, k: keyof WeakWhere) => {
    const v = w[k];
    return v === undefined ? undefined : typeof v === 'string' ? v : v.id;
  };
  return (['unit', 'counter', 'staff', 'procedure', 'field', 'channel'] as const).every((k) => {
    const x = idOf(a, k);
    const y = idOf(b, k);
    return x === undefined || y === undefined || x === y;
  });
}

interface Candidate {
  criterion: CriterionScore;
  dimension: WeakDimension;
  where: WeakWhere;
}

/**
 * The weakest criteria and where they are weak. Rule (shown in the UI): a cell (criterion × centre,
 * counter, counter × field, staff member at a counter, procedure, field or channel) counts when it has at least
 * lowNMin valid answers and its index is below the target; cells are ranked by the upper bound of
 * their Wilson 95% interval, lowest first (the surest shortfalls first), then by index. Cells with
 * the very same answers (e.g. a counter that alone handles a field) are shown once, described by all
 * their names.
 */
export async function weakCriteria(deps: Deps, actor: Actor, query: WeakQuery): Promise<WeakList> {
  const setup = await setupView(deps, actor, query);
  const { scope, filter, instrument, context } = setup;
  const target = setup.target.target;
  const settings = deps.config.scoring;
  const rule = { minN: settings.lowNMin, target, basis: 'wilson_upper' as const };
  if (!instrument) return { ...context, rule, total: 0, items: [] };
  const db = deps.db.kysely;
  const groups = await readCountsByColumns(db, { ...scopeCountsFilter(scope, setup.period, filter), instrumentId: instrument.id }, [
    'unit_id',
    'counter_id',
    'staff_id',
    'procedure_id',
    'channel',
  ]);
  const names = await loadNames(db, scope, groups);
  const candidates: Candidate[] = [];
  for (const cell of cellsOf(groups, scope, names)) {
    const report = scoreInstrument(instrument, sumCountsByItem(cell.parts), settings);
    for (const criterion of report.criteria) {
      if (query.criterion !== undefined && criterion.code !== query.criterion) continue;
      if (criterion.index === null || criterion.n < rule.minN || criterion.index >= target) continue;
      candidates.push({ criterion, dimension: cell.dimension, where: cell.where });
    }
  }
  const upper = (c: Candidate) => c.criterion.wilson?.upper ?? c.criterion.index!;
  candidates.sort(
    (a, b) =>
      upper(a) - upper(b) ||
      a.criterion.index! - b.criterion.index! ||
      SPECIFICITY[b.dimension] - SPECIFICITY[a.dimension] ||
      b.criterion.n - a.criterion.n,
  );
  const merged: Candidate[] = [];
  for (const candidate of candidates) {
    const twin = merged.find(
      (m) => m.criterion.code === candidate.criterion.code && sameCounts(m.criterion.counts, candidate.criterion.counts) && compatible(m.where, candidate.where),
    );
    if (!twin) {
      merged.push({ ...candidate, where: { ...candidate.where } });
      continue;
    }
    twin.where = { ...candidate.where, ...twin.where };
    if (SPECIFICITY[candidate.dimension] > SPECIFICITY[twin.dimension]) twin.dimension = candidate.dimension;
  }
  const items: WeakItem[] = merged.slice(0, query.limit).map((c, i) => ({
    rank: i + 1,
    criterion: c.criterion.code,
    label: itemLabel(instrument, c.criterion.code),
    dimension: c.dimension,
    where: c.where,
    score: scoreOf(c.criterion),
    clearlyBelow: c.criterion.wilson !== null && c.criterion.wilson.upper < target,
  }));
  return { ...context, rule, total: merged.length, items };
}
