import { sql } from 'kysely';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { AppDatabase } from '../db/database.js';
import { realTimers, type Timers } from '../durability/scheduler.js';
import type { Logger } from '../log.js';
import { deliveryHeaders, webhookSecret } from './signing.js';

/** Config's webhook settings (backoff, attempts, timeout), and how often the outbox is looked at when nothing is due. */
export type DeliverySettings = Config['webhookDelivery'] & { pollMs: number };

export interface DeliveryWorkerOptions {
  db: AppDatabase;
  serverSecret: string;
  clock: Clock;
  logger: Logger;
  settings: DeliverySettings;
  timers?: Timers;
}

export interface DeliveryWorker {
  /** One pass over what is due now; resolves with the number of attempts made. */
  runNow(): Promise<number>;
  /** Stops the timer and waits for the attempts in flight to end (each bounded by timeoutMs). */
  stop(): Promise<void>;
}

/** Deliveries sent at once: one per (subscription, subject), the head of its queue. */
const BATCH = 32;

/**
 * Delivered and cancelled rows are kept this long, then removed: otherwise the outbox grows by a row
 * per event for ever. The page shows the latest 100 deliveries; given-up rows stay, as the page
 * counts them.
 */
export const OUTBOX_KEEP_DAYS = 30;
const PRUNE_EVERY_MS = 60 * 60_000;
/** Rows removed a transaction: the intake waits for the one writer meanwhile. */
const PRUNE_CHUNK = 2000;

/** The wait after `attempts` failed attempts: base·2^(attempts−1), capped. */
export function retryDelayMs(settings: Pick<DeliverySettings, 'retryBaseMs' | 'retryMaxMs'>, attempts: number): number {
  return Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.max(0, attempts - 1));
}

/**
 * Sends the outbox. Only the oldest pending delivery of each (subscription, subject) is ever sent,
 * so event k+1 of a subject waits until k succeeded (or was given up). A row is marked delivered
 * only after the receiver answered 2xx: a crash in between sends it again (at least once).
 */
export function startDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { db, settings, clock, logger } = options;
  const timers = options.timers ?? realTimers;
  const secrets = new Map<string, string>();
  let handle: unknown;
  let stopped = false;
  let running: Promise<number> = Promise.resolve(0);

  const dueHeads = (now: string) =>
    db.kysely
      .selectFrom('webhook_outbox as o')
      .innerJoin('webhook_subscriptions as s', 's.id', 'o.subscription_id')
      .select(['o.seq', 'o.event_id', 'o.type', 'o.body', 'o.attempts', 's.url', 's.secret_salt'])
      .where('o.status', '=', 'pending')
      .where('o.next_attempt_at', '<=', now)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('webhook_outbox as p')
              .select(sql`1`.as('one'))
              .where('p.status', '=', 'pending')
              .whereRef('p.subscription_id', '=', 'o.subscription_id')
              .whereRef('p.subject', '=', 'o.subject')
              .whereRef('p.seq', '<', 'o.seq'),
          ),
        ),
      )
      .orderBy('o.seq')
      .limit(BATCH)
      .execute();

  type Head = Awaited<ReturnType<typeof dueHeads>>[number];

  const attempt = async (head: Head): Promise<void> => {
    const secret = secrets.get(head.secret_salt) ?? webhookSecret(options.serverSecret, head.secret_salt);
    secrets.set(head.secret_salt, secret);
    const attempts = Number(head.attempts) + 1;
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(head.url, {
        method: 'POST',
        headers: deliveryHeaders({ secret, type: head.type, deliveryId: `${head.event_id}.${head.seq}`, body: head.body, at: clock.now() }),
        body: head.body,
        // A redirect is not followed: the subscription names the one address that receives events.
        redirect: 'manual',
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
      statusCode = response.status;
      await response.body?.cancel();
      if (statusCode < 200 || statusCode > 299) error = `HTTP ${statusCode}`;
    } catch (err) {
      const cause = (err as Error & { cause?: { code?: string } }).cause?.code;
      error = (err as Error).name === 'TimeoutError' ? `timeout after ${settings.timeoutMs} ms` : (cause ?? (err as Error).message).slice(0, 200);
    }
    const now = clock.now();
    if (error === null) {
      await db.write((tx) =>
        tx
          .updateTable('webhook_outbox')
          .set({ status: 'delivered', attempts, last_status_code: statusCode, last_error: null, delivered_at: now.toISOString() })
          .where('seq', '=', head.seq)
          .where('status', '=', 'pending')
          .execute(),
      );
      return;
    }
    const givenUp = attempts >= settings.maxAttempts;
    await db.write((tx) =>
      tx
        .updateTable('webhook_outbox')
        .set({
          status: givenUp ? 'failed' : 'pending',
          attempts,
          last_status_code: statusCode,
          last_error: error,
          next_attempt_at: new Date(now.getTime() + retryDelayMs(settings, attempts)).toISOString(),
        })
        .where('seq', '=', head.seq)
        .where('status', '=', 'pending')
        .execute(),
    );
    (givenUp ? logger.error : logger.info)(givenUp ? 'webhook_given_up' : 'webhook_retry', { seq: Number(head.seq), type: head.type, attempts, error });
  };

  let prunedAt = Number.NEGATIVE_INFINITY;
  const prune = async (now: Date): Promise<void> => {
    if (now.getTime() - prunedAt < PRUNE_EVERY_MS) return;
    prunedAt = now.getTime();
    const cutoff = new Date(now.getTime() - OUTBOX_KEEP_DAYS * 86_400_000).toISOString();
    for (;;) {
      const removed = await db.write(async (tx) => {
        const old = await tx
          .selectFrom('webhook_outbox')
          .select('seq')
          .where((eb) => eb.or([eb.and([eb('status', '=', 'delivered'), eb('delivered_at', '<', cutoff)]), eb.and([eb('status', '=', 'cancelled'), eb('created_at', '<', cutoff)])]))
          .limit(PRUNE_CHUNK)
          .execute();
        if (old.length > 0) await tx.deleteFrom('webhook_outbox').where('seq', 'in', old.map((r) => r.seq)).execute();
        return old.length;
      });
      if (removed < PRUNE_CHUNK) return;
    }
  };

  const pass = async (): Promise<number> => {
    await prune(clock.now());
    const heads = await dueHeads(clock.now().toISOString());
    await Promise.all(heads.map(attempt));
    return heads.length;
  };

  const runNow = (): Promise<number> => {
    const run = running.then(pass);
    running = run.catch(() => 0);
    return run;
  };

  const arm = (ms: number) => {
    if (stopped) return;
    handle = timers.set(() => {
      runNow().then(
        // A full batch means more may be due at once.
        (n) => arm(n >= BATCH ? 0 : settings.pollMs),
        (err: unknown) => {
          logger.error('webhook_pass_failed', { message: (err as Error).message });
          arm(settings.pollMs);
        },
      );
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
