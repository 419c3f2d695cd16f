import type { Deps } from '../deps.js';
import { realTimers, type Timers } from '../durability/scheduler.js';
import { sweepAlerts, type SweepResult } from './sweep.js';

export interface AlertSchedule {
  /** Sweeps now (the timer calls this too); sweeps never overlap. */
  runNow(): Promise<SweepResult>;
  /** Cancels the timer and waits for a running sweep to finish. */
  stop(): Promise<void>;
}

/** Every hour: the windowed rules move slowly, and one sweep of a province takes well under a second. */
export const ALERT_SWEEP_EVERY_MS = 60 * 60_000;
/** The first sweep a minute after start, out of the way of start-up work. */
const FIRST_SWEEP_AFTER_MS = 60_000;

/** The in-process schedule of the windowed alert rules, on the injected timers (tests drive them). */
export function startAlertSchedule(deps: Deps, timers: Timers = realTimers): AlertSchedule {
  let handle: unknown;
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const runNow = (): Promise<SweepResult> => {
    const run = running.then(() => sweepAlerts(deps));
    running = run.catch(() => undefined);
    return run;
  };
  const arm = (ms: number) => {
    handle = timers.set(() => {
      if (stopped) return;
      arm(ALERT_SWEEP_EVERY_MS);
      runNow().then(
        (result) => deps.logger.info('alert_sweep_done', { ...result }),
        (err: unknown) => deps.logger.error('alert_sweep_failed', { message: (err as Error).message }),
      );
    }, ms);
  };
  arm(FIRST_SWEEP_AFTER_MS);
  return {
    runNow,
    stop: async () => {
      stopped = true;
      timers.clear(handle);
      await running;
    },
  };
}
