/**
 * The reporting core: scope, period, questionnaire choice, counts and scores, shared by the
 * dashboards and every export so that one question gets one number wherever it is asked.
 */
export {
  addMonths,
  daysBetween,
  lastDayOfMonth,
  monthOf,
  monthsBetween,
  quarterOf,
  resolveReportPeriod,
  vnDate,
  type PeriodQuery,
  type PeriodRange,
  type ReportPeriod,
} from './period.js';
export {
  ALL_UNITS_NAME,
  resolveReportScope,
  scopePathCondition,
  scopeUnitCondition,
  targetIndexFor,
  TARGET_SETTING_KEY,
  unitIdByCode,
  type ReportScope,
  type ScopeUnit,
} from './scope.js';
export {
  chooseInstrument,
  resolveFilter,
  scopeCountsFilter,
  scoreScope,
  type DayRange,
  type DimensionFilter,
  type InstrumentChoice,
  type OwnCounts,
  type ResolvedFilter,
  type ResponseRateFigures,
  type ScopeScores,
  type UnitScore,
} from './scores.js';
