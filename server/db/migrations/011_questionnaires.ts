import { sql, type Kysely } from 'kysely';

/**
 * Questionnaires a province writes itself (TT 01/2018/TT-VPCP Art. 12): each instrument version gets
 * an owner (the province whose officers edit it; null for the built-in ones every province may use)
 * and a status. A 'draft' is edited in place and never served to citizens; a 'published' version is
 * frozen, so every stored answer stays explainable by the exact questions it answered. Every version
 * that exists before this migration was published.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('instruments').addColumn('owner_unit_id', 'text').execute();
  await db.schema.alterTable('instruments').addColumn('status', 'text', (c) => c.notNull().defaultTo('published')).execute();
  await db.schema.alterTable('instruments').addColumn('updated_at', 'text').execute();
  await db.schema.alterTable('instruments').addColumn('published_at', 'text').execute();
  await sql`update instruments set updated_at = created_at, published_at = created_at`.execute(db);
  await db.schema.createIndex('instruments_owner').on('instruments').columns(['owner_unit_id', 'code']).execute();
}
