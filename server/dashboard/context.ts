import type { Instrument, LocalizedText } from '../../schema/instrument.js';
import type { DashboardFilter, InstrumentChoice, ResolvedPeriod, Score, ScoreLevel, ViewContext } from '../../schema/dashboard.js';
import type { CountsByItem, CriterionScore, FactorScore, OverallScore, PartScore, ScoreReport } from '../../schema/scoring.js';
import type { Actor } from '../auth/actor.js';
import type { Deps } from '../deps.js';
import { getInstrument, requireInstrument } from '../instruments/store.js';
import { vnLocalParts } from '../time.js';
import { countsByUnit, type UnitCounts, type ViewFilter } from './counts.js';
import { resolvePeriod } from './period.js';
import { dashUnit, resolveScope, targetIndexFor, type ViewScope } from './scope.js';

/** Everything a view needs before reading its own counts. */
export interface ViewSetup {
  scope: ViewScope;
  period: ResolvedPeriod;
  /** The current period's filter for the count readers (with the chosen instrument). */
  filter: ViewFilter;
  target: { target: number; source: 'province' | 'default' };
  instrument: Instrument | null;
  /** The current period's counts per unit of the chosen instrument, by unit id. */
  current: UnitCounts[];
  context: ViewContext;
}

/** Procedure ids of a field (lĩnh vực) in the provinces of the view. */
async function procedureIdsOfField(deps: Deps, scope: ViewScope, field: string): Promise<string[]> {
  const provinces = [...new Set(scope.units.map((u) => u.provinceId))];
  if (provinces.length === 0) return [];
  const rows = await deps.db.kysely
    .selectFrom('procedures')
    .select('id')
    .where('field', '=', field)
    .where('province_id', 'in', provinces)
    .execute();
  return rows.map((r) => r.id);
}

export function today(deps: Pick<Deps, 'clock'>): string {
  return vnLocalParts(deps.clock.now()).day;
}

const answersIn = (counts: CountsByItem) => Object.values(counts).reduce((sum, c) => sum + c.reduce((a, b) => a + b, 0), 0);

/**
 * Resolves scope, period, target and instrument for any dashboard view, and reads the current
 * period's counts once. The instrument is the one asked for, else the one with most answers in the
 * view; null when nothing was answered.
 */
export async function setupView(deps: Deps, actor: Actor, query: DashboardFilter): Promise<ViewSetup> {
  const db = deps.db.kysely;
  const scope = await resolveScope(db, actor, query.unitId);
  const period = resolvePeriod(query, today(deps));
  const filter: ViewFilter = {
    from: period.from,
    to: period.to,
    counterId: query.counterId,
    staffId: query.staffId,
    procedureId: query.procedureId,
    channel: query.channel,
    ...(query.field !== undefined && { procedureIds: await procedureIdsOfField(deps, scope, query.field) }),
  };
  const [target, all] = await Promise.all([targetIndexFor(db, deps.config, scope.provinceId), countsByUnit(db, scope, filter)]);
  const answers = new Map<string, number>();
  for (const u of all) answers.set(u.instrumentId, (answers.get(u.instrumentId) ?? 0) + answersIn(u.counts));
  const requested = query.instrumentId !== undefined ? await requireInstrument(db, query.instrumentId) : undefined;
  const ranked = [...answers.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const instruments: InstrumentChoice[] = [];
  for (const [id, n] of ranked) {
    const instrument = await getInstrument(db, id);
    if (instrument) instruments.push({ id, title: instrument.definition.title, answers: n });
  }
  if (requested && !answers.has(requested.id)) instruments.push({ id: requested.id, title: requested.definition.title, answers: 0 });
  const instrument = requested ?? (instruments[0] ? ((await getInstrument(db, instruments[0].id)) ?? null) : null);
  const s = deps.config.scoring;
  const context: ViewContext = {
    period,
    unit: scope.root ? dashUnit(scope.root) : null,
    target: target.target,
    targetSource: target.source,
    instruments,
    instrumentId: instrument?.id ?? null,
    scoring: {
      factorRollup: s.factorRollup,
      partRollup: s.partRollup,
      unitRollup: s.unitRollup,
      decimals: s.decimals,
      rounding: s.rounding,
      display: s.display,
      lowNMin: s.lowNMin,
    },
  };
  return {
    scope,
    period,
    filter: { ...filter, instrumentId: instrument?.id },
    target,
    instrument,
    current: all.filter((u) => u.instrumentId === instrument?.id),
    context,
  };
}

/** The engine's numbers for one index, without the labels. */
export function scoreOf(s: Score | CriterionScore | FactorScore | PartScore | OverallScore): Score {
  return {
    index: s.index,
    x: s.x,
    n: s.n,
    minN: s.minN,
    wilson: s.wilson,
    flags: s.flags,
    reliability: s.reliability,
    method: s.method,
    unitRollup: s.unitRollup,
  };
}

export interface ReportEntry {
  code: string;
  level: ScoreLevel;
  factor: string | null;
  label: LocalizedText;
  score: CriterionScore | FactorScore | OverallScore;
}

export const OVERALL_CODE = 'overall';
export const OVERALL_LABEL = { vi: 'Chỉ số hài lòng chung', en: 'Overall satisfaction index' };

/** Short label of an item (dashboards), falling back to its full wording. */
export function itemLabel(instrument: Instrument, code: string): LocalizedText {
  const item = instrument.definition.items.find((i) => i.code === code);
  return item ? (item.short ?? item.text) : { vi: code, en: code };
}

/**
 * A report as display order: overall, then each factor followed by its criteria, then the direct
 * factor questions and the overall question.
 */
export function reportEntries(instrument: Instrument, report: ScoreReport): ReportEntry[] {
  const entries: ReportEntry[] = [
    { code: OVERALL_CODE, level: 'overall', factor: null, label: OVERALL_LABEL, score: report.overall },
  ];
  for (const factor of report.factors) {
    const definition = instrument.definition.factors.find((f) => f.code === factor.code);
    entries.push({ code: factor.code, level: 'factor', factor: null, label: definition?.title ?? { vi: factor.code, en: factor.code }, score: factor });
    for (const c of report.criteria.filter((c) => c.factor === factor.code)) {
      entries.push({ code: c.code, level: 'criterion', factor: factor.code, label: itemLabel(instrument, c.code), score: c });
    }
  }
  for (const q of report.factorQuestions) {
    entries.push({ code: q.code, level: 'factor_question', factor: q.factor, label: itemLabel(instrument, q.code), score: q });
  }
  if (report.overallQuestion) {
    const q = report.overallQuestion;
    entries.push({ code: q.code, level: 'overall_question', factor: null, label: itemLabel(instrument, q.code), score: q });
  }
  return entries;
}

