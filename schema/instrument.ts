import { z } from 'zod';

export const LocalizedText = z.object({ vi: z.string().min(1), en: z.string().min(1) });
export type LocalizedText = z.infer<typeof LocalizedText>;

/** S = service delivery, P = policy (S23); counter instruments have only S. */
export const PartCode = z.enum(['S', 'P']);
export type PartCode = z.infer<typeof PartCode>;

/**
 * One question. `criterion` items are scored and rolled up into their factor; `factor_sat` is the
 * direct "how satisfied with this factor" question (rollup `factor_question`); `overall` is the
 * instrument's overall question (e.g. QUAY.ALL). `binary` items (Có/Không) are never mixed into
 * 5-point averages.
 */
export const Item = z.object({
  code: z.string().regex(/^[A-Z0-9]+(\.[A-Z0-9]+)+$/, 'criterion codes look like QUAY.1 or S17.3.2'),
  role: z.enum(['criterion', 'factor_sat', 'overall']),
  scale: z.enum(['scale5', 'binary']).default('scale5'),
  factor: z.string().nullable(),
  text: LocalizedText,
  /** Optional short label for dashboards (falls back to text). */
  short: LocalizedText.optional(),
  /** Whether "Không có ý kiến / không áp dụng" is offered (always true for the counter survey). */
  allowNa: z.boolean().default(true),
});
export type Item = z.infer<typeof Item>;

export const Factor = z.object({
  code: z.string().min(1),
  part: PartCode,
  title: LocalizedText,
  /** Which of the five SIPAS service factors (1–5) this is, so different instruments line up in the factor view. */
  sipasFactor: z.number().int().min(1).max(5).optional(),
});
export type Factor = z.infer<typeof Factor>;

export const DemographicsSpec = z.object({
  ageBand: z.boolean(),
  gender: z.boolean(),
  firstVisit: z.boolean(),
});

export const InstrumentDefinition = z.object({
  code: z.string().regex(/^[A-Z0-9]+$/),
  version: z.number().int().positive(),
  title: LocalizedText,
  methodologyVersion: z.string().min(1),
  parts: z.array(z.object({ code: PartCode, title: LocalizedText })).min(1),
  factors: z.array(Factor).min(1),
  items: z.array(Item).min(1),
  comment: z.object({ enabled: z.boolean(), prompt: LocalizedText }),
  demographics: DemographicsSpec.nullable(),
});
export type InstrumentDefinition = z.infer<typeof InstrumentDefinition>;

/** An instrument as served: its id is `<code>@<version>`. */
export const Instrument = z.object({ id: z.string(), definition: InstrumentDefinition });
export type Instrument = z.infer<typeof Instrument>;

export const instrumentId = (code: string, version: number) => `${code}@${version}`;
