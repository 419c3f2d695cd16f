import { DossierFacts } from '../../schema/dossiers.js';
import type { Db } from '../db/types.js';
import { getInstrument } from '../instruments/store.js';
import { indicatorItems, type DossierRecord, type IndicatorItems } from './dossier.js';

/** A dossier as the indicators read it: where it was handled, by whom, and its record. */
export interface DossierRow {
  invitationId: string;
  unitId: string;
  staffId: string | null;
  counterId: string | null;
  procedureId: string | null;
  dossierDay: string;
  answered: boolean;
  record: DossierRecord;
}

export interface DossierFilter {
  unitIds: readonly string[];
  from: string;
  to: string;
  counterId?: string | undefined;
  staffId?: string | undefined;
  procedureId?: string | undefined;
}

/** Stored facts; a row written before the facts' schema gained a field reads as without it. */
export function parseFacts(json: string | null): DossierFacts {
  if (json === null) return {};
  const parsed = DossierFacts.safeParse(JSON.parse(json));
  return parsed.success ? parsed.data : {};
}

const UNITS_PER_QUERY = 500;

/**
 * The dossiers of some units whose day falls in [from, to], with the citizen's answers on the two
 * items the indicators use. An answer left out of the scores (suspect, rejected) is no answer here.
 */
export async function readDossiers(db: Db, filter: DossierFilter): Promise<DossierRow[]> {
  const out: DossierRow[] = [];
  const itemsOf = new Map<string, IndicatorItems | null>();
  for (let i = 0; i < filter.unitIds.length; i += UNITS_PER_QUERY) {
    let query = db
      .selectFrom('invitations as i')
      .leftJoin('responses as r', (join) => join.onRef('r.id', '=', 'i.response_id').on('r.suspect', '=', 0))
      .select([
        'i.id',
        'i.unit_id',
        'i.staff_id',
        'i.counter_id',
        'i.procedure_id',
        'i.dossier_day',
        'i.received_at',
        'i.due_at',
        'i.returned_at',
        'i.facts',
        'i.used_at',
        'r.instrument_id',
        'r.answers',
      ])
      .where('i.unit_id', 'in', [...filter.unitIds.slice(i, i + UNITS_PER_QUERY)])
      .where('i.dossier_day', '>=', filter.from)
      .where('i.dossier_day', '<=', filter.to);
    if (filter.counterId !== undefined) query = query.where('i.counter_id', '=', filter.counterId);
    if (filter.staffId !== undefined) query = query.where('i.staff_id', '=', filter.staffId);
    if (filter.procedureId !== undefined) query = query.where('i.procedure_id', '=', filter.procedureId);
    for (const row of await query.orderBy('i.id').execute()) {
      let items: IndicatorItems | null = null;
      if (row.instrument_id !== null) {
        if (!itemsOf.has(row.instrument_id)) {
          const instrument = await getInstrument(db, row.instrument_id);
          itemsOf.set(row.instrument_id, instrument ? indicatorItems(instrument.definition) : null);
        }
        items = itemsOf.get(row.instrument_id)!;
      }
      const answers = row.answers !== null ? (JSON.parse(row.answers) as Record<string, number | null>) : {};
      const answer = (code: string | null | undefined) => (code ? (answers[code] ?? null) : null);
      out.push({
        invitationId: row.id,
        unitId: row.unit_id,
        staffId: row.staff_id,
        counterId: row.counter_id,
        procedureId: row.procedure_id,
        dossierDay: row.dossier_day,
        answered: row.used_at !== null,
        record: {
          receivedAt: row.received_at,
          dueAt: row.due_at,
          returnedAt: row.returned_at,
          facts: parseFacts(row.facts),
          attitude: answer(items?.attitude),
          overall: answer(items?.overall),
        },
      });
    }
  }
  return out;
}

/** Unit-level scores given for a period (a quarter, or a year and its quarters), in points, by unit and code. */
export async function readUnitScores(db: Db, unitIds: readonly string[], periods: readonly string[]): Promise<{ unitId: string; period: string; code: string; score: number }[]> {
  const out: { unitId: string; period: string; code: string; score: number }[] = [];
  for (let i = 0; i < unitIds.length; i += UNITS_PER_QUERY) {
    const rows = await db
      .selectFrom('unit_indicator_scores')
      .select(['unit_id', 'period', 'code', 'tenths'])
      .where('unit_id', 'in', [...unitIds.slice(i, i + UNITS_PER_QUERY)])
      .where('period', 'in', [...periods])
      .execute();
    for (const r of rows) out.push({ unitId: r.unit_id, period: r.period, code: r.code, score: r.tenths / 10 });
  }
  return out;
}
