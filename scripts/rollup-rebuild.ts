import { rebuildRollups } from '../server/rollups/index.js';
import { scriptDeps } from './cli.js';

/**
 * `npm run rollup:rebuild`: recomputes every rollup table from the responses (suspect ones
 * excluded) in one write transaction. Run it after a bulk import or a restore; submissions wait
 * for the write lock while it runs.
 */
const { db } = await scriptDeps();
const started = performance.now();
const result = await rebuildRollups(db);
const seconds = (performance.now() - started) / 1000;
await db.close();
const { fine, unitDay, unitMonth, heat, responseDay } = result.rows;
process.stdout.write(
  `Rebuilt rollups from ${result.responses} responses in ${seconds.toFixed(1)} s: ` +
    `rollup_fine ${fine}, rollup_unit_day ${unitDay}, rollup_unit_month ${unitMonth}, rollup_heat ${heat}, rollup_response_day ${responseDay} rows\n`,
);
