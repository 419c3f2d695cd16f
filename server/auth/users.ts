import { sql, type Expression, type SqlBool } from 'kysely';
import {
  NewPassword,
  Username,
  type GrantInput,
  type UserCreate,
  type UserList,
  type UserListQuery,
  type UserSummary,
  type UserUpdate,
  type UserWithPassword,
} from '../../schema/admin.js';
import { recordAudit } from '../audit/record.js';
import type { Deps } from '../deps.js';
import type { Db } from '../db/types.js';
import { AppError, parseWith } from '../http.js';
import { newId } from '../ids.js';
import { likeContains } from '../units/views.js';
import type { Actor } from './actor.js';
import { generatePassword, hashPassword } from './password.js';
import { assertUnitInScope, scopePaths, unitScopeCondition } from './scope.js';
import { clearTotp } from './second-factor.js';
import { revokeUserSessions } from './sessions.js';

/**
 * Accounts are visible to whoever may read users on a unit one of their grants sits on, and only
 * those grants are shown; changing an account needs users.write over every unit it holds a role on
 * (so a provincial officer never touches a system admin or another province's officer).
 */

function visibleCondition(actor: Actor, access: 'users.read' | 'users.write'): Expression<SqlBool> {
  return scopePaths(actor, access) === 'all'
    ? sql<SqlBool>`1 = 1`
    : sql<SqlBool>`exists (select 1 from role_grants g where g.user_id = users.id and ${unitScopeCondition(actor, 'g.unit_id', access)})`;
}

async function summaries(db: Db, actor: Actor, userIds: string[]): Promise<UserSummary[]> {
  if (userIds.length === 0) return [];
  const [users, grants] = await Promise.all([
    db
      .selectFrom('users')
      .select(['id', 'username', 'display_name', 'email', 'active', 'created_at', 'must_change_password', 'totp_enabled_at'])
      .where('id', 'in', userIds)
      .execute(),
    db
      .selectFrom('role_grants')
      .leftJoin('units', 'units.id', 'role_grants.unit_id')
      .select(['role_grants.user_id', 'role_grants.role', 'role_grants.unit_id', 'units.path', 'units.kind', 'units.code', 'units.name'])
      .where('role_grants.user_id', 'in', userIds)
      .where(unitScopeCondition(actor, 'role_grants.unit_id', 'users.read'))
      .orderBy('role_grants.created_at')
      .orderBy('role_grants.id')
      .execute(),
  ]);
  const byId = new Map(users.map((u) => [u.id, u]));
  return userIds.flatMap((id) => {
    const u = byId.get(id);
    if (!u) return [];
    return [
      {
        id: u.id,
        username: u.username,
        displayName: u.display_name,
        email: u.email,
        active: u.active === 1,
        createdAt: u.created_at,
        grants: grants
          .filter((g) => g.user_id === id)
          .map((g) => ({ role: g.role, unitId: g.unit_id, unitPath: g.path, unitKind: g.kind, unitCode: g.code, unitName: g.name })),
        mustChangePassword: u.must_change_password === 1,
        totpEnabled: u.totp_enabled_at !== null,
      },
    ];
  });
}

export async function listUsers(deps: Deps, actor: Actor, query: UserListQuery): Promise<UserList> {
  const db = deps.db.kysely;
  let base = db.selectFrom('users').where(visibleCondition(actor, 'users.read'));
  if (query.q) {
    const pattern = likeContains(query.q);
    base = base.where(sql<SqlBool>`(username like ${pattern} escape '\\' or display_name like ${pattern} escape '\\')`);
  }
  const [rows, total] = await Promise.all([
    base.select('id').orderBy('username').limit(query.limit).offset(query.offset).execute(),
    base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: await summaries(db, actor, rows.map((r) => r.id)), total: Number(total.n) };
}

/** A user the actor may see (or change), else 404 / 403 forbidden_unit. */
async function assertUserInScope(db: Db, actor: Actor, userId: string, access: 'users.read' | 'users.write'): Promise<void> {
  const exists = await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
  if (!exists) throw new AppError('not_found', 404, 'No such account');
  if (scopePaths(actor, access) === 'all') return;
  if (access === 'users.read') {
    const visible = await db.selectFrom('users').select('id').where('id', '=', userId).where(visibleCondition(actor, access)).executeTakeFirst();
    if (!visible) throw new AppError('forbidden_unit', 403, 'This account is outside your area');
    return;
  }
  const outside = await db
    .selectFrom('role_grants')
    .select('id')
    .where('user_id', '=', userId)
    .where(sql<SqlBool>`not (unit_id is not null and ${unitScopeCondition(actor, 'role_grants.unit_id', 'users.write')})`)
    .executeTakeFirst();
  const held = await db.selectFrom('role_grants').select('id').where('user_id', '=', userId).executeTakeFirst();
  if (outside || !held) throw new AppError('forbidden_unit', 403, 'This account holds roles outside your area');
}

export async function getUser(deps: Deps, actor: Actor, userId: string): Promise<UserSummary> {
  await assertUserInScope(deps.db.kysely, actor, userId, 'users.read');
  const [user] = await summaries(deps.db.kysely, actor, [userId]);
  return user!;
}

/** Each grant must be one the actor could hold themselves: inside their users.write scope, never system_admin unless they are one. */
async function checkGrants(deps: Deps, actor: Actor, grants: GrantInput[]): Promise<void> {
  const everywhere = scopePaths(actor, 'users.write') === 'all';
  for (const [i, g] of grants.entries()) {
    const issue = (message: string) => new AppError('validation_failed', 400, message, [{ path: ['grants', i, 'unitId'], message }]);
    if (g.role === 'system_admin') {
      if (!everywhere) throw new AppError('forbidden', 403, 'Only a system administrator can make another');
      if (g.unitId !== null) throw issue('A system administrator role is not tied to a unit');
      continue;
    }
    if (g.unitId === null) throw issue('Choose the unit this role applies to');
    await assertUnitInScope(deps, actor, g.unitId, 'users.write');
  }
  const keys = grants.map((g) => `${g.role}|${g.unitId}`);
  if (new Set(keys).size !== keys.length) throw new AppError('validation_failed', 400, 'The same role is listed twice on one unit');
}

async function insertGrants(tx: Db, userId: string, grants: GrantInput[], at: string): Promise<void> {
  for (const g of grants) {
    await tx.insertInto('role_grants').values({ id: newId(), user_id: userId, unit_id: g.unitId, role: g.role, created_at: at }).execute();
  }
}

/** Audit entries about an account are filed under its first unit, so that unit's officers see them. */
function homeUnit(user: UserSummary | undefined): string | null {
  return user?.grants.find((g) => g.unitId)?.unitId ?? null;
}

/** Everything about an account for the audit log, whatever the caller's scope. */
async function fullSummary(db: Db, userId: string): Promise<UserSummary> {
  const everyone: Actor = { userId: '', username: '', displayName: '', grants: [{ role: 'system_admin', unitId: null, unitPath: null }] };
  const [user] = await summaries(db, everyone, [userId]);
  return user!;
}

/**
 * A new account. Its password, generated or typed by the administrator, is one its owner did not
 * choose: it must be changed at the first sign-in.
 */
export async function createUser(deps: Deps, actor: Actor, input: UserCreate): Promise<UserWithPassword> {
  await checkGrants(deps, actor, input.grants);
  const password = input.password ?? generatePassword();
  const hash = await hashPassword(password, deps.config.passwordHashLogN);
  const now = deps.clock.now();
  const id = await deps.db.write(async (tx) => {
    const taken = await tx.selectFrom('users').select('id').where('username', '=', input.username).executeTakeFirst();
    if (taken) throw new AppError('conflict', 409, `The username ${input.username} is taken`);
    const userId = newId();
    await tx
      .insertInto('users')
      .values({
        id: userId,
        username: input.username,
        display_name: input.displayName,
        email: input.email ?? null,
        password_hash: hash,
        active: 1,
        created_at: now.toISOString(),
        password_changed_at: now.toISOString(),
        must_change_password: 1,
      })
      .execute();
    await insertGrants(tx, userId, input.grants, now.toISOString());
    const after = await fullSummary(tx, userId);
    await recordAudit(tx, { actor, action: 'user.create', entity: 'user', entityId: userId, unitId: homeUnit(after), after, at: now });
    return userId;
  });
  return { user: await getUser(deps, actor, id), password: input.password ? null : password };
}

export async function updateUser(deps: Deps, actor: Actor, userId: string, input: UserUpdate): Promise<UserSummary> {
  await assertUserInScope(deps.db.kysely, actor, userId, 'users.write');
  if (userId === actor.userId && (input.grants !== undefined || input.active !== undefined)) {
    throw new AppError('forbidden', 403, 'Ask another administrator to change your own roles or disable your account');
  }
  if (input.grants) await checkGrants(deps, actor, input.grants);
  const now = deps.clock.now();
  await deps.db.write(async (tx) => {
    const before = await fullSummary(tx, userId);
    const changes = {
      ...(input.displayName !== undefined ? { display_name: input.displayName } : {}),
      ...(input.email !== undefined ? { email: input.email } : {}),
      ...(input.active !== undefined ? { active: input.active ? 1 : 0 } : {}),
    };
    if (Object.keys(changes).length) await tx.updateTable('users').set(changes).where('id', '=', userId).execute();
    if (input.grants) {
      await tx.deleteFrom('role_grants').where('user_id', '=', userId).execute();
      await insertGrants(tx, userId, input.grants, now.toISOString());
    }
    // A disabled account, or one whose roles changed, starts again from sign-in.
    if (input.active === false || input.grants) await revokeUserSessions(tx, userId);
    const after = await fullSummary(tx, userId);
    const action = input.active === false && before.active ? 'user.deactivate' : input.active === true && !before.active ? 'user.activate' : 'user.update';
    await recordAudit(tx, { actor, action, entity: 'user', entityId: userId, unitId: homeUnit(after) ?? homeUnit(before), before, after, at: now });
  });
  return getUser(deps, actor, userId);
}

/** Sets a new generated password (shown once, to be changed at the next sign-in) and signs the account out everywhere. */
export async function resetPassword(deps: Deps, actor: Actor, userId: string): Promise<UserWithPassword> {
  await assertUserInScope(deps.db.kysely, actor, userId, 'users.write');
  const password = generatePassword();
  const hash = await hashPassword(password, deps.config.passwordHashLogN);
  const now = deps.clock.now();
  await deps.db.write(async (tx) => {
    const before = await fullSummary(tx, userId);
    await tx
      .updateTable('users')
      .set({ password_hash: hash, password_changed_at: now.toISOString(), must_change_password: 1 })
      .where('id', '=', userId)
      .execute();
    const revokedSessions = await revokeUserSessions(tx, userId);
    await recordAudit(tx, {
      actor,
      action: 'user.password_reset',
      entity: 'user',
      entityId: userId,
      unitId: homeUnit(before),
      before: { username: before.username, passwordReset: false },
      after: { username: before.username, passwordReset: true, revokedSessions },
      at: now,
    });
  });
  return { user: await getUser(deps, actor, userId), password };
}

/**
 * Turns off another account's TOTP (its phone is lost and so are its recovery codes) and signs it out
 * everywhere; if its roles require TOTP it enrols again at its next sign-in. Idempotent: on an
 * account without TOTP it only signs it out.
 */
export async function resetTotp(deps: Deps, actor: Actor, userId: string): Promise<UserSummary> {
  await assertUserInScope(deps.db.kysely, actor, userId, 'users.write');
  if (userId === actor.userId) throw new AppError('forbidden', 403, 'Ask another administrator to reset your own two-step sign-in');
  const now = deps.clock.now();
  await deps.db.write(async (tx) => {
    const before = await fullSummary(tx, userId);
    await clearTotp(tx, userId);
    const revokedSessions = await revokeUserSessions(tx, userId);
    await recordAudit(tx, {
      actor,
      action: 'user.totp_reset',
      entity: 'user',
      entityId: userId,
      unitId: homeUnit(before),
      before: { username: before.username, totpEnabled: before.totpEnabled },
      after: { username: before.username, totpEnabled: false, revokedSessions },
      at: now,
    });
  });
  return getUser(deps, actor, userId);
}

/**
 * `npm run admin:create`: a system administrator made from the command line (the first account of
 * a fresh installation). The password is generated unless given; either way it is returned once. A
 * generated password must be changed at the first sign-in; one given here was chosen by its owner.
 */
export async function createSystemAdmin(
  deps: Deps,
  input: { username: string; password?: string },
): Promise<{ userId: string; username: string; password: string; generated: boolean }> {
  const username = parseWith(Username, input.username, 'username');
  const password = input.password === undefined ? generatePassword() : parseWith(NewPassword, input.password, 'password');
  const hash = await hashPassword(password, deps.config.passwordHashLogN);
  const now = deps.clock.now();
  const userId = await deps.db.write(async (tx) => {
    const taken = await tx.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
    if (taken) throw new AppError('conflict', 409, `The username ${username} is taken`);
    const id = newId();
    await tx
      .insertInto('users')
      .values({
        id,
        username,
        display_name: username,
        password_hash: hash,
        active: 1,
        created_at: now.toISOString(),
        password_changed_at: now.toISOString(),
        must_change_password: input.password === undefined ? 1 : 0,
      })
      .execute();
    await insertGrants(tx, id, [{ role: 'system_admin', unitId: null }], now.toISOString());
    await recordAudit(tx, { actor: { system: 'cli' }, action: 'user.create', entity: 'user', entityId: id, unitId: null, after: await fullSummary(tx, id), at: now });
    return id;
  });
  return { userId, username, password, generated: input.password === undefined };
}
