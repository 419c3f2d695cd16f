import type { InstrumentDefinition } from '../../schema/instrument.js';
import type {
  AssignResult,
  Catalogue,
  InstrumentDetail,
  InstrumentList,
  InstrumentSummary,
  QuestionnaireAssign,
  QuestionnaireCreate,
  QuestionnaireSave,
} from '../../schema/questionnaires.js';
import type { Actor } from '../auth/actor.js';
import { assertUnitInScope, pathScopeCondition, scopePaths, scopeUnitIds } from '../auth/scope.js';
import { recordAudit } from '../audit/record.js';
import type { Deps } from '../deps.js';
import { subtreeCondition } from '../db/like.js';
import type { Db } from '../db/types.js';
import { AppError } from '../http.js';
import { emptyDefinition, SIPAS_CATALOGUE, TEMPLATES } from './catalogue.js';
import { assertDefinitionIn } from './validate.js';
import {
  getInstrumentRecord,
  insertDraft,
  publishDraft,
  replaceDraft,
  visibleInstrumentRecords,
  type InstrumentRecord,
} from './store.js';

/** The path of a province (a root unit), for the subtree tests of scopePaths. */
async function provincePath(db: Db, provinceId: string): Promise<string | undefined> {
  const row = await db.selectFrom('units').select('path').where('id', '=', provinceId).executeTakeFirst();
  return row?.path;
}

/**
 * Who may change a version: a system administrator any; a provincial officer (instruments.write on
 * the province's unit itself) their province's own. Built-in versions belong to no province.
 */
async function canWrite(db: Db, actor: Actor, ownerUnitId: string | null): Promise<boolean> {
  const roots = scopePaths(actor, 'instruments.write');
  if (roots === 'all') return true;
  if (ownerUnitId === null) return false;
  const path = await provincePath(db, ownerUnitId);
  return path !== undefined && roots.includes(path);
}

/** Whether a person reading survey points sees this version: built-in, or of a province they hold a unit in. */
function visibleTo(actor: Actor, ownerPath: string | undefined, ownerUnitId: string | null): boolean {
  if (ownerUnitId === null) return true;
  const roots = scopePaths(actor, 'surveys.read');
  return roots === 'all' || (ownerPath !== undefined && roots.some((root) => root.startsWith(ownerPath)));
}

/** A version the actor may see; 404 when it does not exist, 403 when it belongs to another province. */
async function visibleRecord(db: Db, actor: Actor, id: string): Promise<InstrumentRecord> {
  const record = await getInstrumentRecord(db, id);
  if (!record) throw new AppError('not_found', 404, `No questionnaire ${id}`);
  const ownerPath = record.ownerUnitId === null ? undefined : await provincePath(db, record.ownerUnitId);
  if (!visibleTo(actor, ownerPath, record.ownerUnitId)) throw new AppError('forbidden_unit', 403, 'This questionnaire belongs to another province');
  return record;
}

async function writableRecord(db: Db, actor: Actor, id: string): Promise<InstrumentRecord> {
  const record = await visibleRecord(db, actor, id);
  if (!(await canWrite(db, actor, record.ownerUnitId))) {
    throw new AppError(
      'forbidden',
      403,
      record.ownerUnitId === null
        ? 'Built-in questionnaires are read-only: create a questionnaire of your province from this template instead'
        : "Only the province's officers may change its questionnaires",
    );
  }
  return record;
}

/** Answers (not flagged suspect) and survey points per version, in the actor's area. */
async function usageInScope(db: Db, actor: Actor): Promise<{ answers: Map<string, number>; points: Map<string, number> }> {
  const [answers, points] = await Promise.all([
    db
      .selectFrom('rollup_response_day')
      .select(['instrument_id', (eb) => eb.fn.sum<number | string>('n').as('n')])
      .where('unit_id', 'in', scopeUnitIds(db, actor, 'surveys.read'))
      .groupBy('instrument_id')
      .execute(),
    db
      .selectFrom('survey_points as sp')
      .innerJoin('units as u', 'u.id', 'sp.unit_id')
      .select(['sp.instrument_id', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where(pathScopeCondition(actor, 'u.path', 'surveys.read'))
      .groupBy('sp.instrument_id')
      .execute(),
  ]);
  return {
    answers: new Map(answers.map((r) => [r.instrument_id, Number(r.n)])),
    points: new Map(points.map((r) => [r.instrument_id, Number(r.n)])),
  };
}

async function owners(db: Db, ids: readonly (string | null)[]): Promise<Map<string, { id: string; code: string; name: string; path: string }>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db.selectFrom('units').select(['id', 'code', 'name', 'path']).where('id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

function summary(
  record: InstrumentRecord,
  owner: { id: string; code: string; name: string } | undefined,
  usage: { answers: number; points: number },
  editable: boolean,
): InstrumentSummary {
  const { definition } = record.instrument;
  return {
    id: record.instrument.id,
    code: definition.code,
    version: definition.version,
    title: definition.title,
    status: record.status,
    owner: owner ? { id: owner.id, code: owner.code, name: owner.name } : null,
    parts: definition.parts.length,
    factors: definition.factors.length,
    criteria: definition.items.filter((i) => i.role === 'criterion').length,
    answers: usage.answers,
    surveyPoints: usage.points,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    publishedAt: record.publishedAt,
    editable,
  };
}

async function summarize(db: Db, actor: Actor, records: InstrumentRecord[]): Promise<InstrumentSummary[]> {
  const [usage, owned] = await Promise.all([usageInScope(db, actor), owners(db, records.map((r) => r.ownerUnitId))]);
  const writeRoots = scopePaths(actor, 'instruments.write');
  return records.map((record) => {
    const owner = record.ownerUnitId === null ? undefined : owned.get(record.ownerUnitId);
    const editable = writeRoots === 'all' || (owner !== undefined && writeRoots.includes(owner.path));
    const id = record.instrument.id;
    return summary(record, owner, { answers: usage.answers.get(id) ?? 0, points: usage.points.get(id) ?? 0 }, editable);
  });
}

/** Every questionnaire version the actor may see, with answer and survey-point counts in their area. */
export async function listQuestionnaires(deps: Deps, actor: Actor): Promise<InstrumentList> {
  const db = deps.db.kysely;
  return { items: await summarize(db, actor, await visibleInstrumentRecords(db, actor)) };
}

export async function getQuestionnaire(deps: Deps, actor: Actor, id: string): Promise<InstrumentDetail> {
  const db = deps.db.kysely;
  const record = await visibleRecord(db, actor, id);
  const [item] = await summarize(db, actor, [record]);
  return { ...item!, definition: record.instrument.definition };
}

/** The province that will own a new questionnaire: the one asked for, else the actor's only one. */
async function ownerFor(tx: Db, actor: Actor, ownerUnitId: string | null | undefined): Promise<string | null> {
  const roots = scopePaths(actor, 'instruments.write');
  if (ownerUnitId === null || (ownerUnitId === undefined && roots === 'all')) {
    if (roots !== 'all') throw ownerIssue('Choose the province that owns the questionnaire');
    return null;
  }
  if (ownerUnitId === undefined) {
    const provinces = await tx.selectFrom('units').select('id').where('kind', '=', 'province').where('path', 'in', roots).execute();
    if (provinces.length !== 1) throw ownerIssue('Choose the province that owns the questionnaire');
    return provinces[0]!.id;
  }
  const unit = await assertUnitInScope(tx, actor, ownerUnitId, 'instruments.write');
  if (unit.kind !== 'province') throw ownerIssue('A questionnaire belongs to a province, not to one of its units');
  return unit.id;
}

function ownerIssue(message: string): AppError {
  return new AppError('validation_failed', 400, 'The request body is not valid', [{ path: ['ownerUnitId'], message }]);
}

/** What the audit log keeps of a version: enough to see what changed, without repeating its answers. */
function auditState(id: string, status: string, definition: InstrumentDefinition) {
  return { id, status, definition };
}

/** A new questionnaire, version 1, as a draft: a copy of a built-in template (with its codes) or an empty one. */
export async function createQuestionnaire(deps: Deps, actor: Actor, input: QuestionnaireCreate): Promise<InstrumentDetail> {
  const id = await deps.db.write(async (tx) => {
    const ownerUnitId = await ownerFor(tx, actor, input.ownerUnitId);
    const base = input.template === 'EMPTY' ? emptyDefinition(input.code) : TEMPLATES[input.template];
    const definition: InstrumentDefinition = { ...base, code: input.code, version: 1, ...(input.title && { title: input.title }) };
    const exists = await tx.selectFrom('instruments').select('id').where('code', '=', input.code).executeTakeFirst();
    if (exists) {
      throw new AppError('validation_failed', 400, 'The request body is not valid', [
        { path: ['code'], message: `The code ${input.code} is already used; choose another` },
      ]);
    }
    const record = await insertDraft(tx, deps.clock, definition, ownerUnitId);
    await recordAudit(tx, {
      actor,
      at: deps.clock.now(),
      action: 'instrument.create',
      entity: 'instrument',
      entityId: record.instrument.id,
      unitId: ownerUnitId,
      after: { ...auditState(record.instrument.id, 'draft', definition), template: input.template },
    });
    return record.instrument.id;
  });
  return getQuestionnaire(deps, actor, id);
}

async function nextVersion(tx: Db, code: string): Promise<number> {
  const latest = await tx.selectFrom('instruments').select((eb) => eb.fn.max('version').as('v')).where('code', '=', code).executeTakeFirst();
  return Number(latest?.v ?? 0) + 1;
}

async function addVersion(deps: Deps, tx: Db, actor: Actor, from: InstrumentRecord, definition: InstrumentDefinition): Promise<string> {
  const version = await nextVersion(tx, from.instrument.definition.code);
  const next: InstrumentDefinition = { ...definition, code: from.instrument.definition.code, version };
  const record = await insertDraft(tx, deps.clock, next, from.ownerUnitId);
  await recordAudit(tx, {
    actor,
    at: deps.clock.now(),
    action: 'instrument.create',
    entity: 'instrument',
    entityId: record.instrument.id,
    unitId: from.ownerUnitId,
    after: { ...auditState(record.instrument.id, 'draft', next), from: from.instrument.id },
  });
  return record.instrument.id;
}

/** POST /:id/versions: a draft copy of a version, numbered after the code's newest. */
export async function newQuestionnaireVersion(deps: Deps, actor: Actor, id: string): Promise<InstrumentDetail> {
  const created = await deps.db.write(async (tx) => {
    const from = await writableRecord(tx, actor, id);
    return addVersion(deps, tx, actor, from, from.instrument.definition);
  });
  return getQuestionnaire(deps, actor, created);
}

/**
 * Saves a definition. A draft changes in place; a published version never changes (its answers stay
 * explainable by the exact questions asked), so the definition is saved as a new draft version.
 */
export async function saveQuestionnaire(
  deps: Deps,
  actor: Actor,
  id: string,
  input: QuestionnaireSave,
): Promise<{ created: boolean; questionnaire: InstrumentDetail }> {
  const saved = await deps.db.write(async (tx) => {
    const record = await writableRecord(tx, actor, id);
    const current = record.instrument.definition;
    if (input.definition.code !== current.code) {
      throw new AppError('validation_failed', 400, 'The request body is not valid', [
        { path: ['definition', 'code'], message: `The code stays ${current.code}; create a new questionnaire for another code` },
      ]);
    }
    const definition: InstrumentDefinition = { ...input.definition, methodologyVersion: current.methodologyVersion };
    assertDefinitionIn('definition', definition);
    if (record.status === 'published') return { id: await addVersion(deps, tx, actor, record, definition), created: true };
    await replaceDraft(tx, deps.clock, id, { ...definition, version: current.version });
    await recordAudit(tx, {
      actor,
      at: deps.clock.now(),
      action: 'instrument.update',
      entity: 'instrument',
      entityId: id,
      unitId: record.ownerUnitId,
      before: auditState(id, 'draft', current),
      after: auditState(id, 'draft', { ...definition, version: current.version }),
    });
    return { id, created: false };
  });
  return { created: saved.created, questionnaire: await getQuestionnaire(deps, actor, saved.id) };
}

/** Publishes a draft: it is frozen from now on, and survey points may use it. */
export async function publishQuestionnaire(deps: Deps, actor: Actor, id: string): Promise<InstrumentDetail> {
  await deps.db.write(async (tx) => {
    const record = await writableRecord(tx, actor, id);
    if (record.status === 'draft') assertDefinitionIn('definition', record.instrument.definition, true);
    await publishDraft(tx, deps.clock, id);
    await recordAudit(tx, {
      actor,
      at: deps.clock.now(),
      action: 'instrument.publish',
      entity: 'instrument',
      entityId: id,
      unitId: record.ownerUnitId,
      before: { id, status: 'draft' },
      after: { id, status: 'published' },
    });
  });
  return getQuestionnaire(deps, actor, id);
}

/** Discards a draft nobody will ever answer; published versions stay forever. */
export async function deleteDraft(deps: Deps, actor: Actor, id: string): Promise<void> {
  await deps.db.write(async (tx) => {
    const record = await writableRecord(tx, actor, id);
    if (record.status !== 'draft') throw new AppError('instrument_locked', 409, `${id} is published and stays; only a draft can be discarded`);
    await tx.deleteFrom('instruments').where('id', '=', id).where('status', '=', 'draft').execute();
    await recordAudit(tx, {
      actor,
      at: deps.clock.now(),
      action: 'instrument.delete',
      entity: 'instrument',
      entityId: id,
      unitId: record.ownerUnitId,
      before: auditState(id, 'draft', record.instrument.definition),
    });
  });
}

/**
 * Checks that a survey point at this unit may ask this version: it exists, is published, and is
 * built in or belongs to the unit's province. Problems are answered as a 400 on `field`.
 */
export async function assertUsableAt(tx: Db, instrumentIdValue: string, unitId: string, field: (string | number)[] = ['instrumentId']): Promise<void> {
  const record = await getInstrumentRecord(tx, instrumentIdValue);
  const problem =
    !record
      ? `No questionnaire ${instrumentIdValue}`
      : record.status !== 'published'
        ? `${instrumentIdValue} is a draft: publish it before survey points use it`
        : record.ownerUnitId !== null &&
            !(await tx.selectFrom('units').select('id').where('id', '=', unitId).where('province_id', '=', record.ownerUnitId).executeTakeFirst())
          ? `${instrumentIdValue} belongs to another province`
          : null;
  if (problem) throw new AppError('validation_failed', 400, 'The request body is not valid', [{ path: field, message: problem }]);
}

/** Every survey point of a unit's subtree, or the points named, start asking this published version. */
export async function assignQuestionnaire(deps: Deps, actor: Actor, id: string, input: QuestionnaireAssign): Promise<AssignResult> {
  return deps.db.write(async (tx) => {
    const record = await visibleRecord(tx, actor, id);
    if (record.status !== 'published') {
      throw new AppError('validation_failed', 400, 'The request body is not valid', [
        { path: ['instrumentId'], message: `${id} is a draft: publish it before survey points use it` },
      ]);
    }
    let q = tx
      .selectFrom('survey_points as sp')
      .innerJoin('units as u', 'u.id', 'sp.unit_id')
      .select(['sp.id', 'sp.code', 'sp.unit_id', 'sp.instrument_id', 'sp.status', 'sp.kiosk', 'sp.counter_id', 'u.province_id', 'u.path']);
    if (input.unitId !== undefined) {
      const unit = await assertUnitInScope(tx, actor, input.unitId, 'surveys.write');
      q = q.where(subtreeCondition('u.path', unit.path));
    } else {
      q = q.where('sp.id', 'in', input.surveyPointIds!);
    }
    const points = await q.orderBy('sp.id').execute();
    if (input.surveyPointIds) {
      const found = new Set(points.map((p) => p.id));
      const missing = input.surveyPointIds.findIndex((pid) => !found.has(pid));
      if (missing >= 0) throw new AppError('not_found', 404, 'No such survey point');
      const inScope = new Set(
        (await tx.selectFrom('units').select('id').where('id', 'in', points.map((p) => p.unit_id)).where(pathScopeCondition(actor, 'path', 'surveys.write')).execute()).map(
          (u) => u.id,
        ),
      );
      if (points.some((p) => !inScope.has(p.unit_id))) throw new AppError('forbidden_unit', 403, 'A survey point is outside your area');
    }
    const foreign = points.findIndex((p) => record.ownerUnitId !== null && p.province_id !== record.ownerUnitId);
    if (foreign >= 0) {
      throw new AppError('validation_failed', 400, 'The request body is not valid', [
        { path: input.unitId !== undefined ? ['unitId'] : ['surveyPointIds', foreign], message: `${id} belongs to another province` },
      ]);
    }
    const now = deps.clock.now();
    let changed = 0;
    for (const point of points) {
      if (point.instrument_id === id) continue;
      await tx.updateTable('survey_points').set({ instrument_id: id, updated_at: now.toISOString() }).where('id', '=', point.id).execute();
      const state = { code: point.code, status: point.status, kiosk: point.kiosk === 1, counterId: point.counter_id };
      await recordAudit(tx, {
        actor,
        at: now,
        action: 'survey_point.update',
        entity: 'survey_point',
        entityId: point.id,
        unitId: point.unit_id,
        before: { ...state, instrumentId: point.instrument_id },
        after: { ...state, instrumentId: id },
      });
      changed++;
    }
    return { instrumentId: id, changed, unchanged: points.length - changed };
  });
}

/** The SIPAS criteria (S17 and S23, both parts) to pick into a questionnaire. */
export function sipasCatalogue(): Catalogue {
  return { criteria: SIPAS_CATALOGUE.map((c) => ({ source: c.source, item: c.item, factor: c.factor, part: c.part })) };
}
