import { sql, type SqlBool } from 'kysely';
import type { AuditPage, AuditQuery } from '../../schema/admin.js';
import type { Actor } from '../auth/actor.js';
import { assertUnitInScope, unitScopeCondition } from '../auth/scope.js';
import type { Deps } from '../deps.js';
import { addDays, vnDayStart } from '../time.js';

function parseJson(text: string | null): unknown {
  return text === null ? null : (JSON.parse(text) as unknown);
}

/**
 * The audit log as the actor may see it: entries about units in their subtree (system admins also
 * see entries tied to no unit), newest first, filtered by actor, action (exact, or a prefix ending
 * in "."), entity, unit (with its subtree) and Vietnam-local period; keyset-paged by id.
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
  return {
    items: page.map((r) => ({
      id: r.id,
      at: r.at,
      actorUserId: r.actor_user_id,
      actorLabel: r.actor_label,
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      unitId: r.unit_id,
      unitName: r.unit_name,
      before: parseJson(r.before),
      after: parseJson(r.after),
    })),
    nextCursor: rows.length > query.limit ? page.at(-1)!.id : null,
  };
}
