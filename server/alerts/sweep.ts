import type { AlertRuleKind, AlertRules } from '../../schema/alerts.js';
import { DashboardFilter, WeakQuery, type WeakItem } from '../../schema/dashboard.js';
import type { Actor } from '../auth/actor.js';
import { dashboardOverview, weakCriteria } from '../dashboard/index.js';
import type { Deps } from '../deps.js';
import { addDays, vnLocalParts } from '../time.js';
import { raiseLowCommentAlerts } from './comments.js';
import { closeAlertsNotSeen, raiseAlert, type AlertCandidate } from './raise.js';
import { rulesForPaths } from './rules.js';

/** The sweep reads scores as the platform, over every unit: the same views a supervisor reads. */
const PLATFORM: Actor = { userId: 'system', username: 'system:alerts', displayName: 'SIPAS', grants: [{ role: 'system_admin', unitId: null, unitPath: null }] };

const SWEPT_RULES: readonly AlertRuleKind[] = ['low_score', 'drop', 'silent_point', 'suspect_burst'];

interface SweptUnit {
  id: string;
  name: string;
  path: string;
  rules: AlertRules;
}

export interface SweepResult {
  units: number;
  opened: number;
  closed: number;
}

const fmt = (value: number) => value.toFixed(1);

/** "Thái độ công chức" at "Quầy 3 – Đất đai, xây dựng" (official, procedure, field as known). */
function placeOf(item: WeakItem, unitName: string): string {
  const w = item.where;
  const parts = [w.counter?.name, w.field, w.staff?.name, w.procedure ? `${w.procedure.code} ${w.procedure.name}` : undefined].filter(Boolean);
  return parts.length ? parts.join(' · ') : unitName;
}

/** Rule (a): criteria at the centre's counters, officials and procedures clearly below the target over the window. */
async function lowScores(deps: Deps, unit: SweptUnit, today: string): Promise<AlertCandidate[]> {
  const { windowDays, minN } = unit.rules.lowScore;
  const query = WeakQuery.parse({ unitId: unit.id, period: 'custom', from: addDays(today, 1 - windowDays), to: today, limit: 100 });
  const weak = await weakCriteria(deps, PLATFORM, query);
  return weak.items
    .filter((item) => item.dimension !== 'channel' && item.clearlyBelow && item.score.n >= minN)
    .map((item) => {
      const keyOf = [item.where.counter?.id, item.where.field, item.where.staff?.id, item.where.procedure?.id].map((v) => v ?? '').join('|');
      const label = item.label.vi;
      return {
        unitId: unit.id,
        rule: 'low_score' as const,
        dedupKey: `low_score:${unit.id}:${item.dimension}:${keyOf}:${item.criterion}`,
        title: `${label} – ${placeOf(item, unit.name)}: ${fmt(item.score.index!)}% (cận trên ${fmt(item.score.wilson!.upper)}% < mục tiêu ${fmt(weak.rule.target)}%)`,
        detail: {
          criterion: item.criterion,
          ...(item.where.counter ? { counter: item.where.counter } : {}),
          ...(item.where.staff ? { staff: item.where.staff } : {}),
          ...(item.where.procedure ? { procedure: item.where.procedure } : {}),
          ...(item.where.field ? { field: item.where.field } : {}),
          index: item.score.index!,
          upper: item.score.wilson!.upper,
          n: item.score.n,
          target: weak.rule.target,
          from: query.from!,
          to: query.to!,
        },
      };
    });
}

/** Rule (b): criteria of the centre that dropped significantly against the window before. */
async function drops(deps: Deps, unit: SweptUnit, today: string): Promise<AlertCandidate[]> {
  const { windowDays, pValue } = unit.rules.drop;
  const query = DashboardFilter.parse({ unitId: unit.id, period: 'custom', from: addDays(today, 1 - windowDays), to: today });
  const overview = await dashboardOverview(deps, PLATFORM, query);
  return overview.rows
    .filter((row) => row.level === 'criterion' && row.test !== null && row.test.diff < 0 && row.test.pValue < pValue)
    .map((row) => ({
      unitId: unit.id,
      rule: 'drop' as const,
      dedupKey: `drop:${unit.id}:${row.code}`,
      title: `${row.label.vi}: giảm ${fmt(-row.test!.diff)} điểm % so với ${windowDays} ngày trước (p = ${row.test!.pValue.toFixed(3)})`,
      detail: {
        criterion: row.code,
        index: row.score.index ?? undefined,
        n: row.score.n,
        previousIndex: row.previous.index ?? undefined,
        diff: row.test!.diff,
        pValue: row.test!.pValue,
        from: query.from!,
        to: query.to!,
      },
    }));
}

/** Monday–Friday days after `lastDay` up to and including `today`. */
export function workingDaysSince(lastDay: string, today: string): number {
  let count = 0;
  for (let day = addDays(lastDay, 1); day <= today; day = addDays(day, 1)) {
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6) count++;
  }
  return count;
}

/** Rule (d): open survey points with no answer for N working days (counted from their creation when never answered). */
async function silentPoints(deps: Deps, unit: SweptUnit, today: string): Promise<AlertCandidate[]> {
  const db = deps.db.kysely;
  const points = await db
    .selectFrom('survey_points')
    .leftJoin('counters', 'counters.id', 'survey_points.counter_id')
    .select(['survey_points.id', 'survey_points.code', 'survey_points.created_at', 'counters.name as counter_name'])
    .where('survey_points.unit_id', '=', unit.id)
    .where('survey_points.status', '=', 'open')
    .execute();
  const out: AlertCandidate[] = [];
  for (const point of points) {
    const last = await db
      .selectFrom('responses')
      .select('submitted_at')
      .where('survey_point_id', '=', point.id)
      .orderBy('submitted_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const since = vnLocalParts(new Date(last?.submitted_at ?? point.created_at)).day;
    const silent = workingDaysSince(since, today);
    if (silent < unit.rules.silentPoint.workingDays) continue;
    out.push({
      unitId: unit.id,
      rule: 'silent_point',
      dedupKey: `silent_point:${point.id}`,
      title: `Điểm khảo sát ${point.counter_name ?? point.code} không có ý kiến nào trong ${silent} ngày làm việc`,
      detail: { surveyPointId: point.id, lastAnswerAt: last?.submitted_at ?? null, count: silent },
    });
  }
  return out;
}

/** Rule (e): many answers flagged suspect at the unit within the last hours. */
async function suspectBursts(deps: Deps, unit: SweptUnit, at: Date): Promise<AlertCandidate[]> {
  const { count, hours } = unit.rules.suspectBurst;
  const since = new Date(at.getTime() - hours * 3600_000).toISOString();
  const row = await deps.db.kysely
    .selectFrom('responses')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('unit_id', '=', unit.id)
    .where('suspect', '=', 1)
    .where('submitted_at', '>=', since)
    .executeTakeFirstOrThrow();
  const n = Number(row.n);
  if (n < count) return [];
  return [
    {
      unitId: unit.id,
      rule: 'suspect_burst',
      dedupKey: `suspect_burst:${unit.id}`,
      title: `${n} ý kiến bị đánh dấu nghi vấn trong ${hours} giờ qua`,
      detail: { count: n, from: since, to: at.toISOString() },
    },
  ];
}

/**
 * Evaluates the rules that need a window of answers (low score, drop, silent point, suspect burst)
 * at every active centre and branch, raises what holds and closes what no longer does. Run by the
 * scheduler. The per-answer rule (low comment) follows the intake; the sweep also runs it first, for
 * answers stored by other paths.
 */
export async function sweepAlerts(deps: Deps): Promise<SweepResult> {
  const at = deps.clock.now();
  const today = vnLocalParts(at).day;
  const rows = await deps.db.kysely
    .selectFrom('units')
    .select(['id', 'name', 'path'])
    .where('kind', 'in', ['centre', 'branch'])
    .where('active', '=', 1)
    .orderBy('path')
    .execute();
  const rulesByPath = await rulesForPaths(deps.db.kysely, rows.map((r) => r.path));
  // Rule (c) follows the intake; here it also reads answers stored by other paths (paper imports).
  let opened = await raiseLowCommentAlerts(deps);
  let closed = 0;
  for (const row of rows) {
    const unit: SweptUnit = { ...row, rules: rulesByPath.get(row.path)!.rules };
    const { lowScore, drop, silentPoint, suspectBurst } = unit.rules;
    const candidates = [
      ...(lowScore.enabled ? await lowScores(deps, unit, today) : []),
      ...(drop.enabled ? await drops(deps, unit, today) : []),
      ...(silentPoint.enabled ? await silentPoints(deps, unit, today) : []),
      ...(suspectBurst.enabled ? await suspectBursts(deps, unit, at) : []),
    ];
    await deps.db.write(async (tx) => {
      for (const candidate of candidates) if (await raiseAlert(tx, candidate, unit.rules, at)) opened++;
      closed += await closeAlertsNotSeen(tx, [unit.id], SWEPT_RULES, new Set(candidates.map((c) => c.dedupKey)), at);
    });
  }
  return { units: rows.length, opened, closed };
}
