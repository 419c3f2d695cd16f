import type { SurveyResponseInput } from '../../schema/survey.js';
import { isRecord, readJson, writeJson, type KeyValueStore } from './storage.js';

/** What one delivery attempt came to. */
export type Outcome =
  | { kind: 'sent' }
  | { kind: 'rejected'; code: string }
  | { kind: 'retry'; reason: 'offline' | 'busy'; retryAfterMs?: number };

/** Where a submitted response stands, as the page shows it. */
export type Delivery =
  | { state: 'sending' }
  | { state: 'waiting'; reason: 'offline' | 'busy'; retryAt: number }
  | { state: 'sent' }
  | { state: 'rejected'; code: string };

interface Pending {
  payload: SurveyResponseInput;
  attempts: number;
}

export const OUTBOX_KEY = 'sipas.outbox';
const FIRST_DELAY_MS = 2_000;
const MAX_DELAY_MS = 60_000;

/**
 * 2xx is success (201 accepted, 200 duplicate: the id was already stored). A 4xx is final, except
 * 408 and 429 which ask us to come back; 5xx (503 storage_unavailable among them) is worth retrying.
 */
export function classifyResponse(status: number, body: unknown, retryAfter: string | null): Outcome {
  if (status >= 200 && status < 300) return { kind: 'sent' };
  const seconds = retryAfter === null ? NaN : Number(retryAfter);
  const retryAfterMs = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
  if (status === 408 || status === 429 || status >= 500) {
    return retryAfterMs === undefined ? { kind: 'retry', reason: 'busy' } : { kind: 'retry', reason: 'busy', retryAfterMs };
  }
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  return { kind: 'rejected', code: typeof error?.code === 'string' ? error.code : `http_${status}` };
}

/**
 * Exponential backoff from 2 s doubling to a 60 s cap, spread ±25% so many phones coming back
 * online together do not retry in lockstep; never sooner than the server's Retry-After.
 */
export function backoffDelay(attempt: number, random: number, retryAfterMs = 0): number {
  const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.max(retryAfterMs, Math.round(base * (0.75 + 0.5 * random)));
}

function loadPending(store: KeyValueStore): Pending[] {
  const saved = readJson(store, OUTBOX_KEY);
  if (!Array.isArray(saved)) return [];
  return saved.filter(
    (entry): entry is Pending =>
      isRecord(entry) && typeof entry.attempts === 'number' && isRecord(entry.payload) && typeof entry.payload.id === 'string',
  );
}

export interface OutboxOptions {
  store: KeyValueStore;
  transport: (payload: SurveyResponseInput) => Promise<Outcome>;
  onChange: (id: string, delivery: Delivery) => void;
  now?: () => number;
  random?: () => number;
}

/**
 * Submitted responses wait here, in storage, until the server confirms them, so closing the page,
 * losing the network or a busy server never loses an answer. One attempt at a time; the order of
 * submission is kept.
 */
export function createOutbox({ store, transport, onChange, now = Date.now, random = Math.random }: OutboxOptions) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight = false;
  // Memory is the source of truth (storage may refuse writes); storage lets a reload pick it up.
  const pending = loadPending(store);
  const save = () => writeJson(store, OUTBOX_KEY, pending);
  const remove = (entry: Pending) => {
    const index = pending.indexOf(entry);
    if (index >= 0) pending.splice(index, 1);
    save();
  };

  async function flush(): Promise<void> {
    if (inFlight) return;
    clearTimeout(timer);
    timer = undefined;
    inFlight = true;
    try {
      // Entries submitted while this loop runs are picked up too: each pass takes the oldest one.
      for (let entry = pending[0]; entry; entry = pending[0]) {
        const { payload } = entry;
        onChange(payload.id, { state: 'sending' });
        let outcome: Outcome;
        try {
          outcome = await transport(payload);
        } catch {
          outcome = { kind: 'retry', reason: 'offline' };
        }
        if (outcome.kind === 'retry') {
          entry.attempts += 1;
          save();
          const delay = backoffDelay(entry.attempts, random(), outcome.retryAfterMs);
          onChange(payload.id, { state: 'waiting', reason: outcome.reason, retryAt: now() + delay });
          timer = setTimeout(() => void flush(), delay);
          return;
        }
        remove(entry);
        onChange(payload.id, outcome.kind === 'sent' ? { state: 'sent' } : { state: 'rejected', code: outcome.code });
      }
    } finally {
      inFlight = false;
    }
  }

  return {
    /** Stores the response, then tries to deliver it (and anything still waiting). */
    submit(payload: SurveyResponseInput): Promise<void> {
      if (!pending.some((p) => p.payload.id === payload.id)) pending.push({ payload, attempts: 0 });
      save();
      return flush();
    },
    /** Tries again now, e.g. when the browser reports it is back online. */
    flush,
    /** The waiting response for a survey code, if one was submitted and not yet confirmed. */
    pendingFor(code: string): SurveyResponseInput | undefined {
      return pending.find((p) => p.payload.code === code)?.payload;
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
