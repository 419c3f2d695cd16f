import type { Actor } from '../auth/actor.js';
import { assertUnitInScope, pathScopeCondition, scopePaths, type ScopeAccess } from '../auth/scope.js';
import { sql } from 'kysely';
import { recordAudit } from '../audit/record.js';
import type { Clock } from '../clock.js';
import type { Deps } from '../deps.js';
import type { Db, SurveyPointRow } from '../db/types.js';
import { AppError } from '../http.js';
import { newId, newSurveyCode } from '../ids.js';
import { surveyUrl } from '../qr/qr.js';
import type {
  CreateSurveyPointInput,
  SurveyPointListQuery,
  SurveyPointView,
  UpdateSurveyPointInput,
} from '../../schema/surveypoints.js';
import { subtreeCondition } from '../db/like.js';
import { assertUsableAt } from '../instruments/questionnaires.js';

/** The in-memory twin of pathScopeCondition, for a row already loaded. */
export function pathInScope(actor: Actor, path: string, access: ScopeAccess): boolean {
  const roots = scopePaths(actor, access);
  return roots === 'all' || roots.some((root) => path.startsWith(root));
}

function pointsQuery(db: Db) {
  return db
    .selectFrom('survey_points as sp')
    .innerJoin('units as u', 'u.id', 'sp.unit_id')
    .innerJoin('instruments as i', 'i.id', 'sp.instrument_id')
    .leftJoin('counters as c', 'c.id', 'sp.counter_id')
    .select((eb) => [
      'sp.id',
      'sp.code',
      'sp.unit_id',
      'u.code as unit_code',
      'u.name as unit_name',
      'u.path as unit_path',
      'sp.counter_id',
      'c.code as counter_code',
      'c.name as counter_name',
      'sp.instrument_id',
      'i.title_vi',
      'i.title_en',
      'sp.status',
      'sp.kiosk',
      'sp.callback_offered',
      'sp.created_at',
      'sp.updated_at',
      // One index seek per point (responses_point_submitted), however many answers it has.
      eb
        .selectFrom('responses as r')
        .select((r) => r.fn.max('r.submitted_at').as('at'))
        .whereRef('r.survey_point_id', '=', 'sp.id')
        .as('last_answer_at'),
    ]);
}

type PointRow = Awaited<ReturnType<ReturnType<typeof pointsQuery>['executeTakeFirstOrThrow']>>;

function toView(publicBaseUrl: string, r: PointRow): SurveyPointView {
  return {
    id: r.id,
    code: r.code,
    url: surveyUrl(publicBaseUrl, r.code),
    unitId: r.unit_id,
    unitCode: r.unit_code,
    unitName: r.unit_name,
    counterId: r.counter_id,
    counterCode: r.counter_code,
    counterName: r.counter_name,
    instrumentId: r.instrument_id,
    instrumentTitle: { vi: r.title_vi, en: r.title_en },
    status: r.status,
    kiosk: r.kiosk === 1,
    callbackOffered: r.callback_offered === 1,
    lastAnswerAt: r.last_answer_at ?? null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Survey points the actor may read (optionally one unit's subtree), by unit, counter, age. */
export async function listSurveyPoints(
  { db, config }: Deps,
  actor: Actor,
  query: SurveyPointListQuery,
): Promise<SurveyPointView[]> {
  let q = pointsQuery(db.kysely).where(pathScopeCondition(actor, 'u.path', 'surveys.read'));
  if (query.unitId) {
    const unit = await assertUnitInScope(db.kysely, actor, query.unitId, 'surveys.read');
    q = q.where(subtreeCondition('u.path', unit.path));
  }
  if (query.unitCode !== undefined) {
    const unit = await unitByCode(db.kysely, actor, query.unitCode, 'surveys.read', ['unitCode']);
    q = q.where(subtreeCondition('u.path', unit.path));
  }
  if (query.status) q = q.where('sp.status', '=', query.status);
  const rows = await q.orderBy('u.name').orderBy('u.id').orderBy(sql`coalesce(c.code, '')`).orderBy('sp.created_at').orderBy('sp.id').execute();
  return rows.map((r) => toView(config.publicBaseUrl, r));
}

/** 404 when the point does not exist, 403 forbidden_unit when it belongs outside the actor's subtrees. */
async function pointInScope(db: Db, actor: Actor, id: string, access: ScopeAccess): Promise<PointRow> {
  const row = await pointsQuery(db).where('sp.id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('not_found', 404, 'No such survey point');
  if (!pathInScope(actor, row.unit_path, access)) throw new AppError('forbidden_unit', 403, 'This survey point is outside your area');
  return row;
}

export async function getSurveyPoint({ db, config }: Deps, actor: Actor, id: string): Promise<SurveyPointView> {
  return toView(config.publicBaseUrl, await pointInScope(db.kysely, actor, id, 'surveys.read'));
}

function invalidField(field: string, message: string): AppError {
  return new AppError('validation_failed', 400, 'The request body is not valid', [{ path: [field], message }]);
}

/**
 * A unit by its code among the units the actor may act on: codes are unique only within a
 * province, and one outside the area is answered exactly as an unknown one.
 */
async function unitByCode(db: Db, actor: Actor, code: string, access: ScopeAccess, field: string[]): Promise<{ id: string; path: string }> {
  const found = await db.selectFrom('units').select(['id', 'path']).where('code', '=', code).where(pathScopeCondition(actor, 'path', access)).execute();
  if (found.length === 1) return found[0]!;
  throw new AppError('validation_failed', 400, 'The request is not valid', [
    { path: field, message: found.length ? `Unit code ${code} is ambiguous in your area: use unitId` : `No unit has code ${code} in your area` },
  ]);
}

/**
 * A code that was never used before, neither live nor retired: a retired code must keep answering
 * "no longer in use", never silently lead to another counter.
 */
export async function freshSurveyCode(tx: Db): Promise<string> {
  for (;;) {
    const code = newSurveyCode();
    const live = await tx.selectFrom('survey_points').select('id').where('code', '=', code).executeTakeFirst();
    const retired = await tx.selectFrom('retired_codes').select('code').where('code', '=', code).executeTakeFirst();
    if (!live && !retired) return code;
  }
}

/** Inserts a survey point; callers have checked the unit, counter and instrument. */
export async function insertSurveyPoint(
  tx: Db,
  clock: Clock,
  point: { unitId: string; counterId: string | null; instrumentId: string; status: 'open' | 'closed'; kiosk: boolean; callbackOffered?: boolean },
): Promise<SurveyPointRow> {
  const now = clock.now().toISOString();
  const row: SurveyPointRow = {
    id: newId(),
    code: await freshSurveyCode(tx),
    unit_id: point.unitId,
    counter_id: point.counterId,
    instrument_id: point.instrumentId,
    status: point.status,
    kiosk: point.kiosk ? 1 : 0,
    callback_offered: point.callbackOffered ? 1 : 0,
    created_at: now,
    updated_at: now,
  };
  await tx.insertInto('survey_points').values(row).execute();
  return row;
}

function auditState(r: PointRow) {
  return { code: r.code, instrumentId: r.instrument_id, status: r.status, kiosk: r.kiosk === 1, callbackOffered: r.callback_offered === 1, counterId: r.counter_id };
}

export async function createSurveyPoint(
  deps: Deps,
  actor: Actor,
  input: CreateSurveyPointInput,
): Promise<SurveyPointView> {
  const id = await deps.db.write(async (tx) => {
    const unitId = input.unitId ?? (await unitByCode(tx, actor, input.unitCode!, 'surveys.write', ['unitCode'])).id;
    await assertUnitInScope(tx, actor, unitId, 'surveys.write');
    let counterId = input.counterId ?? null;
    if (input.counterCode !== undefined) {
      const counter = await tx.selectFrom('counters').select('id').where('unit_id', '=', unitId).where('code', '=', input.counterCode).executeTakeFirst();
      if (!counter) throw invalidField('counterCode', `No counter has code ${input.counterCode} at this unit`);
      counterId = counter.id;
    } else if (counterId) {
      const counter = await tx.selectFrom('counters').select('unit_id').where('id', '=', counterId).executeTakeFirst();
      if (!counter || counter.unit_id !== unitId) throw invalidField('counterId', 'No such counter at this unit');
    }
    await assertUsableAt(tx, input.instrumentId, unitId);
    const row = await insertSurveyPoint(tx, deps.clock, {
      unitId,
      counterId,
      instrumentId: input.instrumentId,
      status: input.status,
      kiosk: input.kiosk,
      callbackOffered: input.callbackOffered ?? false,
    });
    const created = await pointInScope(tx, actor, row.id, 'surveys.write');
    await recordAudit(tx, {
      actor,
      at: deps.clock.now(),
      action: 'survey_point.create',
      entity: 'survey_point',
      entityId: row.id,
      unitId: row.unit_id,
      after: auditState(created),
    });
    return row.id;
  });
  return getSurveyPoint(deps, actor, id);
}

export async function updateSurveyPoint(
  deps: Deps,
  actor: Actor,
  id: string,
  input: UpdateSurveyPointInput,
): Promise<SurveyPointView> {
  await deps.db.write(async (tx) => {
    const before = await pointInScope(tx, actor, id, 'surveys.write');
    if (input.instrumentId !== undefined && input.instrumentId !== before.instrument_id) await assertUsableAt(tx, input.instrumentId, before.unit_id);
    await tx
      .updateTable('survey_points')
      .set({
        ...(input.instrumentId !== undefined && { instrument_id: input.instrumentId }),
        ...(input.status !== undefined && { status: input.status }),
        ...(input.kiosk !== undefined && { kiosk: input.kiosk ? 1 : 0 }),
        ...(input.callbackOffered !== undefined && { callback_offered: input.callbackOffered ? 1 : 0 }),
        updated_at: deps.clock.now().toISOString(),
      })
      .where('id', '=', id)
      .execute();
    const after = await pointInScope(tx, actor, id, 'surveys.write');
    await recordAudit(tx, {
      actor,
      at: deps.clock.now(),
      action: 'survey_point.update',
      entity: 'survey_point',
      entityId: id,
      unitId: before.unit_id,
      before: auditState(before),
      after: auditState(after),
    });
  });
  return getSurveyPoint(deps, actor, id);
}

/**
 * Gives a point a new code (e.g. a poster was photographed and shared). The old code is kept in
 * retired_codes so scanning an old poster says "this QR is no longer in use" instead of "not found".
 */
export async function rotateSurveyPointCode(
  deps: Deps,
  actor: Actor,
  id: string,
): Promise<SurveyPointView> {
  await deps.db.write(async (tx) => {
    const before = await pointInScope(tx, actor, id, 'surveys.write');
    const now = deps.clock.now().toISOString();
    await tx.insertInto('retired_codes').values({ code: before.code, survey_point_id: id, retired_at: now }).execute();
    const code = await freshSurveyCode(tx);
    await tx.updateTable('survey_points').set({ code, updated_at: now }).where('id', '=', id).execute();
    await recordAudit(tx, {
      actor,
      at: deps.clock.now(),
      action: 'survey_point.rotate_code',
      entity: 'survey_point',
      entityId: id,
      unitId: before.unit_id,
      before: { code: before.code },
      after: { code },
    });
  });
  return getSurveyPoint(deps, actor, id);
}

/**
 * The instrument for a point created on demand: what the unit's other points ask, else the newest
 * published built-in version of the counter instrument QUAY, else the newest built-in one.
 */
async function defaultInstrumentId(tx: Db, unitId: string): Promise<string> {
  const sibling = await tx
    .selectFrom('survey_points')
    .select('instrument_id')
    .where('unit_id', '=', unitId)
    .orderBy('updated_at', 'desc')
    .executeTakeFirst();
  if (sibling) return sibling.instrument_id;
  const newest = await tx
    .selectFrom('instruments')
    .select('id')
    .where('status', '=', 'published')
    .where('owner_unit_id', 'is', null)
    .orderBy((eb) => eb.case().when('code', '=', 'QUAY').then(0).else(1).end())
    .orderBy('version', 'desc')
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  if (!newest) throw new AppError('conflict', 409, 'No survey instrument is installed yet');
  return newest.id;
}

/**
 * The survey point a per-dossier invitation links to: the counter's point, or the unit's
 * centre-wide point when no counter is named. Open, non-kiosk points are preferred (an invitation
 * is answered on the citizen's own phone); one is created if the unit has none.
 */
export async function pointForInvitation(tx: Db, clock: Clock, unitId: string, counterId: string | null): Promise<string> {
  let q = tx.selectFrom('survey_points').select('id').where('unit_id', '=', unitId);
  q = counterId ? q.where('counter_id', '=', counterId) : q.where('counter_id', 'is', null);
  const existing = await q
    .orderBy((eb) => eb.case().when('status', '=', 'open').then(0).else(1).end())
    .orderBy('kiosk')
    .orderBy('created_at')
    .orderBy('id')
    .executeTakeFirst();
  if (existing) return existing.id;
  const created = await insertSurveyPoint(tx, clock, {
    unitId,
    counterId,
    instrumentId: await defaultInstrumentId(tx, unitId),
    status: 'open',
    kiosk: false,
  });
  return created.id;
}
