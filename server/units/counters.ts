import { sql, type SqlBool } from 'kysely';
import {
  COUNTER_HOLDER_KINDS,
  type Counter,
  type CounterCreate,
  type CounterList,
  type CounterListQuery,
  type CounterUpdate,
} from '../../schema/admin.js';
import type { Actor } from '../auth/actor.js';
import { assertUnitInScope, unitScopeCondition } from '../auth/scope.js';
import { recordAudit } from '../audit/record.js';
import type { Deps } from '../deps.js';
import type { Db, UnitRow } from '../db/types.js';
import { AppError } from '../http.js';
import { newId } from '../ids.js';
import { invalid } from './tree.js';
import { counterView, likeContains, type CounterRow } from './views.js';

function checkHolder(unit: UnitRow, path: string): void {
  if (!COUNTER_HOLDER_KINDS.includes(unit.kind)) throw invalid(path, 'Counters belong to a centre or a branch');
}

async function assertCodeFree(db: Db, unitId: string, code: string, exceptId?: string): Promise<void> {
  let q = db.selectFrom('counters').select('id').where('unit_id', '=', unitId).where('code', '=', code);
  if (exceptId) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) throw new AppError('conflict', 409, `This centre already has a counter with code ${code}`);
}

export async function listCounters(deps: Deps, actor: Actor, query: CounterListQuery): Promise<CounterList> {
  if (query.unitId) await assertUnitInScope(deps, actor, query.unitId, 'read');
  let base = deps.db.kysely.selectFrom('counters').where(unitScopeCondition(actor, 'counters.unit_id', 'read'));
  if (query.unitId) base = base.where('unit_id', '=', query.unitId);
  if (query.q) {
    const pattern = likeContains(query.q);
    base = base.where(sql<SqlBool>`(name like ${pattern} escape '\\' or code like ${pattern} escape '\\')`);
  }
  if (!query.includeInactive) base = base.where('active', '=', 1);
  const [items, total] = await Promise.all([
    base.selectAll().orderBy('unit_id').orderBy('code').limit(query.limit).offset(query.offset).execute(),
    base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: items.map(counterView), total: Number(total.n) };
}

/** A counter the actor may act on, or 404 / 403 forbidden_unit. */
async function loadCounter(deps: Deps, actor: Actor, id: string, access: 'read' | 'write'): Promise<CounterRow> {
  const row = await deps.db.kysely.selectFrom('counters').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('not_found', 404, 'No such counter');
  await assertUnitInScope(deps, actor, row.unit_id, access);
  return row;
}

export async function getCounter(deps: Deps, actor: Actor, id: string): Promise<Counter> {
  return counterView(await loadCounter(deps, actor, id, 'read'));
}

export async function createCounter(deps: Deps, actor: Actor, input: CounterCreate): Promise<Counter> {
  const unit = await assertUnitInScope(deps, actor, input.unitId, 'write');
  checkHolder(unit, 'unitId');
  const now = deps.clock.now();
  return deps.db.write(async (tx) => {
    await assertCodeFree(tx, unit.id, input.code);
    const row: CounterRow = {
      id: newId(),
      unit_id: unit.id,
      code: input.code,
      name: input.name,
      active: 1,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
    await tx.insertInto('counters').values(row).execute();
    const after = counterView(row);
    await recordAudit(tx, { actor, action: 'counter.create', entity: 'counter', entityId: row.id, unitId: unit.id, after, at: now });
    return after;
  });
}

export async function updateCounter(deps: Deps, actor: Actor, id: string, input: CounterUpdate): Promise<Counter> {
  const current = await loadCounter(deps, actor, id, 'write');
  const moving = input.unitId !== undefined && input.unitId !== current.unit_id;
  if (moving) checkHolder(await assertUnitInScope(deps, actor, input.unitId!, 'write'), 'unitId');
  const now = deps.clock.now();
  return deps.db.write(async (tx) => {
    const before = await tx.selectFrom('counters').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const unitId = input.unitId ?? before.unit_id;
    if ((input.code !== undefined && input.code !== before.code) || moving) {
      await assertCodeFree(tx, unitId, input.code ?? before.code, id);
    }
    await tx
      .updateTable('counters')
      .set({
        unit_id: unitId,
        ...(input.code !== undefined ? { code: input.code } : {}),
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.active !== undefined ? { active: input.active ? 1 : 0 } : {}),
        updated_at: now.toISOString(),
      })
      .where('id', '=', id)
      .execute();
    const after = await tx.selectFrom('counters').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const action = input.active === false && before.active === 1 ? 'counter.deactivate' : moving ? 'counter.move' : 'counter.update';
    await recordAudit(tx, {
      actor,
      action,
      entity: 'counter',
      entityId: id,
      unitId,
      before: counterView(before),
      after: counterView(after),
      at: now,
    });
    return counterView(after);
  });
}
