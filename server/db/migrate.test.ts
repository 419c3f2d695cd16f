import { spawn } from 'node:child_process';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { assertDurable, DurabilityError, openPostgres, openSqlite, type AppDatabase } from './database.js';
import { currentVersion, migrate, MIGRATIONS, type Migration } from './migrate.js';
import { tempDir } from '../testing/harness.js';
import { createTestDatabase } from '../testing/postgres.js';

/** A fresh, unmigrated database on the engine under test: a temp SQLite file, or PostgreSQL under test:pg. */
async function freshTarget(): Promise<{ target: string; open(): AppDatabase }> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    const { url } = await createTestDatabase(adminUrl);
    return { target: url, open: () => openPostgres(url) };
  }
  const file = path.join(tempDir(), 'db.sqlite');
  return { target: file, open: () => openSqlite(file) };
}

async function tableNames(db: AppDatabase): Promise<string[]> {
  const query =
    db.dialect === 'sqlite'
      ? sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`
      : sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public' order by table_name`;
  return (await query.execute(db.kysely)).rows.map((r) => r.name);
}

describe('migrations', () => {
  it('are idempotent: a second run applies nothing and changes nothing', async () => {
    const db = (await freshTarget()).open();
    expect(await migrate(db)).toBe(MIGRATIONS.length);
    const before = await tableNames(db);
    expect(await migrate(db)).toBe(0);
    expect(await tableNames(db)).toEqual(before);
    expect(await currentVersion(db)).toBe(MIGRATIONS.at(-1)!.version);
    await db.close();
  });

  it('survive processes starting at once: each migration applied exactly once', async () => {
    const { target, open } = await freshTarget();
    const script = path.resolve(import.meta.dirname, '../testing/migrate-once.ts');
    const run = () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, target], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (err += d));
        child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(err))));
      });
    const results = await Promise.all([run(), run(), run()]);
    const applied = results.map(Number).reduce((a, b) => a + b, 0);
    expect(applied).toBe(MIGRATIONS.length);
    const db = open();
    const rows = await db.kysely.selectFrom('schema_migrations').selectAll().execute();
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    await db.close();
  });

  it('keep device marks out of the durable log: TEMP on SQLite, UNLOGGED on PostgreSQL', async () => {
    const db = (await freshTarget()).open();
    await migrate(db);
    if (db.dialect === 'sqlite') {
      expect(await tableNames(db)).not.toContain('device_marks');
      const temp = await sql<{ name: string }>`select name from temp.sqlite_master where type = 'table'`.execute(db.kysely);
      expect(temp.rows.map((r) => r.name)).toContain('device_marks');
    } else {
      const table = await sql<{ persistence: string }>`
        select relpersistence as persistence from pg_class where relname = 'device_marks'`.execute(db.kysely);
      expect(table.rows).toEqual([{ persistence: 'u' }]);
    }
    await db.close();
  });

  // SQLite only: the TEMP table that shadowed the durable one exists only there.
  it.skipIf(process.env.TEST_DATABASE_URL)('remove the durable device_marks that the first release of migration 005 left behind', async () => {
    const db = (await freshTarget()).open();
    const before7 = MIGRATIONS.filter((m) => m.version < 7);
    await migrate(db, before7);
    await sql`create table main.device_marks (mark_hash text, survey_point_id text, hour_bucket text, n integer)`.execute(db.kysely);
    expect(await tableNames(db)).toContain('device_marks');
    expect(await migrate(db)).toBe(MIGRATIONS.length - before7.length);
    expect(await tableNames(db)).not.toContain('device_marks');
    await db.close();
  });

  it('roll back a failing migration completely and keep the previous version', async () => {
    const db = (await freshTarget()).open();
    await migrate(db);
    const version = await currentVersion(db);
    const broken: Migration = {
      version: version + 1,
      name: 'broken',
      up: async (k) => {
        await sql`create table half_done (x integer)`.execute(k);
        await sql`insert into no_such_table values (1)`.execute(k);
      },
    };
    await expect(migrate(db, [...MIGRATIONS, broken])).rejects.toThrow(/no_such_table/);
    expect(await currentVersion(db)).toBe(version);
    expect(await tableNames(db)).not.toContain('half_done');
    await db.close();
  });
});

describe('durability pragmas', () => {
  it('opens in WAL with synchronous=FULL and foreign keys on', () => {
    const db = openSqlite(path.join(tempDir(), 'db.sqlite'));
    expect(db.sqlite!.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.sqlite!.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.sqlite!.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(Number(db.sqlite!.pragma('busy_timeout', { simple: true }))).toBeGreaterThan(0);
  });

  it('refuses to run when synchronous is not FULL', () => {
    const raw = new BetterSqlite3(path.join(tempDir(), 'db.sqlite'));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    expect(() => assertDurable(raw)).toThrow(DurabilityError);
    raw.pragma('synchronous = FULL');
    expect(() => assertDurable(raw)).not.toThrow();
  });

  it('keeps the audit log append-only in the database itself', async () => {
    const db = openSqlite(path.join(tempDir(), 'db.sqlite'));
    await migrate(db);
    await db.kysely
      .insertInto('audit_log')
      .values({ at: 'x', actor_label: 'test', action: 'create', entity: 'unit' })
      .execute();
    await expect(db.kysely.updateTable('audit_log').set({ action: 'edited' }).execute()).rejects.toThrow(/append-only/);
    await expect(db.kysely.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
    await db.close();
  });
});
