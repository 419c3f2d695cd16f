import type { DashboardFilter, Overview, OverviewRow } from '../../schema/dashboard.js';
import type { ScoreReport } from '../../schema/scoring.js';
import type { Actor } from '../auth/actor.js';
import type { Deps } from '../deps.js';
import { responseRate } from '../invitations/responseRate.js';
import { compareScores, scoreUnits } from '../scoring/index.js';
import { countsByUnit, responsesBy } from './counts.js';
import { reportEntries, scoreOf, setupView, type ReportEntry } from './context.js';

function findEntry(entries: ReportEntry[], code: string): ReportEntry | undefined {
  return entries.find((e) => e.code === code);
}

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
  const previousFilter = { ...filter, from: period.previous.from, to: period.previous.to };
  const rate = responseRate(deps, actor, { from: period.from, to: period.to, groupBy: ['unit'], ...(scope.root && { unitId: scope.root.id }) });
  if (!instrument) {
    const total = await rate;
    return {
      ...context,
      responses: { current: 0, previous: 0 },
      responseRate: { issued: total.total.issued, answered: total.total.answered, rate: total.total.rate },
      overall: null,
      rows: [],
    };
  }
  const settings = deps.config.scoring;
  const withInstrument = { ...filter, instrumentId: instrument.id };
  const [current, previous, previousResponses, total] = await Promise.all([
    countsByUnit(db, scope, withInstrument),
    countsByUnit(db, scope, { ...previousFilter, instrumentId: instrument.id }),
    responsesBy(db, scope, { ...previousFilter, instrumentId: instrument.id }, 'instrument'),
    rate,
  ]);
  const report: ScoreReport = scoreUnits(instrument, current, settings);
  const before: ScoreReport = scoreUnits(instrument, previous, settings);
  const beforeEntries = reportEntries(instrument, before);
  const rows: OverviewRow[] = reportEntries(instrument, report).map((entry) => {
    const prior = findEntry(beforeEntries, entry.code)!.score;
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
    responses: { current: setup.responses.get(instrument.id) ?? 0, previous: previousResponses.get(instrument.id) ?? 0 },
    responseRate: { issued: total.total.issued, answered: total.total.answered, rate: total.total.rate },
    overall: rows[0]!,
    rows: rows.slice(1),
  };
}
