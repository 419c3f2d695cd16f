import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Notifications (issue 18): webhook subscriptions, the durable outbox their deliveries are sent
 * from, the log of e-mails the scheduler sent (so a restart never sends a month's summary twice),
 * and an e-mail address on staff accounts.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema.alterTable('users').addColumn('email', 'text').execute();

  await db.schema
    .createTable('webhook_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    // Comma-separated event types, e.g. 'alert.opened,case.updated'.
    .addColumn('event_types', 'text', (c) => c.notNull())
    // The signing secret is derived from the server secret and this salt: the database alone does not hold it.
    .addColumn('secret_salt', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('deleted_at', 'text')
    .execute();

  // One row per (event, subscription), written in the transaction that made the event. `seq` orders
  // the deliveries of one subject to one subscription.
  await db.schema
    .createTable('webhook_outbox')
    .addColumn('seq', dialect === 'sqlite' ? 'integer' : 'bigint', (c) =>
      dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
    )
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('subscription_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'text')
    .execute();
  await db.schema.createIndex('webhook_outbox_pending').on('webhook_outbox').columns(['status', 'subscription_id', 'subject', 'seq']).execute();
  await db.schema.createIndex('webhook_outbox_subscription').on('webhook_outbox').columns(['subscription_id', 'seq']).execute();

  await db.schema
    .createTable('mail_log')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    // The period the mail covers: '2026-11' for a monthly summary, '2026-12-04' for a daily digest.
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('recipients', 'integer', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('mail_log_pk', ['kind', 'unit_id', 'period'])
    .execute();
}
