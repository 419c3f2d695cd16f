import { z } from 'zod';
import { Id, QueryBool, UnitRef } from './admin.js';
import { checkPeriod } from './dashboard.js';
import { LocalizedText } from './instrument.js';

/**
 * GET /api/admin/indicators: the nine indicators of TT 01/2018/TT-VPCP per official and per agency
 * for a quarter or year, with the QĐ 766 5.4 satisfaction ratio (methodology §6–§7).
 */
export const IndicatorsQuery = z
  .object({
    unitId: Id.optional(),
    period: z.enum(['quarter', 'year']).default('quarter'),
    /** 2026-Q4 or 2026 (default: the current one). */
    at: z.string().max(7).optional(),
    counterId: Id.optional(),
    staffId: Id.optional(),
    procedureId: Id.optional(),
    /** QĐ 766 5.4: count a dossier both overdue and disliked once (true) or twice as written (false). */
    dedupe: QueryBool.default(false),
  })
  .strict()
  .superRefine(checkPeriod);
export type IndicatorsQuery = z.output<typeof IndicatorsQuery>;

export const OFFICIAL_CLASSES = ['complete_100', 'complete_70_100', 'below_70'] as const;
export const AGENCY_CLASSES = ['xuat_sac', 'tot', 'kha', 'trung_binh', 'yeu'] as const;

export const IndicatorDefinitionView = z.object({
  code: z.string(),
  title: LocalizedText,
  level: z.enum(['dossier', 'unit', 'both']),
  source: z.enum(['citizen', 'system']),
  /** Counts towards an official's total (1, 2, 3, 4, 7). */
  official: z.boolean(),
});

export const IndicatorCell = z.object({
  /** The indicator's score, rounded to one decimal (0–2). */
  score: z.number(),
  /** Dossiers it rests on; null for a score the unit was given as a whole. */
  dossiers: z.number().int().nullable(),
  /** From the dossiers' own scores, from their complaints (D18.8), or given to the unit as a whole. */
  source: z.enum(['dossiers', 'complaints', 'unit']),
});
export type IndicatorCell = z.infer<typeof IndicatorCell>;

const Totals = {
  /** Indicators with data, by code; one without data is left out, not counted as 0 (Art. 15). */
  indicators: z.record(z.string(), IndicatorCell),
  /** Indicators of the set without data here. */
  omitted: z.array(z.string()),
  /** Sum of the indicator scores; null when none has data. */
  total: z.number().nullable(),
  maxTotal: z.number(),
  dossiers: z.number().int(),
};

export const OfficialRow = z.object({
  staffId: z.string(),
  code: z.string(),
  name: z.string(),
  ...Totals,
  classification: z.enum(OFFICIAL_CLASSES).nullable(),
});
export type OfficialRow = z.infer<typeof OfficialRow>;

export const Q766Row = z.object({
  dossiers: z.number().int(),
  overdue: z.number().int(),
  disliked: z.number().int(),
  overdueAndDisliked: z.number().int(),
  /** Percent; null without dossiers. */
  rate: z.number().nullable(),
  points: z.number().nullable(),
  maxPoints: z.number(),
});
export type Q766Row = z.infer<typeof Q766Row>;

export const AgencyRow = z.object({
  unit: UnitRef,
  ...Totals,
  classification: z.enum(AGENCY_CLASSES).nullable(),
  q766: Q766Row,
});
export type AgencyRow = z.infer<typeof AgencyRow>;

export const IndicatorReport = z.object({
  set: z.string(),
  period: z.object({ kind: z.enum(['quarter', 'year']), at: z.string(), from: z.string(), to: z.string() }),
  unit: UnitRef.nullable(),
  definitions: z.array(IndicatorDefinitionView),
  officials: z.array(OfficialRow),
  agencies: z.array(AgencyRow),
  /** QĐ 766 5.4 over the whole scope. */
  q766: Q766Row,
  dedupe: z.boolean(),
  /** Indicators with no data anywhere in the scope and period. */
  withoutData: z.array(z.string()),
});
export type IndicatorReport = z.infer<typeof IndicatorReport>;
