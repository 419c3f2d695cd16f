import { Kysely, sql, type Expression, type SqlBool } from 'kysely';
import type { Permission } from '../../schema/admin.js';
import type { Deps } from '../deps.js';
import type { Db, UnitRow } from '../db/types.js';
import { AppError } from '../http.js';
import { roleHasPermission } from '../../schema/admin.js';
import type { Actor } from './actor.js';
import { likePrefix } from '../db/like.js';

/**
 * What the caller wants to do in a subtree: 'read' (units.read) or 'write' (units.write), or any
 * named permission — only grants whose role carries it count.
 */
export type ScopeAccess = 'read' | 'write' | Permission;

function permissionOf(access: ScopeAccess): Permission {
  if (access === 'read') return 'units.read';
  if (access === 'write') return 'units.write';
  return access;
}

/** 'all' for a system admin; otherwise the materialized paths of the subtrees the actor may act on. */
export function scopePaths(actor: Actor, access: ScopeAccess = 'read'): 'all' | string[] {
  const permission = permissionOf(access);
  const grants = actor.grants.filter((g) => roleHasPermission(g.role, permission));
  if (grants.some((g) => g.role === 'system_admin')) return 'all';
  return [...new Set(grants.flatMap((g) => (g.unitPath ? [g.unitPath] : [])))];
}

/** `<pathColumn> LIKE '<grant path>%' OR …` — the subtree test on a units.path column. */
export function pathScopeCondition(actor: Actor, pathColumn: string, access: ScopeAccess = 'read'): Expression<SqlBool> {
  const paths = scopePaths(actor, access);
  if (paths === 'all') return sql<SqlBool>`1 = 1`;
  if (paths.length === 0) return sql<SqlBool>`1 = 0`;
  const tests = paths.map((p) => sql`${sql.ref(pathColumn)} like ${likePrefix(p)} escape '\\'`);
  return sql<SqlBool>`(${sql.join(tests, sql` or `)})`;
}

/**
 * `<column> IN (SELECT id FROM units WHERE path LIKE …)`: scopes any table with a unit id column to
 * the actor's subtrees, in SQL. Use as `.where(unitScopeCondition(actor, 'counters.unit_id'))`.
 */
export function unitScopeCondition(actor: Actor, column: string, access: ScopeAccess = 'read'): Expression<SqlBool> {
  const paths = scopePaths(actor, access);
  if (paths === 'all') return sql<SqlBool>`1 = 1`;
  if (paths.length === 0) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`${sql.ref(column)} in (select id from units where ${pathScopeCondition(actor, 'path', access)})`;
}

/**
 * For province-wide catalogues (staff, procedures): rows of every province the actor holds any unit
 * in. A centre supervisor reads the province's catalogue; only a province-level grant can write it
 * (use unitScopeCondition(actor, 'staff.province_id', 'write') for that).
 */
export function provinceScopeCondition(actor: Actor, column: string, access: ScopeAccess = 'read'): Expression<SqlBool> {
  const paths = scopePaths(actor, access);
  if (paths === 'all') return sql<SqlBool>`1 = 1`;
  if (paths.length === 0) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`${sql.ref(column)} in (select province_id from units where ${pathScopeCondition(actor, 'path', access)})`;
}

/** The ids of every unit in the actor's scope, as a subquery: `.where('unit_id', 'in', scopeUnitIds(db, actor))`. */
export function scopeUnitIds(db: Db, actor: Actor, access: ScopeAccess = 'read') {
  return db.selectFrom('units').select('units.id').where(pathScopeCondition(actor, 'units.path', access));
}

/**
 * Which of these units lie in the actor's subtrees ('all' for a system admin): for cutting what was
 * stored about several units (an account's roles in the audit log) down to what the actor may see.
 */
export async function unitsInScope(db: Db, actor: Actor, unitIds: readonly string[], access: ScopeAccess = 'read'): Promise<'all' | Set<string>> {
  if (scopePaths(actor, access) === 'all') return 'all';
  if (unitIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('units')
    .select('id')
    .where('id', 'in', [...new Set(unitIds)])
    .where(pathScopeCondition(actor, 'path', access))
    .execute();
  return new Set(rows.map((r) => r.id));
}

/**
 * Loads a unit the actor may act on, or throws: 404 when it does not exist, 403 forbidden_unit when
 * it lies outside the actor's subtrees.
 */
export async function assertUnitInScope(
  source: Pick<Deps, 'db'> | Db,
  actor: Actor,
  unitId: string,
  access: ScopeAccess = 'read',
): Promise<UnitRow> {
  const db = source instanceof Kysely ? source : source.db.kysely;
  const unit = await db
    .selectFrom('units')
    .selectAll()
    .where('id', '=', unitId)
    .where(pathScopeCondition(actor, 'path', access))
    .executeTakeFirst();
  if (unit) return unit;
  const exists = await db.selectFrom('units').select('id').where('id', '=', unitId).executeTakeFirst();
  if (!exists) throw new AppError('not_found', 404, 'No such unit');
  throw new AppError('forbidden_unit', 403, 'This unit is outside your area');
}
