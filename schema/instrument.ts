import { z } from 'zod';

const Wording = z.string().trim().min(1, 'required').max(1000);
export const LocalizedText = z.object({ vi: Wording, en: Wording });
export type LocalizedText = z.infer<typeof LocalizedText>;

/** S = service delivery, P = policy (S23); counter instruments have only S. */
export const PartCode = z.enum(['S', 'P']);
export type PartCode = z.infer<typeof PartCode>;

/** Item and factor codes: QUAY.1, S17.3.2, S23.S.1 — letters and digits in dot-separated groups. */
const DottedCode = (example: string) => z.string().max(40).regex(/^[A-Z0-9]+(\.[A-Z0-9]+)+$/, `codes look like ${example}`);

/**
 * One question. `criterion` items are scored and rolled up into their factor; `factor_sat` is the
 * direct "how satisfied with this factor" question (rollup `factor_question`); `overall` is the
 * instrument's overall question (e.g. QUAY.ALL). `binary` items (Có/Không) are never mixed into
 * 5-point averages.
 */
export const Item = z.object({
  code: DottedCode('QUAY.1 or S17.3.2'),
  role: z.enum(['criterion', 'factor_sat', 'overall']),
  scale: z.enum(['scale5', 'binary']).default('scale5'),
  factor: z.string().nullable(),
  text: LocalizedText,
  /** Optional short label for dashboards (falls back to text). */
  short: LocalizedText.optional(),
  /** Whether "Không có ý kiến / không áp dụng" is offered (always true for the counter survey). */
  allowNa: z.boolean().default(true),
  /**
   * Whether the survey page insists on an answer ("Không có ý kiến" counts as one) before moving on.
   * Absent means required, as every item of the built-in instruments is; false lets the citizen skip it.
   */
  required: z.boolean().optional(),
});
export type Item = z.infer<typeof Item>;

export const Factor = z.object({
  code: DottedCode('QUAY.F2 or S23.S.1'),
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
  code: z.string().regex(/^[A-Z0-9]{2,16}$/, '2–16 capital letters or digits'),
  version: z.number().int().positive(),
  title: LocalizedText,
  /** Shown on the survey's start screen instead of the standard introduction. */
  intro: LocalizedText.optional(),
  methodologyVersion: z.string().min(1),
  parts: z.array(z.object({ code: PartCode, title: LocalizedText })).min(1),
  /** Empty only in a draft being written: publishing needs at least one criterion (validate.ts). */
  factors: z.array(Factor).max(60),
  items: z.array(Item).max(300),
  comment: z.object({ enabled: z.boolean(), prompt: LocalizedText }),
  demographics: DemographicsSpec.nullable(),
});
export type InstrumentDefinition = z.infer<typeof InstrumentDefinition>;

/** The codes of the yes/no items: their answers (1 = no, 2 = yes) are not ratings. */
export function binaryItemsOf(definition: Pick<InstrumentDefinition, 'items'>): ReadonlySet<string> {
  return new Set(definition.items.filter((i) => i.scale === 'binary').map((i) => i.code));
}

/** An instrument as served: its id is `<code>@<version>`. */
export const Instrument = z.object({ id: z.string(), definition: InstrumentDefinition });
export type Instrument = z.infer<typeof Instrument>;

export const instrumentId = (code: string, version: number) => `${code}@${version}`;
