import { instrumentId, InstrumentDefinition, type Instrument } from '../../schema/instrument.js';
import type { Actor } from '../auth/actor.js';
import { provinceScopeCondition } from '../auth/scope.js';
import type { Clock } from '../clock.js';
import type { AppDatabase } from '../db/database.js';
import type { Db, InstrumentRow, InstrumentStatus } from '../db/types.js';
import { AppError } from '../http.js';
import { BUILTIN_INSTRUMENTS } from './catalogue.js';
import { parseInstrumentDefinition, parsePublishableDefinition } from './validate.js';

function toRow(definition: InstrumentDefinition) {
  return {
    id: instrumentId(definition.code, definition.version),
    code: definition.code,
    version: definition.version,
    title_vi: definition.title.vi,
    title_en: definition.title.en,
    definition: JSON.stringify(definition),
    methodology_version: definition.methodologyVersion,
  };
}

function fromRow(row: Pick<InstrumentRow, 'id' | 'definition'>): Instrument {
  return { id: row.id, definition: InstrumentDefinition.parse(JSON.parse(row.definition)) };
}

/**
 * Parsed published instruments per database handle. A published version never changes, so a copy
 * is good for the life of the process (and of every other process on the same database); drafts,
 * which change, are always read fresh.
 */
const cache = new WeakMap<Db, Map<string, Instrument>>();

function cacheFor(db: Db): Map<string, Instrument> {
  let byId = cache.get(db);
  if (!byId) cache.set(db, (byId = new Map()));
  return byId;
}

/** Installs the built-in instruments a database lacks; safe to run at every start and concurrently. */
export async function ensureBuiltinInstruments(db: Db, clock: Clock): Promise<number> {
  const now = clock.now().toISOString();
  const result = await db
    .insertInto('instruments')
    .values(
      BUILTIN_INSTRUMENTS.map((d) => ({
        ...toRow(d),
        owner_unit_id: null,
        status: 'published' as const,
        created_at: now,
        updated_at: now,
        published_at: now,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/** One instrument version by id (`QUAY@1`), draft or published; published ones are parsed once. */
export async function getInstrument(db: Db, id: string): Promise<Instrument | undefined> {
  const byId = cacheFor(db);
  const cached = byId.get(id);
  if (cached) return cached;
  const row = await db.selectFrom('instruments').select(['id', 'definition', 'status']).where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const instrument = fromRow(row);
  if (row.status === 'published') byId.set(id, instrument);
  return instrument;
}

/** Like getInstrument, for callers to whom a missing instrument is the client's error. */
export async function requireInstrument(db: Db, id: string): Promise<Instrument> {
  const instrument = await getInstrument(db, id);
  if (!instrument) throw new AppError('not_found', 404, `No instrument ${id}`);
  return instrument;
}

/**
 * Instrument versions by code then version: every one (for recomputing stored answers), or only the
 * published ones a person may see (`visibleTo`: the built-in ones and those of the provinces they
 * hold a unit in), for the choices offered in dashboards and exports.
 */
export async function listInstruments(db: Db, filter: { visibleTo?: Actor } = {}): Promise<Instrument[]> {
  let q = db.selectFrom('instruments').select(['id', 'definition', 'status']);
  if (filter.visibleTo) {
    q = q
      .where('status', '=', 'published')
      .where((eb) => eb.or([eb('owner_unit_id', 'is', null), provinceScopeCondition(filter.visibleTo!, 'owner_unit_id', 'surveys.read')]));
  }
  const rows = await q.orderBy('code').orderBy('version').execute();
  const byId = cacheFor(db);
  return rows.map((row) => {
    const instrument = byId.get(row.id) ?? fromRow(row);
    if (row.status === 'published') byId.set(row.id, instrument);
    return instrument;
  });
}

/** A version with what the questionnaire pages need beyond its definition. */
export interface InstrumentRecord {
  instrument: Instrument;
  ownerUnitId: string | null;
  status: InstrumentStatus;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
}

const RECORD_COLUMNS = ['id', 'definition', 'owner_unit_id', 'status', 'created_at', 'updated_at', 'published_at'] as const;

function toRecord(row: Pick<InstrumentRow, (typeof RECORD_COLUMNS)[number]>): InstrumentRecord {
  return {
    instrument: fromRow(row),
    ownerUnitId: row.owner_unit_id,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at ?? row.created_at,
    publishedAt: row.published_at,
  };
}

export async function getInstrumentRecord(db: Db, id: string): Promise<InstrumentRecord | undefined> {
  const row = await db.selectFrom('instruments').select(RECORD_COLUMNS).where('id', '=', id).executeTakeFirst();
  return row && toRecord(row);
}

/** Every version (draft or published) a person may see: the built-in ones and those of the provinces they hold a unit in. */
export async function visibleInstrumentRecords(db: Db, actor: Actor): Promise<InstrumentRecord[]> {
  const rows = await db
    .selectFrom('instruments')
    .select(RECORD_COLUMNS)
    .where((eb) => eb.or([eb('owner_unit_id', 'is', null), provinceScopeCondition(actor, 'owner_unit_id', 'surveys.read')]))
    .orderBy('code')
    .orderBy('version')
    .execute();
  return rows.map(toRecord);
}

/**
 * The next version of a code must exceed every existing one, and a code belongs to one owner: a
 * province cannot add versions to another province's questionnaire or to a built-in one.
 */
async function checkNewVersion(tx: Db, definition: InstrumentDefinition, ownerUnitId: string | null): Promise<void> {
  const existing = await tx
    .selectFrom('instruments')
    .select(['version', 'owner_unit_id'])
    .where('code', '=', definition.code)
    .orderBy('version', 'desc')
    .executeTakeFirst();
  if (!existing) return;
  if (existing.owner_unit_id !== ownerUnitId) {
    throw new AppError('conflict', 409, `The code ${definition.code} is already used by another questionnaire; choose another code`, [
      { path: ['code'], message: `${definition.code} is taken` },
    ]);
  }
  if (definition.version <= existing.version) {
    throw new AppError(
      'conflict',
      409,
      `${definition.code} already has version ${existing.version}; publish version ${existing.version + 1} or later`,
    );
  }
}

/** Adds a new, published version of an instrument (a new row). */
export async function publishInstrumentVersion(
  db: AppDatabase,
  clock: Clock,
  definition: InstrumentDefinition,
  ownerUnitId: string | null = null,
): Promise<Instrument> {
  const checked = parsePublishableDefinition(definition);
  return db.write(async (tx) => {
    await checkNewVersion(tx, checked, ownerUnitId);
    const now = clock.now().toISOString();
    const row = { ...toRow(checked), owner_unit_id: ownerUnitId, status: 'published' as const, created_at: now, updated_at: now, published_at: now };
    await tx.insertInto('instruments').values(row).execute();
    return { id: row.id, definition: checked };
  });
}

/** Adds a draft version (inside the caller's transaction); it is served to nobody until published. */
export async function insertDraft(tx: Db, clock: Clock, definition: InstrumentDefinition, ownerUnitId: string | null): Promise<InstrumentRecord> {
  const checked = parseInstrumentDefinition(definition);
  await checkNewVersion(tx, checked, ownerUnitId);
  const now = clock.now().toISOString();
  await tx
    .insertInto('instruments')
    .values({ ...toRow(checked), owner_unit_id: ownerUnitId, status: 'draft', created_at: now, updated_at: now, published_at: null })
    .execute();
  return (await getInstrumentRecord(tx, instrumentId(checked.code, checked.version)))!;
}

/** Replaces a draft's definition; a published version is refused (it is frozen). */
export async function replaceDraft(tx: Db, clock: Clock, id: string, definition: InstrumentDefinition): Promise<void> {
  const checked = parseInstrumentDefinition(definition);
  if (instrumentId(checked.code, checked.version) !== id) {
    throw new AppError('validation_failed', 400, `The definition is ${instrumentId(checked.code, checked.version)}, not ${id}`, [
      { path: ['code'], message: `code and version must stay those of ${id}` },
    ]);
  }
  const { title_vi, title_en, definition: json, methodology_version } = toRow(checked);
  const updated = await tx
    .updateTable('instruments')
    .set({ title_vi, title_en, definition: json, methodology_version, updated_at: clock.now().toISOString() })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) {
    throw new AppError('instrument_locked', 409, `${id} is published and can no longer change; save your changes as a new version`);
  }
}

/** Freezes a draft: from now on survey points may use it and it never changes again. */
export async function publishDraft(tx: Db, clock: Clock, id: string): Promise<void> {
  const row = await tx.selectFrom('instruments').select(['definition', 'status']).where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('not_found', 404, `No instrument ${id}`);
  if (row.status !== 'draft') throw new AppError('conflict', 409, `${id} is already published`);
  parsePublishableDefinition(JSON.parse(row.definition));
  const now = clock.now().toISOString();
  await tx.updateTable('instruments').set({ status: 'published', published_at: now, updated_at: now }).where('id', '=', id).execute();
}
