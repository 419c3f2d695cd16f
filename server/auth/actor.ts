import { roleHasPermission, type Permission, type Role } from '../../schema/admin.js';
import type { Db } from '../db/types.js';

/** One role on one unit subtree; system_admin is the only role granted without a unit. */
export interface ActorGrant {
  role: Role;
  unitId: string | null;
  /** The unit's materialized path ('/<provinceId>/…/<unitId>/'), null for system_admin. */
  unitPath: string | null;
}

/** The signed-in user behind an admin request: c.get('actor'). */
export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  grants: ActorGrant[];
}

export function hasPermission(actor: Actor, permission: Permission): boolean {
  return actor.grants.some((g) => roleHasPermission(g.role, permission));
}

export function actorPermissions(actor: Actor, all: readonly Permission[]): Permission[] {
  return all.filter((p) => hasPermission(actor, p));
}

export function isSystemAdmin(actor: Actor): boolean {
  return actor.grants.some((g) => g.role === 'system_admin');
}

export async function loadGrants(db: Db, userId: string): Promise<ActorGrant[]> {
  const rows = await db
    .selectFrom('role_grants')
    .leftJoin('units', 'units.id', 'role_grants.unit_id')
    .select(['role_grants.role', 'role_grants.unit_id', 'units.path'])
    .where('role_grants.user_id', '=', userId)
    .orderBy('role_grants.created_at')
    .orderBy('role_grants.id')
    .execute();
  return rows.map((r) => ({ role: r.role, unitId: r.unit_id, unitPath: r.path }));
}
