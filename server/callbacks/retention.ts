import type { Clock } from '../clock.js';
import type { AppDatabase } from '../db/database.js';
import type { Logger } from '../log.js';
import { startPeriodicJob, type PeriodicJob, type Timers } from '../durability/scheduler.js';
import { deleteExpiredContacts } from './contacts.js';

/** An hour: a contact outlives its retention period by at most this much. */
export const RETENTION_SWEEP_EVERY_MS = 3600_000;

export interface ContactRetentionOptions {
  db: AppDatabase;
  clock: Clock;
  logger: Logger;
  retentionDays: number;
  timers?: Timers | undefined;
}

/** runNow resolves to how many contacts went. */
export type ContactRetention = PeriodicJob<number>;

/**
 * Deletes call-back contacts retentionDays after their case closed, at start and then hourly, in
 * the process (no cron to forget). The log line carries only the count.
 */
export function startContactRetention(options: ContactRetentionOptions): ContactRetention {
  return startPeriodicJob({
    everyMs: RETENTION_SWEEP_EVERY_MS,
    firstAfterMs: 0,
    timers: options.timers,
    run: () => options.db.write((tx) => deleteExpiredContacts(tx, options.clock.now(), options.retentionDays)),
    onDone: (deleted) => {
      if (deleted > 0) options.logger.info('callback_contacts_deleted', { count: deleted });
    },
    onError: (err) => options.logger.error('callback_retention_failed', { message: err.message }),
  });
}
