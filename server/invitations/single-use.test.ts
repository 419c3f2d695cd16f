import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvitationIssued } from '../../schema/invitations.js';
import { insertApiKey } from '../apikeys/keys.js';
import { aResponse, aSite, postJson, type TestSite } from '../testing/builders.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';

let t: TestContext;
let site: TestSite;

type Submit = (body: unknown) => Response | Promise<Response>;

async function issueToken(): Promise<string> {
  const { key } = await t.db.write((tx) =>
    insertApiKey(tx, { unitId: site.centreId, name: 'Một cửa', createdBy: null, at: t.clock.now() }),
  );
  const res = await t.app.request(
    ...postJson('/api/v1/invitations', { dossierCode: 'H96-261120-0001', counterCode: 'Q1' }, { authorization: `Bearer ${key}` }),
  );
  expect(res.status).toBe(201);
  return InvitationIssued.parse(await res.json()).url.split('/s/')[1]!;
}

/** Fires 50 submissions with one token at once and tallies "status outcome". */
async function fiftyAtOnce(submit: Submit): Promise<Record<string, number>> {
  const token = await issueToken();
  const results = await Promise.all(
    Array.from({ length: 50 }, async () => {
      const res = await submit(aResponse(token));
      const body = (await res.json()) as { status?: string; error?: { code: string } };
      return `${res.status} ${body.status ?? body.error?.code}`;
    }),
  );
  return results.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r]: (acc[r] ?? 0) + 1 }), {});
}

async function expectOneStoredResponse(): Promise<void> {
  const stored = await t.db.kysely.selectFrom('responses').select(['id', 'invitation_id']).execute();
  const invitation = await t.db.kysely.selectFrom('invitations').select(['id', 'used_at', 'response_id']).executeTakeFirstOrThrow();
  expect(stored).toEqual([{ id: invitation.response_id, invitation_id: invitation.id }]);
  expect(invitation.used_at).not.toBeNull();
}

beforeEach(async () => {
  t = await makeTestApp();
  site = await aSite(t.db, t.clock);
});
afterEach(() => t.cleanup());

describe('a single-use invitation under concurrent submissions', () => {
  it('in-process (all 50 pass the code check before any commits): exactly 1 accepted, 49 invitation_used', async () => {
    const tally = await fiftyAtOnce((body) => t.app.request(...postJson('/api/responses', body)));
    expect(tally).toEqual({ '201 accepted': 1, '409 invitation_used': 49 });
    await expectOneStoredResponse();
  });

  it('over HTTP on a real port: exactly 1 accepted, 49 invitation_used', async () => {
    const server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const tally = await fiftyAtOnce((body) =>
        fetch(`${base}/api/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      );
      expect(tally).toEqual({ '201 accepted': 1, '409 invitation_used': 49 });
      await expectOneStoredResponse();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
