import { sql, type Kysely, type SqlBool } from 'kysely';

/**
 * Review of suspect answers: why the intake flagged one (suspect_reason), and a supervisor's decision
 * (review: 'accepted', back in the scores with suspect = 0; 'rejected', kept out). A partial index
 * holds only answers ever flagged (a fraction of a percent), so the review list never scans the
 * responses table and unflagged submissions do not write it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('responses').addColumn('suspect_reason', 'text').execute();
  await db.schema.alterTable('responses').addColumn('review', 'text').execute();
  await db.schema.alterTable('responses').addColumn('reviewed_at', 'text').execute();
  await db.schema
    .createIndex('responses_flagged')
    .on('responses')
    .columns(['unit_id', 'submitted_at'])
    .where(sql<SqlBool>`suspect = 1 or review is not null`)
    .execute();
}
