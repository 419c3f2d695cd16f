import type { AlertDetail, AlertRuleKind, AlertRules } from '../../schema/alerts.js';
import { recordAudit } from '../audit/record.js';
import { openCase } from '../cases/index.js';
import type { Db } from '../db/types.js';
import { newId } from '../ids.js';
import { recordEvent } from '../notifications/index.js';

export interface AlertCandidate {
  unitId: string;
  rule: AlertRuleKind;
  /** Names the condition: while an alert with this key is open, the condition is not raised again. */
  dedupKey: string;
  title: string;
  detail: AlertDetail;
  /** The answers behind it, linked to the case opened for it. */
  responseIds?: readonly string[];
}

/**
 * Raises an alert unless one with the same key is still open (then only its last_seen_at moves):
 * audit entry, 'alert.opened' event and, when the rules say so, a follow-up case, all in the caller's
 * transaction. Returns the new alert's id, or null when it was already open.
 */
export async function raiseAlert(tx: Db, candidate: AlertCandidate, rules: AlertRules, at: Date): Promise<string | null> {
  const now = at.toISOString();
  const id = newId();
  const row = {
    id,
    unit_id: candidate.unitId,
    rule: candidate.rule,
    dedup_key: candidate.dedupKey,
    title: candidate.title,
    detail: JSON.stringify(candidate.detail),
    opened_at: now,
    last_seen_at: now,
    closed_at: null,
  };
  const inserted = await tx
    .insertInto('alerts')
    .values(row)
    .onConflict((oc) => oc.column('dedup_key').where('closed_at', 'is', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) {
    await tx.updateTable('alerts').set({ last_seen_at: now }).where('dedup_key', '=', candidate.dedupKey).where('closed_at', 'is', null).execute();
    return null;
  }
  await recordAudit(tx, { actor: { system: 'alerts' }, action: 'alert.open', entity: 'alert', entityId: id, unitId: candidate.unitId, after: { ...row, detail: candidate.detail }, at });
  await recordEvent(tx, { type: 'alert.opened', subject: `alert:${id}`, data: { unitId: candidate.unitId, rule: candidate.rule, title: candidate.title, detail: candidate.detail } }, at);
  if (rules.openCases) {
    await openCase(
      tx,
      { unitId: candidate.unitId, source: 'alert', title: candidate.title, responseIds: candidate.responseIds ?? [], alertId: id, dueDays: rules.caseDueDays },
      null,
      at,
    );
  }
  return id;
}

/** Closes the open alerts of these rules at these units whose condition no longer holds (keys not in `stillTrue`). */
export async function closeAlertsNotSeen(tx: Db, unitIds: readonly string[], rules: readonly AlertRuleKind[], stillTrue: ReadonlySet<string>, at: Date): Promise<number> {
  if (unitIds.length === 0 || rules.length === 0) return 0;
  const open = await tx
    .selectFrom('alerts')
    .select(['id', 'dedup_key', 'unit_id'])
    .where('closed_at', 'is', null)
    .where('rule', 'in', [...rules])
    .where('unit_id', 'in', [...unitIds])
    .execute();
  const gone = open.filter((a) => !stillTrue.has(a.dedup_key));
  for (const alert of gone) {
    await tx.updateTable('alerts').set({ closed_at: at.toISOString() }).where('id', '=', alert.id).execute();
    await recordAudit(tx, { actor: { system: 'alerts' }, action: 'alert.close', entity: 'alert', entityId: alert.id, unitId: alert.unit_id, after: { closedAt: at.toISOString() }, at });
  }
  return gone.length;
}
