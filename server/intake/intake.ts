import { followLowComments, mayRaiseLowComment } from '../alerts/index.js';
import type { Deps } from '../deps.js';
import { GroupCommitter } from './group-commit.js';
import type { PreparedResponse } from './prepare.js';
import { purgeOldMarks, writeBatch, type WriteOutcome } from './store.js';

export interface Intake {
  submit(response: PreparedResponse): Promise<WriteOutcome>;
  /** False once shutdown has begun. */
  readonly accepting: boolean;
  /** Submissions waiting for the next batch transaction. */
  readonly queueDepth: number;
  /** Runs now what follows the commits a moment later (alert rule (c)): tests, and the shutdown. */
  followUp(): Promise<void>;
  /** Graceful shutdown: stop taking submissions, commit what is queued and what follows it. */
  close(): Promise<void>;
}

const PURGE_EVERY_MS = 10 * 60_000;

export interface IntakeOptions {
  ackBeforeCommit?: boolean;
  /** The benchmark's control run only: answers stored outside the hash chain, to measure what it costs. */
  unchained?: boolean;
  /** The alert-cost benchmark's control run only: no alert rule follows the commits. */
  withoutAlerts?: boolean;
  /** Told of each batch transaction (the /metrics figures). */
  onBatch?(size: number, seconds: number, outcomes: readonly WriteOutcome[] | null): void;
}

/** The durable write path: every accepted response is committed (with its rollups) before it is answered. */
export function createIntake(deps: Deps, options: IntakeOptions = {}): Intake {
  let lastPurge = 0;
  const lowComments = options.withoutAlerts ? null : followLowComments(deps);
  const committer = new GroupCommitter<PreparedResponse, WriteOutcome>({
    ackBeforeCommit: options.ackBeforeCommit ?? false,
    onBatch: options.onBatch,
    writeBatch: async (items) => {
      const outcomes = await deps.db.write(async (tx) => {
        const now = deps.clock.now();
        if (now.getTime() - lastPurge > PURGE_EVERY_MS) {
          await purgeOldMarks(tx, now);
          lastPurge = now.getTime();
        }
        const written = await writeBatch(tx, items, options.unchained ? { ...deps.config, unchained: true } : deps.config);
        await lowComments?.rideAlong(tx);
        return written;
      });
      if (lowComments && items.some((item, i) => outcomes[i] === 'accepted' && mayRaiseLowComment(item))) lowComments.poke();
      return outcomes;
    },
  });
  return {
    submit: (response) => committer.submit(response, 'accepted'),
    get accepting() {
      return committer.accepting;
    },
    get queueDepth() {
      return committer.pending;
    },
    followUp: async () => {
      await lowComments?.flush();
    },
    close: async () => {
      await committer.close();
      await lowComments?.stop();
    },
  };
}
