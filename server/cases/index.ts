import type { Actor } from '../auth/actor.js';
import type { CaseStatus, Db } from '../db/types.js';
import { recordAudit } from '../audit/record.js';
import { newId } from '../ids.js';
import { recordEvent } from '../notifications/index.js';
import { addDays, vnLocalParts } from '../time.js';

/**
 * The case contract other features use (call-backs, alerts): open a follow-up case, and tell who it
 * is assigned to. Everything else about cases goes through server/cases/routes.ts.
 */

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
 * with an active centre supervisor), with the answers linked and an audit entry. Call it inside the
 * caller's write transaction, and reported as 'case.updated'. `actor` null: opened by the platform (an alert, a call-back request).
 */
export async function openCase(tx: Db, input: OpenCaseInput, actor: Actor | null, at: Date): Promise<string> {
  const id = newId();
  const row = {
    id,
    unit_id: input.unitId,
    source: input.source,
    title: input.title.slice(0, 300),
    status: 'new' as CaseStatus,
    assignee_user_id: await defaultAssignee(tx, input.unitId),
    due_day: addDays(vnLocalParts(at).day, input.dueDays ?? DEFAULT_CASE_DUE_DAYS),
    resolution: null,
    alert_id: input.alertId ?? null,
    callback_id: input.callbackId ?? null,
    opened_at: at.toISOString(),
    opened_by: actor ? actor.username : `system:${input.source}`,
    updated_at: at.toISOString(),
    closed_at: null,
  };
  await tx.insertInto('cases').values(row).execute();
  const responseIds = [...new Set(input.responseIds)];
  for (let i = 0; i < responseIds.length; i += 400) {
    await tx
      .insertInto('case_responses')
      .values(responseIds.slice(i, i + 400).map((response_id) => ({ case_id: id, response_id })))
      .execute();
  }
  await recordAudit(tx, {
    actor: actor ?? { system: `${input.source}` },
    action: 'case.open',
    entity: 'case',
    entityId: id,
    unitId: input.unitId,
    after: { ...row, responseIds },
    at,
  });
  await recordEvent(tx, { type: 'case.updated', subject: `case:${id}`, data: { caseId: id, unitId: input.unitId, source: input.source, status: row.status, assigneeId: row.assignee_user_id, dueDay: row.due_day } }, at);
  return id;
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
  const unit = await db.selectFrom('units').select('path').where('id', '=', unitId).executeTakeFirst();
  if (!unit) return null;
  const chain = unit.path.split('/').filter(Boolean).reverse();
  const rows = await db
    .selectFrom('role_grants')
    .innerJoin('users', 'users.id', 'role_grants.user_id')
    .select(['role_grants.user_id', 'role_grants.unit_id'])
    .where('role_grants.role', '=', 'centre_supervisor')
    .where('role_grants.unit_id', 'in', chain)
    .where('users.active', '=', 1)
    .orderBy('role_grants.created_at')
    .orderBy('role_grants.id')
    .execute();
  for (const unitOnPath of chain) {
    const grant = rows.find((r) => r.unit_id === unitOnPath);
    if (grant) return grant.user_id;
  }
  return null;
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

export { alertOf } from './store.js';
export { commentMarksOf } from './comment-marks.js';
export { caseRoutes, commentMarkRoutes } from './routes.js';
