/** The scoring module: one engine for dashboards, exports and reports. */
export { addCounts, emptyCounts, meanScore, sumCountsByItem, tallyAnswers, validAndSatisfied, type Scale } from './counts.js';
export { assessReliability, scoreInstrument, scoreUnits } from './engine.js';
export { wilsonInterval, Z95 } from './wilson.js';
export { roundDecimal, toFixedDecimal } from '../../schema/rounding.js';
export { formatDecimal, formatIndex, NO_VALUE, type DisplayLang, type DisplaySettings } from '../../schema/display.js';
export { compareProportions, compareScores, twoSidedP, type Proportion } from './compare.js';
export {
  DEFAULT_DOSSIER_VERDICT,
  dossierVerdict,
  QUICK_LEVELS,
  quickLevelOf,
  quickShare,
  quickTally,
  type DossierVerdictThresholds,
  type QuickShare,
  type QuickTally,
} from './quick.js';
export {
  D18,
  evaluateAgency,
  evaluateOfficial,
  indicatorScores,
  type AgencyClass,
  type DossierScores,
  type IndicatorDefinition,
  type IndicatorResult,
  type IndicatorSet,
  type OfficialClass,
} from './d18.js';
export {
  q766DossierSatisfaction,
  q766PaknSatisfaction,
  q766Points,
  type DossierSatisfactionInput,
  type PaknSatisfactionInput,
  type PointsResult,
  type Q766Options,
  type SubIndicatorResult,
} from './q766.js';
