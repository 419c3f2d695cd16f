/** Durability as other features use it: the injectable timers of the in-process schedules. */
export { realTimers, type Timers } from './scheduler.js';
