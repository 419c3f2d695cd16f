export {
  applyRollupDeltas,
  computeRollupDeltas,
  negateRollupDeltas,
  NA_SCORE,
  RollupAccumulator,
  type BinaryItemLookup,
  type RollupDeltas,
  type RollupSource,
} from './deltas.js';
export { binaryItemLookup, rebuildRollups, ROLLUP_SOURCE_COLUMNS, rollupSourceFromRow, type RebuildOptions, type RebuildResult } from './rebuild.js';
export {
  readCounts,
  readCountsByColumns,
  readMonthUnitCounts,
  readHeat,
  readResponseCounts,
  planRange,
  type ColumnGroupCounts,
  type CountsFilter,
  type FineColumn,
  type GroupCounts,
  type GroupResponses,
  type HeatCell,
  type RangePlan,
} from './read.js';
