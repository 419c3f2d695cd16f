import type { DashboardOptions, OptionsQuery } from '../../schema/dashboard.js';
import type { Actor } from '../auth/actor.js';
import type { Deps } from '../deps.js';
import { listInstruments } from '../instruments/store.js';
import { resolveReportScope } from '../reporting/index.js';
import { dashUnit, scoringView, today } from './context.js';

/**
 * What the filter bar offers in a scope: its units, counters, the staff and procedures that have
 * responses there, fields, and the instruments with their factors and items (for labels).
 */
export async function dashboardOptions(deps: Deps, actor: Actor, query: OptionsQuery): Promise<DashboardOptions> {
  const db = deps.db.kysely;
  const scope = await resolveReportScope(db, actor, query.unitId, 'dashboard.read');
  const ids = scope.unitIds.length ? scope.unitIds : [''];
  const provinces = [...new Set(scope.units.map((u) => u.provinceId))];
  const provinceIds = provinces.length ? provinces : [''];
  const seen = (column: 'staff_id' | 'procedure_id') =>
    db.selectFrom('rollup_response_day').select(column).distinct().where('unit_id', 'in', ids);
  const [counters, staff, procedures, holders, instruments] = await Promise.all([
    db.selectFrom('counters').select(['id', 'unit_id', 'code', 'name']).where('unit_id', 'in', ids).orderBy('code').orderBy('name').execute(),
    db
      .selectFrom('staff')
      .select(['id', 'code', 'name'])
      .where('province_id', 'in', provinceIds)
      .where('id', 'in', seen('staff_id'))
      .orderBy('name')
      .execute(),
    db
      .selectFrom('procedures')
      .select(['id', 'code', 'name', 'field'])
      .where('province_id', 'in', provinceIds)
      .where('id', 'in', seen('procedure_id'))
      .orderBy('field')
      .orderBy('code')
      .execute(),
    db.selectFrom('rollup_unit_month').select('unit_id').distinct().where('unit_id', 'in', ids).execute(),
    listInstruments(db, { visibleTo: actor }),
  ]);
  const holding = new Set(holders.map((h) => h.unit_id));
  return {
    unit: scope.root ? dashUnit(scope.root) : null,
    units: scope.units.map((u) => ({ ...dashUnit(u), parentId: u.parentId, holdsResponses: holding.has(u.id) })),
    counters: counters.map((c) => ({ id: c.id, unitId: c.unit_id, code: c.code, name: c.name })),
    staff,
    procedures,
    fields: [...new Set(procedures.map((p) => p.field))].sort((a, b) => a.localeCompare(b, 'vi')),
    instruments: instruments.map((i) => ({
      id: i.id,
      title: i.definition.title,
      factors: i.definition.factors.map((f) => ({ code: f.code, title: f.title })),
      items: i.definition.items.map((item) => ({ code: item.code, factor: item.factor, role: item.role, label: item.short ?? item.text })),
    })),
    today: today(deps),
    scoring: scoringView(deps.config.scoring),
  };
}
