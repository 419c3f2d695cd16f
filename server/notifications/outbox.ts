import type { Db } from '../db/types.js';
import { newId } from '../ids.js';
import type { WebhookEventBody, WebhookEventType } from '../../schema/notifications.js';

/** What a feature reports; `subject` is `response:<id>`, `alert:<id>` or `case:<id>`. */
export interface NotificationEvent {
  type: WebhookEventType;
  subject: string;
  data: Record<string, unknown>;
}

/** The live subscriptions that want `type`: one small read, no write when there are none. */
export async function subscribersOf(db: Db, type: WebhookEventType): Promise<string[]> {
  const rows = await db.selectFrom('webhook_subscriptions').select(['id', 'event_types']).where('deleted_at', 'is', null).execute();
  return rows.filter((row) => row.event_types.split(',').includes(type)).map((row) => row.id);
}

/**
 * Writes the events to the durable outbox, one row per wanting subscription, inside the caller's
 * transaction: the event is sent if and only if what it reports was committed. All events must be of
 * one type (the intake's batch); nothing is written when no subscription wants that type.
 */
export async function recordEvents(db: Db, type: WebhookEventType, events: readonly Omit<NotificationEvent, 'type'>[], at: Date): Promise<void> {
  if (events.length === 0) return;
  const subscriptions = await subscribersOf(db, type);
  if (subscriptions.length === 0) return;
  const now = at.toISOString();
  const rows = events.flatMap((event) => {
    const body: WebhookEventBody = { id: newId(), type, subject: event.subject, occurredAt: now, data: event.data };
    const text = JSON.stringify(body);
    return subscriptions.map((subscriptionId) => ({
      event_id: body.id,
      subscription_id: subscriptionId,
      type,
      subject: event.subject,
      body: text,
      created_at: now,
      next_attempt_at: now,
    }));
  });
  // Chunked: PostgreSQL allows 65535 bind parameters per statement.
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('webhook_outbox').values(rows.slice(i, i + 500)).execute();
}

/** One event (an alert opened, a case changed): see recordEvents. */
export function recordEvent(db: Db, event: NotificationEvent, at: Date): Promise<void> {
  return recordEvents(db, event.type, [{ subject: event.subject, data: event.data }], at);
}
