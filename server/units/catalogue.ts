import { sql, type SqlBool } from 'kysely';
import type {
  CatalogueListQuery,
  Procedure,
  ProcedureCreate,
  ProcedureList,
  ProcedureUpdate,
  Staff,
  StaffCreate,
  StaffList,
  StaffUpdate,
} from '../../schema/admin.js';
import type { Actor } from '../auth/actor.js';
import { assertUnitInScope, provinceScopeCondition } from '../auth/scope.js';
import { recordAudit } from '../audit/record.js';
import type { Deps } from '../deps.js';
import type { Db, UnitRow } from '../db/types.js';
import { AppError } from '../http.js';
import { newId } from '../ids.js';
import { invalid } from './tree.js';
import { likeContains, procedureView, staffView, type StaffRow } from './views.js';

/**
 * Staff (officials at counters) and procedures (mã TTHC) are kept per province. Anyone with a unit in
 * the province reads its catalogue (dashboards filter by them); only a province-level grant writes it.
 */
export type CatalogueTable = 'staff' | 'procedures';

const NOUN: Record<CatalogueTable, string> = { staff: 'official', procedures: 'procedure' };
const ENTITY: Record<CatalogueTable, 'staff' | 'procedure'> = { staff: 'staff', procedures: 'procedure' };

/** A province whose catalogue the actor may read, or 404 / 403 forbidden_unit. */
async function assertProvinceReadable(deps: Deps, actor: Actor, provinceId: string): Promise<void> {
  const db = deps.db.kysely;
  const visible = await db
    .selectFrom('units')
    .select('id')
    .where('id', '=', provinceId)
    .where('kind', '=', 'province')
    .where(provinceScopeCondition(actor, 'units.id', 'read'))
    .executeTakeFirst();
  if (visible) return;
  const exists = await db.selectFrom('units').select('id').where('id', '=', provinceId).where('kind', '=', 'province').executeTakeFirst();
  if (!exists) throw new AppError('not_found', 404, 'No such province');
  throw new AppError('forbidden_unit', 403, 'This province is outside your area');
}

async function assertProvinceWritable(deps: Deps, actor: Actor, provinceId: string): Promise<UnitRow> {
  const province = await assertUnitInScope(deps, actor, provinceId, 'write');
  if (province.kind !== 'province') throw invalid('provinceId', 'Staff and procedures are kept per province');
  return province;
}

async function assertCodeFree(db: Db, table: CatalogueTable, provinceId: string, code: string, exceptId?: string): Promise<void> {
  let q = db.selectFrom(table).select('id').where('province_id', '=', provinceId).where('code', '=', code);
  if (exceptId) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) throw new AppError('conflict', 409, `This province already has a ${NOUN[table]} with code ${code}`);
}

function listBase(deps: Deps, actor: Actor, table: CatalogueTable, query: CatalogueListQuery) {
  let base = deps.db.kysely.selectFrom(table).where(provinceScopeCondition(actor, `${table}.province_id`, 'read'));
  if (query.provinceId) base = base.where('province_id', '=', query.provinceId);
  if (query.q) {
    const pattern = likeContains(query.q);
    base = base.where(sql<SqlBool>`(name like ${pattern} escape '\\' or code like ${pattern} escape '\\')`);
  }
  if (!query.includeInactive) base = base.where('active', '=', 1);
  return base;
}

export async function listStaff(deps: Deps, actor: Actor, query: CatalogueListQuery): Promise<StaffList> {
  if (query.provinceId) await assertProvinceReadable(deps, actor, query.provinceId);
  const base = listBase(deps, actor, 'staff', query);
  const [items, total] = await Promise.all([
    base.selectAll().orderBy('province_id').orderBy('code').limit(query.limit).offset(query.offset).execute(),
    base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: items.map(staffView), total: Number(total.n) };
}

export async function listProcedures(deps: Deps, actor: Actor, query: CatalogueListQuery): Promise<ProcedureList> {
  if (query.provinceId) await assertProvinceReadable(deps, actor, query.provinceId);
  let base = listBase(deps, actor, 'procedures', query);
  if (query.field) base = base.where('field', '=', query.field);
  const [items, total] = await Promise.all([
    base.selectAll().orderBy('province_id').orderBy('field').orderBy('code').limit(query.limit).offset(query.offset).execute(),
    base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: items.map(procedureView), total: Number(total.n) };
}

async function loadEntry(deps: Deps, actor: Actor, table: CatalogueTable, id: string, access: 'read' | 'write') {
  const row = await deps.db.kysely.selectFrom(table).select('province_id').where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('not_found', 404, `No such ${NOUN[table]}`);
  if (access === 'write') await assertProvinceWritable(deps, actor, row.province_id);
  else await assertProvinceReadable(deps, actor, row.province_id);
}

export async function getStaff(deps: Deps, actor: Actor, id: string): Promise<Staff> {
  await loadEntry(deps, actor, 'staff', id, 'read');
  return staffView(await deps.db.kysely.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
}

export async function getProcedure(deps: Deps, actor: Actor, id: string): Promise<Procedure> {
  await loadEntry(deps, actor, 'procedures', id, 'read');
  return procedureView(await deps.db.kysely.selectFrom('procedures').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
}

export async function createStaff(deps: Deps, actor: Actor, input: StaffCreate): Promise<Staff> {
  await assertProvinceWritable(deps, actor, input.provinceId);
  const now = deps.clock.now();
  return deps.db.write(async (tx) => {
    await assertCodeFree(tx, 'staff', input.provinceId, input.code);
    const row: StaffRow = {
      id: newId(),
      province_id: input.provinceId,
      code: input.code,
      name: input.name,
      active: 1,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
    await tx.insertInto('staff').values(row).execute();
    const after = staffView(row);
    await recordAudit(tx, { actor, action: 'staff.create', entity: 'staff', entityId: row.id, unitId: input.provinceId, after, at: now });
    return after;
  });
}

export async function createProcedure(deps: Deps, actor: Actor, input: ProcedureCreate): Promise<Procedure> {
  await assertProvinceWritable(deps, actor, input.provinceId);
  const now = deps.clock.now();
  return deps.db.write(async (tx) => {
    await assertCodeFree(tx, 'procedures', input.provinceId, input.code);
    const row = {
      id: newId(),
      province_id: input.provinceId,
      code: input.code,
      name: input.name,
      field: input.field,
      active: 1,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
    await tx.insertInto('procedures').values(row).execute();
    const after = procedureView(row);
    await recordAudit(tx, { actor, action: 'procedure.create', entity: 'procedure', entityId: row.id, unitId: input.provinceId, after, at: now });
    return after;
  });
}

async function updateEntry<T>(
  deps: Deps,
  actor: Actor,
  table: CatalogueTable,
  id: string,
  input: StaffUpdate | ProcedureUpdate,
  view: (row: StaffRow & { field?: string }) => T,
): Promise<T> {
  await loadEntry(deps, actor, table, id, 'write');
  const now = deps.clock.now();
  return deps.db.write(async (tx) => {
    const before = await tx.selectFrom(table).selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    if (input.code !== undefined && input.code !== before.code) await assertCodeFree(tx, table, before.province_id, input.code, id);
    const field = 'field' in input ? input.field : undefined;
    await tx
      .updateTable(table)
      .set({
        ...(input.code !== undefined ? { code: input.code } : {}),
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(field !== undefined && table === 'procedures' ? { field } : {}),
        ...(input.active !== undefined ? { active: input.active ? 1 : 0 } : {}),
        updated_at: now.toISOString(),
      })
      .where('id', '=', id)
      .execute();
    const after = await tx.selectFrom(table).selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const verb = input.active === false && before.active === 1 ? 'deactivate' : 'update';
    await recordAudit(tx, {
      actor,
      action: `${ENTITY[table]}.${verb}`,
      entity: ENTITY[table],
      entityId: id,
      unitId: before.province_id,
      before: view(before),
      after: view(after),
      at: now,
    });
    return view(after);
  });
}

export function updateStaff(deps: Deps, actor: Actor, id: string, input: StaffUpdate): Promise<Staff> {
  return updateEntry(deps, actor, 'staff', id, input, staffView);
}

export function updateProcedure(deps: Deps, actor: Actor, id: string, input: ProcedureUpdate): Promise<Procedure> {
  return updateEntry(deps, actor, 'procedures', id, input, (r) => procedureView({ ...r, field: r.field ?? '' }));
}
