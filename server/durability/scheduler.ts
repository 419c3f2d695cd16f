import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Clock } from '../clock.js';
import type { AppDatabase } from '../db/database.js';
import type { Logger } from '../log.js';
import { addDays, vnDayStart, vnLocalParts } from '../time.js';
import { backupOpenDatabase, type BackupResult } from './backup.js';

/** The one timer the schedule needs, injected so tests drive it together with their clock. */
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** Real timers, unref'd: a pending backup never keeps the process alive. */
export const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

const BACKUP_NAME = /^sipas-\d{8}-\d{6}Z\.sqlite$/;

/** `sipas-20261120-190000Z.sqlite`: UTC, so names sort in time order. */
export function backupFileName(at: Date): string {
  const iso = at.toISOString();
  return `sipas-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}Z.sqlite`;
}

/** When a backup named by backupFileName was taken. */
export function backupTimeOf(name: string): Date {
  const [, d, t] = /^sipas-(\d{8})-(\d{6})Z\.sqlite$/.exec(name) ?? [];
  if (!d || !t) throw new Error(`not a backup file name: ${name}`);
  return new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4)}Z`);
}

/** The finished backups in a directory, oldest first (partial files and other names ignored). */
export function listBackups(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => BACKUP_NAME.test(name))
    .sort();
}

/** Deletes all but the newest `keep` backups; returns the names removed. */
export function pruneBackups(dir: string, keep: number): string[] {
  const all = listBackups(dir);
  const removed = all.slice(0, Math.max(0, all.length - keep));
  for (const name of removed) rmSync(path.join(dir, name), { force: true });
  return removed;
}

/** The next moment strictly after `after` when it is `localHour`:00 in Vietnam. */
export function nextLocalTime(after: Date, localHour: number): Date {
  const today = vnLocalParts(after).day;
  const at = (day: string) => new Date(vnDayStart(day).getTime() + localHour * 3600_000);
  const candidate = at(today);
  return candidate.getTime() > after.getTime() ? candidate : at(addDays(today, 1));
}

/** A daily timer: `nextAt` is when it fires next (null once cancelled). */
export interface DailyTimer {
  readonly nextAt: Date | null;
  cancel(): void;
}

/** Calls `run` every day at `localHour`:00 Vietnam time, on injected timers so tests drive it with their clock. */
export function everyDayAt(options: { clock: Clock; timers: Timers; localHour: number; run(): void }): DailyTimer {
  let handle: unknown;
  let nextAt: Date | null = null;
  const arm = (after: Date) => {
    const due = nextLocalTime(after, options.localHour);
    nextAt = due;
    handle = options.timers.set(
      () => {
        // Counted from the due time too, so a timer firing a little early cannot run twice.
        arm(new Date(Math.max(options.clock.now().getTime(), due.getTime())));
        options.run();
      },
      Math.max(0, due.getTime() - options.clock.now().getTime()),
    );
  };
  arm(options.clock.now());
  return {
    get nextAt() {
      return nextAt;
    },
    cancel: () => {
      options.timers.clear(handle);
      nextAt = null;
    },
  };
}

export interface BackupScheduleOptions {
  db: AppDatabase;
  backupDir: string;
  keep: number;
  clock: Clock;
  logger: Logger;
  timers?: Timers;
  /** Vietnam-local hour of the daily backup; 02:00 is when no centre is open. */
  localHour?: number;
}

/** How one backup run ended. */
export interface BackupRun {
  endedAt: Date;
  ok: boolean;
  seconds: number;
}

export interface BackupSchedule {
  /** When the next backup is due (null once stopped). */
  readonly nextAt: Date | null;
  /** The latest run of this schedule (null before the first): a failed one makes the server not ready. */
  readonly lastRun: BackupRun | null;
  /** When the newest finished backup in BACKUP_DIR was taken, by this server or `npm run db:backup` (null if none). */
  newestBackupAt(): Date | null;
  /** Takes a backup now and prunes old ones (the timer calls this too). */
  runNow(): Promise<BackupResult>;
  /** Resolves when no backup is running. */
  idle(): Promise<void>;
  /** Cancels the timer and waits for a running backup to finish. */
  stop(): Promise<void>;
}

/** A daily online backup into BACKUP_DIR with retention of BACKUP_KEEP files. */
export function startBackupSchedule(options: BackupScheduleOptions): BackupSchedule {
  const timers = options.timers ?? realTimers;
  let lastRun: BackupRun | null = null;
  let running: Promise<unknown> = Promise.resolve();

  const runNow = (): Promise<BackupResult> => {
    const run = running.then(async () => {
      const started = performance.now();
      const ended = (ok: boolean) => (lastRun = { endedAt: options.clock.now(), ok, seconds: (performance.now() - started) / 1000 });
      try {
        const file = path.join(options.backupDir, backupFileName(options.clock.now()));
        const result = await backupOpenDatabase(options.db, file);
        const removed = pruneBackups(options.backupDir, options.keep);
        options.logger.info('backup_done', { file: path.basename(file), bytes: result.bytes, ms: result.ms, pruned: removed.length });
        ended(true);
        return result;
      } catch (err) {
        ended(false);
        throw err;
      }
    });
    running = run.catch(() => undefined);
    return run;
  };

  const daily = everyDayAt({
    clock: options.clock,
    timers,
    localHour: options.localHour ?? 2,
    run: () => void runNow().catch((err: unknown) => options.logger.error('backup_failed', { message: (err as Error).message })),
  });

  return {
    get nextAt() {
      return daily.nextAt;
    },
    get lastRun() {
      return lastRun;
    },
    newestBackupAt: () => {
      const newest = listBackups(options.backupDir).at(-1);
      return newest ? backupTimeOf(newest) : null;
    },
    runNow,
    idle: () => running.then(() => undefined),
    stop: async () => {
      daily.cancel();
      await running;
    },
  };
}

export interface PeriodicJob<T> {
  /** Runs the job now (the timer calls this too); runs never overlap. */
  runNow(): Promise<T>;
  /** Cancels the timer and waits for a running job to finish. */
  stop(): Promise<void>;
}

/**
 * A job the process runs itself every `everyMs` (the first time after `firstAfterMs`), on injected
 * timers so tests drive it with their clock: retention sweeps, alert sweeps. A failed run is
 * reported and the next one still comes.
 */
export function startPeriodicJob<T>(options: {
  everyMs: number;
  firstAfterMs?: number;
  timers?: Timers;
  run(): Promise<T>;
  onDone?(result: T): void;
  onError(err: Error): void;
}): PeriodicJob<T> {
  const timers = options.timers ?? realTimers;
  let handle: unknown;
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const runNow = (): Promise<T> => {
    const run = running.then(() => options.run());
    running = run.catch(() => undefined);
    return run;
  };
  const arm = (ms: number) => {
    handle = timers.set(() => {
      if (stopped) return;
      arm(options.everyMs);
      runNow().then(
        (result) => options.onDone?.(result),
        (err: unknown) => options.onError(err as Error),
      );
    }, ms);
  };
  arm(options.firstAfterMs ?? options.everyMs);
  return {
    runNow,
    stop: async () => {
      stopped = true;
      timers.clear(handle);
      await running;
    },
  };
}
