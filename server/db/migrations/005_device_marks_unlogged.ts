import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Device marks are a two-hour abuse heuristic, not data: losing them in a crash only forgets who
 * submitted in the last hour. Kept durably they were the costliest write of a submission batch
 * (one or two random-keyed inserts per submission: under load they tripled each commit's pages).
 * - SQLite: the table moves to each connection's in-memory TEMP schema (openSqlite creates it),
 *   written in the same transactions but never fsynced; only the intake's connection uses it.
 * - PostgreSQL: UNLOGGED, still shared by every app server but written without WAL, and emptied
 *   after a crash.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  // Qualified: openSqlite has already made the TEMP table, and an unqualified name resolves to it.
  if (dialect === 'sqlite') await sql`drop table main.device_marks`.execute(db);
  else await sql`alter table device_marks set unlogged`.execute(db);
}
