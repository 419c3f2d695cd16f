import { Server as HttpServer } from 'node:http';
import { serve, type ServerType } from '@hono/node-server';
import { openAlertsOf, startAlertSchedule } from './alerts/index.js';
import { createApp } from './app.js';
import { startContactRetention, type ContactRetention } from './callbacks/index.js';
import { systemClock, type Clock } from './clock.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openPostgres, openSqlite, type AppDatabase, type SqliteOptions } from './db/database.js';
import { migrate } from './db/migrate.js';
import { removeInstanceFile, writeInstanceFile } from './durability/instance.js';
import { startBackupSchedule, type BackupSchedule, type Timers } from './durability/scheduler.js';
import { ensureBuiltinInstruments } from './instruments/store.js';
import { createIntake, type Intake } from './intake/intake.js';
import { consoleLogger, type Logger } from './log.js';
import { createMailer, startDeliveryWorker, startMailSchedule, type DeliveryWorker, type MailSchedule } from './notifications/index.js';
import type { Metrics } from './metrics.js';
import { createReadiness, type Readiness } from './readiness.js';

export interface RunningServer {
  server: ServerType;
  db: AppDatabase;
  config: Config;
  url: string;
  intake: Intake;
  /** The daily SQLite backup (none on PostgreSQL, which has its own tools). */
  backups: BackupSchedule | undefined;
  /** What GET /readyz answers; held not ready until markStarted() when started with holdReadiness. */
  readiness: Readiness;
  /** The /metrics figures, when METRICS_TOKEN is set. */
  metrics: Metrics | undefined;
  /** Sends the webhook outbox. */
  webhooks: DeliveryWorker;
  /** The morning mail (monthly summaries), when SMTP_URL is set. */
  mail: MailSchedule | undefined;
  /** Deletes call-back contacts CALLBACK_RETENTION_DAYS after their case closes. */
  contactRetention: ContactRetention;
  /** Graceful shutdown: stop accepting, let in-flight requests finish, commit queued submissions, close the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
  /** Drives the daily backup timer (tests); real unref'd timers otherwise. */
  backupTimers?: Timers;
  /** Drives the hourly alert sweep's timer (tests); real unref'd timers otherwise. */
  alertTimers?: Timers;
  /** Drives the webhook delivery and mail timers (tests); real unref'd timers otherwise. */
  notificationTimers?: Timers;
  /** Drives the call-back contact retention sweep (tests); real unref'd timers otherwise. */
  retentionTimers?: Timers;
  /** How long in-flight requests may take to finish on shutdown before their connections are cut. */
  shutdownGraceMs?: number;
  /** Crash-test control run only: answers before the commit, to prove the crash test catches a loss. */
  unsafeAckBeforeCommit?: boolean;
  /** Benchmark control run only: answers stored outside the hash chain, to time what the chain costs. */
  unchainedIntake?: boolean;
  /** Benchmark control run only: no alert rule follows the intake, to time what the rules cost. */
  intakeWithoutAlerts?: boolean;
  /** Start-up work (the demo seed) follows: /readyz answers 503 until readiness.markStarted(). */
  holdReadiness?: boolean;
}

/** The crash test's control run sets this (to exactly this value) to start a server that can lose answers. */
export const CRASH_CONTROL_ENV = 'CRASH_TEST_CONTROL';
export const CRASH_CONTROL_VALUE = 'unsafe-ack-before-commit';
/**
 * The benchmark's control runs set this to a comma-separated list of these values: answers go
 * unchained (and audit:verify would fail on them); no alert rule follows the intake.
 */
export const BENCH_CONTROL_ENV = 'BENCH_CONTROL';
export const BENCH_CONTROL_UNCHAINED = 'unchained-intake';
export const BENCH_CONTROL_NO_ALERTS = 'no-alert-rules';

export async function openDatabase(config: Config, sqliteOptions: SqliteOptions = {}): Promise<AppDatabase> {
  const db = config.databaseUrl ? openPostgres(config.databaseUrl) : openSqlite(config.databaseFile, sqliteOptions);
  await migrate(db);
  await ensureBuiltinInstruments(db.kysely, systemClock);
  return db;
}

export async function startServer(config: Config, db?: AppDatabase, options: StartOptions = {}): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? consoleLogger;
  const database = db ?? (await openDatabase(config));
  const backups =
    database.dialect === 'sqlite'
      ? startBackupSchedule({ db: database, backupDir: config.backupDir, keep: config.backupKeep, clock, logger, timers: options.backupTimers })
      : undefined;
  // prom-client is loaded only when metrics are on.
  const metrics: Metrics | undefined = config.metricsToken
    ? (await import('./metrics.js')).createMetrics({ intakeQueueDepth: () => intake.queueDepth, backups, clock })
    : undefined;
  const intake = createIntake(
    { db: database, config, clock, logger },
    { ackBeforeCommit: options.unsafeAckBeforeCommit ?? false, unchained: options.unchainedIntake ?? false, withoutAlerts: options.intakeWithoutAlerts ?? false, onBatch: metrics?.observeIntakeBatch },
  );
  const contactRetention = startContactRetention({
    db: database,
    clock,
    logger,
    retentionDays: config.callbackRetentionDays,
    timers: options.retentionTimers,
  });
  const webhooks = startDeliveryWorker({
    db: database,
    serverSecret: config.serverSecret,
    clock,
    logger,
    settings: { ...config.webhookDelivery, pollMs: 1000 },
    timers: options.notificationTimers,
  });
  const mailer = createMailer(config);
  const mail = mailer && startMailSchedule({ deps: { db: database, config, clock, logger }, mailer, openAlertsOf, timers: options.notificationTimers });
  const alerts = startAlertSchedule({ db: database, config, clock, logger }, options.alertTimers);
  const readiness = createReadiness({ db: database, backups, holdUntilStarted: options.holdReadiness ?? false });
  const app = createApp({ db: database, config, clock, logger, intake, readiness, metrics });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  if (!(server instanceof HttpServer)) throw new Error('expected a plain HTTP server');
  let stopping = false;
  // Once shutdown begins every answer closes its connection, so keep-alive clients cannot hold the server open.
  server.prependListener('request', (_req, res) => {
    if (stopping) res.setHeader('connection', 'close');
  });
  writeInstanceFile(config.dataDir);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      stopping = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Requests already inside the app finish first, their submissions committed and answered.
      const grace = new Promise<void>((resolve) => setTimeout(resolve, options.shutdownGraceMs ?? 10_000).unref());
      await Promise.race([stopped, grace]);
      await intake.close();
      await webhooks.stop();
      await mail?.stop();
      server.closeAllConnections();
      await stopped;
      await alerts.stop();
      await backups?.stop();
      await contactRetention.stop();
      await database.close();
      removeInstanceFile(config.dataDir);
    })());
  return { server, db: database, config, url: `http://${config.host}:${port}`, intake, backups, readiness, metrics, webhooks, mail, contactRetention, close };
}

/** Entry point: one line on stderr and exit 1 for a bad configuration or a non-durable database. */
export async function main(options: Pick<StartOptions, 'holdReadiness'> = {}): Promise<RunningServer> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const unsafeControl = process.env[CRASH_CONTROL_ENV] === CRASH_CONTROL_VALUE;
  if (unsafeControl) consoleLogger.error('unsafe_crash_control', { synchronous: 'OFF', ackBeforeCommit: true });
  const db = await openDatabase(config, unsafeControl ? { synchronous: 'OFF' } : {});
  const benchControls = new Set((process.env[BENCH_CONTROL_ENV] ?? '').split(','));
  const unchained = benchControls.has(BENCH_CONTROL_UNCHAINED);
  if (unchained) consoleLogger.error('unchained_bench_control', { answerChain: false });
  const withoutAlerts = benchControls.has(BENCH_CONTROL_NO_ALERTS);
  if (withoutAlerts) consoleLogger.error('no_alerts_bench_control', { alertRules: false });
  const running = await startServer(config, db, { unsafeAckBeforeCommit: unsafeControl, unchainedIntake: unchained, intakeWithoutAlerts: withoutAlerts, holdReadiness: options.holdReadiness ?? false });
  consoleLogger.info('listening', { url: running.url });
  const shutdown = (signal: string) => {
    consoleLogger.info('shutdown', { signal });
    running.close().then(
      () => {
        consoleLogger.info('stopped', { signal });
        process.exit(0);
      },
      (err: unknown) => {
        consoleLogger.error('shutdown_failed', { message: (err as Error).message });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  return running;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
