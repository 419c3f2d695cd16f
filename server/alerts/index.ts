/** Alerts (issue 18): the rules, the per-batch rule the intake calls, and the scheduled sweep. */
export { raiseCommentAlerts, type StoredAnswer } from './comments.js';
export { ALERT_RULES_KEY, rulesForPath, rulesForPaths, setRules } from './rules.js';
export { startAlertSchedule, type AlertSchedule } from './schedule.js';
export { sweepAlerts, type SweepResult } from './sweep.js';
export { alertRoutes } from './routes.js';
export { openAlertsOf } from './list.js';
