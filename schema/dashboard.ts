import { z } from 'zod';
import { Id, UnitKind } from './admin.js';
import { LocalizedText } from './instrument.js';
import { Comparison, FactorRollup, Interval, PartRollup, Reliability, ReliabilityFlag, RoundingMode, ScoreDisplay, ScoreMethod, UnitRollup } from './scoring.js';
import { Channel } from './survey.js';
import { ANCHOR_YEAR, CalendarDay } from './days.js';

/* ───────────── Filters (the same in every dashboard view and in the URL) ───────────── */

export const PERIOD_KINDS = ['month', 'quarter', 'year', 'custom'] as const;
export const PeriodKind = z.enum(PERIOD_KINDS);
export type PeriodKind = z.infer<typeof PeriodKind>;


/** Which period `at` names: 2026-11 (month), 2026-Q4 (quarter), 2026 (year). */
export const PERIOD_ANCHOR: Record<Exclude<PeriodKind, 'custom'>, RegExp> = {
  month: new RegExp(`^${ANCHOR_YEAR}-(0[1-9]|1[0-2])$`),
  quarter: new RegExp(`^${ANCHOR_YEAR}-Q[1-4]$`),
  year: new RegExp(`^${ANCHOR_YEAR}$`),
};

/** A custom range may span at most this many days (three years and a little). */
export const MAX_RANGE_DAYS = 1100;

export const InstrumentIdParam = z.string().regex(/^[A-Z0-9]{1,20}@\d{1,4}$/, 'an instrument id such as QUAY@1');
export const ItemCode = z.string().max(40).regex(/^[A-Z0-9]+(\.[A-Z0-9]+)+$/, 'an item code such as QUAY.2');

/**
 * What every dashboard view is filtered by. The unit is the root of the view (default: the caller's
 * own unit); everything is further narrowed to the caller's subtrees in SQL.
 */
export const DashboardFilterShape = {
  unitId: Id.optional(),
  period: PeriodKind.default('quarter'),
  /** Which month/quarter/year (default: the current one); ignored for custom. */
  at: z.string().max(7).optional(),
  /** Vietnam-local days, inclusive; custom periods only. */
  from: CalendarDay.optional(),
  to: CalendarDay.optional(),
  /** Default: the instrument with most answers in the view. */
  instrumentId: InstrumentIdParam.optional(),
  counterId: Id.optional(),
  staffId: Id.optional(),
  procedureId: Id.optional(),
  /** lĩnh vực, e.g. "Đất đai": all procedures of the field. */
  field: z.string().trim().min(1).max(200).optional(),
  channel: Channel.optional(),
};

interface FilterLike {
  period: PeriodKind;
  at?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** Cross-field rules shared by every dashboard query schema. */
export function checkPeriod(q: FilterLike, ctx: z.RefinementCtx): void {
  if (q.period === 'custom') {
    if (!q.from || !q.to) {
      ctx.addIssue({ code: 'custom', path: [q.from ? 'to' : 'from'], message: 'a custom period needs from and to' });
      return;
    }
    if (q.from > q.to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must not be after to' });
    const days = (Date.parse(`${q.to}T00:00:00Z`) - Date.parse(`${q.from}T00:00:00Z`)) / 86400_000;
    if (days > MAX_RANGE_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `at most ${MAX_RANGE_DAYS} days` });
  } else if (q.at !== undefined && !PERIOD_ANCHOR[q.period].test(q.at)) {
    const example = { month: '2026-11', quarter: '2026-Q4', year: '2026' }[q.period];
    ctx.addIssue({ code: 'custom', path: ['at'], message: `a ${q.period} looks like ${example}` });
  }
}

export const DashboardFilter = z.object(DashboardFilterShape).strict().superRefine(checkPeriod);
export type DashboardFilter = z.output<typeof DashboardFilter>;

export const QueryFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const WEAK_DIMENSIONS = ['unit', 'counter', 'counter_field', 'staff', 'procedure', 'field', 'channel'] as const;
export const WeakDimension = z.enum(WEAK_DIMENSIONS);
export type WeakDimension = z.infer<typeof WeakDimension>;

export const WeakQuery = z
  .object({ ...DashboardFilterShape, criterion: ItemCode.optional(), limit: z.coerce.number().int().min(1).max(100).default(20) })
  .strict()
  .superRefine(checkPeriod);
export type WeakQuery = z.output<typeof WeakQuery>;

export const TREND_INTERVALS = ['month', 'quarter'] as const;
export const TrendInterval = z.enum(TREND_INTERVALS);
export type TrendInterval = z.infer<typeof TrendInterval>;

export const TrendsQuery = z
  .object({ ...DashboardFilterShape, interval: TrendInterval.default('month') })
  .strict()
  .superRefine(checkPeriod);
export type TrendsQuery = z.output<typeof TrendsQuery>;

export const RANKING_LEVELS = ['unit', 'commune'] as const;
export const RankingLevel = z.enum(RANKING_LEVELS);
export type RankingLevel = z.infer<typeof RankingLevel>;

/** Sort columns of the ranking: a closed list, never a column name from the client. */
export const RANKING_SORTS = ['index', 'lower', 'upper', 'n', 'name'] as const;
export const RankingSort = z.enum(RANKING_SORTS);
export type RankingSort = z.infer<typeof RankingSort>;

export const SortDir = z.enum(['asc', 'desc']);
export type SortDir = z.infer<typeof SortDir>;

export const RankingQuery = z
  .object({
    ...DashboardFilterShape,
    level: RankingLevel.default('unit'),
    /** 'overall' or a factor code of the instrument (checked against it). */
    measure: z.string().max(40).regex(/^(overall|[A-Z0-9]+(\.[A-Z0-9]+)+)$/, 'overall or a factor code').default('overall'),
    sort: RankingSort.default('index'),
    dir: SortDir.default('desc'),
    includeInsufficient: QueryFlag.default(false),
  })
  .strict()
  .superRefine(checkPeriod);
export type RankingQuery = z.output<typeof RankingQuery>;

export const CommentsQuery = z
  .object({
    ...DashboardFilterShape,
    criterion: ItemCode.optional(),
    /** Only responses rating the criterion (or, without one, any item) at most this. */
    maxScore: z.coerce.number().int().min(1).max(5).optional(),
    q: z.string().trim().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
  })
  .strict()
  .superRefine(checkPeriod);
export type CommentsQuery = z.output<typeof CommentsQuery>;

export const OptionsQuery = z.object({ unitId: Id.optional() }).strict();
export type OptionsQuery = z.output<typeof OptionsQuery>;

/* ───────────── Replies ───────────── */

export const ResolvedPeriod = z.object({
  kind: PeriodKind,
  /** The month/quarter/year shown (null for custom). */
  at: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  /** "Quý IV/2026 (đến 04/12/2026)": how reports name it. */
  label: z.string(),
  /** The period is still running and ends today. */
  toDate: z.boolean(),
  /** The period compared against: the one before, of the same kind and length (to the same point when to date). */
  previous: z.object({ from: z.string(), to: z.string(), label: z.string() }),
});
export type ResolvedPeriod = z.infer<typeof ResolvedPeriod>;

export const DashUnit = z.object({ id: z.string(), kind: UnitKind, code: z.string(), name: z.string() });
export type DashUnit = z.infer<typeof DashUnit>;

/** One index as the dashboards show it (the engine's numbers, unrounded). */
export const Score = z.object({
  index: z.number().nullable(),
  x: z.number().int().nullable(),
  n: z.number().int(),
  minN: z.number().int().nullable(),
  wilson: Interval.nullable(),
  flags: z.array(ReliabilityFlag),
  reliability: Reliability,
  method: ScoreMethod,
  unitRollup: UnitRollup,
});
export type Score = z.infer<typeof Score>;

/** 'part': a part of a two-part questionnaire (S23: policy, service), listed above its factors. */
export const ScoreLevel = z.enum(['overall', 'part', 'factor', 'criterion', 'factor_question', 'overall_question']);
export type ScoreLevel = z.infer<typeof ScoreLevel>;

export const ScoringView = z.object({
  factorRollup: FactorRollup,
  partRollup: PartRollup,
  unitRollup: UnitRollup,
  decimals: z.number().int(),
  rounding: RoundingMode,
  display: ScoreDisplay,
  lowNMin: z.number().int(),
});
export type ScoringView = z.infer<typeof ScoringView>;

/** An instrument answered in the view; answers = every answer to its items (no opinion included). */
export const InstrumentChoice = z.object({ id: z.string(), title: LocalizedText, responses: z.number().int() });
export type InstrumentChoice = z.infer<typeof InstrumentChoice>;

/** What every view answers besides its own rows: the resolved filter and how numbers are made. */
export const ViewContext = z.object({
  period: ResolvedPeriod,
  unit: DashUnit.nullable(),
  target: z.number(),
  targetSource: z.enum(['province', 'default']),
  instruments: z.array(InstrumentChoice),
  /** null when nothing was answered in the view. */
  instrumentId: z.string().nullable(),
  scoring: ScoringView,
});
export type ViewContext = z.infer<typeof ViewContext>;

export const OverviewRow = z.object({
  code: z.string(),
  level: ScoreLevel,
  /** The factor a criterion belongs to. */
  factor: z.string().nullable(),
  label: LocalizedText,
  score: Score,
  previous: z.object({ index: z.number().nullable(), n: z.number().int() }),
  /** Percentage points (current − previous); null when either is missing. */
  diff: z.number().nullable(),
  /** Two-proportion test; null for means (no x/n) or an empty side. */
  test: Comparison.nullable(),
  belowTarget: z.boolean(),
});
export type OverviewRow = z.infer<typeof OverviewRow>;

export const Overview = ViewContext.extend({
  /** Responses to the instrument in the period, filters applied (see server/dashboard/counts.ts responsesIn). */
  responses: z.number().int(),
  responseRate: z.object({ issued: z.number().int(), answered: z.number().int(), rate: z.number().nullable() }),
  overall: OverviewRow.nullable(),
  rows: z.array(OverviewRow),
});
export type Overview = z.infer<typeof Overview>;

/** Where a weak cell lies; the same keys are the filter to drill into it. */
export const WeakWhere = z.object({
  unit: z.object({ id: z.string(), name: z.string() }).optional(),
  counter: z.object({ id: z.string(), code: z.string(), name: z.string() }).optional(),
  staff: z.object({ id: z.string(), code: z.string(), name: z.string() }).optional(),
  procedure: z.object({ id: z.string(), code: z.string(), name: z.string() }).optional(),
  field: z.string().optional(),
  channel: Channel.optional(),
});
export type WeakWhere = z.infer<typeof WeakWhere>;

export const WeakItem = z.object({
  rank: z.number().int(),
  criterion: z.string(),
  label: LocalizedText,
  dimension: WeakDimension,
  where: WeakWhere,
  score: Score,
  /** The whole interval lies below the target (Wilson upper bound < target). */
  clearlyBelow: z.boolean(),
});
export type WeakItem = z.infer<typeof WeakItem>;

export const WeakList = ViewContext.extend({
  rule: z.object({ minN: z.number().int(), target: z.number(), basis: z.literal('wilson_upper') }),
  /** Cells that met the rule before the limit was applied. */
  total: z.number().int(),
  items: z.array(WeakItem),
});
export type WeakList = z.infer<typeof WeakList>;

export const TrendPoint = z.object({
  period: z.string(),
  from: z.string(),
  to: z.string(),
  responses: z.number().int(),
  scores: z.record(z.string(), Score),
});
export type TrendPoint = z.infer<typeof TrendPoint>;

export const HeatCellView = z.object({
  weekday: z.number().int().min(1).max(7),
  hour: z.number().int().min(0).max(23),
  nValid: z.number().int(),
  nDissatisfied: z.number().int(),
  /** Percent of valid answers that were 1–2; null with no answers. */
  share: z.number().nullable(),
});
export type HeatCellView = z.infer<typeof HeatCellView>;

export const Trends = ViewContext.extend({
  interval: TrendInterval,
  from: z.string(),
  to: z.string(),
  series: z.array(z.object({ code: z.string(), level: ScoreLevel, factor: z.string().nullable(), label: LocalizedText })),
  points: z.array(TrendPoint),
  heat: z.object({ fromMonth: z.string(), toMonth: z.string(), cells: z.array(HeatCellView) }),
});
export type Trends = z.infer<typeof Trends>;

export const RankingRow = z.object({
  rank: z.number().int().nullable(),
  unit: DashUnit,
  /** Responses at the unit's own counters (level unit) or in the commune (level commune). */
  responses: z.number().int(),
  score: Score,
  overall: Score,
  factors: z.record(z.string(), Score),
});
export type RankingRow = z.infer<typeof RankingRow>;

export const Ranking = ViewContext.extend({
  level: RankingLevel,
  measure: z.string(),
  measures: z.array(z.object({ code: z.string(), label: LocalizedText })),
  sort: RankingSort,
  dir: SortDir,
  includeInsufficient: z.boolean(),
  /** Units left out because their score is `insufficient`. */
  excluded: z.number().int(),
  rows: z.array(RankingRow),
});
export type Ranking = z.infer<typeof Ranking>;

export const CommentItem = z.object({
  id: z.string(),
  submittedAt: z.string(),
  day: z.string(),
  unit: z.object({ id: z.string(), name: z.string() }),
  counter: z.object({ id: z.string(), code: z.string(), name: z.string() }).nullable(),
  procedure: z.object({ id: z.string(), code: z.string(), name: z.string(), field: z.string() }).nullable(),
  channel: Channel,
  instrumentId: z.string(),
  /** Item code → 1..5 (null = no opinion). */
  ratings: z.record(z.string(), z.number().int().nullable()),
  comment: z.string(),
  /** Topic tags from the province's list, and whether it was marked handled (issue 18). */
  tags: z.array(z.string()),
  handled: z.boolean(),
  /** A follow-up case linked to this answer, if any. */
  caseId: z.string().nullable(),
});
export type CommentItem = z.infer<typeof CommentItem>;

export const CommentPage = z.object({
  period: ResolvedPeriod,
  unit: DashUnit.nullable(),
  /** The instrument whose comments are listed (as in the other views); null when nothing was answered. */
  instrumentId: z.string().nullable(),
  items: z.array(CommentItem),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
  /** Item labels of the instruments in the page, for the rating columns. */
  labels: z.record(z.string(), LocalizedText),
});
export type CommentPage = z.infer<typeof CommentPage>;

export const DashboardOptions = z.object({
  unit: DashUnit.nullable(),
  units: z.array(DashUnit.extend({ parentId: z.string().nullable(), holdsResponses: z.boolean() })),
  counters: z.array(z.object({ id: z.string(), unitId: z.string(), code: z.string(), name: z.string() })),
  staff: z.array(z.object({ id: z.string(), code: z.string(), name: z.string() })),
  procedures: z.array(z.object({ id: z.string(), code: z.string(), name: z.string(), field: z.string() })),
  fields: z.array(z.string()),
  instruments: z.array(
    z.object({
      id: z.string(),
      title: LocalizedText,
      factors: z.array(z.object({ code: z.string(), title: LocalizedText })),
      items: z.array(z.object({ code: z.string(), factor: z.string().nullable(), role: z.string(), label: LocalizedText })),
    }),
  ),
  today: z.string(),
  /** How scores are written (percent or points out of 10): the views' words are made with it. */
  scoring: ScoringView,
});
export type DashboardOptions = z.infer<typeof DashboardOptions>;
