import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** The admin lives under /admin/; in-app paths are written without it ('/units/abc'). */
export const BASE = '/admin';

export interface Location {
  /** Path inside the admin, always starting with '/'. */
  path: string;
  query: URLSearchParams;
}

function current(): Location {
  const raw = window.location.pathname;
  const inside = raw.startsWith(BASE) ? raw.slice(BASE.length) : raw;
  return { path: inside.replace(/\/+$/, '') || '/', query: new URLSearchParams(window.location.search) };
}

export function href(path: string): string {
  return `${BASE}${path === '/' ? '/' : path}`;
}

/**
 * Moves to an in-app path without reloading. A popstate event is sent too, so views that follow
 * the address bar themselves (the dashboards) see the change.
 */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = new URL(to.startsWith(BASE) ? to : href(to), window.location.href);
  if (url.pathname + url.search === window.location.pathname + window.location.search) return;
  if (options.replace) window.history.replaceState(null, '', url.pathname + url.search);
  else window.history.pushState(null, '', url.pathname + url.search);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const onPop = () => setLocation(current());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  return location;
}

/** '/units/:id' against '/units/abc' → { id: 'abc' }; undefined when it does not match. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = decodeURIComponent(got[i]!);
    if (w.startsWith(':')) params[w.slice(1)] = g;
    else if (w !== g) return undefined;
  }
  return params;
}

/** An in-app link: a real href (new tab, copy link) that navigates without a reload. */
export function Link(props: { to: string; children: ComponentChildren; class?: string; current?: boolean; label?: string }) {
  return (
    <a
      href={href(props.to)}
      class={props.class}
      aria-current={props.current ? 'page' : undefined}
      aria-label={props.label}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}
