import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { AppDatabase } from './db/database.js';
import type { Logger } from './log.js';

/** Everything a feature needs, passed in: no feature reads a global database, env or clock. */
export interface Deps {
  db: AppDatabase;
  config: Config;
  clock: Clock;
  logger: Logger;
}
