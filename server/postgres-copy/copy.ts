import { sql, type Kysely } from 'kysely';
import type { ScoringSettings } from '../config.js';
import { getInstrument } from '../instruments/store.js';
import { readCounts } from '../rollups/index.js';
import { scoreInstrument } from '../scoring/index.js';
import type { AppDatabase } from '../db/database.js';
import type { Database } from '../db/types.js';

/**
 * Tables in an order that satisfies every foreign key; schema_migrations is the target's own, and
 * device marks are an hour's scratch (migration 005), not data.
 */
const TABLES = [
  'units', 'counters', 'staff', 'procedures', 'instruments', 'survey_points', 'retired_codes', 'invitations', 'responses',
  'rollup_fine', 'rollup_unit_day', 'rollup_unit_month', 'rollup_heat', 'rollup_response_day',
  'users', 'recovery_codes', 'role_grants', 'sessions', 'login_attempts', 'api_keys', 'audit_log', 'settings',
  'answer_chain', 'unit_indicator_scores', 'export_manifests',
] as const satisfies readonly (keyof Database)[];

export interface CopyReport {
  tables: { table: string; source: number; target: number }[];
  unitsScored: number;
  scoreMismatches: string[];
  seconds: number;
}

const CHUNK = 1000;

/**
 * Copies a SQLite deployment into an empty, migrated PostgreSQL database, then verifies it: row
 * counts per table, and every unit's scores (all instruments, whole history) computed from each side.
 */
export async function copySqliteToPostgres(
  source: AppDatabase,
  target: AppDatabase,
  settings: ScoringSettings,
  onTable: (table: string, rows: number) => void = () => {},
): Promise<CopyReport> {
  const sqlite = source.sqlite;
  if (!sqlite || target.dialect !== 'postgres') throw new Error('copy goes from a SQLite database to a PostgreSQL one');
  if (await target.kysely.selectFrom('units').select('id').limit(1).executeTakeFirst()) {
    throw new Error('the PostgreSQL database already has data: migrate into an empty database');
  }
  const started = performance.now();
  await target.write(async (tx) => {
    // Units reference their parent: parents (shorter paths) first.
    const untyped = tx as unknown as Kysely<Record<string, Record<string, unknown>>>;
    for (const table of TABLES) {
      // A streaming cursor: constant memory whatever the table's size (rollup tables have no rowid).
      const rows = sqlite.prepare(`select * from ${table}${table === 'units' ? ' order by length(path)' : ''}`).iterate();
      let copied = 0;
      let batch: Record<string, unknown>[] = [];
      for (const row of rows as Iterable<Record<string, unknown>>) {
        batch.push(row);
        if (batch.length === CHUNK) {
          await untyped.insertInto(table).values(batch).execute();
          copied += batch.length;
          batch = [];
        }
      }
      if (batch.length) await untyped.insertInto(table).values(batch).execute();
      copied += batch.length;
      onTable(table, copied);
    }
  });
  // Ids were copied as they were: move the identity sequence past them.
  await sql`select setval(pg_get_serial_sequence('audit_log', 'id'), coalesce((select max(id) from audit_log), 0) + 1, false)`.execute(target.kysely);

  const tables: CopyReport['tables'] = [];
  for (const table of TABLES) {
    const count = async (db: AppDatabase) =>
      Number((await (db.kysely as unknown as Kysely<Record<string, Record<string, unknown>>>).selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    tables.push({ table, source: await count(source), target: await count(target) });
  }
  const { unitsScored, mismatches } = await compareScores(source, target, settings);
  return { tables, unitsScored, scoreMismatches: mismatches, seconds: (performance.now() - started) / 1000 };
}

/** Scores of every unit that has answers, per instrument, over the whole history, on both sides. */
async function compareScores(source: AppDatabase, target: AppDatabase, settings: ScoringSettings) {
  const filter = { from: '2000-01-01', to: '2999-12-31', groupBy: 'unit' as const };
  const [a, b] = await Promise.all([readCounts(source.kysely, filter), readCounts(target.kysely, filter)]);
  const key = (g: { group: string; instrumentId: string }) => `${g.group}|${g.instrumentId}`;
  const targetByKey = new Map(b.map((g) => [key(g), g]));
  const mismatches: string[] = [];
  for (const group of a) {
    const other = targetByKey.get(key(group));
    targetByKey.delete(key(group));
    const instrument = await getInstrument(source.kysely, group.instrumentId);
    if (!instrument) continue;
    const left = JSON.stringify(scoreInstrument(instrument, group.counts, settings));
    const right = other ? JSON.stringify(scoreInstrument(instrument, other.counts, settings)) : 'missing';
    if (left !== right) mismatches.push(`unit ${group.group}, ${group.instrumentId}`);
  }
  for (const extra of targetByKey.keys()) mismatches.push(`unit and instrument only in PostgreSQL: ${extra}`);
  return { unitsScored: a.length, mismatches };
}
