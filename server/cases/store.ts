import { sql, type SqlBool } from 'kysely';
import {
  AlertDetail,
  CASE_TRANSITIONS,
  CLOSED_CASE_STATUSES,
  type Alert,
  type CaseDetail,
  type CaseFromComment,
  type CaseItem,
  type CaseList,
  type CaseListQuery,
  type CaseSummary,
  type CaseUpdate,
} from '../../schema/alerts.js';
import type { Actor } from '../auth/actor.js';
import { assertUnitInScope, unitScopeCondition } from '../auth/scope.js';
import { recordAudit } from '../audit/record.js';
import type { CaseStatus, Db } from '../db/types.js';
import { likePrefix } from '../db/like.js';
import type { Deps } from '../deps.js';
import { AppError } from '../http.js';
import { newId } from '../ids.js';
import { recordEvent } from '../notifications/index.js';
import { vnLocalParts } from '../time.js';
import { openCase } from './open.js';

/** Reading cases goes with the dashboards; acting on them with the survey work of the unit. */
const READ = 'dashboard.read';
const WRITE = 'surveys.write';

const OPEN_STATUSES: CaseStatus[] = ['new', 'in_progress'];

const HOUR_MS = 3600_000;

function caseBase(db: Db, actor: Actor, access: typeof READ | typeof WRITE) {
  return db
    .selectFrom('cases')
    .innerJoin('units', 'units.id', 'cases.unit_id')
    .leftJoin('users', 'users.id', 'cases.assignee_user_id')
    .where(unitScopeCondition(actor, 'cases.unit_id', access));
}

type CaseRow = {
  id: string;
  unit_id: string;
  unit_name: string;
  source: CaseItem['source'];
  title: string;
  status: CaseStatus;
  assignee_user_id: string | null;
  assignee_name: string | null;
  due_day: string | null;
  opened_at: string;
  closed_at: string | null;
  alert_id: string | null;
};

const CASE_COLUMNS = [
  'cases.id',
  'cases.unit_id',
  'units.name as unit_name',
  'cases.source',
  'cases.title',
  'cases.status',
  'cases.assignee_user_id',
  'users.display_name as assignee_name',
  'cases.due_day',
  'cases.opened_at',
  'cases.closed_at',
  'cases.alert_id',
] as const;

export function hoursBetween(from: string, to: string): number {
  return Math.round(((Date.parse(to) - Date.parse(from)) / HOUR_MS) * 10) / 10;
}

function toItem(row: CaseRow, today: string): CaseItem {
  return {
    id: row.id,
    unit: { id: row.unit_id, name: row.unit_name },
    source: row.source,
    title: row.title,
    status: row.status,
    assignee: row.assignee_user_id ? { id: row.assignee_user_id, name: row.assignee_name ?? row.assignee_user_id } : null,
    dueDay: row.due_day,
    overdue: OPEN_STATUSES.includes(row.status) && row.due_day !== null && row.due_day < today,
    openedAt: row.opened_at,
    closedAt: row.closed_at,
    hoursToResolution: row.closed_at ? hoursBetween(row.opened_at, row.closed_at) : null,
    alertId: row.alert_id,
  };
}

/**
 * Cases of the caller's subtrees (or of one unit's subtree), newest first, with the counts of the
 * inbox: by status, overdue, and the mean time to resolution of the closed ones.
 */
export async function listCases(deps: Deps, actor: Actor, query: CaseListQuery): Promise<CaseList> {
  const db = deps.db.kysely;
  const today = vnLocalParts(deps.clock.now()).day;
  const unitPath = query.unitId === undefined ? undefined : (await assertUnitInScope(db, actor, query.unitId, READ)).path;
  const scoped = caseBase(db, actor, READ)
    .$if(unitPath !== undefined, (q) => q.where(sql<SqlBool>`units.path like ${likePrefix(unitPath!)} escape '\\'`))
    .$if(query.mine === true, (q) => q.where('cases.assignee_user_id', '=', actor.userId));
  const filtered = scoped
    .$if(query.status !== undefined, (q) => q.where('cases.status', '=', query.status!))
    .$if(query.overdue === true, (q) => q.where('cases.status', 'in', OPEN_STATUSES).where('cases.due_day', '<', today));
  const [rows, total, counts] = await Promise.all([
    filtered.select(CASE_COLUMNS).orderBy('cases.opened_at', 'desc').orderBy('cases.id').limit(query.limit).offset(query.offset).execute(),
    filtered.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    scoped.select(['cases.status', 'cases.due_day', 'cases.opened_at', 'cases.closed_at']).execute(),
  ]);
  return { items: rows.map((r) => toItem(r, today)), total: Number(total.n), summary: summarize(counts, today) };
}

function summarize(rows: { status: CaseStatus; due_day: string | null; opened_at: string; closed_at: string | null }[], today: string): CaseSummary {
  const byStatus = { new: 0, in_progress: 0, resolved: 0, dismissed: 0 };
  let overdue = 0;
  const hours: number[] = [];
  for (const r of rows) {
    byStatus[r.status]++;
    if (OPEN_STATUSES.includes(r.status) && r.due_day !== null && r.due_day < today) overdue++;
    if (r.closed_at) hours.push(hoursBetween(r.opened_at, r.closed_at));
  }
  const mean = hours.length ? Math.round((hours.reduce((a, b) => a + b, 0) / hours.length) * 10) / 10 : null;
  return { byStatus, overdue, meanHoursToResolution: mean };
}

async function loadCase(db: Db, actor: Actor, id: string, access: typeof READ | typeof WRITE): Promise<CaseRow & { resolution: string | null; opened_by: string; unit_path: string }> {
  const row = await caseBase(db, actor, access)
    .select([...CASE_COLUMNS, 'cases.resolution', 'cases.opened_by', 'units.path as unit_path'])
    .where('cases.id', '=', id)
    .executeTakeFirst();
  if (row) return row;
  const exists = await db.selectFrom('cases').select('id').where('id', '=', id).executeTakeFirst();
  if (!exists) throw new AppError('not_found', 404, 'No such case');
  throw new AppError('forbidden_unit', 403, 'This case is outside your area');
}

/**
 * Users who may take a case of this unit: the supervisors and officers granted on the unit or inside
 * it ("a user of that unit"; people above it are not shown to those below).
 */
async function assignableUsers(db: Db, unitPath: string): Promise<{ id: string; name: string }[]> {
  const rows = await db
    .selectFrom('role_grants')
    .innerJoin('users', 'users.id', 'role_grants.user_id')
    .innerJoin('units', 'units.id', 'role_grants.unit_id')
    .select(['users.id', 'users.display_name'])
    .where(sql<SqlBool>`units.path like ${likePrefix(unitPath)} escape '\\'`)
    .where('role_grants.role', 'in', ['centre_supervisor', 'provincial_officer'])
    .where('users.active', '=', 1)
    .orderBy('users.display_name')
    .execute();
  return [...new Map(rows.map((r) => [r.id, { id: r.id, name: r.display_name }])).values()];
}

export function alertOf(row: { id: string; unit_id: string; unit_name: string; rule: Alert['rule']; title: string; detail: string; opened_at: string; last_seen_at: string; closed_at: string | null }, caseId: string | null): Alert {
  return {
    id: row.id,
    unit: { id: row.unit_id, name: row.unit_name },
    rule: row.rule,
    title: row.title,
    detail: AlertDetail.parse(JSON.parse(row.detail)),
    openedAt: row.opened_at,
    lastSeenAt: row.last_seen_at,
    closedAt: row.closed_at,
    caseId,
  };
}

export async function caseDetail(deps: Deps, actor: Actor, id: string): Promise<CaseDetail> {
  const db = deps.db.kysely;
  const row = await loadCase(db, actor, id, READ);
  const today = vnLocalParts(deps.clock.now()).day;
  const [notes, answers, alert, assignable] = await Promise.all([
    db.selectFrom('case_notes').selectAll().where('case_id', '=', id).orderBy('at').orderBy('id').execute(),
    db
      .selectFrom('case_responses')
      .innerJoin('responses', 'responses.id', 'case_responses.response_id')
      .select(['responses.id', 'responses.submitted_at', 'responses.answers', 'responses.comment'])
      .where('case_responses.case_id', '=', id)
      .orderBy('responses.submitted_at')
      .limit(200)
      .execute(),
    row.alert_id
      ? db
          .selectFrom('alerts')
          .innerJoin('units', 'units.id', 'alerts.unit_id')
          .select(['alerts.id', 'alerts.unit_id', 'units.name as unit_name', 'alerts.rule', 'alerts.title', 'alerts.detail', 'alerts.opened_at', 'alerts.last_seen_at', 'alerts.closed_at'])
          .where('alerts.id', '=', row.alert_id)
          .executeTakeFirst()
      : undefined,
    assignableUsers(db, row.unit_path),
  ]);
  return {
    ...toItem(row, today),
    resolution: row.resolution,
    openedBy: row.opened_by,
    notes: notes.map((n) => ({ at: n.at, author: n.author_label, statusFrom: n.status_from, statusTo: n.status_to, text: n.text })),
    answers: answers.map((a) => ({ id: a.id, submittedAt: a.submitted_at, answers: JSON.parse(a.answers) as Record<string, number | null>, comment: a.comment })),
    alert: alert ? alertOf(alert, id) : null,
    assignable,
  };
}

/**
 * Changes a case: status (along CASE_TRANSITIONS, with a note), assignee (one of assignableUsers),
 * due day, resolution. Audited, and reported as 'case.updated', in one transaction.
 */
export async function updateCase(deps: Deps, actor: Actor, id: string, update: CaseUpdate): Promise<CaseDetail> {
  const at = deps.clock.now();
  await deps.db.write(async (tx) => {
    const before = await loadCase(tx, actor, id, WRITE);
    const changes: { status?: CaseStatus; assignee_user_id?: string | null; due_day?: string | null; resolution?: string | null; closed_at?: string | null } = {};
    if (update.status !== undefined && update.status !== before.status) {
      if (!CASE_TRANSITIONS[before.status].includes(update.status)) {
        throw new AppError('conflict', 409, `A case cannot go from ${before.status} to ${update.status}`);
      }
      changes.status = update.status;
      changes.closed_at = CLOSED_CASE_STATUSES.includes(update.status) ? at.toISOString() : null;
    }
    if (update.assigneeId !== undefined && update.assigneeId !== before.assignee_user_id) {
      if (update.assigneeId !== null && !(await assignableUsers(tx, before.unit_path)).some((u) => u.id === update.assigneeId)) {
        throw new AppError('validation_failed', 400, 'The assignee must be a user of the case’s unit', [
          { path: ['assigneeId'], message: 'not a user of this unit' },
        ]);
      }
      changes.assignee_user_id = update.assigneeId;
    }
    if (update.dueDay !== undefined) changes.due_day = update.dueDay;
    if (update.resolution !== undefined) changes.resolution = update.resolution === '' ? null : update.resolution;
    await tx.updateTable('cases').set({ ...changes, updated_at: at.toISOString() }).where('id', '=', id).execute();
    if (update.note !== undefined) {
      await tx
        .insertInto('case_notes')
        .values({ id: newId(), case_id: id, at: at.toISOString(), author_label: actor.displayName || actor.username, status_from: changes.status ? before.status : null, status_to: changes.status ?? null, text: update.note })
        .execute();
    }
    // An answer's own alert is over once its case is closed.
    if (changes.closed_at && before.alert_id) {
      await tx.updateTable('alerts').set({ closed_at: changes.closed_at }).where('id', '=', before.alert_id).where('rule', '=', 'low_comment').where('closed_at', 'is', null).execute();
    }
    const beforeView = { status: before.status, assigneeId: before.assignee_user_id, dueDay: before.due_day, resolution: before.resolution };
    await recordAudit(tx, { actor, action: 'case.update', entity: 'case', entityId: id, unitId: before.unit_id, before: beforeView, after: { ...changes, note: update.note }, at });
    await recordEvent(tx, { type: 'case.updated', subject: `case:${id}`, data: { caseId: id, unitId: before.unit_id, status: changes.status ?? before.status, assigneeId: changes.assignee_user_id ?? before.assignee_user_id, dueDay: changes.due_day ?? before.due_day } }, at);
  });
  return caseDetail(deps, actor, id);
}

/** Opens a case by hand from a comment of the caller's area. */
export async function openCaseFromComment(deps: Deps, actor: Actor, input: CaseFromComment): Promise<CaseDetail> {
  const at = deps.clock.now();
  const id = await deps.db.write(async (tx) => {
    const response = await tx
      .selectFrom('responses')
      .select(['id', 'unit_id', 'comment'])
      .where('id', '=', input.responseId)
      .where(unitScopeCondition(actor, 'responses.unit_id', WRITE))
      .executeTakeFirst();
    if (!response || response.comment === null) throw new AppError('not_found', 404, 'No such comment in your area');
    return openCase(tx, { unitId: response.unit_id, source: 'comment', title: input.title, responseIds: [response.id] }, actor, at);
  });
  return caseDetail(deps, actor, id);
}
