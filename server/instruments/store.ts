import { instrumentId, InstrumentDefinition, type Instrument } from '../../schema/instrument.js';
import type { Clock } from '../clock.js';
import type { AppDatabase } from '../db/database.js';
import type { Db, InstrumentRow } from '../db/types.js';
import { AppError } from '../http.js';
import { BUILTIN_INSTRUMENTS } from './catalogue.js';
import { parseInstrumentDefinition } from './validate.js';

function toRow(definition: InstrumentDefinition, createdAt: string) {
  return {
    id: instrumentId(definition.code, definition.version),
    code: definition.code,
    version: definition.version,
    title_vi: definition.title.vi,
    title_en: definition.title.en,
    definition: JSON.stringify(definition),
    methodology_version: definition.methodologyVersion,
    created_at: createdAt,
  };
}

function fromRow(row: Pick<InstrumentRow, 'id' | 'definition'>): Instrument {
  return { id: row.id, definition: InstrumentDefinition.parse(JSON.parse(row.definition)) };
}

/**
 * Parsed instruments per database handle. Versions are immutable once answered, and the only
 * permitted edit (of a version nobody has answered) bumps `cacheEpoch`, dropping every cached copy.
 */
const cache = new WeakMap<Db, { epoch: number; byId: Map<string, Instrument> }>();
let cacheEpoch = 0;

function cacheFor(db: Db): Map<string, Instrument> {
  let entry = cache.get(db);
  if (!entry || entry.epoch !== cacheEpoch) {
    entry = { epoch: cacheEpoch, byId: new Map() };
    cache.set(db, entry);
  }
  return entry.byId;
}

/** Installs the built-in instruments a database lacks; safe to run at every start and concurrently. */
export async function ensureBuiltinInstruments(db: Db, clock: Clock): Promise<number> {
  const createdAt = clock.now().toISOString();
  const result = await db
    .insertInto('instruments')
    .values(BUILTIN_INSTRUMENTS.map((d) => toRow(d, createdAt)))
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/** One instrument version by id (`QUAY@1`), parsed once and then served from memory. */
export async function getInstrument(db: Db, id: string): Promise<Instrument | undefined> {
  const byId = cacheFor(db);
  const cached = byId.get(id);
  if (cached) return cached;
  const row = await db.selectFrom('instruments').select(['id', 'definition']).where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const instrument = fromRow(row);
  byId.set(id, instrument);
  return instrument;
}

/** Like getInstrument, for callers to whom a missing instrument is the client's error. */
export async function requireInstrument(db: Db, id: string): Promise<Instrument> {
  const instrument = await getInstrument(db, id);
  if (!instrument) throw new AppError('not_found', 404, `No instrument ${id}`);
  return instrument;
}

/** Every instrument version, by code then version. */
export async function listInstruments(db: Db): Promise<Instrument[]> {
  const rows = await db
    .selectFrom('instruments')
    .select(['id', 'definition'])
    .orderBy('code')
    .orderBy('version')
    .execute();
  const byId = cacheFor(db);
  return rows.map((row) => {
    const instrument = byId.get(row.id) ?? fromRow(row);
    byId.set(row.id, instrument);
    return instrument;
  });
}

/** Whether any response (suspect ones included) was given on this instrument version. */
export async function isInstrumentInUse(db: Db, id: string): Promise<boolean> {
  const used = await db.selectFrom('responses').select('id').where('instrument_id', '=', id).limit(1).executeTakeFirst();
  return used !== undefined;
}

/** Adds a new version of an instrument (a new row); its version must exceed every existing one of that code. */
export async function publishInstrumentVersion(
  db: AppDatabase,
  clock: Clock,
  definition: InstrumentDefinition,
): Promise<Instrument> {
  const checked = parseInstrumentDefinition(definition);
  return db.write(async (tx) => {
    const latest = await tx
      .selectFrom('instruments')
      .select((eb) => eb.fn.max('version').as('version'))
      .where('code', '=', checked.code)
      .executeTakeFirst();
    const current = latest?.version ?? null;
    if (current !== null && checked.version <= current) {
      throw new AppError(
        'conflict',
        409,
        `${checked.code} already has version ${current}; publish version ${current + 1} or later`,
      );
    }
    const row = toRow(checked, clock.now().toISOString());
    await tx.insertInto('instruments').values(row).execute();
    return { id: row.id, definition: checked };
  });
}

/**
 * Replaces the definition of a version nobody has answered yet (fixing a typo before launch).
 * Once a response uses it, the version is frozen: scores must stay explainable by the exact
 * questions asked, so the change has to be published as a new version instead.
 */
export async function updateInstrument(db: AppDatabase, id: string, definition: InstrumentDefinition): Promise<Instrument> {
  const checked = parseInstrumentDefinition(definition);
  const updated = await db.write(async (tx) => {
    const row = await tx.selectFrom('instruments').select(['id']).where('id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('not_found', 404, `No instrument ${id}`);
    if (instrumentId(checked.code, checked.version) !== id) {
      throw new AppError('validation_failed', 400, `The definition is ${instrumentId(checked.code, checked.version)}, not ${id}`, [
        { path: ['code'], message: `code and version must stay those of ${id}` },
      ]);
    }
    if (await isInstrumentInUse(tx, id)) {
      throw new AppError(
        'instrument_locked',
        409,
        `${id} already has responses, so it can no longer be edited; publish a new version of ${checked.code} instead`,
      );
    }
    const { title_vi, title_en, definition: json, methodology_version } = toRow(checked, '');
    await tx.updateTable('instruments').set({ title_vi, title_en, definition: json, methodology_version }).where('id', '=', id).execute();
    return { id, definition: checked };
  });
  cacheEpoch++;
  return updated;
}
