import type { Instrument } from '../../schema/instrument.js';
import type { AppDatabase } from '../db/database.js';
import type { Db, ResponseRow } from '../db/types.js';
import { listInstruments } from '../instruments/store.js';
import { applyRollupDeltas, RollupAccumulator, type BinaryItemLookup, type RollupSource } from './deltas.js';

/** The yes/no items of the given instruments, for computeRollupDeltas. */
export function binaryItemLookup(instruments: readonly Instrument[]): BinaryItemLookup {
  const binary = new Set<string>();
  for (const { id, definition } of instruments) {
    for (const item of definition.items) if (item.scale === 'binary') binary.add(`${id}\u0001${item.code}`);
  }
  return (instrumentId, itemCode) => binary.has(`${instrumentId}\u0001${itemCode}`);
}

type StoredResponse = Pick<
  ResponseRow,
  | 'unit_id'
  | 'counter_id'
  | 'staff_id'
  | 'procedure_id'
  | 'channel'
  | 'instrument_id'
  | 'local_day'
  | 'local_hour'
  | 'weekday'
  | 'answers'
  | 'suspect'
>;

/** A stored response as a rollup source; answers that are not 1–5 or null are dropped. */
/** The response columns a rollup source is made from (rollupSourceFromRow). */
export const ROLLUP_SOURCE_COLUMNS = [
  'unit_id',
  'counter_id',
  'staff_id',
  'procedure_id',
  'channel',
  'instrument_id',
  'local_day',
  'local_hour',
  'weekday',
  'answers',
  'suspect',
] as const;

export function rollupSourceFromRow(row: StoredResponse): RollupSource {
  const parsed: unknown = JSON.parse(row.answers);
  const answers: Record<string, number | null> = {};
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    for (const [code, value] of Object.entries(parsed)) {
      if (value === null || typeof value === 'number') answers[code] = value;
    }
  }
  return { ...row, answers, suspect: row.suspect !== 0 };
}

export interface RebuildResult {
  responses: number;
  rows: { fine: number; unitDay: number; unitMonth: number; heat: number; responseDay: number };
}

export interface RebuildOptions {
  /** Responses read per query (keyset pagination by id). */
  pageSize?: number;
  /** Distinct rollup rows held in memory before they are written. */
  flushRows?: number;
}

const ROLLUP_TABLES = ['rollup_fine', 'rollup_unit_day', 'rollup_unit_month', 'rollup_heat', 'rollup_response_day'] as const;

async function countRows(tx: Db, table: (typeof ROLLUP_TABLES)[number]): Promise<number> {
  const row = await tx
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Recomputes every rollup table from the responses (suspect ones excluded) in one write
 * transaction. Responses are read a page at a time by id and rollup rows are flushed whenever the
 * in-memory sums grow past `flushRows`, so memory stays bounded however many responses there are.
 */
export async function rebuildRollups(db: AppDatabase, options: RebuildOptions = {}): Promise<RebuildResult> {
  const pageSize = options.pageSize ?? 5000;
  const flushRows = options.flushRows ?? 100_000;
  return db.write(async (tx) => {
    for (const table of ROLLUP_TABLES) await tx.deleteFrom(table).execute();
    const isBinary = binaryItemLookup(await listInstruments(tx));
    let accumulator = new RollupAccumulator(isBinary);
    let responses = 0;
    let after: string | null = null;
    for (;;) {
      let page = tx
        .selectFrom('responses')
        .select(['id', ...ROLLUP_SOURCE_COLUMNS])
        .where('suspect', '=', 0)
        .orderBy('id')
        .limit(pageSize);
      if (after !== null) page = page.where('id', '>', after);
      const rows = await page.execute();
      if (rows.length === 0) break;
      for (const row of rows) accumulator.add(rollupSourceFromRow(row));
      responses += rows.length;
      after = rows[rows.length - 1]!.id;
      if (accumulator.size >= flushRows) {
        await applyRollupDeltas(tx, accumulator.deltas());
        accumulator = new RollupAccumulator(isBinary);
      }
    }
    await applyRollupDeltas(tx, accumulator.deltas());
    const [fine, unitDay, unitMonth, heat, responseDay] = await Promise.all(ROLLUP_TABLES.map((t) => countRows(tx, t)));
    return { responses, rows: { fine: fine!, unitDay: unitDay!, unitMonth: unitMonth!, heat: heat!, responseDay: responseDay! } };
  });
}
