import type { Deps } from '../deps.js';
import { startPeriodicJob, type PeriodicJob, type Timers } from '../durability/scheduler.js';
import { sweepAlerts, type SweepResult } from './sweep.js';

export type AlertSchedule = PeriodicJob<SweepResult>;

/** Every hour: the windowed rules move slowly, and one sweep of a province takes well under a second. */
export const ALERT_SWEEP_EVERY_MS = 60 * 60_000;
/** The first sweep a minute after start, out of the way of start-up work. */
const FIRST_SWEEP_AFTER_MS = 60_000;

/** The in-process schedule of the windowed alert rules, on the injected timers (tests drive them). */
export function startAlertSchedule(deps: Deps, timers?: Timers): AlertSchedule {
  return startPeriodicJob({
    everyMs: ALERT_SWEEP_EVERY_MS,
    firstAfterMs: FIRST_SWEEP_AFTER_MS,
    timers,
    run: () => sweepAlerts(deps),
    onDone: (result) => deps.logger.info('alert_sweep_done', { ...result }),
    onError: (err) => deps.logger.error('alert_sweep_failed', { message: err.message }),
  });
}
