import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { openPostgres } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { loadServerProcess, type ServerProcess } from '../testing/server-process.js';
import { newId } from '../ids.js';
import { silentLogger } from '../log.js';
import { aSite } from '../testing/builders.js';
import { tempDir, testConfig } from '../testing/harness.js';
import { createTestDatabase, startTestPostgres, type TestPostgres } from '../testing/postgres.js';
import { issueInvitation } from './issue.js';

/**
 * Several app servers behind a load balancer share one PostgreSQL: a single-use invitation must
 * stay single-use across processes. Uses TEST_DATABASE_URL under test:pg, else its own server.
 */
let pg: TestPostgres | undefined;
let adminUrl: string;
beforeAll(async () => {
  adminUrl = process.env.TEST_DATABASE_URL ?? (pg = await startTestPostgres()).adminUrl;
}, 60_000);
afterAll(async () => pg?.stop());

describe('two app servers on one PostgreSQL', () => {
  it('accept exactly one of 50 parallel submissions of one invitation token', async () => {
    const database = await createTestDatabase(adminUrl);
    const secret = randomBytes(32).toString('base64url');
    const env = { DATABASE_URL: database.url, SERVER_SECRET: secret };
    const config = testConfig(tempDir(), env);
    const db = openPostgres(database.url);
    await migrate(db);
    const clock = fixedClock(new Date().toISOString());
    const site = await aSite(db, clock);
    const unit = await db.kysely.selectFrom('units').select(['id', 'path']).where('id', '=', site.centreId).executeTakeFirstOrThrow();
    const deps = { db, config, clock, logger: silentLogger };
    const invitation = await issueInvitation(deps, { id: newId(), unitId: unit.id, unitPath: unit.path }, { dossierCode: 'HS-0001', counterCode: 'Q1' });
    const token = invitation.url.slice(invitation.url.lastIndexOf('/') + 1);

    const servers: ServerProcess[] = [];
    for (let i = 0; i < 2; i++) servers.push(await (await loadServerProcess({ dataDir: tempDir(), env })).start());
    try {
      const statuses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          fetch(`${servers[i % 2]!.url}/api/responses`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ id: randomUUID(), code: token, instrumentId: 'QUAY@1', answers: { 'QUAY.ALL': 5 }, lang: 'vi', kiosk: false }),
          }).then(async (r) => `${r.status} ${r.status === 201 ? 'accepted' : ((await r.json()) as { error: { code: string } }).error.code}`),
        ),
      );
      const tally = statuses.reduce<Record<string, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});
      expect(tally).toEqual({ '201 accepted': 1, '409 invitation_used': 49 });
      const stored = await db.kysely.selectFrom('responses').select('id').where('invitation_id', 'is not', null).execute();
      expect(stored).toHaveLength(1);

      // The hourly device limit is counted in the database, so it holds across servers too.
      const marked = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          fetch(`${servers[i % 2]!.url}/api/responses`, {
            method: 'POST',
            // Its own user agent: the invitation answer above came from this address to the same point.
            headers: { 'content-type': 'application/json', 'user-agent': 'phone-b' },
            body: JSON.stringify({ id: randomUUID(), code: site.surveyCode, instrumentId: 'QUAY@1', answers: { 'QUAY.ALL': 4 }, deviceMark: 'one-phone' }),
          }).then((r) => r.status),
        ),
      );
      expect(marked.every((status) => status === 201)).toBe(true);
      const flags = await db.kysely.selectFrom('responses').select('suspect').where('survey_point_id', '=', site.surveyPointId).where('invitation_id', 'is', null).execute();
      expect(flags.filter((f) => f.suspect === 0)).toHaveLength(config.deviceLimitPerHour);
      expect(flags.filter((f) => f.suspect === 1)).toHaveLength(20 - config.deviceLimitPerHour);
    } finally {
      for (const s of servers) {
        s.child.kill('SIGTERM');
        await s.exited;
      }
      await db.close();
      await database.drop();
    }
  }, 180_000);
});
