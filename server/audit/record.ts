import type { Db } from '../db/types.js';
import type { Actor } from '../auth/actor.js';
import type { ApiKeyPrincipal } from '../apikeys/keys.js';

/** Who made a change: a signed-in user, a one-stop system by its API key, or a command-line tool. */
export type AuditActor = Actor | ApiKeyPrincipal | { system: string };

export interface AuditInput {
  actor: AuditActor;
  /** '<entity>.<verb>', e.g. 'unit.create', 'counter.update', 'export.run'. */
  action: string;
  entity: string;
  entityId: string | null;
  /** The unit the change concerns: the audit view is scoped by it (null: only system admins see it). */
  unitId: string | null;
  /** The entity before an update or deletion; omit for a creation. */
  before?: unknown;
  /** The entity after a creation or update; omit for a deletion. */
  after?: unknown;
  at: Date;
}

function actorColumns(actor: AuditActor): { actor_user_id: string | null; actor_label: string } {
  if ('userId' in actor) return { actor_user_id: actor.userId, actor_label: actor.username };
  if ('prefix' in actor) return { actor_user_id: null, actor_label: `apikey:${actor.prefix}` };
  return { actor_user_id: null, actor_label: actor.system };
}

function toRow(input: AuditInput) {
  return {
    at: input.at.toISOString(),
    ...actorColumns(input.actor),
    action: input.action,
    entity: input.entity,
    entity_id: input.entityId,
    unit_id: input.unitId,
    before: input.before === undefined || input.before === null ? null : JSON.stringify(input.before),
    after: input.after === undefined || input.after === null ? null : JSON.stringify(input.after),
  };
}

/**
 * Appends one entry to the audit log. Call it inside the same write transaction as the change, so a
 * change is never committed without its entry. The table refuses UPDATE and DELETE.
 */
export async function recordAudit(tx: Db, input: AuditInput): Promise<void> {
  await tx.insertInto('audit_log').values(toRow(input)).execute();
}

/** Many entries at once (imports), in chunks that stay under the SQL parameter limits. */
export async function recordAuditMany(tx: Db, inputs: readonly AuditInput[]): Promise<void> {
  const CHUNK = 400;
  for (let i = 0; i < inputs.length; i += CHUNK) {
    await tx.insertInto('audit_log').values(inputs.slice(i, i + CHUNK).map(toRow)).execute();
  }
}
