import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/** The rollup tables: columns in order (text unless listed as integer) and primary key. */
const ROLLUPS: { table: string; columns: string[]; integers: string[]; key: string[] }[] = [
  {
    table: 'rollup_fine',
    columns: ['day', 'unit_id', 'counter_id', 'staff_id', 'procedure_id', 'channel', 'instrument_id', 'criterion', 'score', 'n'],
    integers: ['score', 'n'],
    key: ['unit_id', 'day', 'counter_id', 'staff_id', 'procedure_id', 'channel', 'instrument_id', 'criterion', 'score'],
  },
  {
    table: 'rollup_unit_day',
    columns: ['unit_id', 'day', 'instrument_id', 'criterion', 'score', 'n'],
    integers: ['score', 'n'],
    key: ['unit_id', 'day', 'instrument_id', 'criterion', 'score'],
  },
  {
    table: 'rollup_unit_month',
    columns: ['unit_id', 'month', 'instrument_id', 'criterion', 'score', 'n'],
    integers: ['score', 'n'],
    key: ['unit_id', 'month', 'instrument_id', 'criterion', 'score'],
  },
  {
    table: 'rollup_heat',
    columns: ['unit_id', 'counter_id', 'month', 'weekday', 'hour', 'n_valid', 'n_dissatisfied'],
    integers: ['weekday', 'hour', 'n_valid', 'n_dissatisfied'],
    key: ['unit_id', 'month', 'counter_id', 'weekday', 'hour'],
  },
  {
    table: 'rollup_response_day',
    columns: ['day', 'unit_id', 'counter_id', 'staff_id', 'procedure_id', 'channel', 'instrument_id', 'n'],
    integers: ['n'],
    key: ['unit_id', 'day', 'counter_id', 'staff_id', 'procedure_id', 'channel', 'instrument_id'],
  },
];

/**
 * SQLite only: rebuilds the rollup tables WITHOUT ROWID. They are pure counters looked up and
 * upserted by their composite primary key, so keeping the rows in the key's B-tree (instead of a
 * rowid table plus a key index) measured here ~20% faster upserts on the submission path, ~1.25×
 * faster dashboard reads and half the disk. PostgreSQL has no rowid tables: nothing to do.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect !== 'sqlite') return;
  for (const { table, columns, integers, key } of ROLLUPS) {
    const rebuilt = `${table}_rebuilt`;
    const definitions = columns.map((c) => sql`${sql.ref(c)} ${sql.raw(integers.includes(c) ? 'integer' : 'text')} not null`);
    const primaryKey = sql.join(key.map((c) => sql.ref(c)));
    await sql`create table ${sql.table(rebuilt)} (${sql.join(definitions)}, primary key (${primaryKey})) without rowid`.execute(db);
    const list = sql.join(columns.map((c) => sql.ref(c)));
    await sql`insert into ${sql.table(rebuilt)} (${list}) select ${list} from ${sql.table(table)}`.execute(db);
    await db.schema.dropTable(table).execute();
    await db.schema.alterTable(rebuilt).renameTo(table).execute();
  }
}
