/**
 * The alert and case model's constants, free of zod so the admin UI can import them without the
 * validator (schema/alerts.ts builds its schemas from these and re-exports them).
 */

export const ALERT_RULE_KINDS = ['low_score', 'drop', 'low_comment', 'silent_point', 'suspect_burst'] as const;
export type AlertRuleKind = (typeof ALERT_RULE_KINDS)[number];

/** mới → đang xử lý → đã xử lý / không xử lý */
export const CASE_STATUSES = ['new', 'in_progress', 'resolved', 'dismissed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const CLOSED_CASE_STATUSES: readonly CaseStatus[] = ['resolved', 'dismissed'];

/** Where a case may go from each status (a closed case may be reopened to in_progress). */
export const CASE_TRANSITIONS: Record<CaseStatus, readonly CaseStatus[]> = {
  new: ['in_progress', 'resolved', 'dismissed'],
  in_progress: ['resolved', 'dismissed'],
  resolved: ['in_progress'],
  dismissed: ['in_progress'],
};

export const CASE_SOURCES = ['alert', 'comment', 'callback'] as const;
