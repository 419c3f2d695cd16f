import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DossierState } from '../../schema/dossiers.js';
import type { Deps } from '../deps.js';
import { silentLogger } from '../log.js';
import { seedDemo } from '../seed/index.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { EXAMPLE_DOSSIER_CODE } from './document.js';

type Json = Record<string, unknown>;
type Operation = { requestBody: { content: Record<string, { examples: Record<string, { value: unknown }> }> } };

/**
 * The dossier examples of the OpenAPI document, sent as written with the demo's own API key (the
 * key `npm start` prints): each succeeds, in the order an integrator would send them.
 */
let t: TestContext;
let doc: Json;
let apiKey: string;

beforeAll(async () => {
  t = await makeTestApp();
  const deps: Deps = { db: t.db, config: t.config, clock: t.clock, logger: silentLogger };
  apiKey = (await seedDemo(deps, { responses: 0, seed: 1, invitations: 0 })).apiKey;
  doc = (await (await t.app.request('/api/openapi.json')).json()) as Json;
}, 60_000);
afterAll(() => t.cleanup());

const operation = (path: string, method: string) => (doc.paths as Record<string, Record<string, Operation>>)[path]![method]!;
const example = (op: Operation, name: string) => op.requestBody.content['application/json']!.examples[name]!.value;

async function send(method: string, path: string, body: unknown) {
  const res = await t.app.request(path, { method, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as unknown };
}

describe('the dossier examples work on the demo', () => {
  it('issue with facts, PATCH at return, PATCH a complaint, PUT unit scores', async () => {
    expect((await send('POST', '/api/v1/invitations', example(operation('/api/v1/invitations', 'post'), 'withFacts'))).status).toBe(201);
    const patch = operation('/api/v1/dossiers/{dossierCode}', 'patch');
    const path = `/api/v1/dossiers/${encodeURIComponent(EXAMPLE_DOSSIER_CODE)}`;
    const returned = await send('PATCH', path, example(patch, 'atReturn'));
    expect(returned.status).toBe(200);
    const documented = (patch as unknown as { responses: Record<string, { content: Record<string, { examples: Record<string, { value: DossierState }> }> }> }).responses['200']!
      .content['application/json']!.examples.updated!.value;
    expect(returned.body).toEqual(documented);
    const complaint = await send('PATCH', path, example(patch, 'complaint'));
    expect(complaint).toMatchObject({ status: 200, body: { facts: { complaints: [{ substantiated: false }] } } });
    expect((await send('PUT', '/api/v1/unit-indicators', example(operation('/api/v1/unit-indicators', 'put'), 'quarter'))).status).toBe(200);
  });
});
