import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SurveyResponseInput } from '../../schema/survey.js';
import { backoffDelay, classifyResponse, createOutbox, OUTBOX_KEY, type Delivery, type Outcome } from './outbox.js';
import { aPayload, memoryStore } from './test-builders.js';

describe('classifyResponse', () => {
  it.each([
    [201, { id: 'x', status: 'accepted' }, null, { kind: 'sent' }],
    [200, { id: 'x', status: 'duplicate' }, null, { kind: 'sent' }],
    [400, { error: { code: 'validation_failed', message: '' } }, null, { kind: 'rejected', code: 'validation_failed' }],
    [409, { error: { code: 'invitation_used', message: '' } }, null, { kind: 'rejected', code: 'invitation_used' }],
    [409, { error: { code: 'wrong_instrument', message: '' } }, null, { kind: 'rejected', code: 'wrong_instrument' }],
    [404, null, null, { kind: 'rejected', code: 'http_404' }],
    [429, { error: { code: 'rate_limited', message: '' } }, '7', { kind: 'retry', reason: 'busy', retryAfterMs: 7000 }],
    [408, null, null, { kind: 'retry', reason: 'busy' }],
    [503, { error: { code: 'storage_unavailable', message: '' } }, '5', { kind: 'retry', reason: 'busy', retryAfterMs: 5000 }],
    [500, { error: { code: 'internal', message: '' } }, null, { kind: 'retry', reason: 'busy' }],
    [502, null, 'soon', { kind: 'retry', reason: 'busy' }],
  ])('%i %j (Retry-After %s) → %j', (status, body, retryAfter, expected) => {
    expect(classifyResponse(status, body, retryAfter)).toEqual(expected);
  });
});

describe('backoffDelay', () => {
  it('starts near 2 s, doubles, and stops growing at a minute (±25% spread)', () => {
    expect(backoffDelay(1, 0.5)).toBe(2000);
    expect(backoffDelay(2, 0.5)).toBe(4000);
    expect(backoffDelay(3, 0.5)).toBe(8000);
    expect(backoffDelay(10, 0.5)).toBe(60000);
    expect(backoffDelay(1, 0)).toBe(1500);
    expect(backoffDelay(1, 0.999999)).toBe(2500);
  });

  it('stays within its bounds and never comes before Retry-After', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 0, max: 120_000 }),
        (attempt, random, retryAfterMs) => {
          const delay = backoffDelay(attempt, random, retryAfterMs);
          expect(delay).toBeGreaterThanOrEqual(Math.max(1500, retryAfterMs));
          expect(delay).toBeLessThanOrEqual(Math.max(75_000, retryAfterMs));
          expect(backoffDelay(attempt + 1, random)).toBeGreaterThanOrEqual(backoffDelay(attempt, random));
        },
      ),
    );
  });
});

/** A scripted server: each call answers with the next outcome (the last one repeats). */
function scripted(...outcomes: (Outcome | 'network-error')[]) {
  const calls: SurveyResponseInput[] = [];
  const transport = async (payload: SurveyResponseInput): Promise<Outcome> => {
    calls.push(payload);
    const next = outcomes.length > 1 ? outcomes.shift()! : outcomes[0]!;
    if (next === 'network-error') throw new TypeError('Failed to fetch');
    return next;
  };
  return { calls, transport };
}

function recorder() {
  const seen: [string, Delivery['state']][] = [];
  return { seen, onChange: (id: string, delivery: Delivery) => seen.push([id, delivery.state]) };
}

describe('outbox', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends, then forgets a confirmed response', async () => {
    const store = memoryStore();
    const server = scripted({ kind: 'sent' });
    const events = recorder();
    const outbox = createOutbox({ store, transport: server.transport, onChange: events.onChange });
    const payload = aPayload();
    await outbox.submit(payload);
    expect(server.calls).toEqual([payload]);
    expect(events.seen).toEqual([
      [payload.id, 'sending'],
      [payload.id, 'sent'],
    ]);
    expect(JSON.parse(store.data.get(OUTBOX_KEY)!)).toEqual([]);
    expect(outbox.pendingFor(payload.code)).toBeUndefined();
  });

  it('keeps the response stored while the network is down and retries with the same id until it gets through', async () => {
    const store = memoryStore();
    const server = scripted('network-error', { kind: 'retry', reason: 'busy', retryAfterMs: 5000 }, { kind: 'sent' });
    const events = recorder();
    const outbox = createOutbox({ store, transport: server.transport, onChange: events.onChange, random: () => 0.5 });
    const payload = aPayload();
    await outbox.submit(payload);
    expect(events.seen.at(-1)).toEqual([payload.id, 'waiting']);
    expect(outbox.pendingFor(payload.code)).toEqual(payload);
    expect(JSON.parse(store.data.get(OUTBOX_KEY)!)[0].payload).toEqual(payload);

    await vi.advanceTimersByTimeAsync(1999);
    expect(server.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.calls).toHaveLength(2);
    // The server asked for 5 s, longer than the 4 s backoff of a second attempt.
    await vi.advanceTimersByTimeAsync(4999);
    expect(server.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.calls.map((p) => p.id)).toEqual([payload.id, payload.id, payload.id]);
    expect(events.seen.filter(([, state]) => state === 'sent')).toHaveLength(1);
    expect(outbox.pendingFor(payload.code)).toBeUndefined();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(server.calls).toHaveLength(3);
  });

  it('retries at once when asked (the browser came back online), without waiting for the backoff', async () => {
    const server = scripted('network-error', { kind: 'sent' });
    const events = recorder();
    const outbox = createOutbox({ store: memoryStore(), transport: server.transport, onChange: events.onChange });
    await outbox.submit(aPayload());
    await outbox.flush();
    expect(server.calls).toHaveLength(2);
    expect(events.seen.at(-1)![1]).toBe('sent');
    await vi.advanceTimersByTimeAsync(120_000);
    expect(server.calls).toHaveLength(2);
  });

  it('drops a response the server refuses for good and says why', async () => {
    const seen: Delivery[] = [];
    const outbox = createOutbox({
      store: memoryStore(),
      transport: scripted({ kind: 'rejected', code: 'validation_failed' }).transport,
      onChange: (_, delivery) => seen.push(delivery),
    });
    const payload = aPayload();
    await outbox.submit(payload);
    expect(seen.at(-1)).toEqual({ state: 'rejected', code: 'validation_failed' });
    expect(outbox.pendingFor(payload.code)).toBeUndefined();
  });

  it('picks up responses left by an earlier page load', async () => {
    const store = memoryStore();
    const offline = scripted('network-error');
    const first = createOutbox({ store, transport: offline.transport, onChange: () => undefined });
    const payload = aPayload();
    await first.submit(payload);

    const online = scripted({ kind: 'sent' });
    const second = createOutbox({ store, transport: online.transport, onChange: () => undefined });
    expect(second.pendingFor(payload.code)).toEqual(payload);
    await second.flush();
    expect(online.calls).toEqual([payload]);
    expect(second.pendingFor(payload.code)).toBeUndefined();
  });

  it('stores a resubmitted id once and sends in submission order, including one submitted mid-flight', async () => {
    let release: () => void = () => undefined;
    const calls: string[] = [];
    const transport = (payload: SurveyResponseInput) => {
      calls.push(payload.id);
      return calls.length === 1 ? new Promise<Outcome>((resolve) => (release = () => resolve({ kind: 'sent' }))) : Promise.resolve<Outcome>({ kind: 'sent' });
    };
    const outbox = createOutbox({ store: memoryStore(), transport, onChange: () => undefined });
    const a = aPayload({ code: 'AAAAAAAAAA' });
    const b = aPayload({ code: 'BBBBBBBBBB' });
    const sendingA = outbox.submit(a);
    const sendingB = outbox.submit(b);
    void outbox.submit(a);
    release();
    await Promise.all([sendingA, sendingB]);
    expect(calls).toEqual([a.id, b.id]);
  });

  it('still delivers when storage refuses every write', async () => {
    const server = scripted('network-error', { kind: 'sent' });
    const events = recorder();
    const outbox = createOutbox({ store: memoryStore({ failing: true }), transport: server.transport, onChange: events.onChange });
    await outbox.submit(aPayload());
    await vi.runOnlyPendingTimersAsync();
    expect(events.seen.at(-1)![1]).toBe('sent');
  });
});
