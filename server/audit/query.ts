import { sql, type SqlBool } from 'kysely';
import { z } from 'zod';
import type { AuditEntry, AuditPage, AuditQuery } from '../../schema/admin.js';
import type { Actor } from '../auth/actor.js';
import { assertUnitInScope, unitScopeCondition, unitsInScope } from '../auth/scope.js';
import type { Db } from '../db/types.js';
import type { Deps } from '../deps.js';
import { addDays, vnDayStart } from '../time.js';

function parseJson(text: string | null): unknown {
  return text === null ? null : (JSON.parse(text) as unknown);
}

/** An account as user.* entries record it: every role it holds, on a unit or (system admin) on none. */
const AccountSnapshot = z.looseObject({ grants: z.array(z.looseObject({ unitId: z.string().nullable() })) });

/**
 * Entries about an account record its roles on every unit; a reader is shown only the roles on
 * units where they may read accounts, as GET /api/admin/users/:id shows them.
 */
async function cutAccountRoles(db: Db, actor: Actor, items: AuditEntry[]): Promise<AuditEntry[]> {
  const snapshots = items.filter((e) => e.entity === 'user').flatMap((e) => [e.before, e.after]);
  const unitIds = snapshots.flatMap((s) => AccountSnapshot.safeParse(s).data?.grants.flatMap((g) => (g.unitId ? [g.unitId] : [])) ?? []);
  const visible = await unitsInScope(db, actor, unitIds, 'users.read');
  if (visible === 'all') return items;
  const cut = (snapshot: unknown): unknown => {
    const account = AccountSnapshot.safeParse(snapshot);
    if (!account.success) return snapshot;
    return { ...account.data, grants: account.data.grants.filter((g) => g.unitId !== null && visible.has(g.unitId)) };
  };
  return items.map((e) => (e.entity === 'user' ? { ...e, before: cut(e.before), after: cut(e.after) } : e));
}

type Named = { id: string; name: string };

/** How each kind of entity is named where it is kept (a unit's own name, an account's username). */
const ENTITY_NAMES: Record<string, (db: Db, ids: string[]) => Promise<Named[]>> = {
  user: (db, ids) => db.selectFrom('users').select(['id', 'username as name']).where('id', 'in', ids).execute(),
  unit: (db, ids) => db.selectFrom('units').select(['id', 'name']).where('id', 'in', ids).execute(),
  counter: (db, ids) => db.selectFrom('counters').select(['id', 'name']).where('id', 'in', ids).execute(),
  staff: (db, ids) => db.selectFrom('staff').select(['id', sql<string>`name || ' (' || code || ')'`.as('name')]).where('id', 'in', ids).execute(),
  procedure: (db, ids) => db.selectFrom('procedures').select(['id', sql<string>`code || ' ' || name`.as('name')]).where('id', 'in', ids).execute(),
  api_key: (db, ids) => db.selectFrom('api_keys').select(['id', 'name']).where('id', 'in', ids).execute(),
};

/** Puts the current name of each entry's entity next to its id, so the log reads as names, not ids. */
async function nameEntities(db: Db, items: AuditEntry[]): Promise<AuditEntry[]> {
  const names = new Map<string, string>();
  for (const [entity, lookup] of Object.entries(ENTITY_NAMES)) {
    const ids = [...new Set(items.flatMap((e) => (e.entity === entity && e.entityId ? [e.entityId] : [])))];
    if (ids.length > 0) for (const row of await lookup(db, ids)) names.set(`${entity}:${row.id}`, row.name);
  }
  return items.map((e) => ({ ...e, entityName: names.get(`${e.entity}:${e.entityId}`) ?? null }));
}

/**
 * The audit log as the actor may see it: entries about units in their subtree (system admins also
 * see entries tied to no unit), with an account's roles cut to those in the subtree; newest first,
 * filtered by actor, action (exact, or a prefix ending in "."), entity, unit (with its subtree) and
 * Vietnam-local period; keyset-paged by id.
 */
export async function listAudit(deps: Deps, actor: Actor, query: AuditQuery): Promise<AuditPage> {
  let q = deps.db.kysely
    .selectFrom('audit_log')
    .leftJoin('units', 'units.id', 'audit_log.unit_id')
    .selectAll('audit_log')
    .select('units.name as unit_name')
    .where(unitScopeCondition(actor, 'audit_log.unit_id', 'audit.read'));
  if (query.unitId) {
    const unit = await assertUnitInScope(deps, actor, query.unitId, 'audit.read');
    q = q.where(sql<SqlBool>`audit_log.unit_id in (select id from units where substr(path, 1, ${unit.path.length}) = ${unit.path})`);
  }
  if (query.actor) q = q.where((eb) => eb.or([eb('audit_log.actor_label', '=', query.actor!), eb('audit_log.actor_user_id', '=', query.actor!)]));
  if (query.action) {
    q = query.action.endsWith('.')
      ? q.where(sql<SqlBool>`substr(audit_log.action, 1, ${query.action.length}) = ${query.action}`)
      : q.where('audit_log.action', '=', query.action);
  }
  if (query.entity) q = q.where('audit_log.entity', '=', query.entity);
  if (query.from) q = q.where('audit_log.at', '>=', vnDayStart(query.from).toISOString());
  if (query.to) q = q.where('audit_log.at', '<', vnDayStart(addDays(query.to, 1)).toISOString());
  if (query.cursor) q = q.where('audit_log.id', '<', query.cursor);
  const rows = await q.orderBy('audit_log.id', 'desc').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const items: AuditEntry[] = page.map((r) => ({
    id: r.id,
    at: r.at,
    actorUserId: r.actor_user_id,
    actorLabel: r.actor_label,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    entityName: null,
    unitId: r.unit_id,
    unitName: r.unit_name,
    before: parseJson(r.before),
    after: parseJson(r.after),
  }));
  return {
    items: await nameEntities(deps.db.kysely, await cutAccountRoles(deps.db.kysely, actor, items)),
    nextCursor: rows.length > query.limit ? page.at(-1)!.id : null,
  };
}
