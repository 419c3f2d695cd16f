import { z } from 'zod';
import { BoundedInstant } from './days.js';

/**
 * What the one-stop software knows about a dossier (hồ sơ) beyond its three times, for the nine
 * indicators of TT 01/2018/TT-VPCP (methodology §6) and the QĐ 766 satisfaction ratio (§7). Sent
 * with the invitation, or later by PATCH /api/v1/dossiers/{dossierCode} once the result is returned.
 * Every field is optional: an indicator without its fact has no data and is left out (Art. 15).
 */

const before = (a: string | null | undefined, b: string | null | undefined) => a != null && b != null && Date.parse(b) < Date.parse(a);

/** One agency's part in handling the dossier (D18.2): its deadline and when it finished. */
export const AgencyStep = z
  .object({
    /** The agency's name or code in the one-stop software (not a unit of this platform). */
    agency: z.string().trim().min(1).max(200),
    dueAt: BoundedInstant,
    /** When the agency finished its part; omitted while it is still working. */
    completedAt: BoundedInstant.nullable().optional(),
  })
  .strict();
export type AgencyStep = z.output<typeof AgencyStep>;

/** A complaint or petition (phản ánh, kiến nghị) about the dossier and how it was handled. */
export const DossierComplaint = z
  .object({
    receivedAt: BoundedInstant,
    /** The deadline for answering it. */
    dueAt: BoundedInstant,
    /** When it was answered; omitted while unanswered. */
    answeredAt: BoundedInstant.nullable().optional(),
    /** Verified as true, about the officials' attitude or conduct (scores indicator 7 as 0). */
    substantiated: z.boolean().default(false),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (before(c.receivedAt, c.dueAt)) ctx.addIssue({ code: 'custom', path: ['dueAt'], message: 'dueAt is before receivedAt' });
    if (before(c.receivedAt, c.answeredAt)) ctx.addIssue({ code: 'custom', path: ['answeredAt'], message: 'answeredAt is before receivedAt' });
  });
export type DossierComplaint = z.output<typeof DossierComplaint>;

export const PUBLICATIONS = ['posted_and_online', 'one_of_them', 'neither'] as const;

/** The facts themselves; a field left out is unknown, not zero. */
export const DossierFactsShape = {
  /** Each agency that took part (including coordination), for D18.2. */
  agencySteps: z.array(AgencyStep).max(30).optional(),
  /**
   * How many times the citizen had to contact the intake point again (online included) to complete
   * the dossier, not counting contacts needed through the applicant's own fault (D18.3).
   */
  completionContacts: z.number().int().min(0).max(100).optional(),
  /** How many agencies the citizen had to contact to complete it: 0 none, 1 only the one-stop unit (D18.4). */
  agenciesContacted: z.number().int().min(0).max(100).optional(),
  /** The result was returned late. Derived from dueAt and returnedAt when left out. */
  late: z.boolean().optional(),
  /** Complaints about this dossier and their handling times (D18.7, D18.8, QĐ 766 5.4). */
  complaints: z.array(DossierComplaint).max(50).optional(),
  /** How the procedure was published: posted at the office and online, one of the two, or neither (D18.6). */
  publication: z.enum(PUBLICATIONS).optional(),
};

export const DossierFacts = z.object(DossierFactsShape).strict();
export type DossierFacts = z.output<typeof DossierFacts>;

/** The facts a dossier may carry, as stored (JSON on its invitation). */
export const FACT_KEYS = Object.keys(DossierFactsShape) as (keyof DossierFacts)[];

const Code = z.string().trim().min(1).max(64);

/**
 * PATCH /api/v1/dossiers/{dossierCode}: what becomes known later, mostly at return. Given fields
 * replace the stored ones (a list replaces the whole list); null clears one.
 */
export const DossierUpdate = z
  .object({
    /** When the same dossier code was issued at several units of the key's area. */
    unitCode: Code.optional(),
    receivedAt: BoundedInstant.nullable().optional(),
    dueAt: BoundedInstant.nullable().optional(),
    returnedAt: BoundedInstant.nullable().optional(),
    agencySteps: DossierFactsShape.agencySteps.unwrap().nullable().optional(),
    completionContacts: DossierFactsShape.completionContacts.unwrap().nullable().optional(),
    agenciesContacted: DossierFactsShape.agenciesContacted.unwrap().nullable().optional(),
    late: DossierFactsShape.late.unwrap().nullable().optional(),
    complaints: DossierFactsShape.complaints.unwrap().nullable().optional(),
    publication: DossierFactsShape.publication.unwrap().nullable().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).some((k) => k !== 'unitCode'), { message: 'nothing to update' });
export type DossierUpdate = z.input<typeof DossierUpdate>;
export type DossierUpdateParsed = z.output<typeof DossierUpdate>;

export const IndicatorScore = z.union([z.literal(0), z.literal(1), z.literal(2)]);

/** A dossier as stored after an update, with the per-dossier indicator scores it now gives. */
export const DossierState = z.object({
  unitCode: z.string(),
  receivedAt: z.string().nullable(),
  dueAt: z.string().nullable(),
  returnedAt: z.string().nullable(),
  facts: DossierFacts,
  /** Whether the citizen has answered the survey for it. */
  answered: z.boolean(),
  /** The Vietnam-local day that places it in a reporting period. */
  dossierDay: z.string(),
  /** D18.1–D18.4, D18.6, D18.7 for this dossier; an indicator without data is absent. */
  scores: z.record(z.string(), IndicatorScore),
  /** Counted overdue in QĐ 766 5.4. */
  overdue: z.boolean(),
});
export type DossierState = z.infer<typeof DossierState>;

type DossierTimes = { receivedAt?: string | null | undefined; dueAt?: string | null | undefined; returnedAt?: string | null | undefined };

/** What is wrong with a dossier's times: a due or return time before its receipt. */
export function dossierTimeIssues(v: DossierTimes): { path: 'dueAt' | 'returnedAt'; message: string }[] {
  return (['dueAt', 'returnedAt'] as const).filter((later) => before(v.receivedAt, v[later])).map((later) => ({ path: later, message: `${later} is before receivedAt` }));
}

/** The same, as a zod refinement (the invitation checks its own times with it). */
export function checkDossierTimes(v: DossierTimes, ctx: z.RefinementCtx): void {
  for (const issue of dossierTimeIssues(v)) ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
}

/** PUT /api/v1/unit-indicators: scores a unit gets as a whole for one quarter or year (D18.5, 6, 8, 9). */
export const UNIT_LEVEL_CODES = ['D18.5', 'D18.6', 'D18.8', 'D18.9'] as const;

const UnitScore = z
  .number()
  .min(0)
  .max(2)
  .refine((v) => Math.abs(v * 10 - Math.round(v * 10)) < 1e-9, 'a score with at most one decimal, 0–2');

export const UnitIndicatorInput = z
  .object({
    /** The unit (centre, branch or agency) in the key's area; defaults to the key's own unit. */
    unitCode: Code.optional(),
    /** 2026-Q1 or 2026. */
    period: z.string().regex(/^20\d{2}(-Q[1-4])?$/, 'a quarter such as 2026-Q1, or a year such as 2026'),
    /** Scores to set; null removes one (the platform's own figure, if any, applies again). */
    scores: z.partialRecord(z.enum(UNIT_LEVEL_CODES), UnitScore.nullable()),
  })
  .strict()
  .refine((v) => Object.keys(v.scores).length > 0, { path: ['scores'], message: 'at least one score' });
export type UnitIndicatorInput = z.input<typeof UnitIndicatorInput>;
export type UnitIndicatorInputParsed = z.output<typeof UnitIndicatorInput>;

export const UnitIndicatorResult = z.object({
  unitCode: z.string(),
  period: z.string(),
  /** Every score now given for the unit and period. */
  scores: z.record(z.string(), z.number()),
});
export type UnitIndicatorResult = z.infer<typeof UnitIndicatorResult>;
