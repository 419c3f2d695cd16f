import { AlertRules, DEFAULT_ALERT_RULES, type AlertRulesView } from '../../schema/alerts.js';
import { sql, type SqlBool } from 'kysely';
import type { Db } from '../db/types.js';

/** The settings key holding a unit subtree's alert rules (JSON of AlertRules). */
export const ALERT_RULES_KEY = 'alert_rules';

/** The ids on a unit's path, the unit itself first. */
export function lineageUp(path: string): string[] {
  return path.split('/').filter(Boolean).reverse();
}

/**
 * The rules every unit of `paths` uses: the setting of the unit itself or of its nearest ancestor,
 * else the defaults. One query for any number of units.
 */
export async function rulesForPaths(db: Db, paths: readonly string[]): Promise<Map<string, AlertRulesView>> {
  const ids = [...new Set(paths.flatMap(lineageUp))];
  const rows = ids.length
    ? await db
        .selectFrom('settings')
        .innerJoin('units', 'units.id', 'settings.unit_id')
        .select(['settings.unit_id', 'settings.value', 'units.name'])
        .where('settings.key', '=', ALERT_RULES_KEY)
        .where('settings.unit_id', 'in', ids)
        .execute()
    : [];
  const set = new Map(rows.flatMap((r) => {
    const parsed = AlertRules.safeParse(JSON.parse(r.value));
    return parsed.success ? [[r.unit_id, { rules: parsed.data, name: r.name }] as const] : [];
  }));
  const out = new Map<string, AlertRulesView>();
  for (const path of paths) {
    const lineage = lineageUp(path);
    const owner = lineage.find((id) => set.has(id));
    const found = owner ? set.get(owner)! : null;
    out.set(path, { unitId: lineage[0]!, rules: found?.rules ?? DEFAULT_ALERT_RULES, setOn: found ? { id: owner!, name: found.name } : null });
  }
  return out;
}

/**
 * The rules of each unit by id, in one statement (the intake's batch): the unit's path joined with
 * the settings on it and its ancestors, the deepest winning.
 */
export async function rulesForUnits(db: Db, unitIds: readonly string[]): Promise<Map<string, AlertRules>> {
  const ids = [...new Set(unitIds)];
  const rows = await db
    .selectFrom('units as u')
    .leftJoin('settings as s', (join) => join.on('s.key', '=', ALERT_RULES_KEY).on(sql<SqlBool>`u.path like '%/' || s.unit_id || '/%'`))
    .leftJoin('units as owner', 'owner.id', 's.unit_id')
    .select(['u.id', 's.value', 'owner.path as owner_path'])
    .where('u.id', 'in', ids)
    .execute();
  const best = new Map<string, { rules: AlertRules; depth: number }>();
  for (const row of rows) {
    const parsed = row.value === null ? null : AlertRules.safeParse(JSON.parse(row.value));
    const depth = row.owner_path?.length ?? -1;
    const current = best.get(row.id);
    if (parsed?.success && (!current || depth > current.depth)) best.set(row.id, { rules: parsed.data, depth });
    else if (!current) best.set(row.id, { rules: DEFAULT_ALERT_RULES, depth: -1 });
  }
  return new Map([...best].map(([id, b]) => [id, b.rules]));
}

export async function rulesForPath(db: Db, path: string): Promise<AlertRulesView> {
  return (await rulesForPaths(db, [path])).get(path)!;
}

/** Sets (or with null clears) a unit subtree's rules; returns the rules it had set before. */
export async function setRules(tx: Db, unitId: string, rules: AlertRules | null, at: Date): Promise<AlertRules | null> {
  const before = await tx.selectFrom('settings').select('value').where('unit_id', '=', unitId).where('key', '=', ALERT_RULES_KEY).executeTakeFirst();
  if (rules === null) {
    await tx.deleteFrom('settings').where('unit_id', '=', unitId).where('key', '=', ALERT_RULES_KEY).execute();
  } else {
    const value = JSON.stringify(rules);
    await tx
      .insertInto('settings')
      .values({ unit_id: unitId, key: ALERT_RULES_KEY, value, updated_at: at.toISOString() })
      .onConflict((oc) => oc.columns(['unit_id', 'key']).doUpdateSet({ value, updated_at: at.toISOString() }))
      .execute();
  }
  return before ? (JSON.parse(before.value) as AlertRules) : null;
}
