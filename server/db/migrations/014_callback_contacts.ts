import type { Kysely } from 'kysely';

/**
 * Call-back with consent (issue 18): a survey point may offer it (callback_offered), and a citizen's
 * phone number or e-mail lives in callback_contacts, apart from the hash-chained answer it belongs
 * to (one per answer), sealed with AES-256-GCM (`sealed`; the clear value is never stored). The case
 * it opened decides who reads it and when it is deleted.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('survey_points').addColumn('callback_offered', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema
    .createTable('callback_contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('response_id', 'text', (c) => c.notNull().unique())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('consent_version', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('callback_contacts_case').on('callback_contacts').column('case_id').execute();
}
