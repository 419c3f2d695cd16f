import { insertRows, quoted } from '../db/bulk.js';
import type { Db, RollupFineTable, RollupHeatTable, RollupResponseDayTable, RollupUnitDayTable, RollupUnitMonthTable } from '../db/types.js';

/** One accepted response as the rollups see it. Missing optional ids may be null or ''. */
export interface RollupSource {
  unit_id: string;
  counter_id: string | null;
  staff_id: string | null;
  procedure_id: string | null;
  channel: string;
  instrument_id: string;
  local_day: string;
  local_hour: number;
  weekday: number;
  /** Item code → 1..5, or null for "no opinion / not applicable". */
  answers: Record<string, number | null>;
  /** Flagged by the anti-abuse rules: kept in the responses table, counted nowhere. */
  suspect: boolean;
}

/** Says which items are yes/no (1 = Không, 2 = Có), so they stay out of the 5-point heatmap. */
export type BinaryItemLookup = (instrumentId: string, itemCode: string) => boolean;

/** Rows to add to each rollup table; each primary key appears once. */
export interface RollupDeltas {
  fine: RollupFineTable[];
  unitDay: RollupUnitDayTable[];
  unitMonth: RollupUnitMonthTable[];
  heat: RollupHeatTable[];
  responseDay: RollupResponseDayTable[];
}

/** score 0 in the rollups = no opinion / not applicable. */
export const NA_SCORE = 0;

const SEP = '\u0001';

function scoreOf(value: number | null): number | undefined {
  if (value === null) return NA_SCORE;
  return Number.isInteger(value) && value >= 1 && value <= 5 ? value : undefined;
}

/** Sums rows by key in memory, so a batch writes each rollup row once. */
class Summer<R> {
  readonly rows = new Map<string, R>();
  constructor(private readonly add: (into: R, from: R) => void) {}
  put(key: string, row: R): void {
    const existing = this.rows.get(key);
    if (existing) this.add(existing, row);
    else this.rows.set(key, row);
  }
  get size(): number {
    return this.rows.size;
  }
}

const addN = <R extends { n: number }>(into: R, from: R) => {
  into.n += from.n;
};

/**
 * Accumulates rollup rows over any number of responses (a submission batch, or a rebuild chunk).
 * The same code serves both paths, so incremental rollups and a rebuild cannot drift apart.
 */
export class RollupAccumulator {
  private readonly fine = new Summer<RollupFineTable>(addN);
  private readonly unitDay = new Summer<RollupUnitDayTable>(addN);
  private readonly unitMonth = new Summer<RollupUnitMonthTable>(addN);
  private readonly heat = new Summer<RollupHeatTable>((into, from) => {
    into.n_valid += from.n_valid;
    into.n_dissatisfied += from.n_dissatisfied;
  });
  private readonly responseDay = new Summer<RollupResponseDayTable>(addN);

  constructor(private readonly isBinary: BinaryItemLookup = () => false) {}

  /** Distinct rows held, to decide when to flush during a rebuild. */
  get size(): number {
    return this.fine.size + this.unitDay.size + this.unitMonth.size + this.heat.size + this.responseDay.size;
  }

  add(source: RollupSource): void {
    if (source.suspect) return;
    const day = source.local_day;
    const month = day.slice(0, 7);
    const unit = source.unit_id;
    const counter = source.counter_id ?? '';
    const staff = source.staff_id ?? '';
    const procedure = source.procedure_id ?? '';
    const channel = source.channel;
    const instrument = source.instrument_id;
    const fineKey = [day, unit, counter, staff, procedure, channel, instrument].join(SEP);
    const unitDayKey = [unit, day, instrument].join(SEP);
    const unitMonthKey = [unit, month, instrument].join(SEP);
    let valid = 0;
    let dissatisfied = 0;
    for (const [criterion, value] of Object.entries(source.answers)) {
      const score = scoreOf(value);
      if (score === undefined) continue;
      const tail = `${SEP}${criterion}${SEP}${score}`;
      this.fine.put(fineKey + tail, {
        day,
        unit_id: unit,
        counter_id: counter,
        staff_id: staff,
        procedure_id: procedure,
        channel,
        instrument_id: instrument,
        criterion,
        score,
        n: 1,
      });
      this.unitDay.put(unitDayKey + tail, { unit_id: unit, day, instrument_id: instrument, criterion, score, n: 1 });
      this.unitMonth.put(unitMonthKey + tail, { unit_id: unit, month, instrument_id: instrument, criterion, score, n: 1 });
      if (score !== NA_SCORE && !this.isBinary(instrument, criterion)) {
        valid++;
        if (score <= 2) dissatisfied++;
      }
    }
    if (valid > 0) {
      const heatKey = [unit, month, counter, source.weekday, source.local_hour].join(SEP);
      this.heat.put(heatKey, {
        unit_id: unit,
        counter_id: counter,
        month,
        weekday: source.weekday,
        hour: source.local_hour,
        n_valid: valid,
        n_dissatisfied: dissatisfied,
      });
    }
    this.responseDay.put(fineKey, {
      day,
      unit_id: unit,
      counter_id: counter,
      staff_id: staff,
      procedure_id: procedure,
      channel,
      instrument_id: instrument,
      n: 1,
    });
  }

  deltas(): RollupDeltas {
    return {
      fine: [...this.fine.rows.values()],
      unitDay: [...this.unitDay.rows.values()],
      unitMonth: [...this.unitMonth.rows.values()],
      heat: [...this.heat.rows.values()],
      responseDay: [...this.responseDay.rows.values()],
    };
  }
}

/**
 * What a set of responses adds to every rollup table, summed in memory so each key appears once.
 * Suspect responses add nothing; the heatmap counts 5-point answers (valid, and 1–2 = dissatisfied).
 */
export function computeRollupDeltas(sources: Iterable<RollupSource>, isBinary?: BinaryItemLookup): RollupDeltas {
  const accumulator = new RollupAccumulator(isBinary);
  for (const source of sources) accumulator.add(source);
  return accumulator.deltas();
}

/** The deltas that undo these (for a response later found suspect): applying both leaves every count unchanged. */
export function negateRollupDeltas(deltas: RollupDeltas): RollupDeltas {
  return {
    fine: deltas.fine.map((r) => ({ ...r, n: -r.n })),
    unitDay: deltas.unitDay.map((r) => ({ ...r, n: -r.n })),
    unitMonth: deltas.unitMonth.map((r) => ({ ...r, n: -r.n })),
    heat: deltas.heat.map((r) => ({ ...r, n_valid: -r.n_valid, n_dissatisfied: -r.n_dissatisfied })),
    responseDay: deltas.responseDay.map((r) => ({ ...r, n: -r.n })),
  };
}

const FINE_PK = ['unit_id', 'day', 'counter_id', 'staff_id', 'procedure_id', 'channel', 'instrument_id', 'criterion', 'score'] as const;
const RESPONSE_DAY_PK = ['unit_id', 'day', 'counter_id', 'staff_id', 'procedure_id', 'channel', 'instrument_id'] as const;

/**
 * Adds deltas to the rollup tables with one multi-row upsert per table (insertRows splits one past
 * 30,000 bound values): a handful of statements per submission batch, inside the caller's transaction.
 */
export async function applyRollupDeltas(tx: Db, deltas: RollupDeltas): Promise<void> {
  await addCounts(tx, 'rollup_fine', FINE_PK, ['n'], deltas.fine);
  await addCounts(tx, 'rollup_unit_day', ['unit_id', 'day', 'instrument_id', 'criterion', 'score'], ['n'], deltas.unitDay);
  await addCounts(tx, 'rollup_unit_month', ['unit_id', 'month', 'instrument_id', 'criterion', 'score'], ['n'], deltas.unitMonth);
  await addCounts(tx, 'rollup_heat', ['unit_id', 'month', 'counter_id', 'weekday', 'hour'], ['n_valid', 'n_dissatisfied'], deltas.heat);
  await addCounts(tx, 'rollup_response_day', RESPONSE_DAY_PK, ['n'], deltas.responseDay);
}

type RollupTableName = 'rollup_fine' | 'rollup_unit_day' | 'rollup_unit_month' | 'rollup_heat' | 'rollup_response_day';

/** `INSERT … ON CONFLICT (key) DO UPDATE SET c = c + excluded.c` for each counted column. */
async function addCounts(tx: Db, table: RollupTableName, key: readonly string[], counted: readonly string[], rows: object[]): Promise<void> {
  const added = counted.map((c) => `${quoted(c)} = ${quoted(table)}.${quoted(c)} + excluded.${quoted(c)}`);
  await insertRows(tx, table, rows, `on conflict (${key.map(quoted).join(', ')}) do update set ${added.join(', ')}`);
}
