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
  /** Graceful shutdown: stop taking submissions, commit what is queued. */
  close(): Promise<void>;
}

const PURGE_EVERY_MS = 10 * 60_000;

export interface IntakeOptions {
  ackBeforeCommit?: boolean;
  /** The benchmark's control run only: answers stored outside the hash chain, to measure what it costs. */
  unchained?: boolean;
  /** The alert-cost benchmark's control run only: no alert rule in the batch. */
  withoutAlerts?: boolean;
  /** Told of each batch transaction (the /metrics figures). */
  onBatch?(size: number, seconds: number, outcomes: readonly WriteOutcome[] | null): void;
}

/** The durable write path: every accepted response is committed (with its rollups) before it is answered. */
export function createIntake(deps: Deps, options: IntakeOptions = {}): Intake {
  let lastPurge = 0;
  const committer = new GroupCommitter<PreparedResponse, WriteOutcome>({
    ackBeforeCommit: options.ackBeforeCommit ?? false,
    onBatch: options.onBatch,
    writeBatch: (items) =>
      deps.db.write(async (tx) => {
        const now = deps.clock.now();
        if (now.getTime() - lastPurge > PURGE_EVERY_MS) {
          await purgeOldMarks(tx, now);
          lastPurge = now.getTime();
        }
        return writeBatch(tx, items, { ...deps.config, unchained: options.unchained, withoutAlerts: options.withoutAlerts });
      }),
  });
  return {
    submit: (response) => committer.submit(response, 'accepted'),
    get accepting() {
      return committer.accepting;
    },
    get queueDepth() {
      return committer.pending;
    },
    close: () => committer.close(),
  };
}
