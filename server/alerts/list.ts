import { sql, type SqlBool } from 'kysely';
import type { AlertList, AlertListQuery, AlertRules, AlertRulesView } from '../../schema/alerts.js';
import type { Actor } from '../auth/actor.js';
import { assertUnitInScope, unitScopeCondition } from '../auth/scope.js';
import { recordAudit } from '../audit/record.js';
import { likePrefix } from '../db/like.js';
import type { Db } from '../db/types.js';
import type { Deps } from '../deps.js';
import { alertOf } from '../cases/index.js';
import { rulesForPath, setRules } from './rules.js';

/** Alerts of the caller's area (or one unit's subtree), newest first, with the case opened for each. */
export async function listAlerts(deps: Deps, actor: Actor, query: AlertListQuery): Promise<AlertList> {
  const db = deps.db.kysely;
  const unitPath = query.unitId === undefined ? undefined : (await assertUnitInScope(db, actor, query.unitId, 'dashboard.read')).path;
  const base = db
    .selectFrom('alerts')
    .innerJoin('units', 'units.id', 'alerts.unit_id')
    .where(unitScopeCondition(actor, 'alerts.unit_id', 'dashboard.read'))
    .$if(unitPath !== undefined, (q) => q.where(sql<SqlBool>`units.path like ${likePrefix(unitPath!)} escape '\\'`))
    .$if(query.rule !== undefined, (q) => q.where('alerts.rule', '=', query.rule!))
    .$if(query.state === 'open', (q) => q.where('alerts.closed_at', 'is', null))
    .$if(query.state === 'closed', (q) => q.where('alerts.closed_at', 'is not', null));
  const [rows, total] = await Promise.all([
    base
      .leftJoin('cases', 'cases.alert_id', 'alerts.id')
      .select(['alerts.id', 'alerts.unit_id', 'units.name as unit_name', 'alerts.rule', 'alerts.title', 'alerts.detail', 'alerts.opened_at', 'alerts.last_seen_at', 'alerts.closed_at', 'cases.id as case_id'])
      .orderBy('alerts.opened_at', 'desc')
      .orderBy('alerts.id')
      .limit(query.limit)
      .offset(query.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map((r) => alertOf(r, r.case_id)), total: Number(total.n) };
}

/** The rules a unit the caller may read uses, and where they were set. */
export async function alertRulesOf(deps: Deps, actor: Actor, unitId: string): Promise<AlertRulesView> {
  const unit = await assertUnitInScope(deps.db.kysely, actor, unitId, 'dashboard.read');
  return rulesForPath(deps.db.kysely, unit.path);
}

/** Sets (null: clears) the rules of a unit's subtree: settings.write on it. Audited. */
export async function updateAlertRules(deps: Deps, actor: Actor, unitId: string, rules: AlertRules | null): Promise<AlertRulesView> {
  const at = deps.clock.now();
  const path = await deps.db.write(async (tx) => {
    const unit = await assertUnitInScope(tx, actor, unitId, 'settings.write');
    const before = await setRules(tx, unitId, rules, at);
    await recordAudit(tx, { actor, action: 'alert_rules.update', entity: 'settings', entityId: 'alert_rules', unitId, before, after: rules, at });
    return unit.path;
  });
  return rulesForPath(deps.db.kysely, path);
}

/** The open alerts of a unit's subtree, oldest first, for the supervisors' daily e-mail digest. */
export async function openAlertsOf(db: Db, unitId: string): Promise<{ title: string; unitName: string; openedAt: string }[]> {
  const unit = await db.selectFrom('units').select('path').where('id', '=', unitId).executeTakeFirst();
  if (!unit) return [];
  return db
    .selectFrom('alerts')
    .innerJoin('units', 'units.id', 'alerts.unit_id')
    .select(['alerts.title', 'units.name as unitName', 'alerts.opened_at as openedAt'])
    .where('alerts.closed_at', 'is', null)
    .where(sql<SqlBool>`units.path like ${likePrefix(unit.path)} escape '\\'`)
    .orderBy('alerts.opened_at')
    .execute();
}
