import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorBody } from '../../schema/errors.js';
import { createApp } from '../app.js';
import { fixedClock } from '../clock.js';
import type { Config } from '../config.js';
import { openSqlite, type AppDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { createIntake, type Intake } from '../intake/intake.js';
import { silentLogger } from '../log.js';
import { rebuildRollups } from '../rollups/index.js';
import { aResponse, aSite, postJson, type TestSite } from '../testing/builders.js';
import { tempDir, testConfig } from '../testing/harness.js';
import { rollupRows } from '../testing/durability.js';

/**
 * Storage faults through the real app on a real SQLite file: a read-only database, a full disk and
 * a write lock held past busy_timeout. Each must answer 503 storage_unavailable with Retry-After,
 * store nothing of the failed batch, damage nothing stored, and recover once the fault clears.
 */

interface Ctx {
  dir: string;
  config: Config;
  db: AppDatabase;
  sqlite: BetterSqlite3.Database;
  intake: Intake;
  app: ReturnType<typeof createApp>;
  site: TestSite;
}

let t: Ctx;
beforeEach(async () => {
  const dir = tempDir('sipas-faults-');
  // Distinct answers from one test client would otherwise be flagged as one device's burst.
  const config = testConfig(dir, { DEVICE_LIMIT_PER_HOUR: '1000' });
  const db = openSqlite(config.databaseFile, { busyTimeoutMs: 300 });
  await migrate(db);
  const clock = fixedClock('2026-11-20T03:00:00Z');
  const deps = { db, config, clock, logger: silentLogger };
  const intake = createIntake(deps);
  const app = createApp({ ...deps, intake, ui: {} });
  t = { dir, config, db, sqlite: db.sqlite!, intake, app, site: await aSite(db, clock) };
});
afterEach(async () => {
  await t.db.close();
  rmSync(t.dir, { recursive: true, force: true });
});

const submit = (id: string = randomUUID()) => t.app.request(...postJson('/api/responses', aResponse(t.site.surveyCode, { id })));

async function submitAll(ids: string[]): Promise<Response[]> {
  return Promise.all(ids.map((id) => submit(id)));
}

const newIds = (n: number) => Array.from({ length: n }, () => randomUUID());

async function storedIds(): Promise<Set<string>> {
  return new Set((await t.db.kysely.selectFrom('responses').select('id').execute()).map((r) => r.id));
}

function integrity(): string {
  return (t.sqlite.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
}

async function expectStorageUnavailable(res: Response): Promise<void> {
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('5');
  expect(ErrorBody.parse(await res.json()).error.code).toBe('storage_unavailable');
}

/** Rollups equal a rebuild from the stored responses: no batch left counts without its rows. */
async function expectRollupsMatchResponses(): Promise<void> {
  const incremental = await rollupRows(t.db.kysely);
  await rebuildRollups(t.db);
  expect(await rollupRows(t.db.kysely)).toEqual(incremental);
}

async function storeSome(n: number): Promise<string[]> {
  const ids = newIds(n);
  for (const res of await submitAll(ids)) expect(res.status).toBe(201);
  return ids;
}

describe('storage faults', () => {
  it('a read-only database answers 503 with Retry-After, keeps what is stored, and recovers', async () => {
    await storeSome(5);
    const before = { ids: await storedIds(), rollups: await rollupRows(t.db.kysely) };

    t.sqlite.pragma('query_only = ON');
    const refused = newIds(10);
    for (const res of await submitAll(refused)) await expectStorageUnavailable(res);
    expect(await storedIds()).toEqual(before.ids);
    expect(await rollupRows(t.db.kysely)).toEqual(before.rollups);
    expect(integrity()).toBe('ok');

    t.sqlite.pragma('query_only = OFF');
    for (const res of await submitAll(refused)) expect(res.status).toBe(201);
    expect((await storedIds()).size).toBe(before.ids.size + 10);
    await expectRollupsMatchResponses();
  });

  it('a full disk fails whole batches only, damages nothing, and recovers when space returns', async () => {
    await storeSome(5);
    const limit = t.sqlite.pragma('max_page_count', { simple: true }) as number;
    // The database may not grow by a single page: the first batch that needs one fails with SQLITE_FULL.
    t.sqlite.pragma(`max_page_count = ${t.sqlite.pragma('page_count', { simple: true }) as number}`);

    const acknowledged: string[] = [];
    const refused: string[] = [];
    for (let round = 0; round < 50 && refused.length === 0; round++) {
      const ids = newIds(10);
      const answers = await submitAll(ids);
      for (const [i, res] of answers.entries()) {
        if (res.status === 201) acknowledged.push(ids[i]!);
        else {
          await expectStorageUnavailable(res);
          refused.push(ids[i]!);
        }
      }
    }
    expect(refused.length).toBeGreaterThan(0);
    const stored = await storedIds();
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    expect(refused.filter((id) => stored.has(id))).toEqual([]);
    expect(stored.size).toBe(5 + acknowledged.length);
    expect(integrity()).toBe('ok');

    t.sqlite.pragma(`max_page_count = ${limit}`);
    for (const res of await submitAll(refused)) expect(res.status).toBe(201);
    expect((await storedIds()).size).toBe(5 + acknowledged.length + refused.length);
    await expectRollupsMatchResponses();
    expect(integrity()).toBe('ok');
  });

  it('a write lock held past busy_timeout answers 503 while reads go on, and recovers when released', async () => {
    await storeSome(5);
    const before = await storedIds();
    const other = new BetterSqlite3(t.config.databaseFile);
    try {
      other.exec('BEGIN EXCLUSIVE');
      const refused = newIds(5);
      for (const res of await submitAll(refused)) await expectStorageUnavailable(res);
      // WAL readers are not blocked by the writer: the survey page still loads.
      expect((await t.app.request(`/api/survey/${t.site.surveyCode}`)).status).toBe(200);
      expect(await storedIds()).toEqual(before);
      other.exec('ROLLBACK');

      for (const res of await submitAll(refused)) expect(res.status).toBe(201);
      expect((await storedIds()).size).toBe(before.size + 5);
    } finally {
      other.close();
    }
    await expectRollupsMatchResponses();
    expect(integrity()).toBe('ok');
  });

  it('a batch that fails half-way leaves no rows and the group committer keeps committing afterwards', async () => {
    await storeSome(3);
    // Fail the batch after its responses are inserted, when the rollups are written.
    t.sqlite.exec(`CREATE TEMP TRIGGER fail_rollups BEFORE INSERT ON rollup_fine BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`);
    const refused = newIds(20);
    const answers = await submitAll(refused);
    expect(answers.every((r) => r.status >= 500)).toBe(true);
    expect((await storedIds()).size).toBe(3);
    t.sqlite.exec('DROP TRIGGER fail_rollups');
    for (const res of await submitAll(refused)) expect(res.status).toBe(201);
    expect((await storedIds()).size).toBe(23);
    await expectRollupsMatchResponses();
  });

  it('refuses submissions with 503 and Retry-After once shutdown has begun', async () => {
    await t.intake.close();
    const id = randomUUID();
    await expectStorageUnavailable(await submit(id));
    expect((await storedIds()).has(id)).toBe(false);
  });
});
