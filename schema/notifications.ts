import { z } from 'zod';

/** Events a webhook subscription can ask for (issue 18). */
export const WEBHOOK_EVENT_TYPES = ['response.created', 'alert.opened', 'case.updated'] as const;
export const WebhookEventType = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

/** Headers of every webhook delivery (documented in the OpenAPI document and README). */
export const WEBHOOK_HEADERS = {
  event: 'X-SIPAS-Event',
  delivery: 'X-SIPAS-Delivery',
  timestamp: 'X-SIPAS-Timestamp',
  signature: 'X-SIPAS-Signature',
} as const;

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'cancelled'] as const;
export const WebhookDeliveryStatus = z.enum(WEBHOOK_DELIVERY_STATUSES);
export type WebhookDeliveryStatus = z.infer<typeof WebhookDeliveryStatus>;

/** The body every delivery carries; `data` never holds a citizen's comment or personal data. */
export const WebhookEventBody = z.object({
  id: z.string(),
  type: WebhookEventType,
  subject: z.string(),
  occurredAt: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type WebhookEventBody = z.infer<typeof WebhookEventBody>;

const HttpUrl = z
  .string()
  .trim()
  .max(2000)
  .pipe(z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// address' }));

export const WebhookSubscriptionCreate = z
  .object({
    url: HttpUrl,
    eventTypes: z.array(WebhookEventType).min(1).max(WEBHOOK_EVENT_TYPES.length),
  })
  .strict();
export type WebhookSubscriptionCreate = z.infer<typeof WebhookSubscriptionCreate>;

export const WebhookSubscription = z.object({
  id: z.string(),
  url: z.string(),
  eventTypes: z.array(WebhookEventType),
  createdAt: z.string(),
  pending: z.number().int(),
  failed: z.number().int(),
});
export type WebhookSubscription = z.infer<typeof WebhookSubscription>;

/** The answer to a creation: the signing secret is shown this once and never again. */
export const WebhookSubscriptionCreated = z.object({ subscription: WebhookSubscription, secret: z.string() });
export type WebhookSubscriptionCreated = z.infer<typeof WebhookSubscriptionCreated>;

export const WebhookSubscriptionList = z.object({ items: z.array(WebhookSubscription) });
export type WebhookSubscriptionList = z.infer<typeof WebhookSubscriptionList>;

export const WebhookDelivery = z.object({
  seq: z.number().int(),
  eventId: z.string(),
  subscriptionId: z.string(),
  url: z.string(),
  type: z.string(),
  subject: z.string(),
  createdAt: z.string(),
  status: WebhookDeliveryStatus,
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.string().nullable(),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookDeliveryList = z.object({ items: z.array(WebhookDelivery) });
export type WebhookDeliveryList = z.infer<typeof WebhookDeliveryList>;
