import { sql } from 'kysely';
import type { ApiKey, ApiKeyCreate, ApiKeyCreated, ApiKeyList, ApiKeyListQuery, UnitKind } from '../../schema/admin.js';
import type { Actor } from '../auth/actor.js';
import { assertUnitInScope, unitScopeCondition } from '../auth/scope.js';
import { recordAudit } from '../audit/record.js';
import type { Deps } from '../deps.js';
import type { Db } from '../db/types.js';
import { AppError } from '../http.js';
import { insertApiKey } from './keys.js';

function keysQuery(db: Db) {
  return db
    .selectFrom('api_keys')
    .innerJoin('units', 'units.id', 'api_keys.unit_id')
    .leftJoin('users', 'users.id', 'api_keys.created_by')
    .select([
      'api_keys.id',
      'api_keys.unit_id',
      'units.name as unit_name',
      'api_keys.name',
      'api_keys.prefix',
      'api_keys.created_at',
      'users.username as created_by',
      'api_keys.revoked_at',
    ]);
}

type KeyRow = Awaited<ReturnType<ReturnType<typeof keysQuery>['executeTakeFirstOrThrow']>>;

function keyView(r: KeyRow): ApiKey {
  return {
    id: r.id,
    unitId: r.unit_id,
    unitName: r.unit_name,
    name: r.name,
    prefix: r.prefix,
    createdAt: r.created_at,
    createdBy: r.created_by,
    revokedAt: r.revoked_at,
  };
}

export async function listApiKeys(deps: Deps, actor: Actor, query: ApiKeyListQuery): Promise<ApiKeyList> {
  if (query.unitId) await assertUnitInScope(deps, actor, query.unitId, 'apikeys.read');
  let base = keysQuery(deps.db.kysely).where(unitScopeCondition(actor, 'api_keys.unit_id', 'apikeys.read'));
  if (query.unitId) base = base.where('api_keys.unit_id', '=', query.unitId);
  if (!query.includeRevoked) base = base.where('api_keys.revoked_at', 'is', null);
  const [items, total] = await Promise.all([
    base.orderBy('api_keys.created_at', 'desc').limit(query.limit).offset(query.offset).execute(),
    base.clearSelect().select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: items.map(keyView), total: Number(total.n) };
}

/** A new key for a unit's one-stop system; the key itself is in this answer only. */
export async function createApiKey(deps: Deps, actor: Actor, input: ApiKeyCreate): Promise<ApiKeyCreated> {
  await assertUnitInScope(deps, actor, input.unitId, 'apikeys.write');
  const now = deps.clock.now();
  return deps.db.write(async (tx) => {
    const fresh = await insertApiKey(tx, { unitId: input.unitId, name: input.name, createdBy: actor.userId, at: now });
    const apiKey = keyView(await keysQuery(tx).where('api_keys.id', '=', fresh.id).executeTakeFirstOrThrow());
    await recordAudit(tx, { actor, action: 'apikey.create', entity: 'api_key', entityId: fresh.id, unitId: input.unitId, after: apiKey, at: now });
    return { apiKey, key: fresh.key };
  });
}

export async function revokeApiKey(deps: Deps, actor: Actor, id: string): Promise<ApiKey> {
  const row = await deps.db.kysely.selectFrom('api_keys').select(['unit_id', 'revoked_at']).where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('not_found', 404, 'No such API key');
  await assertUnitInScope(deps, actor, row.unit_id, 'apikeys.write');
  if (row.revoked_at) throw new AppError('conflict', 409, 'This key is already revoked');
  const now = deps.clock.now();
  return deps.db.write(async (tx) => {
    const before = keyView(await keysQuery(tx).where('api_keys.id', '=', id).executeTakeFirstOrThrow());
    await tx.updateTable('api_keys').set({ revoked_at: now.toISOString() }).where('id', '=', id).where('revoked_at', 'is', null).execute();
    const after = keyView(await keysQuery(tx).where('api_keys.id', '=', id).executeTakeFirstOrThrow());
    await recordAudit(tx, { actor, action: 'apikey.revoke', entity: 'api_key', entityId: id, unitId: row.unit_id, before, after, at: now });
    return after;
  });
}

/**
 * `npm run apikey:create`: a key for the unit with this code (give the kind when a centre and a
 * branch share a code). Returns the key once.
 */
export async function createApiKeyForUnitCode(
  deps: Deps,
  input: { unitCode: string; kind?: UnitKind; name: string },
): Promise<{ id: string; key: string; prefix: string; unitName: string }> {
  let q = deps.db.kysely.selectFrom('units').select(['id', 'name', 'kind']).where('code', '=', input.unitCode).where('active', '=', 1);
  if (input.kind) q = q.where('kind', '=', input.kind);
  const units = await q.execute();
  if (units.length === 0) throw new AppError('not_found', 404, `No active unit has code ${input.unitCode}`);
  if (units.length > 1) {
    throw new AppError('conflict', 409, `Several units have code ${input.unitCode} (${units.map((u) => u.kind).join(', ')}): add --kind`);
  }
  const unit = units[0]!;
  const now = deps.clock.now();
  return deps.db.write(async (tx) => {
    const fresh = await insertApiKey(tx, { unitId: unit.id, name: input.name, createdBy: null, at: now });
    const apiKey = keyView(await keysQuery(tx).where('api_keys.id', '=', fresh.id).executeTakeFirstOrThrow());
    await recordAudit(tx, { actor: { system: 'cli' }, action: 'apikey.create', entity: 'api_key', entityId: fresh.id, unitId: unit.id, after: apiKey, at: now });
    return { id: fresh.id, key: fresh.key, prefix: fresh.prefix, unitName: unit.name };
  });
}
