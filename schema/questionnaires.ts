import { z } from 'zod';
import { Factor, InstrumentDefinition, Item, LocalizedText } from './instrument.js';

/**
 * Questionnaires (instrument versions) as the admin pages manage them: a province writes its own
 * from a built-in template or from nothing, edits it as a draft, publishes it, and assigns it to
 * survey points. A published version never changes; editing it saves a new draft version.
 */

export const INSTRUMENT_STATUSES = ['draft', 'published'] as const;
export const InstrumentStatus = z.enum(INSTRUMENT_STATUSES);
export type InstrumentStatus = z.infer<typeof InstrumentStatus>;

/** Where a new questionnaire starts from: a built-in instrument, or an empty one. */
export const TEMPLATE_CODES = ['QUAY', 'S17', 'S23S', 'S23', 'EMPTY'] as const;
export const TemplateCode = z.enum(TEMPLATE_CODES);
export type TemplateCode = z.infer<typeof TemplateCode>;

const Id = z.string().min(1).max(64);

export const InstrumentSummary = z.object({
  id: z.string(),
  code: z.string(),
  version: z.number().int(),
  title: LocalizedText,
  status: InstrumentStatus,
  /** The province that owns it; null for a built-in version. */
  owner: z.object({ id: z.string(), code: z.string(), name: z.string() }).nullable(),
  parts: z.number().int(),
  factors: z.number().int(),
  criteria: z.number().int(),
  /** Answers counted in the caller's area (answers flagged suspect are left out, as in every score). */
  answers: z.number().int(),
  /** Survey points in the caller's area that use this version. */
  surveyPoints: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  publishedAt: z.string().nullable(),
  /** Whether the caller may edit, publish or add versions to it. */
  editable: z.boolean(),
});
export type InstrumentSummary = z.infer<typeof InstrumentSummary>;

export const InstrumentList = z.object({ items: z.array(InstrumentSummary) });
export type InstrumentList = z.infer<typeof InstrumentList>;

export const InstrumentDetail = InstrumentSummary.extend({ definition: InstrumentDefinition });
export type InstrumentDetail = z.infer<typeof InstrumentDetail>;

/** POST /api/admin/instruments: a new questionnaire, version 1, as a draft. */
export const QuestionnaireCreate = z
  .object({
    /** 2–16 capital letters or digits, unique: the questionnaire's code in exports (e.g. CMQUAY). */
    code: z.string().trim().toUpperCase().regex(/^[A-Z0-9]{2,16}$/, '2–16 letters or digits, e.g. CMQUAY'),
    template: TemplateCode,
    /** The province that owns it; a system administrator may leave it out for a questionnaire every province may use. */
    ownerUnitId: Id.nullable().optional(),
    title: LocalizedText.optional(),
  })
  .strict();
export type QuestionnaireCreate = z.infer<typeof QuestionnaireCreate>;

/**
 * PUT /api/admin/instruments/:id: the whole definition. A draft is changed in place (200); a
 * published version stays as it was and the definition becomes a new draft version (201).
 */
export const QuestionnaireSave = z.object({ definition: InstrumentDefinition }).strict();
export type QuestionnaireSave = z.infer<typeof QuestionnaireSave>;

/** POST /api/admin/instruments/:id/assign: every point of a unit's subtree, or the points named. */
export const QuestionnaireAssign = z
  .object({
    unitId: Id.optional(),
    surveyPointIds: z.array(Id).min(1).max(500).optional(),
  })
  .strict()
  .refine((v) => (v.unitId === undefined) !== (v.surveyPointIds === undefined), {
    message: 'Give either unitId or surveyPointIds',
    path: ['unitId'],
  });
export type QuestionnaireAssign = z.infer<typeof QuestionnaireAssign>;

export const AssignResult = z.object({
  instrumentId: z.string(),
  /** Points that now use the version (those that already did are not counted). */
  changed: z.number().int(),
  unchanged: z.number().int(),
});
export type AssignResult = z.infer<typeof AssignResult>;

/** A criterion of the SIPAS catalogue to pick into a questionnaire, with its factor and part there. */
export const CatalogueEntry = z.object({
  source: z.string(),
  item: Item,
  factor: Factor,
  part: z.object({ code: z.string(), title: LocalizedText }),
});
export type CatalogueEntry = z.infer<typeof CatalogueEntry>;

export const Catalogue = z.object({ criteria: z.array(CatalogueEntry) });
export type Catalogue = z.infer<typeof Catalogue>;
