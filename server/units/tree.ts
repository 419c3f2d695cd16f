import { sql, type SqlBool, type Expression } from 'kysely';
import {
  PARENT_KINDS,
  UNIT_CODE_PATTERN,
  type UnitCreate,
  type UnitDetail,
  type UnitKind,
  type UnitList,
  type UnitListQuery,
  type UnitUpdate,
  type Unit,
} from '../../schema/admin.js';
import type { Actor } from '../auth/actor.js';
import { assertUnitInScope, pathScopeCondition, scopePaths } from '../auth/scope.js';
import { recordAudit } from '../audit/record.js';
import type { Deps } from '../deps.js';
import type { Db, UnitRow } from '../db/types.js';
import { AppError } from '../http.js';
import { newId } from '../ids.js';
import { likeContains, unitView } from './views.js';

const KIND_LABEL: Record<UnitKind, string> = {
  province: 'a province',
  commune: 'a commune, ward or special zone',
  centre: 'a centre',
  branch: 'a branch',
  agency: 'an agency',
};

export function invalid(path: string, message: string): AppError {
  return new AppError('validation_failed', 400, message, [{ path: [path], message }]);
}

export function checkUnitCode(kind: UnitKind, code: string): void {
  if (!UNIT_CODE_PATTERN[kind].test(code)) {
    const rule =
      kind === 'province' ? 'two digits, e.g. 96' : kind === 'commune' ? 'five digits, e.g. 31942' : 'letters, digits, . _ - (up to 40)';
    throw invalid('code', `The code of ${KIND_LABEL[kind]} must be ${rule}`);
  }
}

export function checkParentKind(kind: UnitKind, parent: UnitRow | null): void {
  const allowed = PARENT_KINDS[kind];
  if (!parent) {
    if (allowed.length) throw invalid('parentId', `${KIND_LABEL[kind]} must sit under ${allowed.map((k) => KIND_LABEL[k]).join(' or ')}`);
    return;
  }
  if (!allowed.includes(parent.kind)) {
    const where = allowed.length ? `under ${allowed.map((k) => KIND_LABEL[k]).join(' or ')}` : 'at the top of the tree';
    throw invalid('parentId', `${KIND_LABEL[kind]} belongs ${where}, not under ${KIND_LABEL[parent.kind]}`);
  }
}

async function assertCodeFree(db: Db, kind: UnitKind, code: string, exceptId?: string): Promise<void> {
  let q = db.selectFrom('units').select('id').where('kind', '=', kind).where('code', '=', code);
  if (exceptId) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) throw new AppError('conflict', 409, `There is already ${KIND_LABEL[kind]} with code ${code}`);
}

/** The units one may act on directly: the top of the actor's scope (every province for a system admin). */
function topOfScope(actor: Actor): Expression<SqlBool> {
  const paths = scopePaths(actor, 'read');
  if (paths === 'all') return sql<SqlBool>`parent_id is null`;
  if (paths.length === 0) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`path in (${sql.join(paths)})`;
}

export async function listUnits(deps: Deps, actor: Actor, query: UnitListQuery): Promise<UnitList> {
  const db = deps.db.kysely;
  if (query.parentId) await assertUnitInScope(deps, actor, query.parentId, 'read');
  let base = db.selectFrom('units').where(pathScopeCondition(actor, 'units.path', 'read'));
  if (query.parentId) base = base.where('parent_id', '=', query.parentId);
  else if (!query.q && !query.kind) base = base.where(topOfScope(actor));
  if (query.kind) base = base.where('kind', '=', query.kind);
  if (query.q) {
    const pattern = likeContains(query.q);
    base = base.where(sql<SqlBool>`(name like ${pattern} escape '\\' or code like ${pattern} escape '\\')`);
  }
  if (!query.includeInactive) base = base.where('active', '=', 1);
  const [items, total] = await Promise.all([
    base.selectAll().orderBy('kind').orderBy('code').limit(query.limit).offset(query.offset).execute(),
    base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: items.map(unitView), total: Number(total.n) };
}

export async function getUnit(deps: Deps, actor: Actor, id: string): Promise<UnitDetail> {
  const unit = await assertUnitInScope(deps, actor, id, 'read');
  const db = deps.db.kysely;
  const ancestorIds = unit.path.split('/').filter((p) => p && p !== unit.id);
  const [ancestors, children, counters] = await Promise.all([
    ancestorIds.length
      ? db.selectFrom('units').select(['id', 'kind', 'code', 'name', 'path']).where('id', 'in', ancestorIds).execute()
      : Promise.resolve([]),
    db.selectFrom('units').select(sql<number>`count(*)`.as('n')).where('parent_id', '=', unit.id).executeTakeFirstOrThrow(),
    db.selectFrom('counters').select(sql<number>`count(*)`.as('n')).where('unit_id', '=', unit.id).executeTakeFirstOrThrow(),
  ]);
  return {
    ...unitView(unit),
    ancestors: ancestors
      .sort((a, b) => a.path.length - b.path.length)
      .map((a) => ({ id: a.id, kind: a.kind, code: a.code, name: a.name })),
    childCount: Number(children.n),
    counterCount: Number(counters.n),
  };
}

/**
 * A unit is managed by whoever manages its parent: creating, editing, moving or deactivating it
 * needs write access to the parent's subtree (a province: system admins only).
 */
async function assertCanManageUnder(deps: Deps, actor: Actor, parentId: string | null): Promise<UnitRow | null> {
  if (parentId === null) {
    if (scopePaths(actor, 'write') !== 'all') throw new AppError('forbidden', 403, 'Only a system administrator can add or change provinces');
    return null;
  }
  return assertUnitInScope(deps, actor, parentId, 'write');
}

export async function createUnit(deps: Deps, actor: Actor, input: UnitCreate): Promise<Unit> {
  const parent = await assertCanManageUnder(deps, actor, input.parentId);
  checkParentKind(input.kind, parent);
  checkUnitCode(input.kind, input.code);
  const now = deps.clock.now();
  return deps.db.write(async (tx) => {
    await assertCodeFree(tx, input.kind, input.code);
    const id = newId();
    const row: UnitRow = {
      id,
      parent_id: parent?.id ?? null,
      kind: input.kind,
      code: input.code,
      name: input.name,
      path: `${parent?.path ?? '/'}${id}/`,
      province_id: parent?.province_id ?? id,
      active: 1,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
    await tx.insertInto('units').values(row).execute();
    const after = unitView(row);
    await recordAudit(tx, { actor, action: 'unit.create', entity: 'unit', entityId: id, unitId: id, after, at: now });
    return after;
  });
}

export async function updateUnit(deps: Deps, actor: Actor, id: string, input: UnitUpdate): Promise<Unit> {
  const unit = await assertUnitInScope(deps, actor, id, 'read');
  await assertCanManageUnder(deps, actor, unit.parent_id);
  const moving = input.parentId !== undefined && input.parentId !== unit.parent_id;
  const newParent = moving ? await assertUnitInScope(deps, actor, input.parentId!, 'write') : undefined;
  if (newParent) {
    checkParentKind(unit.kind, newParent);
    if (newParent.path.startsWith(unit.path)) throw invalid('parentId', 'A unit cannot move under itself or its own sub-units');
  }
  if (input.code !== undefined) checkUnitCode(unit.kind, input.code);
  const now = deps.clock.now();
  return deps.db.write(async (tx) => {
    const before = await tx.selectFrom('units').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    if (input.code !== undefined && input.code !== before.code) await assertCodeFree(tx, before.kind, input.code, id);
    if (input.active === false && before.active === 1) {
      const activeChild = await tx
        .selectFrom('units')
        .select('id')
        .where('parent_id', '=', id)
        .where('active', '=', 1)
        .executeTakeFirst();
      if (activeChild) throw new AppError('conflict', 409, 'Deactivate the units under this one first');
    }
    if (input.active === true && before.active === 0 && before.parent_id) {
      const parent = await tx.selectFrom('units').select('active').where('id', '=', before.parent_id).executeTakeFirstOrThrow();
      if (!parent.active) throw new AppError('conflict', 409, 'Reactivate the unit above this one first');
    }
    await tx
      .updateTable('units')
      .set({
        ...(input.code !== undefined ? { code: input.code } : {}),
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.active !== undefined ? { active: input.active ? 1 : 0 } : {}),
        ...(newParent ? { parent_id: newParent.id } : {}),
        updated_at: now.toISOString(),
      })
      .where('id', '=', id)
      .execute();
    if (newParent) {
      // Re-root the whole subtree: its paths and its province follow the unit.
      const newPath = `${newParent.path}${id}/`;
      await tx
        .updateTable('units')
        .set({
          path: sql<string>`${newPath} || substr(path, ${before.path.length + 1})`,
          province_id: newParent.province_id,
        })
        .where(sql<SqlBool>`substr(path, 1, ${before.path.length}) = ${before.path}`)
        .execute();
    }
    const after = await tx.selectFrom('units').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const action = newParent
      ? 'unit.move'
      : input.active === false && before.active === 1
        ? 'unit.deactivate'
        : input.active === true && before.active === 0
          ? 'unit.activate'
          : 'unit.update';
    await recordAudit(tx, {
      actor,
      action,
      entity: 'unit',
      entityId: id,
      unitId: id,
      before: unitView(before),
      after: unitView(after),
      at: now,
    });
    return unitView(after);
  });
}
