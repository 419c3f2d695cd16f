import type { Permission } from '../../schema/admin.js';

/**
 * What a route declares about who may call it. Every /api/admin, /api/auth and /api/v1 route
 * carries one of these in its own handler chain (requirePermission, requireSession, requireApiKey,
 * publicRoute); the authorization matrix test walks app.routes and fails on a route without one.
 */
export type RouteGuard =
  | { kind: 'public' }
  | { kind: 'session' }
  | { kind: 'permission'; permission: Permission }
  | { kind: 'apiKey' };

const GUARDS = new WeakMap<object, RouteGuard>();

/** Hono keeps the original handler here when a sub-app with its own error handler is mounted. */
const COMPOSED_HANDLER = '__COMPOSED_HANDLER';

export function declareGuard<H extends (...args: never[]) => unknown>(handler: H, guard: RouteGuard): H {
  GUARDS.set(handler, guard);
  return handler;
}

export function guardOf(handler: unknown): RouteGuard | undefined {
  let current: unknown = handler;
  while (typeof current === 'function') {
    const guard = GUARDS.get(current);
    if (guard) return guard;
    current = (current as unknown as Record<string, unknown>)[COMPOSED_HANDLER];
  }
  return undefined;
}

export interface DeclaredRoute {
  method: string;
  path: string;
  guards: RouteGuard[];
}

export const GUARDED_PREFIXES = ['/api/admin/', '/api/auth/', '/api/v1/'] as const;

/**
 * Every concrete route under the guarded prefixes, with the guards found in its own handler chain
 * (app-wide `use` middleware is not counted: a route must declare its own permission).
 */
export function declaredRoutes(
  app: { routes: readonly { method: string; path: string; handler: unknown }[] },
  prefixes: readonly string[] = GUARDED_PREFIXES,
): DeclaredRoute[] {
  const byKey = new Map<string, DeclaredRoute>();
  for (const r of app.routes) {
    if (!prefixes.some((p) => r.path.startsWith(p))) continue;
    if (r.method === 'ALL' && r.path.endsWith('*')) continue;
    const key = `${r.method} ${r.path}`;
    const entry = byKey.get(key) ?? { method: r.method, path: r.path, guards: [] };
    const guard = guardOf(r.handler);
    if (guard) entry.guards.push(guard);
    byKey.set(key, entry);
  }
  return [...byKey.values()];
}
