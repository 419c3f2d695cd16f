import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { silentLogger } from '../log.js';
import { readCounts } from '../rollups/index.js';
import { seedDemo } from '../seed/index.js';
import { tempDir, testConfig } from '../testing/harness.js';
import { createTestDatabase, startTestPostgres, type TestPostgres } from '../testing/postgres.js';
import { copySqliteToPostgres } from './copy.js';
import { openPostgres, openSqlite } from '../db/database.js';
import { migrate } from '../db/migrate.js';

/**
 * Runs against TEST_DATABASE_URL under `npm run test:pg`, and otherwise against a throwaway
 * PostgreSQL it starts itself: the copy is only meaningful with both engines present.
 */
let server: TestPostgres | undefined;
let adminUrl: string;
beforeAll(async () => {
  if (process.env.TEST_DATABASE_URL) adminUrl = process.env.TEST_DATABASE_URL;
  else {
    server = await startTestPostgres();
    adminUrl = server.adminUrl;
  }
}, 60_000);
afterAll(async () => server?.stop());

describe('copying a SQLite deployment into PostgreSQL', () => {
  it('copies every row and gives identical scores for every unit and criterion', async () => {
    const dir = tempDir();
    const config = testConfig(dir);
    const source = openSqlite(path.join(dir, 'source.sqlite'));
    await migrate(source);
    await seedDemo({ db: source, config, clock: fixedClock('2026-11-20T03:00:00Z'), logger: silentLogger }, { responses: 3000, seed: 11, invitations: 20 });
    const created = await createTestDatabase(adminUrl);
    const target = openPostgres(created.url);
    await migrate(target);

    const report = await copySqliteToPostgres(source, target, config.scoring);

    expect(report.scoreMismatches).toEqual([]);
    for (const t of report.tables) expect(t.target, t.table).toBe(t.source);
    expect(report.tables.find((t) => t.table === 'responses')!.target).toBeGreaterThanOrEqual(3000);
    expect(report.unitsScored).toBeGreaterThan(5);
    const whole = { from: '2000-01-01', to: '2999-12-31', groupBy: 'unit' as const };
    expect(await readCounts(target.kysely, whole)).toEqual(await readCounts(source.kysely, whole));
    // The copy is a working database: the audit log continues after the copied ids.
    await target.kysely.insertInto('audit_log').values({ at: 'now', actor_label: 'test', action: 'create', entity: 'unit' }).execute();
    await expect(copySqliteToPostgres(source, target, config.scoring)).rejects.toThrow(/already has data/);
    await source.close();
    await target.close();
    await created.drop();
  }, 180_000);
});
