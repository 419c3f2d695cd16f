import { z } from 'zod';
import { CalendarDay } from './days.js';
import { ALERT_RULE_KINDS, CASE_SOURCES, CASE_STATUSES } from './alerts-model.js';

/**
 * Alerts, follow-up cases and comment marks (issue 18). Rules are kept per unit subtree: a unit uses
 * the rules set on it or on its nearest ancestor, else DEFAULT_ALERT_RULES.
 */

export * from './alerts-model.js';

export const AlertRuleKind = z.enum(ALERT_RULE_KINDS);
export type AlertRuleKind = z.infer<typeof AlertRuleKind>;

const days = (max: number) => z.number().int().min(1).max(max);

export const AlertRules = z
  .object({
    /** A criterion at the centre, a counter, an official or a procedure whose Wilson upper bound is below the target. */
    lowScore: z.object({ enabled: z.boolean(), windowDays: days(366), minN: z.number().int().min(1).max(100_000) }).strict(),
    /** A significant drop of a criterion at the centre against the window before (two-proportion test). */
    drop: z.object({ enabled: z.boolean(), windowDays: days(366), pValue: z.number().gt(0).max(0.2) }).strict(),
    /** Any answer of 1 on any criterion that carries a comment: checked in the intake's batch. */
    lowComment: z.object({ enabled: z.boolean() }).strict(),
    /** An open survey point with no answer for this many working days (Monday–Friday). */
    silentPoint: z.object({ enabled: z.boolean(), workingDays: days(60) }).strict(),
    /** At least `count` answers flagged suspect at one unit within `hours`. */
    suspectBurst: z.object({ enabled: z.boolean(), count: z.number().int().min(1).max(100_000), hours: z.number().int().min(1).max(720) }).strict(),
    /** Open a follow-up case for every new alert. */
    openCases: z.boolean(),
    /** Days a case opened from an alert has before it is overdue. */
    caseDueDays: days(365),
  })
  .strict();
export type AlertRules = z.infer<typeof AlertRules>;

export const DEFAULT_ALERT_RULES: AlertRules = {
  lowScore: { enabled: true, windowDays: 30, minN: 30 },
  drop: { enabled: true, windowDays: 30, pValue: 0.05 },
  lowComment: { enabled: true },
  silentPoint: { enabled: true, workingDays: 3 },
  suspectBurst: { enabled: true, count: 20, hours: 24 },
  openCases: true,
  caseDueDays: 7,
};

/** The rules a unit uses, and where they come from ('default' or the unit that set them). */
export const AlertRulesView = z.object({
  unitId: z.string(),
  rules: AlertRules,
  /** The unit whose setting applies; null: the platform's defaults. */
  setOn: z.object({ id: z.string(), name: z.string() }).nullable(),
});
export type AlertRulesView = z.infer<typeof AlertRulesView>;

/** PUT body: the rules for this unit's subtree; null goes back to what the parent (or the default) says. */
export const AlertRulesUpdate = z.object({ rules: AlertRules.nullable() }).strict();
export type AlertRulesUpdate = z.infer<typeof AlertRulesUpdate>;

/** The figures behind an alert, as the rule measured them. */
export const AlertDetail = z.object({
  criterion: z.string().optional(),
  counter: z.object({ id: z.string(), code: z.string(), name: z.string() }).optional(),
  staff: z.object({ id: z.string(), code: z.string(), name: z.string() }).optional(),
  procedure: z.object({ id: z.string(), code: z.string(), name: z.string() }).optional(),
  field: z.string().optional(),
  surveyPointId: z.string().optional(),
  /** Satisfaction index (%) and its Wilson upper bound, n and the target. */
  index: z.number().optional(),
  upper: z.number().optional(),
  n: z.number().int().optional(),
  target: z.number().optional(),
  /** Drop: the previous window's index, the change in points and the test's p-value. */
  previousIndex: z.number().optional(),
  diff: z.number().optional(),
  pValue: z.number().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  /** Silent point: the last answer's time (null: never). */
  lastAnswerAt: z.string().nullable().optional(),
  /** Suspect burst / low comment: how many answers and which. */
  count: z.number().int().optional(),
  responseIds: z.array(z.string()).optional(),
});
export type AlertDetail = z.infer<typeof AlertDetail>;

export const Alert = z.object({
  id: z.string(),
  unit: z.object({ id: z.string(), name: z.string() }),
  rule: AlertRuleKind,
  title: z.string(),
  detail: AlertDetail,
  openedAt: z.string(),
  lastSeenAt: z.string(),
  closedAt: z.string().nullable(),
  /** The case opened for it, if any. */
  caseId: z.string().nullable(),
});
export type Alert = z.infer<typeof Alert>;

export const AlertListQuery = z
  .object({
    unitId: z.string().min(1).max(64).optional(),
    rule: AlertRuleKind.optional(),
    state: z.enum(['open', 'closed', 'all']).default('open'),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();
export type AlertListQuery = z.infer<typeof AlertListQuery>;
export const AlertList = z.object({ items: z.array(Alert), total: z.number().int() });
export type AlertList = z.infer<typeof AlertList>;

/* ───────────── Follow-up cases ───────────── */

export const CaseStatus = z.enum(CASE_STATUSES);
export type CaseStatus = z.infer<typeof CaseStatus>;

export const CaseSource = z.enum(CASE_SOURCES);

export const UserRef = z.object({ id: z.string(), name: z.string() });

export const CaseItem = z.object({
  id: z.string(),
  unit: z.object({ id: z.string(), name: z.string() }),
  source: CaseSource,
  title: z.string(),
  status: CaseStatus,
  assignee: UserRef.nullable(),
  dueDay: z.string().nullable(),
  overdue: z.boolean(),
  openedAt: z.string(),
  closedAt: z.string().nullable(),
  /** Hours from opening to closing; null while open. */
  hoursToResolution: z.number().nullable(),
  alertId: z.string().nullable(),
});
export type CaseItem = z.infer<typeof CaseItem>;

export const CaseNote = z.object({
  at: z.string(),
  author: z.string(),
  statusFrom: CaseStatus.nullable(),
  statusTo: CaseStatus.nullable(),
  text: z.string(),
});
export type CaseNote = z.infer<typeof CaseNote>;

/** An answer behind a case: its scores and comment (the reader may see the unit's comments). */
export const CaseAnswer = z.object({
  id: z.string(),
  submittedAt: z.string(),
  answers: z.record(z.string(), z.number().nullable()),
  comment: z.string().nullable(),
});

export const CaseDetail = CaseItem.extend({
  resolution: z.string().nullable(),
  openedBy: z.string(),
  notes: z.array(CaseNote),
  answers: z.array(CaseAnswer),
  alert: Alert.nullable(),
  /** Users of the unit's subtree (and above) who may be assigned. */
  assignable: z.array(UserRef),
});
export type CaseDetail = z.infer<typeof CaseDetail>;

export const CaseListQuery = z
  .object({
    unitId: z.string().min(1).max(64).optional(),
    status: CaseStatus.optional(),
    /** Only cases assigned to the caller. */
    mine: z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1').optional(),
    overdue: z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1').optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();
export type CaseListQuery = z.infer<typeof CaseListQuery>;

export const CaseSummary = z.object({
  byStatus: z.object({ new: z.number().int(), in_progress: z.number().int(), resolved: z.number().int(), dismissed: z.number().int() }),
  overdue: z.number().int(),
  /** Mean hours from opening to closing over closed cases; null when none closed. */
  meanHoursToResolution: z.number().nullable(),
});
export type CaseSummary = z.infer<typeof CaseSummary>;

export const CaseList = z.object({ items: z.array(CaseItem), total: z.number().int(), summary: CaseSummary });
export type CaseList = z.infer<typeof CaseList>;

const noteText = z.string().trim().min(1).max(4000);

export const CaseUpdate = z
  .object({
    status: CaseStatus.optional(),
    /** Required with a status change: why. */
    note: noteText.optional(),
    assigneeId: z.string().min(1).max(64).nullable().optional(),
    dueDay: CalendarDay.nullable().optional(),
    resolution: z.string().trim().max(4000).nullable().optional(),
  })
  .strict()
  .refine((u) => Object.keys(u).length > 0, 'nothing to change')
  .refine((u) => u.status === undefined || u.note !== undefined, { message: 'a status change needs a note', path: ['note'] });
export type CaseUpdate = z.infer<typeof CaseUpdate>;

/** Opening a case by hand from a comment (an answer's id). */
export const CaseFromComment = z.object({ responseId: z.string().min(1).max(64), title: z.string().trim().min(1).max(300) }).strict();
export type CaseFromComment = z.infer<typeof CaseFromComment>;

/* ───────────── Comment tags and the handled mark ───────────── */

export const DEFAULT_COMMENT_TAGS = ['Thái độ', 'Thời gian chờ', 'Thủ tục, giấy tờ', 'Cơ sở vật chất', 'Khen ngợi', 'Khác'];
const tagLabel = z.string().trim().min(1).max(40);

export const CommentTags = z.object({ unitId: z.string(), tags: z.array(z.string()) });
export type CommentTags = z.infer<typeof CommentTags>;
export const CommentTagsUpdate = z.object({ tags: z.array(tagLabel).max(30) }).strict();
export type CommentTagsUpdate = z.infer<typeof CommentTagsUpdate>;

export const CommentMark = z.object({ responseId: z.string(), tags: z.array(z.string()), handled: z.boolean(), handledAt: z.string().nullable() });
export type CommentMark = z.infer<typeof CommentMark>;
export const CommentMarkUpdate = z.object({ tags: z.array(tagLabel).max(10).optional(), handled: z.boolean().optional() }).strict();
export type CommentMarkUpdate = z.infer<typeof CommentMarkUpdate>;
