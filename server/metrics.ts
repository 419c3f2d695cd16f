import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Clock } from './clock.js';
import type { BackupSchedule } from './durability/scheduler.js';
import type { WriteOutcome } from './intake/store.js';

/**
 * The Prometheus figures behind GET /metrics. Labels carry only route patterns, methods, status
 * codes and outcome names: never raw paths (they hold survey codes and invitation tokens), users
 * or addresses. main.ts loads this module only when METRICS_TOKEN is set, so a server without
 * metrics pays nothing for them.
 */
export interface Metrics {
  readonly registry: Registry;
  /** One answered request; `route` is the matched pattern (c.req.routePath). */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** One intake batch transaction, committed with its outcomes or failed (null). */
  observeIntakeBatch(size: number, seconds: number, outcomes: readonly WriteOutcome[] | null): void;
}

export interface MetricsSources {
  /** Submissions waiting for the next batch transaction. */
  intakeQueueDepth(): number;
  /** The daily backup (SQLite only). */
  backups: BackupSchedule | undefined;
  clock: Clock;
}

/** Every intake outcome (a new one fails to compile here until it is listed). */
const OUTCOMES = Object.keys({ accepted: true, duplicate: true, invitation_used: true } satisfies Record<WriteOutcome, true>) as WriteOutcome[];

/** Methods outside this list share one label value, so a client cannot mint label values. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const requestSeconds = new Histogram({
    name: 'sipas_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const batchSize = new Histogram({
    name: 'sipas_intake_batch_size',
    help: 'Submissions committed together in one intake transaction',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
    registers: [registry],
  });
  const commitSeconds = new Histogram({
    name: 'sipas_intake_commit_duration_seconds',
    help: 'Time to write and commit (fsync) one intake batch transaction',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const submissions = new Counter({
    name: 'sipas_intake_submissions_total',
    help: 'Survey submissions committed, by outcome (accepted, duplicate, invitation_used)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  // Every outcome is exported from the start, at 0, so a rise is visible from the first scrape.
  for (const outcome of OUTCOMES) submissions.inc({ outcome }, 0);
  const failedBatches = new Counter({
    name: 'sipas_intake_failed_batches_total',
    help: 'Intake batch transactions that failed (their submissions were answered 503 and not stored)',
    registers: [registry],
  });
  new Gauge({
    name: 'sipas_intake_queue_depth',
    help: 'Submissions waiting for the next intake batch transaction',
    registers: [registry],
    collect() {
      this.set(sources.intakeQueueDepth());
    },
  });

  const { backups, clock } = sources;
  if (backups) {
    // prom-client always exports a gauge without labels, so "none yet" needs a value of its own.
    new Gauge({
      name: 'sipas_backup_last_success_timestamp_seconds',
      help: 'When the newest finished backup in BACKUP_DIR was taken, in Unix seconds (0 when there is none)',
      registers: [registry],
      collect() {
        this.set((backups.newestBackupAt()?.getTime() ?? 0) / 1000);
      },
    });
    new Gauge({
      name: 'sipas_backup_last_success_age_seconds',
      help: 'Age of the newest finished backup in BACKUP_DIR (+Inf when there is none)',
      registers: [registry],
      collect() {
        const newest = backups.newestBackupAt();
        this.set(newest ? (clock.now().getTime() - newest.getTime()) / 1000 : Infinity);
      },
    });
    new Gauge({
      name: 'sipas_backup_last_run_failed',
      help: "1 when this server's latest scheduled backup failed (then /readyz is 503), else 0",
      registers: [registry],
      collect() {
        this.set(backups.lastRun?.ok === false ? 1 : 0);
      },
    });
    new Gauge({
      name: 'sipas_backup_last_run_duration_seconds',
      help: "How long this server's latest scheduled backup took (0 before the first)",
      registers: [registry],
      collect() {
        this.set(backups.lastRun?.seconds ?? 0);
      },
    });
  }

  // One child per label set, found by one string key: prom-client would otherwise hash the label
  // object on every request.
  const requestChildren = new Map<string, Histogram.Internal<'method' | 'route' | 'status'>>();
  return {
    registry,
    observeRequest(method, route, status, seconds) {
      const known = METHODS.has(method) ? method : 'other';
      const key = `${known} ${status} ${route}`;
      let child = requestChildren.get(key);
      if (!child) {
        child = requestSeconds.labels({ method: known, route, status: String(status) });
        requestChildren.set(key, child);
      }
      child.observe(seconds);
    },
    observeIntakeBatch(size, seconds, outcomes) {
      if (!outcomes) {
        failedBatches.inc();
        return;
      }
      batchSize.observe(size);
      commitSeconds.observe(seconds);
      let accepted = 0;
      for (const outcome of outcomes) {
        if (outcome === 'accepted') accepted++;
        else submissions.inc({ outcome });
      }
      if (accepted > 0) submissions.inc({ outcome: 'accepted' }, accepted);
    },
  };
}
