import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_TYPES, WEBHOOK_HEADERS, WebhookEventBody, type WebhookDeliveryList, type WebhookSubscriptionCreated, type WebhookSubscriptionList } from '../../schema/notifications.js';
import { silentLogger } from '../log.js';
import { aSession, asSession, aUser, type TestSession } from '../testing/auth.js';
import { aResponse, aSite, postJson, type TestSite } from '../testing/builders.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { startReceiver, type Receiver } from '../testing/webhook-receiver.js';
import type { WebhookDeliveryStatus } from '../db/types.js';
import { type Timers } from '../durability/scheduler.js';
import { openApiDocument } from '../openapi/document.js';
import { OUTBOX_KEEP_DAYS, recordEvent, startDeliveryWorker, type DeliveryWorker } from './index.js';

/** Timers that never fire: the test drives the worker with runNow(). */
const manualTimers: Timers = { set: () => 0, clear: () => {} };

let t: TestContext;
let site: TestSite;
let admin: TestSession;
let receiver: Receiver;
let secret = '';
let worker: DeliveryWorker;

beforeEach(async () => {
  t = await makeTestApp({ env: { WEBHOOK_RETRY_BASE_MS: '1000', WEBHOOK_RETRY_MAX_MS: '8000', WEBHOOK_MAX_ATTEMPTS: '5' } });
  site = await aSite(t.db, t.clock);
  admin = await aSession(t, (await aUser(t.db, t.clock, { grants: [{ role: 'system_admin', unitId: null }] })).id);
  receiver = await startReceiver(() => secret);
  worker = startDeliveryWorker({ db: t.db, serverSecret: t.config.serverSecret, clock: t.clock, logger: silentLogger, settings: { ...t.config.webhookDelivery, pollMs: 1000 }, timers: manualTimers });
});
afterEach(async () => {
  await worker.stop();
  await receiver.close();
  await t.cleanup();
});

const submit = (body: unknown) => t.app.request(...postJson('/api/responses', body));
const outboxCount = async () => Number((await t.db.kysely.selectFrom('webhook_outbox').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

async function subscribe(eventTypes: string[], url = receiver.url): Promise<Response> {
  return t.app.request('/api/admin/webhooks', { method: 'POST', headers: asSession(admin), body: JSON.stringify({ url, eventTypes }) });
}

describe('webhooks', () => {
  it(`removes delivered and cancelled rows after ${OUTBOX_KEEP_DAYS} days, and keeps the rest`, async () => {
    expect((await subscribe(['case.updated'])).status).toBe(201);
    const subscription = await t.db.kysely.selectFrom('webhook_subscriptions').select('id').executeTakeFirstOrThrow();
    const now = t.clock.now().getTime();
    const daysAgo = (days: number) => new Date(now - days * 86_400_000).toISOString();
    const row = (subject: string, status: WebhookDeliveryStatus, createdDaysAgo: number, deliveredDaysAgo: number | null) => ({
      event_id: `evt-${subject}`,
      subscription_id: subscription.id,
      type: 'case.updated',
      subject,
      body: '{}',
      created_at: daysAgo(createdDaysAgo),
      status,
      attempts: 1,
      next_attempt_at: daysAgo(createdDaysAgo),
      delivered_at: deliveredDaysAgo === null ? null : daysAgo(deliveredDaysAgo),
    });
    await t.db.write((tx) =>
      tx
        .insertInto('webhook_outbox')
        .values([
          row('delivered-long-ago', 'delivered', OUTBOX_KEEP_DAYS + 2, OUTBOX_KEEP_DAYS + 1),
          // Created long ago, delivered lately (after a receiver's long outage): kept from its delivery.
          row('delivered-lately', 'delivered', OUTBOX_KEEP_DAYS + 2, OUTBOX_KEEP_DAYS - 1),
          row('cancelled-long-ago', 'cancelled', OUTBOX_KEEP_DAYS + 1, null),
          row('cancelled-lately', 'cancelled', 1, null),
          row('given-up-long-ago', 'failed', OUTBOX_KEEP_DAYS + 5, null),
        ])
        .execute(),
    );
    await worker.runNow();
    const left = await t.db.kysely.selectFrom('webhook_outbox').select('subject').orderBy('subject').execute();
    expect(left.map((r) => r.subject)).toEqual(['cancelled-lately', 'delivered-lately', 'given-up-long-ago']);
  });

  it('the intake writes no outbox row while no subscription wants response.created', async () => {
    expect((await subscribe(['case.updated'])).status).toBe(201);
    expect((await submit(aResponse(site.surveyCode))).status).toBe(201);
    expect(await outboxCount()).toBe(0);
  });

  it('delivers response.created signed, without the comment, and the secret is shown only once', async () => {
    const created = await subscribe(['response.created']);
    expect(created.status).toBe(201);
    const body = (await created.json()) as WebhookSubscriptionCreated;
    secret = body.secret;
    expect(secret).toMatch(/^whsec_/);
    const list = await t.app.request('/api/admin/webhooks', { headers: asSession(admin) });
    expect(JSON.stringify(await list.json())).not.toContain(secret);
    const stored = await t.db.kysely.selectFrom('webhook_subscriptions').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(secret);

    const answer = aResponse(site.surveyCode, { comment: 'Cán bộ Nguyễn Văn A gọi 0912345678' });
    expect((await submit(answer)).status).toBe(201);
    expect(await worker.runNow()).toBe(1);
    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    expect(delivery!.signatureOk).toBe(true);
    expect(delivery!.headers[WEBHOOK_HEADERS.event.toLowerCase()]).toBe('response.created');
    expect(delivery!.body).toMatchObject({ type: 'response.created', subject: `response:${answer.id}`, data: { responseId: answer.id, unitId: site.centreId, instrumentId: 'QUAY@1' } });
    expect(JSON.stringify(delivery!.body)).not.toMatch(/Nguyễn|0912345678/);
    const log = (await (await t.app.request('/api/admin/webhooks/deliveries', { headers: asSession(admin) })).json()) as WebhookDeliveryList;
    expect(log.items[0]).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 204 });
  });

  it('retries with exponential backoff and keeps the order of one subject', async () => {
    secret = ((await (await subscribe(['case.updated'])).json()) as WebhookSubscriptionCreated).secret;
    await t.db.write(async (tx) => {
      for (let n = 1; n <= 4; n++) await recordEvent(tx, { type: 'case.updated', subject: 'case:one', data: { n } }, t.clock.now());
      await recordEvent(tx, { type: 'case.updated', subject: 'case:two', data: { n: 1 } }, t.clock.now());
    });
    receiver.failNext(2, 503);
    // The two subjects' heads go out together and both fail; nothing after them is sent.
    expect(await worker.runNow()).toBe(2);
    expect(await worker.runNow()).toBe(0);
    const log = (await (await t.app.request('/api/admin/webhooks/deliveries', { headers: asSession(admin) })).json()) as WebhookDeliveryList;
    const head = log.items.find((d) => d.subject === 'case:one' && d.attempts === 1)!;
    expect(head).toMatchObject({ status: 'pending', lastStatusCode: 503, lastError: 'HTTP 503' });
    expect(Date.parse(head.nextAttemptAt!) - t.clock.now().getTime()).toBe(1000);
    t.clock.advance(1000);
    for (let pass = 0; pass < 6; pass++) await worker.runNow();
    const order = receiver.received.filter((r) => r.body.subject === 'case:one').map((r) => r.body.data.n);
    expect(order).toEqual([1, 2, 3, 4]);
    expect(receiver.received.every((r) => r.signatureOk)).toBe(true);
    expect(receiver.received).toHaveLength(5);
  });

  it('gives up after the last attempt, which lets the subject move on, and doubles the wait each time', async () => {
    secret = ((await (await subscribe(['alert.opened'])).json()) as WebhookSubscriptionCreated).secret;
    await t.db.write(async (tx) => {
      await recordEvent(tx, { type: 'alert.opened', subject: 'alert:a', data: { n: 1 } }, t.clock.now());
      await recordEvent(tx, { type: 'alert.opened', subject: 'alert:a', data: { n: 2 } }, t.clock.now());
    });
    receiver.failNext(5);
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect(await worker.runNow()).toBe(1);
      const row = await t.db.kysely.selectFrom('webhook_outbox').selectAll().orderBy('seq').executeTakeFirstOrThrow();
      waits.push(Date.parse(row.next_attempt_at) - t.clock.now().getTime());
      t.clock.advance(8000);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 8000]);
    const statuses = await t.db.kysely.selectFrom('webhook_outbox').select('status').orderBy('seq').execute();
    expect(statuses.map((s) => s.status)).toEqual(['failed', 'pending']);
    await worker.runNow();
    expect(receiver.received.map((r) => r.body.data.n)).toEqual([2]);
  });

  it('only a system administrator manages subscriptions; only http(s) addresses; delete cancels what is pending', async () => {
    const officer = await aSession(t, (await aUser(t.db, t.clock, { grants: [{ role: 'provincial_officer', unitId: site.provinceId }] })).id);
    const asOfficer = await t.app.request('/api/admin/webhooks', { method: 'POST', headers: asSession(officer), body: JSON.stringify({ url: receiver.url, eventTypes: ['alert.opened'] }) });
    expect(asOfficer.status).toBe(403);
    expect((await t.app.request('/api/admin/webhooks', { headers: asSession(officer) })).status).toBe(403);
    for (const url of ['ftp://example.org/x', 'file:///etc/passwd', 'not a url']) {
      const refused = await subscribe(['alert.opened'], url);
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    }
    expect((await subscribe([])).status).toBe(400);
    const created = (await (await subscribe(['alert.opened'])).json()) as WebhookSubscriptionCreated;
    const tested = await t.app.request(`/api/admin/webhooks/${created.subscription.id}/test`, { method: 'POST', headers: asSession(admin) });
    expect(tested.status).toBe(202);
    expect((await t.app.request(`/api/admin/webhooks/${created.subscription.id}`, { method: 'DELETE', headers: asSession(admin) })).status).toBe(200);
    expect(await worker.runNow()).toBe(0);
    const list = (await (await t.app.request('/api/admin/webhooks', { headers: asSession(admin) })).json()) as WebhookSubscriptionList;
    expect(list.items).toHaveLength(0);
    const statuses = await t.db.kysely.selectFrom('webhook_outbox').select('status').execute();
    expect(statuses).toEqual([{ status: 'cancelled' }]);
    expect((await t.app.request(`/api/admin/webhooks/${created.subscription.id}`, { method: 'DELETE', headers: asSession(admin) })).status).toBe(404);
  });

  it('the OpenAPI document describes each event with the headers the worker sends and a body example of the schema', async () => {
    const doc = (await openApiDocument('https://sipas.example.gov.vn')) as { webhooks: Record<string, { post: { parameters: { name: string }[]; requestBody: { content: { 'application/json': { examples: Record<string, { value: unknown }> } } } } }> };
    expect(Object.keys(doc.webhooks)).toEqual([...WEBHOOK_EVENT_TYPES]);
    for (const type of WEBHOOK_EVENT_TYPES) {
      const { parameters, requestBody } = doc.webhooks[type]!.post;
      expect(parameters.map((p) => p.name)).toEqual(Object.values(WEBHOOK_HEADERS));
      for (const { value } of Object.values(requestBody.content['application/json'].examples)) expect(WebhookEventBody.parse(value).type).toBe(type);
    }
  });
});
