import type { DashboardFilter, Overview, OverviewRow } from '../../schema/dashboard.js';
import type { Actor } from '../auth/actor.js';
import type { Deps } from '../deps.js';
import { scoreScope } from '../reporting/index.js';
import { compareScores } from '../scoring/index.js';
import { reportEntries, scoreOf, setupView } from './context.js';

/**
 * The overview of one scope and period: the overall index, every factor and criterion with n,
 * interval and reliability, each compared with the previous period (two-proportion test where the
 * index is a share), the target line, and responses and response rate. Scores, responses and the
 * comparison come from the reporting core, as in the summary and the report.
 */
export async function dashboardOverview(deps: Deps, actor: Actor, query: DashboardFilter): Promise<Overview> {
  const setup = await setupView(deps, actor, query);
  const { scope, period, filter, instrument, context } = setup;
  if (!instrument) return { ...context, responses: 0, responseRate: { issued: 0, answered: 0, rate: null }, overall: null, rows: [] };
  const [current, previous] = await Promise.all([
    scoreScope(deps, actor, scope, period, filter, instrument),
    scoreScope(deps, actor, scope, period.previous, filter, instrument),
  ]);
  const before = reportEntries(instrument, previous.total.report);
  const rows: OverviewRow[] = reportEntries(instrument, current.total.report).map((entry) => {
    const prior = before.find((e) => e.code === entry.code)!.score;
    const index = entry.score.index;
    return {
      code: entry.code,
      level: entry.level,
      factor: entry.factor,
      label: entry.label,
      score: scoreOf(entry.score),
      previous: { index: prior.index, n: prior.n },
      diff: index !== null && prior.index !== null ? index - prior.index : null,
      test: compareScores(entry.score, prior),
      belowTarget: index !== null && index < setup.target.target,
    };
  });
  return { ...context, responses: current.total.responses, responseRate: current.total.responseRate, overall: rows[0]!, rows: rows.slice(1) };
}
