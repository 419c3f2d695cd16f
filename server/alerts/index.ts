/** Alerts (issue 18): the rules, the rule that follows the intake's commits, and the scheduled sweep. */
export { followLowComments, LOW_COMMENT_DELAY_MS, markStoredAnswersRead, mayRaiseLowComment, raiseLowCommentAlerts, type LowCommentFollower } from './comments.js';
export { ALERT_RULES_KEY, rulesForPath, rulesForPaths, setRules } from './rules.js';
export { startAlertSchedule, type AlertSchedule } from './schedule.js';
export { sweepAlerts, type SweepResult } from './sweep.js';
export { alertRoutes } from './routes.js';
export { openAlertsOf } from './list.js';
