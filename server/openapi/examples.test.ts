import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { silentLogger } from '../log.js';
import { seedDemo, type DemoSeedResult } from '../seed/index.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';

/**
 * Every example of the OpenAPI document, sent as written to a freshly seeded demo (what `npm start`
 * seeds), as the documented caller: the demo's API key, or a session of its Giá Rai supervisor.
 * Operations run in the document's order; a path parameter without an example takes its value
 * from the links of an earlier reply (a survey point's id from the reply that created it).
 */

type Json = Record<string, unknown>;
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}
interface Operation {
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { examples?: Record<string, { value: unknown }> }> };
  responses: Record<string, { links?: Record<string, { operationId: string; parameters: Record<string, string> }> }>;
}

let t: TestContext;
let demo: DemoSeedResult;
let doc: Json;
const session = { cookie: '', csrf: '' };

/** `$response.body#/a/0/b` against a reply body. */
function resolvePointer(expression: string, body: unknown): unknown {
  const pointer = expression.replace(/^\$response\.body#/, '');
  return pointer
    .split('/')
    .slice(1)
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key.replaceAll('~1', '/').replaceAll('~0', '~')], body);
}

async function signIn(username: string, password: string): Promise<void> {
  const login = await t.app.request('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: t.config.publicBaseUrl },
    body: JSON.stringify({ username, password }),
  });
  expect(login.status).toBe(200);
  session.cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const info = (await login.json()) as { csrfToken: string; pending: string | null };
  session.csrf = info.csrfToken;
  // Seeded passwords are printed once and must be changed at the first sign-in.
  if (info.pending === 'password_change') {
    const changed = await t.app.request('/api/auth/password', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: session.cookie, 'x-csrf-token': session.csrf },
      body: JSON.stringify({ currentPassword: password, newPassword: 'a-new-and-long-password' }),
    });
    expect(changed.status).toBe(200);
  }
  const state = (await (await t.app.request('/api/auth/session', { headers: { cookie: session.cookie } })).json()) as { session: { pending: string | null } | null };
  expect(state.session?.pending ?? null).toBeNull();
}

beforeAll(async () => {
  t = await makeTestApp({ env: { PUBLIC_BASE_URL: 'http://localhost:3000' } });
  const deps: Deps = { db: t.db, config: t.config, clock: t.clock, logger: silentLogger };
  demo = await seedDemo(deps, { responses: 200, seed: 20250701, invitations: 20 });
  const supervisor = demo.accounts.find((a) => a.username === 'giarai.giamsat')!;
  await signIn(supervisor.username, supervisor.password);
  doc = (await (await t.app.request('/api/openapi.json')).json()) as Json;
}, 120_000);
afterAll(() => t.cleanup());

describe('the OpenAPI examples on a freshly seeded demo', () => {
  it('every request example answers 2xx, in document order, as the documented caller', async () => {
    const linked = new Map<string, Record<string, unknown>>();
    const sent: string[] = [];
    const failures: string[] = [];
    for (const [template, item] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
      for (const [method, op] of Object.entries(item)) {
        const params = op.parameters ?? [];
        const valuesOf = (p: Parameter): unknown[] => {
          if (p.examples) return Object.values(p.examples).map((e) => e.value);
          if (p.example !== undefined) return [p.example];
          const fromLink = linked.get(op.operationId)?.[p.name];
          return fromLink === undefined ? [] : [fromLink];
        };
        const missing = params.filter((p) => p.required && valuesOf(p).length === 0);
        if (missing.length) {
          failures.push(`${op.operationId}: no example or link for ${missing.map((p) => p.name).join(', ')}`);
          continue;
        }
        const bodies = Object.entries(op.requestBody?.content['application/json']?.examples ?? {});
        const variants = Math.max(1, bodies.length, ...params.map((p) => valuesOf(p).length));
        for (let i = 0; i < variants; i++) {
          const pick = (p: Parameter) => {
            const values = valuesOf(p);
            return values[Math.min(i, values.length - 1)];
          };
          let path = template;
          const query = new URLSearchParams();
          for (const p of params) {
            const value = pick(p);
            if (value === undefined) continue;
            if (p.in === 'path') path = path.replace(`{${p.name}}`, encodeURIComponent(String(value)));
            if (p.in === 'query') query.set(p.name, String(value));
          }
          const url = `${path}${query.size ? `?${query}` : ''}`;
          const body = bodies.length ? bodies[Math.min(i, bodies.length - 1)]![1].value : undefined;
          const schemes = new Set((op.security ?? []).flatMap((s) => Object.keys(s)));
          const headers: Record<string, string> = { accept: 'application/json' };
          if (body !== undefined) headers['content-type'] = 'application/json';
          if (schemes.has('apiKey')) headers.authorization = `Bearer ${demo.apiKey}`;
          if (schemes.has('session')) Object.assign(headers, { cookie: session.cookie, 'x-csrf-token': session.csrf });
          const res = await t.app.request(url, { method: method.toUpperCase(), headers, ...(body !== undefined && { body: JSON.stringify(body) }) });
          const text = await res.text();
          sent.push(`${method.toUpperCase()} ${url} → ${res.status}`);
          if (res.status < 200 || res.status >= 300) {
            failures.push(`${op.operationId} ${method.toUpperCase()} ${url} → ${res.status} ${text.slice(0, 200)}`);
            continue;
          }
          const reply: unknown = (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
          for (const link of Object.values(op.responses[String(res.status)]?.links ?? {})) {
            const values = linked.get(link.operationId) ?? {};
            for (const [name, expression] of Object.entries(link.parameters)) values[name] = resolvePointer(expression, reply);
            linked.set(link.operationId, values);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    // Every operation of the document was exercised, the survey-point ones through their links.
    const operations = Object.values(doc.paths as Record<string, Record<string, Operation>>).flatMap((i) => Object.keys(i));
    expect(sent.length).toBeGreaterThanOrEqual(operations.length);
    expect(sent.filter((s) => s.includes('/api/admin/survey-points/')).length).toBeGreaterThanOrEqual(8);
  });
});
