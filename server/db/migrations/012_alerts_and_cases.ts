import { sql, type Kysely, type SqlBool } from 'kysely';

/**
 * From a weak criterion to action (issue 18): alerts raised by the rules, follow-up cases, and the
 * topic tags and handled mark on comments. An alert that is still true is not raised twice: at most
 * one open alert per dedup key (a partial unique index). Tags and the handled mark live apart from
 * `responses`, whose rows are hash-chained and must not change.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('dedup_key', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .execute();
  await db.schema
    .createIndex('alerts_open_key')
    .on('alerts')
    .column('dedup_key')
    .unique()
    .where(sql<SqlBool>`closed_at is null`)
    .execute();
  await db.schema.createIndex('alerts_unit').on('alerts').columns(['unit_id', 'opened_at']).execute();

  await db.schema
    .createTable('cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('assignee_user_id', 'text')
    .addColumn('due_day', 'text')
    .addColumn('resolution', 'text')
    .addColumn('alert_id', 'text')
    .addColumn('callback_id', 'text')
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('opened_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .execute();
  await db.schema.createIndex('cases_unit').on('cases').columns(['unit_id', 'status']).execute();
  await db.schema.createIndex('cases_alert').on('cases').column('alert_id').execute();

  await db.schema
    .createTable('case_responses')
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('response_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_responses_pk', ['case_id', 'response_id'])
    .execute();
  await db.schema.createIndex('case_responses_response').on('case_responses').column('response_id').execute();

  await db.schema
    .createTable('case_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('author_label', 'text', (c) => c.notNull())
    .addColumn('status_from', 'text')
    .addColumn('status_to', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_notes_case').on('case_notes').columns(['case_id', 'at']).execute();

  await db.schema
    .createTable('comment_marks')
    .addColumn('response_id', 'text', (c) => c.primaryKey())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('handled_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
