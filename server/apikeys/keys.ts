import type { Deps } from '../deps.js';
import type { Db } from '../db/types.js';
import { newId, newSecretToken, sha256Hex } from '../ids.js';

/** The one-stop system behind an /api/v1 request: c.get('apiKey'). */
export interface ApiKeyPrincipal {
  id: string;
  unitId: string;
  unitPath: string;
  name: string;
  prefix: string;
}

const KEY_TAG = 'sipas_';
/** Characters of the key shown in lists so people can tell keys apart (not enough to use one). */
const PREFIX_LENGTH = KEY_TAG.length + 6;

export interface NewApiKey {
  id: string;
  key: string;
  keyHash: string;
  prefix: string;
}

/** A fresh key: `sipas_` + 256 random bits; only its SHA-256 and a short prefix are stored. */
export function generateApiKey(): NewApiKey {
  const key = `${KEY_TAG}${newSecretToken()}`;
  return { id: newId(), key, keyHash: sha256Hex(key), prefix: key.slice(0, PREFIX_LENGTH) };
}

export async function insertApiKey(
  tx: Db,
  input: { unitId: string; name: string; createdBy: string | null; at: Date },
): Promise<NewApiKey> {
  const fresh = generateApiKey();
  await tx
    .insertInto('api_keys')
    .values({
      id: fresh.id,
      unit_id: input.unitId,
      name: input.name,
      key_hash: fresh.keyHash,
      prefix: fresh.prefix,
      created_at: input.at.toISOString(),
      created_by: input.createdBy,
      revoked_at: null,
    })
    .execute();
  return fresh;
}

/** The active key with this secret, on an active unit, or undefined. */
export async function findApiKey(deps: Deps, key: string): Promise<ApiKeyPrincipal | undefined> {
  if (!key.startsWith(KEY_TAG) || key.length > 200) return undefined;
  const row = await deps.db.kysely
    .selectFrom('api_keys')
    .innerJoin('units', 'units.id', 'api_keys.unit_id')
    .select(['api_keys.id', 'api_keys.unit_id', 'api_keys.name', 'api_keys.prefix', 'units.path'])
    .where('api_keys.key_hash', '=', sha256Hex(key))
    .where('api_keys.revoked_at', 'is', null)
    .where('units.active', '=', 1)
    .executeTakeFirst();
  if (!row) return undefined;
  return { id: row.id, unitId: row.unit_id, unitPath: row.path, name: row.name, prefix: row.prefix };
}
