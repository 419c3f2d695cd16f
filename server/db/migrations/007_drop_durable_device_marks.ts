import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Migration 005 as first released dropped the connection's TEMP device_marks instead of the durable
 * one (an unqualified name resolves to TEMP first), so databases migrated by it still hold
 * main.device_marks, shadowed and unused. Fixed 005 leaves nothing for this to do.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect === 'sqlite') await sql`drop table if exists main.device_marks`.execute(db);
}
