import { sql } from 'kysely';
import {
  WebhookEventType,
  type WebhookDelivery,
  type WebhookDeliveryList,
  type WebhookSubscription,
  type WebhookSubscriptionCreate,
  type WebhookSubscriptionCreated,
  type WebhookSubscriptionList,
} from '../../schema/notifications.js';
import { isSystemAdmin, type Actor } from '../auth/actor.js';
import { recordAudit } from '../audit/record.js';
import type { Db } from '../db/types.js';
import type { Deps } from '../deps.js';
import { AppError } from '../http.js';
import { newId } from '../ids.js';
import { newSecretSalt, webhookSecret } from './signing.js';

/** Subscriptions receive events of every province: only a system administrator manages them. */
function assertSystemAdmin(actor: Actor): void {
  if (!isSystemAdmin(actor)) throw new AppError('forbidden', 403, 'Only a system administrator manages webhooks');
}

function subscriptionsQuery(db: Db) {
  return db
    .selectFrom('webhook_subscriptions as s')
    .select((eb) => [
      's.id',
      's.url',
      's.event_types',
      's.created_at',
      eb
        .selectFrom('webhook_outbox as o')
        .select(sql<number>`count(*)`.as('n'))
        .whereRef('o.subscription_id', '=', 's.id')
        .where('o.status', '=', 'pending')
        .as('pending'),
      eb
        .selectFrom('webhook_outbox as o')
        .select(sql<number>`count(*)`.as('n'))
        .whereRef('o.subscription_id', '=', 's.id')
        .where('o.status', '=', 'failed')
        .as('failed'),
    ])
    .where('s.deleted_at', 'is', null);
}

type SubscriptionRow = Awaited<ReturnType<ReturnType<typeof subscriptionsQuery>['executeTakeFirstOrThrow']>>;

function subscriptionView(row: SubscriptionRow): WebhookSubscription {
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.event_types.split(',').map((t) => WebhookEventType.parse(t)),
    createdAt: row.created_at,
    pending: Number(row.pending ?? 0),
    failed: Number(row.failed ?? 0),
  };
}

export async function listSubscriptions(deps: Deps, actor: Actor): Promise<WebhookSubscriptionList> {
  assertSystemAdmin(actor);
  const rows = await subscriptionsQuery(deps.db.kysely).orderBy('s.created_at', 'desc').execute();
  return { items: rows.map(subscriptionView) };
}

/** A new subscription; its signing secret is in this answer only. */
export async function createSubscription(deps: Deps, actor: Actor, input: WebhookSubscriptionCreate): Promise<WebhookSubscriptionCreated> {
  assertSystemAdmin(actor);
  const now = deps.clock.now();
  const id = newId();
  const salt = newSecretSalt();
  const subscription = await deps.db.write(async (tx) => {
    await tx
      .insertInto('webhook_subscriptions')
      .values({ id, url: input.url, event_types: [...new Set(input.eventTypes)].join(','), secret_salt: salt, created_at: now.toISOString(), created_by: actor.userId })
      .execute();
    const view = subscriptionView(await subscriptionsQuery(tx).where('s.id', '=', id).executeTakeFirstOrThrow());
    await recordAudit(tx, { actor, action: 'webhook.create', entity: 'webhook_subscription', entityId: id, unitId: null, after: view, at: now });
    return view;
  });
  return { subscription, secret: webhookSecret(deps.config.serverSecret, salt) };
}

/** Stops a subscription: its undelivered events are cancelled, its log kept. */
export async function deleteSubscription(deps: Deps, actor: Actor, id: string): Promise<WebhookSubscription> {
  assertSystemAdmin(actor);
  const now = deps.clock.now();
  return deps.db.write(async (tx) => {
    const row = await subscriptionsQuery(tx).where('s.id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('not_found', 404, 'No such webhook subscription');
    await tx.updateTable('webhook_subscriptions').set({ deleted_at: now.toISOString() }).where('id', '=', id).execute();
    await tx.updateTable('webhook_outbox').set({ status: 'cancelled' }).where('subscription_id', '=', id).where('status', '=', 'pending').execute();
    const before = subscriptionView(row);
    await recordAudit(tx, { actor, action: 'webhook.delete', entity: 'webhook_subscription', entityId: id, unitId: null, before, at: now });
    return before;
  });
}

/** Queues a `case.updated`-shaped test event for one subscription (whatever types it asked for). */
export async function sendTestEvent(deps: Deps, actor: Actor, id: string): Promise<WebhookDelivery> {
  assertSystemAdmin(actor);
  const now = deps.clock.now();
  return deps.db.write(async (tx) => {
    const row = await subscriptionsQuery(tx).where('s.id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('not_found', 404, 'No such webhook subscription');
    const type = subscriptionView(row).eventTypes[0]!;
    const eventId = newId();
    const body = JSON.stringify({ id: eventId, type, subject: `test:${eventId}`, occurredAt: now.toISOString(), data: { test: true } });
    const { seq } = await tx
      .insertInto('webhook_outbox')
      .values({ event_id: eventId, subscription_id: id, type, subject: `test:${eventId}`, body, created_at: now.toISOString(), next_attempt_at: now.toISOString() })
      .returning('seq')
      .executeTakeFirstOrThrow();
    await recordAudit(tx, { actor, action: 'webhook.test', entity: 'webhook_subscription', entityId: id, unitId: null, after: { eventId, type }, at: now });
    return (await deliveriesQuery(tx).where('o.seq', '=', Number(seq)).execute()).map(deliveryView)[0]!;
  });
}

function deliveriesQuery(db: Db) {
  return db
    .selectFrom('webhook_outbox as o')
    .innerJoin('webhook_subscriptions as s', 's.id', 'o.subscription_id')
    .select([
      'o.seq',
      'o.event_id',
      'o.subscription_id',
      's.url',
      'o.type',
      'o.subject',
      'o.created_at',
      'o.status',
      'o.attempts',
      'o.next_attempt_at',
      'o.last_status_code',
      'o.last_error',
      'o.delivered_at',
    ]);
}

type DeliveryRow = Awaited<ReturnType<ReturnType<typeof deliveriesQuery>['executeTakeFirstOrThrow']>>;

function deliveryView(row: DeliveryRow): WebhookDelivery {
  return {
    seq: Number(row.seq),
    eventId: row.event_id,
    subscriptionId: row.subscription_id,
    url: row.url,
    type: row.type,
    subject: row.subject,
    createdAt: row.created_at,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    lastStatusCode: row.last_status_code === null ? null : Number(row.last_status_code),
    lastError: row.last_error,
    deliveredAt: row.delivered_at,
  };
}

/** The newest deliveries, optionally of one subscription, for the delivery log. */
export async function listDeliveries(deps: Deps, actor: Actor, query: { subscriptionId?: string | undefined; limit: number }): Promise<WebhookDeliveryList> {
  assertSystemAdmin(actor);
  let base = deliveriesQuery(deps.db.kysely);
  if (query.subscriptionId) base = base.where('o.subscription_id', '=', query.subscriptionId);
  const rows = await base.orderBy('o.seq', 'desc').limit(query.limit).execute();
  return { items: rows.map(deliveryView) };
}
