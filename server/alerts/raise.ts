import type { AlertDetail, AlertRuleKind, AlertRules } from '../../schema/alerts.js';
import { recordAudit, type AuditInput } from '../audit/record.js';
import { openCases } from '../cases/index.js';
import type { Db } from '../db/types.js';
import { newId } from '../ids.js';
import { recordEvents } from '../notifications/index.js';

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
  return (await raiseAlerts(tx, [candidate], () => rules, at))[0] ?? null;
}

/**
 * raiseAlert for many candidates in a fixed number of statements (the intake's batch): returns the
 * ids of the alerts opened, in candidate order; candidates still open are left out.
 */
export async function raiseAlerts(tx: Db, candidates: readonly AlertCandidate[], rulesOf: (unitId: string) => AlertRules, at: Date): Promise<string[]> {
  if (candidates.length === 0) return [];
  const now = at.toISOString();
  const rows = candidates.map((c) => ({
    id: newId(),
    unit_id: c.unitId,
    rule: c.rule,
    dedup_key: c.dedupKey,
    title: c.title,
    detail: JSON.stringify(c.detail),
    opened_at: now,
    last_seen_at: now,
    closed_at: null,
  }));
  const inserted = new Set<string>();
  for (let i = 0; i < rows.length; i += 200) {
    const stored = await tx
      .insertInto('alerts')
      .values(rows.slice(i, i + 200))
      .onConflict((oc) => oc.column('dedup_key').where('closed_at', 'is', null).doNothing())
      .returning('id')
      .execute();
    for (const { id } of stored) inserted.add(id);
  }
  const stillOpen = rows.filter((r) => !inserted.has(r.id)).map((r) => r.dedup_key);
  if (stillOpen.length > 0) {
    await tx.updateTable('alerts').set({ last_seen_at: now }).where('dedup_key', 'in', stillOpen).where('closed_at', 'is', null).execute();
  }
  const opened = candidates.flatMap((c, k) => (inserted.has(rows[k]!.id) ? [{ candidate: c, id: rows[k]!.id, row: rows[k]! }] : []));
  if (opened.length === 0) return [];
  await recordEvents(
    tx,
    'alert.opened',
    opened.map(({ candidate, id }) => ({ subject: `alert:${id}`, data: { unitId: candidate.unitId, rule: candidate.rule, title: candidate.title, detail: candidate.detail } })),
    at,
  );
  // The alerts' entries go with the cases' in one statement: the batch's write stays short.
  const audits: AuditInput[] = opened.map(({ candidate, id, row }) => ({ actor: { system: 'alerts' }, action: 'alert.open', entity: 'alert', entityId: id, unitId: candidate.unitId, after: { ...row, detail: candidate.detail }, at }));
  const withCases = opened.filter(({ candidate }) => rulesOf(candidate.unitId).openCases);
  await openCases(
    tx,
    withCases.map(({ candidate, id }) => ({
      unitId: candidate.unitId,
      source: 'alert' as const,
      title: candidate.title,
      responseIds: candidate.responseIds ?? [],
      alertId: id,
      dueDays: rulesOf(candidate.unitId).caseDueDays,
    })),
    null,
    at,
    audits,
  );
  return opened.map(({ id }) => id);
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
