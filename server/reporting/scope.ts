import { sql, type Expression, type SqlBool } from 'kysely';
import type { Permission } from '../../schema/admin.js';
import type { Actor } from '../auth/actor.js';
import { assertUnitInScope, scopePaths } from '../auth/scope.js';
import type { Config } from '../config.js';
import type { Db, UnitKind } from '../db/types.js';
import { likePrefix } from '../db/like.js';
import { AppError } from '../http.js';

/**
 * What a report covers, for the dashboards and every export alike: one unit's subtree, or every
 * subtree the caller may read, resolved and checked against the caller once.
 */

export interface ScopeUnit {
  id: string;
  parentId: string | null;
  kind: UnitKind;
  code: string;
  name: string;
  path: string;
  provinceId: string;
  /** Ancestor ids from the top, then the unit itself (the path's segments). */
  lineage: string[];
}

export interface ReportScope {
  /** The unit asked for, or the caller's only subtree (or the only top unit); null when several. */
  root: ScopeUnit | null;
  /** Every unit in scope, in path order. */
  units: ScopeUnit[];
  unitIds: string[];
  byId: Map<string, ScopeUnit>;
  /** Subtree roots' paths; empty = no restriction (a system administrator's whole tree). */
  paths: string[];
  /** The province whose settings apply (its target line), when the scope lies in one. */
  provinceId: string | null;
  /** What a title says the report covers. */
  name: string;
}

/** `<column> LIKE '<path>%' OR …` for the scope's subtree roots (always true without roots). */
export function scopePathCondition(scope: Pick<ReportScope, 'paths'>, column: string): Expression<SqlBool> {
  if (scope.paths.length === 0) return sql<SqlBool>`1 = 1`;
  return sql<SqlBool>`(${sql.join(
    scope.paths.map((p) => sql`${sql.ref(column)} like ${likePrefix(p)} escape '\\'`),
    sql` or `,
  )})`;
}

/** `<column> IN (units in scope)`, evaluated in SQL. */
export function scopeUnitCondition(scope: Pick<ReportScope, 'paths'>, column: string): Expression<SqlBool> {
  if (scope.paths.length === 0) return sql<SqlBool>`1 = 1`;
  return sql<SqlBool>`${sql.ref(column)} in (select id from units where ${scopePathCondition(scope, 'path')})`;
}

export const ALL_UNITS_NAME = 'Tất cả đơn vị trong phạm vi';

/**
 * Resolves a scope for an actor and the permission the view needs: `unitId` must lie in the actor's
 * subtrees (404 / 403 otherwise); without it, all of them. 403 when the actor may read nothing.
 */
export async function resolveReportScope(db: Db, actor: Actor, unitId: string | undefined, permission: Permission): Promise<ReportScope> {
  let paths: string[];
  if (unitId !== undefined) {
    paths = [(await assertUnitInScope(db, actor, unitId, permission)).path];
  } else {
    const allowed = scopePaths(actor, permission);
    if (allowed !== 'all' && allowed.length === 0) throw new AppError('forbidden', 403, 'Your role does not give access to any unit');
    // Subtrees nested in another granted subtree are already covered by it.
    paths = allowed === 'all' ? [] : allowed.filter((p) => !allowed.some((q) => q !== p && p.startsWith(q)));
  }
  const rows = await db
    .selectFrom('units')
    .select(['id', 'parent_id', 'kind', 'code', 'name', 'path', 'province_id'])
    .where(scopePathCondition({ paths }, 'path'))
    .orderBy('path')
    .execute();
  const units = rows.map(
    (r): ScopeUnit => ({
      id: r.id,
      parentId: r.parent_id,
      kind: r.kind,
      code: r.code,
      name: r.name,
      path: r.path,
      provinceId: r.province_id,
      lineage: r.path.split('/').filter(Boolean),
    }),
  );
  const roots = paths.length ? units.filter((u) => paths.includes(u.path)) : units.filter((u) => u.parentId === null);
  const root = roots.length === 1 ? roots[0]! : null;
  const provinces = new Set(units.map((u) => u.provinceId));
  return {
    root,
    units,
    unitIds: units.map((u) => u.id),
    byId: new Map(units.map((u) => [u.id, u])),
    paths: root ? [root.path] : paths,
    provinceId: provinces.size === 1 ? [...provinces][0]! : null,
    name: root ? root.name : ALL_UNITS_NAME,
  };
}

export const TARGET_SETTING_KEY = 'target_index';

/** The target line: the province's own `target_index` setting, else the configured default. */
export async function targetIndexFor(
  db: Db,
  config: Pick<Config, 'scoring'>,
  provinceId: string | null,
): Promise<{ target: number; source: 'province' | 'default' }> {
  if (provinceId !== null) {
    const row = await db.selectFrom('settings').select('value').where('unit_id', '=', provinceId).where('key', '=', TARGET_SETTING_KEY).executeTakeFirst();
    const value = row ? Number(row.value) : Number.NaN;
    if (Number.isFinite(value) && value >= 0 && value <= 100) return { target: value, source: 'province' };
  }
  return { target: config.scoring.targetIndex, source: 'default' };
}

/** Finds a unit by its code for the command line (`--unit 96`, `--unit 31942-TTPVHCC`). */
export async function unitIdByCode(db: Db, code: string): Promise<string> {
  const rows = await db.selectFrom('units').select(['id', 'kind']).where('code', '=', code).execute();
  if (rows.length === 0) throw new AppError('not_found', 404, `No unit has the code ${code}`);
  if (rows.length > 1) throw new AppError('conflict', 409, `Several units have the code ${code} (${rows.map((r) => r.kind).join(', ')})`);
  return rows[0]!.id;
}
