import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/** The whole initial schema: unit tree, instruments, survey points, responses, rollups, accounts, audit. */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {

  await db.schema
    .createTable('units')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('parent_id', 'text', (c) => c.references('units.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('province','commune','centre','branch','agency')`))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('province_id', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('units_kind_code', ['kind', 'code'])
    .execute();
  await db.schema.createIndex('units_path').on('units').column('path').execute();
  await db.schema.createIndex('units_parent').on('units').column('parent_id').execute();

  await db.schema
    .createTable('counters')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('counters_unit_code', ['unit_id', 'code'])
    .execute();

  for (const table of ['staff', 'procedures'] as const) {
    let t = db.schema
      .createTable(table)
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('province_id', 'text', (c) => c.notNull().references('units.id'))
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull());
    if (table === 'procedures') t = t.addColumn('field', 'text', (c) => c.notNull());
    await t
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint(`${table}_province_code`, ['province_id', 'code'])
      .execute();
  }

  await db.schema
    .createTable('instruments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('title_vi', 'text', (c) => c.notNull())
    .addColumn('title_en', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('methodology_version', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('instruments_code_version', ['code', 'version'])
    .execute();

  await db.schema
    .createTable('survey_points')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('counter_id', 'text', (c) => c.references('counters.id'))
    .addColumn('instrument_id', 'text', (c) => c.notNull().references('instruments.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open','closed')`))
    .addColumn('kiosk', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('survey_points_unit').on('survey_points').column('unit_id').execute();

  await db.schema
    .createTable('retired_codes')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('survey_point_id', 'text', (c) => c.notNull().references('survey_points.id'))
    .addColumn('retired_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('api_key_id', 'text')
    .addColumn('survey_point_id', 'text', (c) => c.notNull().references('survey_points.id'))
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('counter_id', 'text')
    .addColumn('staff_id', 'text')
    .addColumn('procedure_id', 'text')
    .addColumn('dossier_hash', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text')
    .addColumn('due_at', 'text')
    .addColumn('returned_at', 'text')
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('issued_day', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('response_id', 'text')
    .execute();
  await db.schema.createIndex('invitations_unit_day').on('invitations').columns(['unit_id', 'issued_day']).execute();

  await db.schema
    .createTable('responses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('survey_point_id', 'text')
    .addColumn('invitation_id', 'text')
    .addColumn('instrument_id', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('counter_id', 'text')
    .addColumn('staff_id', 'text')
    .addColumn('procedure_id', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'text', (c) => c.notNull())
    .addColumn('local_day', 'text', (c) => c.notNull())
    .addColumn('local_hour', 'integer', (c) => c.notNull())
    .addColumn('weekday', 'integer', (c) => c.notNull())
    .addColumn('answers', 'text', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('demographics', 'text')
    .addColumn('lang', 'text', (c) => c.notNull())
    .addColumn('suspect', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('responses_unit_day').on('responses').columns(['unit_id', 'local_day']).execute();
  await db.schema.createIndex('responses_day').on('responses').column('local_day').execute();

  await db.schema
    .createTable('rollup_fine')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('counter_id', 'text', (c) => c.notNull())
    .addColumn('staff_id', 'text', (c) => c.notNull())
    .addColumn('procedure_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('instrument_id', 'text', (c) => c.notNull())
    .addColumn('criterion', 'text', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rollup_fine_pk', [
      'unit_id', 'day', 'counter_id', 'staff_id', 'procedure_id', 'channel', 'instrument_id', 'criterion', 'score',
    ])
    .execute();

  await db.schema
    .createTable('rollup_unit_day')
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('instrument_id', 'text', (c) => c.notNull())
    .addColumn('criterion', 'text', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rollup_unit_day_pk', ['unit_id', 'day', 'instrument_id', 'criterion', 'score'])
    .execute();

  await db.schema
    .createTable('rollup_unit_month')
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('instrument_id', 'text', (c) => c.notNull())
    .addColumn('criterion', 'text', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rollup_unit_month_pk', ['unit_id', 'month', 'instrument_id', 'criterion', 'score'])
    .execute();

  await db.schema
    .createTable('rollup_heat')
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('counter_id', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('weekday', 'integer', (c) => c.notNull())
    .addColumn('hour', 'integer', (c) => c.notNull())
    .addColumn('n_valid', 'integer', (c) => c.notNull())
    .addColumn('n_dissatisfied', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rollup_heat_pk', ['unit_id', 'month', 'counter_id', 'weekday', 'hour'])
    .execute();

  await db.schema
    .createTable('rollup_response_day')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('counter_id', 'text', (c) => c.notNull())
    .addColumn('staff_id', 'text', (c) => c.notNull())
    .addColumn('procedure_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('instrument_id', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rollup_response_day_pk', [
      'unit_id', 'day', 'counter_id', 'staff_id', 'procedure_id', 'channel', 'instrument_id',
    ])
    .execute();

  await db.schema
    .createTable('device_marks')
    .addColumn('mark_hash', 'text', (c) => c.notNull())
    .addColumn('survey_point_id', 'text', (c) => c.notNull())
    .addColumn('hour_bucket', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('device_marks_pk', ['mark_hash', 'survey_point_id', 'hour_bucket'])
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('password_changed_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('role_grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('unit_id', 'text', (c) => c.references('units.id'))
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('system_admin','provincial_officer','centre_supervisor','viewer')`),
    )
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('role_grants_user').on('role_grants').column('user_id').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('login_attempts')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('revoked_at', 'text')
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigint', (c) =>
      dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
    )
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_user_id', 'text')
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text')
    .addColumn('unit_id', 'text')
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();

  await db.schema
    .createTable('settings')
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('settings_pk', ['unit_id', 'key'])
    .execute();

  // The audit log is append-only at the database level, not just by convention in the code.
  if (dialect === 'sqlite') {
    for (const op of ['update', 'delete']) {
      await sql
        .raw(
          `create trigger audit_log_no_${op} before ${op} on audit_log begin select raise(abort, 'audit_log is append-only'); end`,
        )
        .execute(db);
    }
  } else {
    await sql
      .raw(
        `create function audit_log_append_only() returns trigger language plpgsql as $$ begin raise exception 'audit_log is append-only'; end $$;
         create trigger audit_log_no_change before update or delete on audit_log for each statement execute function audit_log_append_only();`,
      )
      .execute(db);
  }
}
