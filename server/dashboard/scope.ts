import { sql, type SqlBool } from 'kysely';
import type { DashUnit } from '../../schema/dashboard.js';
import type { Actor } from '../auth/actor.js';
import { assertUnitInScope, pathScopeCondition, scopePaths } from '../auth/scope.js';
import type { Config } from '../config.js';
import type { Db, UnitKind, UnitRow } from '../db/types.js';
import { likePrefix } from '../db/like.js';

export interface ScopeUnit {
  id: string;
  parentId: string | null;
  kind: UnitKind;
  code: string;
  name: string;
  path: string;
  provinceId: string;
}

/** The units a dashboard view covers: the root's subtree, intersected with the caller's subtrees in SQL. */
export interface ViewScope {
  /** null: several subtrees (or a system admin's whole tree) with no single root. */
  root: ScopeUnit | null;
  units: ScopeUnit[];
  unitIds: string[];
  byId: Map<string, ScopeUnit>;
  /** The province whose settings apply (its target line), when the view lies in one. */
  provinceId: string | null;
}

const toScopeUnit = (r: Pick<UnitRow, 'id' | 'parent_id' | 'kind' | 'code' | 'name' | 'path' | 'province_id'>): ScopeUnit => ({
  id: r.id,
  parentId: r.parent_id,
  kind: r.kind,
  code: r.code,
  name: r.name,
  path: r.path,
  provinceId: r.province_id,
});

export const dashUnit = (u: ScopeUnit): DashUnit => ({ id: u.id, kind: u.kind, code: u.code, name: u.name });

/**
 * The view's root and units. With a unitId the unit must lie in the caller's scope (404 / 403
 * otherwise); without one, the caller's own unit when they hold a single one.
 */
export async function resolveScope(db: Db, actor: Actor, unitId: string | undefined): Promise<ViewScope> {
  let rootRow: UnitRow | undefined;
  if (unitId !== undefined) {
    rootRow = await assertUnitInScope(db, actor, unitId, 'dashboard.read');
  } else {
    const paths = scopePaths(actor, 'dashboard.read');
    if (paths !== 'all' && paths.length === 1) {
      const ownId = paths[0]!.split('/').filter(Boolean).at(-1)!;
      rootRow = await assertUnitInScope(db, actor, ownId, 'dashboard.read');
    }
  }
  const rows = await db
    .selectFrom('units')
    .select(['id', 'parent_id', 'kind', 'code', 'name', 'path', 'province_id'])
    .where(pathScopeCondition(actor, 'path', 'dashboard.read'))
    .$if(rootRow !== undefined, (q) => q.where(sql<SqlBool>`path like ${likePrefix(rootRow!.path)} escape '\\'`))
    .orderBy('path')
    .execute();
  const units = rows.map(toScopeUnit);
  const provinces = new Set(units.map((u) => u.provinceId));
  return {
    root: rootRow ? toScopeUnit(rootRow) : null,
    units,
    unitIds: units.map((u) => u.id),
    byId: new Map(units.map((u) => [u.id, u])),
    provinceId: provinces.size === 1 ? [...provinces][0]! : null,
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
    const row = await db
      .selectFrom('settings')
      .select('value')
      .where('unit_id', '=', provinceId)
      .where('key', '=', TARGET_SETTING_KEY)
      .executeTakeFirst();
    const value = row ? Number(row.value) : Number.NaN;
    if (Number.isFinite(value) && value >= 0 && value <= 100) return { target: value, source: 'province' };
  }
  return { target: config.scoring.targetIndex, source: 'default' };
}
