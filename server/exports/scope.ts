import { sql, type Expression, type SqlBool } from 'kysely';
import type { Actor } from '../auth/actor.js';
import { assertUnitInScope, scopePaths } from '../auth/scope.js';
import type { AuditActor } from '../audit/record.js';
import type { Db, UnitKind } from '../db/types.js';
import { AppError } from '../http.js';
import { likePrefix } from '../db/like.js';

/** Who asks for an export: a signed-in user (scoped by their grants) or the command line (everything). */
export interface ExportCaller {
  actor: Actor;
  audit: AuditActor;
}

/** The command line acts as a system administrator and is audited as 'cli'. */
export const CLI_CALLER: ExportCaller = {
  actor: { userId: 'cli', username: 'cli', displayName: 'Dòng lệnh', grants: [{ role: 'system_admin', unitId: null, unitPath: null }] },
  audit: { system: 'cli' },
};

export interface ScopeUnit {
  id: string;
  parentId: string | null;
  kind: UnitKind;
  code: string;
  name: string;
  path: string;
  /** Ancestor ids from the top, then the unit itself (the path's segments). */
  lineage: string[];
}

/** The units an export covers: one unit's subtree, or every subtree the caller may export. */
export interface ExportScope {
  /** The unit asked for, or the caller's only subtree; null when several subtrees (or everything). */
  root: ScopeUnit | null;
  /** Every unit in scope, in path order. */
  units: ScopeUnit[];
  /** Subtree roots' paths; empty = no restriction (a system administrator's whole tree). */
  paths: string[];
  /** What the title says the report covers. */
  name: string;
}

/** `<column> LIKE '<path>%' OR …` for the scope's subtree roots (always true without roots). */
export function scopePathCondition(scope: Pick<ExportScope, 'paths'>, column: string): Expression<SqlBool> {
  if (scope.paths.length === 0) return sql<SqlBool>`1 = 1`;
  return sql<SqlBool>`(${sql.join(
    scope.paths.map((p) => sql`${sql.ref(column)} like ${likePrefix(p)} escape '\\'`),
    sql` or `,
  )})`;
}

/** `<column> IN (units in scope)`, evaluated in SQL. */
export function scopeUnitCondition(scope: Pick<ExportScope, 'paths'>, column: string): Expression<SqlBool> {
  if (scope.paths.length === 0) return sql<SqlBool>`1 = 1`;
  return sql<SqlBool>`${sql.ref(column)} in (select id from units where ${scopePathCondition(scope, 'path')})`;
}

const toScopeUnit = (u: { id: string; parent_id: string | null; kind: UnitKind; code: string; name: string; path: string }): ScopeUnit => ({
  id: u.id,
  parentId: u.parent_id,
  kind: u.kind,
  code: u.code,
  name: u.name,
  path: u.path,
  lineage: u.path.split('/').filter(Boolean),
});

/**
 * Resolves what an export covers: `unitId` must lie in the caller's exportable subtrees (404 / 403
 * otherwise); without it, all of them. Throws 403 when the caller may export nothing.
 */
export async function resolveExportScope(db: Db, caller: ExportCaller, unitId: string | undefined): Promise<ExportScope> {
  let paths: string[];
  if (unitId) {
    const unit = await assertUnitInScope(db, caller.actor, unitId, 'exports.run');
    paths = [unit.path];
  } else {
    const allowed = scopePaths(caller.actor, 'exports.run');
    if (allowed !== 'all' && allowed.length === 0) throw new AppError('forbidden', 403, 'Your role does not allow exports');
    // Drop subtrees nested in another granted subtree.
    paths = allowed === 'all' ? [] : allowed.filter((p) => !allowed.some((q) => q !== p && p.startsWith(q)));
  }
  const rows = await db
    .selectFrom('units')
    .select(['id', 'parent_id', 'kind', 'code', 'name', 'path'])
    .where(scopePathCondition({ paths }, 'path'))
    .orderBy('path')
    .execute();
  const units = rows.map(toScopeUnit);
  const roots = paths.length ? units.filter((u) => paths.includes(u.path)) : units.filter((u) => u.parentId === null);
  const root = roots.length === 1 ? roots[0]! : null;
  return { root, units, paths: root ? [root.path] : paths, name: root ? root.name : 'Tất cả đơn vị trong phạm vi' };
}

/** Finds a unit by its code for the command line (`--unit 96`, `--unit 31942-TTPVHCC`). */
export async function unitIdByCode(db: Db, code: string): Promise<string> {
  const rows = await db.selectFrom('units').select(['id', 'kind']).where('code', '=', code).execute();
  if (rows.length === 0) throw new AppError('not_found', 404, `No unit has the code ${code}`);
  if (rows.length > 1) {
    throw new AppError('conflict', 409, `Several units have the code ${code} (${rows.map((r) => r.kind).join(', ')})`);
  }
  return rows[0]!.id;
}
