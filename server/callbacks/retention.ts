import type { Clock } from '../clock.js';
import type { AppDatabase } from '../db/database.js';
import type { Logger } from '../log.js';
import { realTimers, type Timers } from '../durability/scheduler.js';
import { deleteExpiredContacts } from './contacts.js';

/** An hour: a contact outlives its retention period by at most this much. */
export const RETENTION_SWEEP_EVERY_MS = 3600_000;

export interface ContactRetentionOptions {
  db: AppDatabase;
  clock: Clock;
  logger: Logger;
  retentionDays: number;
  timers?: Timers;
  everyMs?: number;
}

export interface ContactRetention {
  /** Deletes the contacts due now (the timer calls this too); resolves to how many went. */
  runNow(): Promise<number>;
  /** Cancels the timer and waits for a running sweep. */
  stop(): Promise<void>;
}

/**
 * Deletes call-back contacts retentionDays after their case closed, at start and then every
 * everyMs, in the process (no cron to forget). The log line carries only the count.
 */
export function startContactRetention(options: ContactRetentionOptions): ContactRetention {
  const timers = options.timers ?? realTimers;
  const everyMs = options.everyMs ?? RETENTION_SWEEP_EVERY_MS;
  let handle: unknown;
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();

  const runNow = (): Promise<number> => {
    const run = running.then(async () => {
      const deleted = await options.db.write((tx) => deleteExpiredContacts(tx, options.clock.now(), options.retentionDays));
      if (deleted > 0) options.logger.info('callback_contacts_deleted', { count: deleted });
      return deleted;
    });
    running = run.catch(() => undefined);
    return run;
  };

  const arm = (ms: number) => {
    handle = timers.set(() => {
      if (stopped) return;
      arm(everyMs);
      runNow().catch((err: unknown) => options.logger.error('callback_retention_failed', { message: (err as Error).message }));
    }, ms);
  };
  arm(0);

  return {
    runNow,
    stop: async () => {
      stopped = true;
      timers.clear(handle);
      await running;
    },
  };
}
