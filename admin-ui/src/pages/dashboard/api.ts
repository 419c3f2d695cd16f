import { useEffect, useState } from 'preact/hooks';
import type { ErrorBody } from '../../../../schema/errors.js';
import { ApiError } from '../../api.js';

/** GET a dashboard endpoint (same origin, session cookie); read-only, so no CSRF token is needed. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' }, ...(signal && { signal }) });
  const text = await res.text();
  if (!res.ok) {
    let code = `http_${res.status}`;
    let message = res.statusText;
    try {
      const body = JSON.parse(text) as ErrorBody;
      code = body.error.code;
      message = body.error.message;
    } catch {
      // not the error shape
    }
    throw new ApiError(res.status, code, message);
  }
  return JSON.parse(text) as T;
}

export type Loaded<T> = { state: 'loading'; data?: T } | { state: 'ready'; data: T } | { state: 'error'; error: ApiError };

/** Loads a path, keeping the previous data on screen while the next one loads; aborts stale calls. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    if (path === null) return;
    const abort = new AbortController();
    setLoaded((prev) => ({ state: 'loading', ...(prev.state !== 'error' && prev.data !== undefined && { data: prev.data }) }));
    getJson<T>(path, abort.signal).then(
      (data) => setLoaded({ state: 'ready', data }),
      (err: unknown) => {
        if (abort.signal.aborted) return;
        setLoaded({ state: 'error', error: err instanceof ApiError ? err : new ApiError(0, 'network', String(err)) });
      },
    );
    return () => abort.abort();
  }, [path]);
  return loaded;
}
