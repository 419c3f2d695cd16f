import { sql, type Kysely } from 'kysely';

/**
 * Staff sign-in hardening (issues #20, #21): passwords that must be changed at first sign-in, TOTP
 * second factor with single-use recovery codes, sessions that record the step of sign-in they have
 * reached (and the browser, for the account page's list), and the per-account pace of password
 * checks. Each column is added in its own statement: SQLite adds one per ALTER TABLE.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // AES-256-GCM ciphertexts (server/auth/totp.ts), never the secret in clear.
  await db.schema.alterTable('users').addColumn('totp_secret', 'text').execute();
  await db.schema.alterTable('users').addColumn('totp_enabled_at', 'text').execute();
  // The last accepted TOTP time step: a code is never accepted twice.
  await db.schema.alterTable('users').addColumn('totp_last_step', 'integer').execute();

  await db.schema
    .alterTable('sessions')
    .addColumn('stage', 'text', (c) => c.notNull().defaultTo('full').check(sql`stage in ('second_factor', 'totp_enrolment', 'full')`))
    .execute();
  await db.schema.alterTable('sessions').addColumn('user_agent', 'text').execute();
  // A TOTP secret offered to this session during enrolment (encrypted), until a code confirms it.
  await db.schema.alterTable('sessions').addColumn('totp_pending_secret', 'text').execute();

  await db.schema.alterTable('login_attempts').addColumn('next_check_at', 'text').execute();

  await db.schema
    .createTable('recovery_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('recovery_codes_user').on('recovery_codes').columns(['user_id', 'code_hash']).execute();
}
