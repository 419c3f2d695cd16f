import type { z } from 'zod';
import { WEBHOOK_EVENT_TYPES, WEBHOOK_HEADERS, WebhookEventBody, type WebhookEventType } from '../../schema/notifications.js';

type Json = { [key: string]: unknown };
type SchemaOf = (schema: z.ZodType, io: 'input' | 'output') => Json;

export const WEBHOOK_TAG = {
  name: 'webhooks',
  description:
    'Events the platform POSTs to the addresses a system administrator subscribed (admin app → Webhook). At least once: ' +
    'an event is sent again until the receiver answers 2xx (waiting 10 s, 20 s, 40 s … up to 1 h; given up after 20 attempts), ' +
    'so receivers deduplicate on the body id. Events of one subject (a case, an alert) arrive in order: the next one waits until the previous one was accepted.',
};

const EXAMPLE_DATA: Record<WebhookEventType, { subject: string; data: Record<string, unknown>; summary: string }> = {
  'response.created': {
    subject: 'response:0b9e5a6c-3f0e-4c47-9d1a-7f1f3c2d8e11',
    summary: 'A survey response was stored: ids, questionnaire and scores only, never the comment or personal data',
    data: {
      responseId: '0b9e5a6c-3f0e-4c47-9d1a-7f1f3c2d8e11',
      unitId: 'u7k2m9q4x8w3z6ta',
      surveyPointId: 'p3x9k2m7q4w8z6ta',
      counterId: 'c4m8q2x7k9w3z6ta',
      staffId: null,
      procedureId: null,
      instrumentId: 'QUAY@1',
      channel: 'qr',
      submittedAt: '2026-11-20T03:00:00.000Z',
      answers: { 'QUAY.1': 5, 'QUAY.2': 4, 'QUAY.3': 1, 'QUAY.4': null, 'QUAY.ALL': 4 },
    },
  },
  'alert.opened': {
    subject: 'alert:a8k2m9q4x7w3z6tb',
    summary: 'An alert rule fired: the rule, its title and the figures behind it, never a comment',
    data: {
      unitId: 'u7k2m9q4x8w3z6ta',
      rule: 'low_comment',
      title: 'Đánh giá 1 sao kèm ý kiến – Quầy 3',
      detail: { criterion: 'QUAY.3', count: 1, responseIds: ['0b9e5a6c-3f0e-4c47-9d1a-7f1f3c2d8e11'] },
    },
  },
  'case.updated': {
    subject: 'case:k5m2q9x4w7z3a6tc',
    summary: 'A follow-up case was opened or changed: its status, assignee and due day',
    data: { caseId: 'k5m2q9x4w7z3a6tc', unitId: 'u7k2m9q4x8w3z6ta', source: 'alert', status: 'in_progress', assigneeId: 's2m9q4x7w3z6ta8k', dueDay: '2026-11-27' },
  },
};

function header(name: string, description: string, example: string): Json {
  return { name, in: 'header', required: true, description, schema: { type: 'string' }, example };
}

/** The `webhooks` section of the document (OpenAPI 3.1): one entry per event type, with the signing headers. */
export function webhookDocs(schemaOf: SchemaOf): { webhooks: Json; schemas: Json } {
  const parameters = [
    header(WEBHOOK_HEADERS.event, 'The event type, as the body type.', 'case.updated'),
    header(WEBHOOK_HEADERS.delivery, 'This delivery: <event id>.<outbox sequence>. Repeated attempts of one delivery carry the same value.', 'k7q2m9x4w8z3a6td.1842'),
    header(WEBHOOK_HEADERS.timestamp, 'Unix time (seconds) of this attempt. Refuse values far from your clock (e.g. more than 5 minutes) to stop replays.', '1795657200'),
    header(
      WEBHOOK_HEADERS.signature,
      'v1=<hex HMAC-SHA256 of "<timestamp>.<raw body>" keyed with the subscription secret (shown once when the subscription is made, starts with whsec_)>. ' +
        'Recompute it over the raw bytes received and compare in constant time.',
      'v1=5f0c6a2e9d1b4c7a8e3f2d1c0b9a8e7f6d5c4b3a2918f7e6d5c4b3a29180f7e6',
    ),
  ];
  const webhooks = Object.fromEntries(
    WEBHOOK_EVENT_TYPES.map((type) => {
      const example = EXAMPLE_DATA[type];
      return [
        type,
        {
          post: {
            tags: ['webhooks'],
            operationId: `webhook_${type.replace('.', '_')}`,
            summary: example.summary,
            parameters,
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: { $ref: '#/components/schemas/WebhookEventBody' },
                  examples: {
                    [type]: { value: { id: 'k7q2m9x4w8z3a6td', type, subject: example.subject, occurredAt: '2026-11-20T03:00:00.000Z', data: example.data } },
                  },
                },
              },
            },
            responses: {
              '2XX': { description: 'Accepted: the delivery is marked delivered and the subject’s next event may follow.' },
              default: { description: 'Anything else, a redirect, no answer within 10 s or a refused connection: the delivery is tried again later.' },
            },
          },
        },
      ];
    }),
  );
  return { webhooks, schemas: { WebhookEventBody: schemaOf(WebhookEventBody, 'output') } };
}
