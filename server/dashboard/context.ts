import type { Instrument, LocalizedText } from '../../schema/instrument.js';
import type { DashboardFilter, DashUnit, ResolvedPeriod, Score, ScoreLevel, ScoringView, ViewContext } from '../../schema/dashboard.js';
import type { CriterionScore, FactorScore, OverallScore, PartScore, ScoreReport } from '../../schema/scoring.js';
import type { Actor } from '../auth/actor.js';
import type { Deps } from '../deps.js';
import {
  chooseInstrument,
  resolveFilter,
  resolveReportPeriod,
  resolveReportScope,
  targetIndexFor,
  type ReportPeriod,
  type ReportScope,
  type ResolvedFilter,
  type ScopeUnit,
} from '../reporting/index.js';
import { vnLocalParts } from '../time.js';

/** Everything a view needs before reading its own counts: resolved once by the reporting core. */
export interface ViewSetup {
  scope: ReportScope;
  period: ReportPeriod;
  /** The dimension filters, the field resolved to its procedures. */
  filter: ResolvedFilter;
  target: { target: number; source: 'province' | 'default' };
  instrument: Instrument | null;
  context: ViewContext;
}

export function today(deps: Pick<Deps, 'clock'>): string {
  return vnLocalParts(deps.clock.now()).day;
}

export const dashUnit = (u: ScopeUnit): DashUnit => ({ id: u.id, kind: u.kind, code: u.code, name: u.name });

export const resolvedPeriod = (p: ReportPeriod): ResolvedPeriod => ({
  kind: p.kind,
  at: p.at,
  from: p.from,
  to: p.to,
  label: p.label,
  toDate: p.toDate,
  previous: p.previous,
});

/**
 * Resolves scope, period, filters, target and questionnaire for any dashboard view (the
 * questionnaire asked for, else the one with the most responses in the view).
 */
export async function setupView(deps: Deps, actor: Actor, query: DashboardFilter): Promise<ViewSetup> {
  const db = deps.db.kysely;
  const scope = await resolveReportScope(db, actor, query.unitId, 'dashboard.read');
  const period = resolveReportPeriod(query, today(deps));
  const filter = await resolveFilter(db, scope, query);
  const [target, { chosen, choices }] = await Promise.all([
    targetIndexFor(db, deps.config, scope.provinceId),
    chooseInstrument(db, scope, period, filter, query.instrumentId),
  ]);
  const context: ViewContext = {
    period: resolvedPeriod(period),
    unit: scope.root ? dashUnit(scope.root) : null,
    target: target.target,
    targetSource: target.source,
    instruments: choices.map((c) => ({ id: c.id, title: c.instrument.definition.title, responses: c.responses })),
    instrumentId: chosen?.id ?? null,
    scoring: scoringView(deps.config.scoring),
  };
  return { scope, period, filter, target, instrument: chosen, context };
}

/** The scoring settings a view is told (roll-ups, rounding, display, low-n limit). */
export function scoringView(s: Deps['config']['scoring']): ScoringView {
  return {
    factorRollup: s.factorRollup,
    partRollup: s.partRollup,
    unitRollup: s.unitRollup,
    decimals: s.decimals,
    rounding: s.rounding,
    display: s.display,
    lowNMin: s.lowNMin,
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
  score: CriterionScore | FactorScore | PartScore | OverallScore;
}

export const OVERALL_CODE = 'overall';
export const OVERALL_LABEL = { vi: 'Chỉ số hài lòng chung', en: 'Overall satisfaction index' };

/** Short label of an item (dashboards), falling back to its full wording. */
export function itemLabel(instrument: Instrument, code: string): LocalizedText {
  const item = instrument.definition.items.find((i) => i.code === code);
  return item ? (item.short ?? item.text) : { vi: code, en: code };
}

/** The code of a part's row: dotted like every code, never that of an item or factor. */
export const partCode = (part: string) => `PART.${part}`;

/**
 * A report as display order: overall, then each factor followed by its criteria, then the direct
 * factor questions and the overall question. A questionnaire of several parts (S23) lists each
 * part, its factors after it: the overall is the mean of the parts, not of the factors.
 */
export function reportEntries(instrument: Instrument, report: ScoreReport): ReportEntry[] {
  const entries: ReportEntry[] = [
    { code: OVERALL_CODE, level: 'overall', factor: null, label: OVERALL_LABEL, score: report.overall },
  ];
  const partOf = new Map(instrument.definition.factors.map((f) => [f.code, f.part]));
  const byPart = report.parts.length > 1 ? report.parts : [];
  const factors = byPart.length ? byPart.flatMap((p) => report.factors.filter((f) => partOf.get(f.code) === p.code)) : report.factors;
  for (const factor of factors) {
    const part = byPart.find((p) => p.code === partOf.get(factor.code));
    if (part && !entries.some((e) => e.code === partCode(part.code))) {
      const title = instrument.definition.parts.find((p) => p.code === part.code)!.title;
      entries.push({ code: partCode(part.code), level: 'part', factor: null, label: title, score: part });
    }
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

