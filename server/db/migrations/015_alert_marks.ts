import { sql, type Kysely } from 'kysely';

/**
 * Rule (c) of the alerts (an answer of 1 with a comment) now follows the intake's commits instead of
 * running inside each batch: alert_marks keeps, per rule, the last answer-chain link it has read, so
 * answers committed just before a crash are read after the restart. Answers stored before this
 * migration were handled in their own batch, so the mark starts at the chain's head.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('alert_marks')
    .addColumn('rule', 'text', (c) => c.primaryKey())
    .addColumn('chain_seq', 'integer', (c) => c.notNull())
    .execute();
  await sql`insert into alert_marks (rule, chain_seq) select 'low_comment', coalesce(max(seq), 0) from answer_chain`.execute(db);
}
