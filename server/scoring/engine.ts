import type { Factor, Instrument, Item, PartCode } from '../../schema/instrument.js';
import type {
  Counts,
  CountsByItem,
  CriterionScore,
  FactorScore,
  Interval,
  OverallScore,
  PartScore,
  Reliability,
  ReliabilityFlag,
  ScoreMethod,
  ScoreReport,
  UnitRollup,
} from '../../schema/scoring.js';
import type { ScoringSettings } from '../config.js';
import { emptyCounts, meanScore, sumCountsByItem, validAndSatisfied } from './counts.js';
import { wilsonInterval } from './wilson.js';

/**
 * The one scoring engine (methodology §4–§5): counts in, indices out, for dashboards, exports and
 * reports alike. Everything is computed in full precision; rounding is for display only.
 */

/** What an index rests on. */
interface Measure {
  index: number | null;
  /** Known only for shares (criterion, pooled, factor question). */
  x: number | null;
  n: number;
  minN: number | null;
  wilson: Interval | null;
}

interface Context {
  instrumentId: string;
  methodologyVersion: string;
  unitRollup: UnitRollup;
  settings: ScoringSettings;
}

type Thresholds = Pick<ScoringSettings, 'lowNMin' | 'lowPrecisionHalfWidth'>;

/**
 * insufficient: no index, or fewer than lowNMin valid answers (for a share, all its answers; for a
 * mean, its thinnest contributor). low_precision: Wilson half-width above the threshold.
 */
export function assessReliability(
  measure: Pick<Measure, 'index' | 'x' | 'n' | 'minN' | 'wilson'>,
  thresholds: Thresholds,
): { flags: ReliabilityFlag[]; reliability: Reliability } {
  const flags: ReliabilityFlag[] = [];
  const basis = measure.x !== null ? measure.n : measure.minN;
  if (measure.index === null || basis === null || basis < thresholds.lowNMin) flags.push('insufficient');
  if (measure.wilson && measure.wilson.halfWidth > thresholds.lowPrecisionHalfWidth) flags.push('low_precision');
  const reliability: Reliability = flags.includes('insufficient') ? 'insufficient' : flags.length ? 'low_precision' : 'ok';
  return { flags, reliability };
}

function finish(ctx: Context, method: ScoreMethod, measure: Measure) {
  return {
    instrumentId: ctx.instrumentId,
    methodologyVersion: ctx.methodologyVersion,
    method,
    unitRollup: ctx.unitRollup,
    ...measure,
    ...assessReliability(measure, ctx.settings),
  };
}

/** x satisfied of n valid, with minN the thinnest contributing item (n itself for one item). */
function share(x: number, n: number, minN: number | null): Measure {
  return { index: n > 0 ? (100 * x) / n : null, x, n, minN: n > 0 ? minN : null, wilson: wilsonInterval(x, n) };
}

const minOf = (values: (number | null)[]): number | null => {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? Math.min(...known) : null;
};

/** Weighted mean of the non-null indices (weight 1 = plain mean); no interval, minN instead. */
function meanOf(parts: { measure: Measure; weight: number }[]): Measure {
  const used = parts.filter((p) => p.measure.index !== null && p.weight > 0);
  const weight = used.reduce((sum, p) => sum + p.weight, 0);
  return {
    index: weight > 0 ? used.reduce((sum, p) => sum + p.weight * p.measure.index!, 0) / weight : null,
    x: null,
    n: used.reduce((sum, p) => sum + p.measure.n, 0),
    minN: minOf(used.map((p) => p.measure.minN)),
    wilson: null,
  };
}

/** Pools x and n over items (answer_weighted). */
function pooled(items: CriterionScore[]): Measure {
  const x = items.reduce((sum, c) => sum + c.x!, 0);
  const n = items.reduce((sum, c) => sum + c.n, 0);
  return share(x, n, minOf(items.map((c) => c.minN)));
}

function scoreItem(ctx: Context, item: Item, counts: Counts): CriterionScore {
  const { n, x } = validAndSatisfied(counts, item.scale);
  return {
    ...finish(ctx, 'share_satisfied', share(x, n, n)),
    code: item.code,
    role: item.role,
    scale: item.scale,
    factor: item.factor,
    counts: [...counts],
    na: counts[0],
    mean: item.scale === 'scale5' ? meanScore(counts) : null,
  };
}

function scoreFactor(ctx: Context, factor: Factor, criteria: CriterionScore[], question: CriterionScore | undefined): FactorScore {
  const answered = criteria.filter((c) => c.index !== null).length;
  const rollup = ctx.settings.factorRollup;
  // Without a `.SAT` question (QUAY, S23S) factor_question falls back to the default; `method` says so.
  const method: ScoreMethod = rollup === 'factor_question' && !question ? 'mean_of_criteria' : rollup;
  const measure =
    method === 'factor_question'
      ? share(question!.x!, question!.n, question!.minN)
      : method === 'answer_weighted'
        ? pooled(criteria)
        : meanOf(criteria.map((c) => ({ measure: c, weight: 1 })));
  return {
    ...finish(ctx, method, measure),
    code: factor.code,
    part: factor.part,
    sipasFactor: factor.sipasFactor ?? null,
    criteria: answered,
  };
}

function scorePart(ctx: Context, code: PartCode, factors: FactorScore[], criteria: CriterionScore[]): PartScore {
  const method = ctx.settings.partRollup;
  const measure =
    method === 'answer_weighted'
      ? pooled(criteria)
      : meanOf(factors.map((f) => ({ measure: f, weight: method === 'item_count_weighted' ? f.criteria : 1 })));
  return { ...finish(ctx, method, measure), code, factors: factors.filter((f) => f.index !== null).length };
}

/** Mean of the non-null parts; with a single one, the overall is that part (its interval included). */
function scoreOverall(ctx: Context, parts: PartScore[]): OverallScore {
  const answered = parts.filter((p) => p.index !== null);
  const measure: Measure =
    answered.length === 1
      ? { index: answered[0]!.index, x: answered[0]!.x, n: answered[0]!.n, minN: answered[0]!.minN, wilson: answered[0]!.wilson }
      : meanOf(parts.map((p) => ({ measure: p, weight: 1 })));
  return { ...finish(ctx, 'mean_of_parts', measure), parts: answered.length };
}

function report(instrument: Instrument, counts: CountsByItem, settings: ScoringSettings, unitRollup: UnitRollup, units: number): ScoreReport {
  const { definition } = instrument;
  const ctx: Context = { instrumentId: instrument.id, methodologyVersion: definition.methodologyVersion, unitRollup, settings };
  const items = definition.items.map((item) => scoreItem(ctx, item, counts[item.code] ?? emptyCounts()));
  const criteria = items.filter((s) => s.role === 'criterion');
  const factorQuestions = items.filter((s) => s.role === 'factor_sat');
  // Yes/no items are scored on their own and never mixed into 5-point roll-ups (§2).
  const rolled = criteria.filter((c) => c.scale === 'scale5');
  const factors = definition.factors.map((f) =>
    scoreFactor(
      ctx,
      f,
      rolled.filter((c) => c.factor === f.code),
      factorQuestions.find((q) => q.factor === f.code && q.scale === 'scale5'),
    ),
  );
  const parts = definition.parts.map((p) => {
    const partFactors = new Set(definition.factors.filter((f) => f.part === p.code).map((f) => f.code));
    return scorePart(
      ctx,
      p.code,
      factors.filter((f) => partFactors.has(f.code)),
      rolled.filter((c) => c.factor !== null && partFactors.has(c.factor)),
    );
  });
  return {
    instrumentId: instrument.id,
    methodologyVersion: definition.methodologyVersion,
    factorRollup: settings.factorRollup,
    partRollup: settings.partRollup,
    unitRollup,
    units,
    criteria,
    factorQuestions,
    overallQuestion: items.find((s) => s.role === 'overall') ?? null,
    factors,
    parts,
    overall: scoreOverall(ctx, parts),
  };
}

/** Scores one set of counts (one unit, one period, one group) on an instrument. */
export function scoreInstrument(instrument: Instrument, counts: CountsByItem, settings: ScoringSettings): ScoreReport {
  return report(instrument, counts, settings, 'pooled', 1);
}

/**
 * Scores a parent from its child units' counts per settings.unitRollup: `pooled` sums the counts
 * and scores them once; `mean_of_children` scores each child and takes, at every level, the mean
 * of the children's non-null indices (no interval; minN is the thinnest child).
 */
export function scoreUnits(instrument: Instrument, children: readonly CountsByItem[], settings: ScoringSettings): ScoreReport {
  const total = report(instrument, sumCountsByItem(children), settings, settings.unitRollup, children.length);
  if (settings.unitRollup === 'pooled') return total;
  const each = children.map((counts) => scoreInstrument(instrument, counts, settings));
  const ctx: Context = {
    instrumentId: instrument.id,
    methodologyVersion: instrument.definition.methodologyVersion,
    unitRollup: 'mean_of_children',
    settings,
  };
  const combine = <S extends Measure & { method: ScoreMethod }>(template: S, pick: (r: ScoreReport) => S): S => ({
    ...template,
    ...finish(ctx, template.method, meanOf(each.map((r) => ({ measure: pick(r), weight: 1 })))),
  });
  const meanOfMeans = (code: string, pick: (r: ScoreReport) => CriterionScore[]) => {
    const means = each.map((r) => pick(r).find((c) => c.code === code)!.mean).filter((m): m is number => m !== null);
    return means.length ? means.reduce((a, b) => a + b, 0) / means.length : null;
  };
  const criteria = (pick: (r: ScoreReport) => CriterionScore[]) =>
    pick(total).map((c, i) => ({ ...combine(c, (r) => pick(r)[i]!), mean: c.mean === null ? null : meanOfMeans(c.code, pick) }));
  return {
    ...total,
    criteria: criteria((r) => r.criteria),
    factorQuestions: criteria((r) => r.factorQuestions),
    overallQuestion: total.overallQuestion && {
      ...combine(total.overallQuestion, (r) => r.overallQuestion!),
      mean: meanOfMeans(total.overallQuestion.code, (r) => [r.overallQuestion!]),
    },
    factors: total.factors.map((f, i) => combine(f, (r) => r.factors[i]!)),
    parts: total.parts.map((p, i) => combine(p, (r) => r.parts[i]!)),
    overall: combine(total.overall, (r) => r.overall),
  };
}
