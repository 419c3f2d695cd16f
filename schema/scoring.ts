import { z } from 'zod';
import { PartCode } from './instrument.js';

/** How criterion indices roll up into a factor (shared/sipas/methodology.md §4). */
export const FactorRollup = z.enum(['mean_of_criteria', 'answer_weighted', 'factor_question']);
export type FactorRollup = z.infer<typeof FactorRollup>;

/** How factor indices roll up into a part (§4). */
export const PartRollup = z.enum(['mean_of_factors', 'item_count_weighted', 'answer_weighted']);
export type PartRollup = z.infer<typeof PartRollup>;

/** How child units combine into a parent: pooled = sum the counts; mean_of_children = mean of their indices. */
export const UnitRollup = z.enum(['pooled', 'mean_of_children']);
export type UnitRollup = z.infer<typeof UnitRollup>;

export const RoundingMode = z.enum(['half_away_from_zero', 'half_even']);
export type RoundingMode = z.infer<typeof RoundingMode>;

/** percent = "84,60%"; points10 = "8,46 điểm" (some provinces publish SIPAS out of 10). */
export const ScoreDisplay = z.enum(['percent', 'points10']);
export type ScoreDisplay = z.infer<typeof ScoreDisplay>;

/** The same settings as server/config.ts ScoringSettings (a test asserts the types are equal). */
export const ScoringSettings = z.object({
  factorRollup: FactorRollup.default('mean_of_criteria'),
  partRollup: PartRollup.default('mean_of_factors'),
  unitRollup: UnitRollup.default('pooled'),
  decimals: z.number().int().min(0).max(6).default(2),
  rounding: RoundingMode.default('half_away_from_zero'),
  display: ScoreDisplay.default('percent'),
  lowNMin: z.number().int().min(1).default(30),
  lowPrecisionHalfWidth: z.number().positive().max(100).default(10),
  targetIndex: z.number().min(0).max(100).default(80),
});
export type ScoringSettings = z.infer<typeof ScoringSettings>;

const count = z.number().int().nonnegative();

/** Answers to one item by value: [no opinion, 1, 2, 3, 4, 5]. Yes/no items use 1 = Không, 2 = Có. */
export const Counts = z.tuple([count, count, count, count, count, count]);
export type Counts = z.infer<typeof Counts>;

/** Counts per item code. */
export const CountsByItem = z.record(z.string(), Counts);
export type CountsByItem = z.infer<typeof CountsByItem>;

export const ReliabilityFlag = z.enum(['insufficient', 'low_precision']);
export type ReliabilityFlag = z.infer<typeof ReliabilityFlag>;

/** The most severe flag, for a single badge: insufficient > low_precision > ok. */
export const Reliability = z.enum(['ok', 'low_precision', 'insufficient']);
export type Reliability = z.infer<typeof Reliability>;

/** Wilson 95% interval in percent; halfWidth = (upper − lower) / 2. */
export const Interval = z.object({ lower: z.number(), upper: z.number(), halfWidth: z.number() });
export type Interval = z.infer<typeof Interval>;

/** The formula behind a number, shown next to it in the UI. */
export const ScoreMethod = z.enum([
  'share_satisfied',
  'mean_of_criteria',
  'answer_weighted',
  'factor_question',
  'mean_of_factors',
  'item_count_weighted',
  'mean_of_parts',
]);
export type ScoreMethod = z.infer<typeof ScoreMethod>;

const ScoreBase = z.object({
  instrumentId: z.string(),
  methodologyVersion: z.string(),
  method: ScoreMethod,
  /** How child units were combined into this number (pooled for a single unit). */
  unitRollup: UnitRollup,
  /** Percent 0–100 in full precision (round only for display); null when nothing was answered, never 0. */
  index: z.number().nullable(),
  /** Satisfied answers, when the index is a share of known counts (x / n); null for means. */
  x: z.number().int().nullable(),
  /** Valid answers behind the index (summed over contributing items). */
  n: z.number().int().nonnegative(),
  /** Fewest valid answers among the contributing items (or child units); null when none contributed. */
  minN: z.number().int().nullable(),
  /** Only where x and n are known; means report minN instead. */
  wilson: Interval.nullable(),
  flags: z.array(ReliabilityFlag),
  reliability: Reliability,
});

export const CriterionScore = ScoreBase.extend({
  code: z.string(),
  role: z.enum(['criterion', 'factor_sat', 'overall']),
  scale: z.enum(['scale5', 'binary']),
  factor: z.string().nullable(),
  /** Summed counts ([na, 1..5]) behind the score. */
  counts: Counts,
  na: z.number().int().nonnegative(),
  /** Mean on the 1–5 scale; null for yes/no items and when nothing was answered. */
  mean: z.number().nullable(),
});
export type CriterionScore = z.infer<typeof CriterionScore>;

export const FactorScore = ScoreBase.extend({
  code: z.string(),
  part: PartCode,
  sipasFactor: z.number().int().nullable(),
  /** k_f: criteria of the factor with a non-null index. */
  criteria: z.number().int().nonnegative(),
});
export type FactorScore = z.infer<typeof FactorScore>;

export const PartScore = ScoreBase.extend({
  code: PartCode,
  /** Factors of the part with a non-null index. */
  factors: z.number().int().nonnegative(),
});
export type PartScore = z.infer<typeof PartScore>;

export const OverallScore = ScoreBase.extend({
  /** Parts with a non-null index (the overall is their mean). */
  parts: z.number().int().nonnegative(),
});
export type OverallScore = z.infer<typeof OverallScore>;

/** Everything a dashboard, export or report shows for one instrument over one set of counts. */
export const ScoreReport = z.object({
  instrumentId: z.string(),
  methodologyVersion: z.string(),
  factorRollup: FactorRollup,
  partRollup: PartRollup,
  unitRollup: UnitRollup,
  /** Child units combined (1 when scoring a single set of counts). */
  units: z.number().int().nonnegative(),
  criteria: z.array(CriterionScore),
  factorQuestions: z.array(CriterionScore),
  overallQuestion: CriterionScore.nullable(),
  factors: z.array(FactorScore),
  parts: z.array(PartScore),
  overall: OverallScore,
});
export type ScoreReport = z.infer<typeof ScoreReport>;

/** Two-proportion z-test at 95% (two periods or two units); diff in percentage points (a − b). */
export const Comparison = z.object({
  diff: z.number(),
  z: z.number(),
  pValue: z.number(),
  significant: z.boolean(),
});
export type Comparison = z.infer<typeof Comparison>;

/** How dashboard counts are grouped. */
export const CountsGroupBy = z.enum(['none', 'unit', 'counter', 'staff', 'procedure', 'channel', 'month', 'day']);
export type CountsGroupBy = z.infer<typeof CountsGroupBy>;

/** The three levels of the one-tap counter rating (TT 32/2017/TT-BTTTT Art. 12). */
export const QuickLevel = z.enum(['rat_hai_long', 'hai_long', 'chua_hai_long']);
export type QuickLevel = z.infer<typeof QuickLevel>;
