/**
 * Group commit: submissions that arrive while a transaction is being written wait for the next one,
 * so one fsync (synchronous=FULL) covers a whole batch. Each caller is answered only after the
 * transaction holding its item has committed; if the commit fails, every item in it fails.
 */
export interface GroupCommitOptions<Item, Outcome> {
  /** Writes one batch in one transaction and returns one outcome per item, in order. */
  writeBatch(items: Item[]): Promise<Outcome[]>;
  maxBatch?: number;
  /** Told of each batch once its transaction has ended: its size, time and outcomes (null when it failed). */
  onBatch?(size: number, seconds: number, outcomes: readonly Outcome[] | null): void;
  /**
   * Crash-test control only: answer before the commit, to prove the crash test catches a loss.
   * Never set in production.
   */
  ackBeforeCommit?: boolean;
}

interface Pending<Item, Outcome> {
  item: Item;
  resolve(outcome: Outcome): void;
  reject(err: unknown): void;
}

export class GroupCommitter<Item, Outcome> {
  private readonly queue: Pending<Item, Outcome>[] = [];
  private draining: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: GroupCommitOptions<Item, Outcome>) {}

  submit(item: Item, unacknowledgedOutcome?: Outcome): Promise<Outcome> {
    if (this.closed) return Promise.reject(new Error('intake is shutting down'));
    return new Promise<Outcome>((resolve, reject) => {
      if (this.options.ackBeforeCommit && unacknowledgedOutcome !== undefined) {
        resolve(unacknowledgedOutcome);
        this.queue.push({ item, resolve: () => {}, reject: () => {} });
      } else {
        this.queue.push({ item, resolve, reject });
      }
      this.draining ??= this.drain();
    });
  }

  /** Stops taking new items and waits until every queued one is committed (graceful shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    await this.draining;
  }

  /** False once close() has begun: later submissions are refused, not queued. */
  get accepting(): boolean {
    return !this.closed;
  }

  get pending(): number {
    return this.queue.length;
  }

  private async drain(): Promise<void> {
    // Let the I/O phase run first so requests that arrived meanwhile join this batch.
    await new Promise((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch ?? 512);
      const started = performance.now();
      let outcomes: Outcome[] | null = null;
      try {
        outcomes = await this.options.writeBatch(batch.map((p) => p.item));
        batch.forEach((p, i) => p.resolve(outcomes![i]!));
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
      this.options.onBatch?.(batch.length, (performance.now() - started) / 1000, outcomes);
      await new Promise((r) => setImmediate(r));
    }
    this.draining = undefined;
  }
}
