import { sql, type Kysely } from 'kysely';
import type { AppDatabase, Dialect } from './database.js';
import type { Database } from './types.js';
import * as m001 from './migrations/001_initial.js';
import * as m002 from './migrations/002_rollups_without_rowid.js';
import * as m004 from './migrations/004_survey_point_lookups.js';
import * as m005 from './migrations/005_device_marks_unlogged.js';
import * as m006 from './migrations/006_responses_by_day_and_time.js';
import * as m007 from './migrations/007_drop_durable_device_marks.js';
import * as m008 from './migrations/008_sign_in_hardening.js';
import * as m009 from './migrations/009_suspect_review.js';
import * as m010 from './migrations/010_dossier_facts_and_answer_chain.js';
import * as m011 from './migrations/011_questionnaires.js';
import * as m012 from './migrations/012_alerts_and_cases.js';
import * as m013 from './migrations/013_notifications.js';
import * as m014 from './migrations/014_callback_contacts.js';
import * as m015 from './migrations/015_alert_marks.js';

export interface Migration {
  version: number;
  name: string;
  up(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
}

/** Numbered migrations, applied in order; a new one is appended here and never edited once released. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', up: m001.up },
  { version: 2, name: 'rollups_without_rowid', up: m002.up },
  { version: 4, name: 'survey_point_lookups', up: m004.up },
  { version: 5, name: 'device_marks_unlogged', up: m005.up },
  { version: 6, name: 'responses_by_day_and_time', up: m006.up },
  { version: 7, name: 'drop_durable_device_marks', up: m007.up },
  { version: 8, name: 'sign_in_hardening', up: m008.up },
  { version: 9, name: 'suspect_review', up: m009.up },
  { version: 10, name: 'dossier_facts_and_answer_chain', up: m010.up },
  { version: 11, name: 'questionnaires', up: m011.up },
  { version: 12, name: 'alerts_and_cases', up: m012.up },
  { version: 13, name: 'notifications', up: m013.up },
  { version: 14, name: 'callback_contacts', up: m014.up },
  { version: 15, name: 'alert_marks', up: m015.up },
];

/**
 * Applies pending migrations, each in its own write transaction together with its record, so a
 * failing migration leaves the previous version intact and two processes starting at once apply
 * each migration exactly once (the second waits for the write lock, then sees it recorded).
 */
export async function migrate(db: AppDatabase, migrations: readonly Migration[] = MIGRATIONS): Promise<number> {
  await db.write(async (tx) => {
    await lockMigrations(db, tx);
    await tx.schema
      .createTable('schema_migrations')
      .ifNotExists()
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('applied_at', 'text', (c) => c.notNull())
      .execute();
  });
  let applied = 0;
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    const didApply = await db.write(async (tx) => {
      await lockMigrations(db, tx);
      const done = await tx
        .selectFrom('schema_migrations')
        .select('version')
        .where('version', '=', migration.version)
        .executeTakeFirst();
      if (done) return false;
      await migration.up(tx as unknown as Kysely<unknown>, db.dialect);
      await tx
        .insertInto('schema_migrations')
        .values({ version: migration.version, name: migration.name, applied_at: new Date().toISOString() })
        .execute();
      return true;
    });
    if (didApply) applied++;
  }
  return applied;
}

/**
 * SQLite's BEGIN IMMEDIATE already serialises migrating processes; PostgreSQL transactions do not
 * block each other on DDL in the same way, so take a transaction-scoped advisory lock there.
 */
async function lockMigrations(db: AppDatabase, tx: Kysely<Database>): Promise<void> {
  if (db.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(tx);
}

/** Any fixed number shared by every process of the platform ("SIPAS" in ASCII). */
const MIGRATION_LOCK_KEY = 0x5349504153;

export async function currentVersion(db: AppDatabase): Promise<number> {
  const row = await db.kysely
    .selectFrom('schema_migrations')
    .select(sql<number>`max(version)`.as('v'))
    .executeTakeFirst();
  return row?.v ?? 0;
}
