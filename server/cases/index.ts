/**
 * The case contract other features use (call-backs, alerts): open a follow-up case, and tell who it
 * is assigned to; and the case routes the app mounts.
 */
export {
  caseAssignee,
  caseClosedTimes,
  DEFAULT_CASE_DUE_DAYS,
  defaultAssignee,
  defaultAssignees,
  isCaseAssignee,
  openCase,
  openCases,
  type CaseSource,
  type OpenCaseInput,
} from './open.js';
export { alertOf } from './store.js';
export { commentMarksOf } from './comment-marks.js';
export { caseRoutes, commentMarkRoutes } from './routes.js';
