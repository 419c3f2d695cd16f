import type { Actor } from '../auth/actor.js';
import type { CaseStatus, Db } from '../db/types.js';
import { sql, type SqlBool } from 'kysely';
import { recordAuditMany, type AuditInput } from '../audit/record.js';
import { newId } from '../ids.js';
import { recordEvents } from '../notifications/index.js';
import { addDays, vnLocalParts } from '../time.js';

/** Opening cases and telling who they are assigned to: the core of the case contract (see index.ts). */

export type CaseSource = 'alert' | 'comment' | 'callback';

export interface OpenCaseInput {
  /** The unit the answers belong to (a centre or branch); the case is assigned to one of its users. */
  unitId: string;
  source: CaseSource;
  title: string;
  /** The answers behind the case (linked, never copied). */
  responseIds: readonly string[];
  alertId?: string;
  callbackId?: string;
  /** Days until it is overdue (default DEFAULT_CASE_DUE_DAYS). */
  dueDays?: number;
}

/** Days a case opened without a due date is given. */
export const DEFAULT_CASE_DUE_DAYS = 7;

/**
 * Opens a case in status 'new', assigned to the supervisor of the unit (the nearest unit up the tree
 * with an active centre supervisor), with the answers linked and an audit entry, reported as
 * 'case.updated'. Call it inside the caller's write transaction. `actor` null: opened by the platform
 * (an alert, a call-back request).
 */
export async function openCase(tx: Db, input: OpenCaseInput, actor: Actor | null, at: Date): Promise<string> {
  return (await openCases(tx, [input], actor, at))[0]!;
}

/**
 * openCase for many at once (the intake's batch): a fixed number of statements whatever the count,
 * so raising alerts in the batch stays cheap. `alsoAudit`: the caller's own entries of the same
 * change (the alerts behind the cases), written in the same statement. Returns the ids in input order.
 */
export async function openCases(tx: Db, inputs: readonly OpenCaseInput[], actor: Actor | null, at: Date, alsoAudit: readonly AuditInput[] = []): Promise<string[]> {
  if (inputs.length === 0) {
    await recordAuditMany(tx, alsoAudit);
    return [];
  }
  const assignees = await defaultAssignees(tx, inputs.map((i) => i.unitId));
  const today = vnLocalParts(at).day;
  const rows = inputs.map((input) => ({
    id: newId(),
    unit_id: input.unitId,
    source: input.source,
    title: input.title.slice(0, 300),
    status: 'new' as CaseStatus,
    assignee_user_id: assignees.get(input.unitId) ?? null,
    due_day: addDays(today, input.dueDays ?? DEFAULT_CASE_DUE_DAYS),
    resolution: null,
    alert_id: input.alertId ?? null,
    callback_id: input.callbackId ?? null,
    opened_at: at.toISOString(),
    opened_by: actor ? actor.username : `system:${input.source}`,
    updated_at: at.toISOString(),
    closed_at: null,
  }));
  const links = rows.flatMap((row, k) => [...new Set(inputs[k]!.responseIds)].map((response_id) => ({ case_id: row.id, response_id })));
  for (let i = 0; i < rows.length; i += 200) await tx.insertInto('cases').values(rows.slice(i, i + 200)).execute();
  for (let i = 0; i < links.length; i += 400) await tx.insertInto('case_responses').values(links.slice(i, i + 400)).execute();
  await recordAuditMany(tx, [
    ...alsoAudit,
    ...rows.map((row, k) => ({
      actor: actor ?? { system: inputs[k]!.source },
      action: 'case.open',
      entity: 'case',
      entityId: row.id,
      unitId: row.unit_id,
      after: { ...row, responseIds: [...new Set(inputs[k]!.responseIds)] },
      at,
    })),
  ]);
  await recordEvents(
    tx,
    'case.updated',
    rows.map((row) => ({
      subject: `case:${row.id}`,
      data: { caseId: row.id, unitId: row.unit_id, source: row.source, status: row.status, assigneeId: row.assignee_user_id, dueDay: row.due_day },
    })),
    at,
  );
  return rows.map((row) => row.id);
}

/** The user a case is assigned to, or null (no such case, or unassigned). */
export async function caseAssignee(db: Db, caseId: string): Promise<string | null> {
  const row = await db.selectFrom('cases').select('assignee_user_id').where('id', '=', caseId).executeTakeFirst();
  return row?.assignee_user_id ?? null;
}

/** Whether this user is the case's assignee: who may read what only the assignee reads (call-back contacts). */
export async function isCaseAssignee(db: Db, caseId: string, userId: string): Promise<boolean> {
  return (await caseAssignee(db, caseId)) === userId;
}

/**
 * The first active user holding centre_supervisor on the unit, else on the nearest ancestor that has
 * one; null when there is none (a provincial officer assigns the case by hand).
 */
export async function defaultAssignee(db: Db, unitId: string): Promise<string | null> {
  return (await defaultAssignees(db, [unitId])).get(unitId) ?? null;
}

/** defaultAssignee for many units in one statement (units without one are absent). */
export async function defaultAssignees(db: Db, unitIds: readonly string[]): Promise<Map<string, string>> {
  const ids = [...new Set(unitIds)];
  const rows = await db
    .selectFrom('units as u')
    .innerJoin('role_grants', (join) => join.on(sql<SqlBool>`u.path like '%/' || role_grants.unit_id || '/%'`))
    .innerJoin('users', 'users.id', 'role_grants.user_id')
    .innerJoin('units as g', 'g.id', 'role_grants.unit_id')
    .select(['u.id as unit_id', 'role_grants.user_id', 'g.path as grant_path'])
    .where('u.id', 'in', ids)
    .where('role_grants.role', '=', 'centre_supervisor')
    .where('users.active', '=', 1)
    .orderBy('role_grants.created_at')
    .orderBy('role_grants.id')
    .execute();
  const out = new Map<string, { userId: string; depth: number }>();
  for (const row of rows) {
    // The deepest grant on the unit's path wins; among equals, the oldest (rows come oldest first).
    const depth = row.grant_path.length;
    const best = out.get(row.unit_id);
    if (!best || depth > best.depth) out.set(row.unit_id, { userId: row.user_id, depth });
  }
  return new Map([...out].map(([unitId, best]) => [unitId, best.userId]));
}

/**
 * When each of these cases closed (resolved or dismissed); null while open; cases that do not exist
 * are left out. Call-back contacts are deleted a set number of days after their case closes.
 */
export async function caseClosedTimes(db: Db, caseIds: readonly string[]): Promise<Map<string, string | null>> {
  const closed = new Map<string, string | null>();
  const ids = [...new Set(caseIds)];
  for (let i = 0; i < ids.length; i += 400) {
    const rows = await db.selectFrom('cases').select(['id', 'closed_at']).where('id', 'in', ids.slice(i, i + 400)).execute();
    for (const row of rows) closed.set(row.id, row.closed_at);
  }
  return closed;
}

