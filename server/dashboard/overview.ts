import type { DashboardFilter, Overview, OverviewRow } from '../../schema/dashboard.js';
import type { Actor } from '../auth/actor.js';
import type { Deps } from '../deps.js';
import { responseRate } from '../invitations/responseRate.js';
import { compareScores, scoreUnits } from '../scoring/index.js';
import { countsByUnit, responsesIn } from './counts.js';
import { reportEntries, scoreOf, setupView } from './context.js';

/**
 * The overview of one scope and period: the overall index, every factor and criterion with n,
 * interval and reliability, each compared with the previous period (two-proportion test where the
 * index is a share), the target line, and responses and response rate. Counts come from the
 * rollups; every number from the scoring engine.
 */
export async function dashboardOverview(deps: Deps, actor: Actor, query: DashboardFilter): Promise<Overview> {
  const setup = await setupView(deps, actor, query);
  const { scope, period, filter, instrument, context } = setup;
  const db = deps.db.kysely;
  const rate = responseRate(deps, actor, { from: period.from, to: period.to, groupBy: ['unit'], ...(scope.root && { unitId: scope.root.id }) });
  if (!instrument) {
    const { total } = await rate;
    return { ...context, responses: 0, responseRate: { issued: total.issued, answered: total.answered, rate: total.rate }, overall: null, rows: [] };
  }
  const settings = deps.config.scoring;
  const [previous, { total }] = await Promise.all([countsByUnit(db, scope, { ...filter, ...period.previous, instrumentId: instrument.id }), rate]);
  const report = scoreUnits(
    instrument,
    setup.current.map((u) => u.counts),
    settings,
  );
  const before = reportEntries(
    instrument,
    scoreUnits(
      instrument,
      previous.map((u) => u.counts),
      settings,
    ),
  );
  const rows: OverviewRow[] = reportEntries(instrument, report).map((entry) => {
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
  return {
    ...context,
    responses: responsesIn(setup.current.map((u) => u.counts)),
    responseRate: { issued: total.issued, answered: total.answered, rate: total.rate },
    overall: rows[0]!,
    rows: rows.slice(1),
  };
}
