import type { FactorScore, Interval, ScoreReport } from '../../schema/scoring.js';

/**
 * A 95% interval for a report's overall index, for readers who need one beside every figure (the
 * public page). A share (pooled roll-ups) has its Wilson interval from the engine. A mean of shares
 * (the default roll-ups) has none (methodology §5); for it this takes the same means of the
 * contributing criteria's Wilson bounds, level by level. That is the interval if the criteria move
 * together and wider than the true one otherwise: a conservative bound, not a Wilson interval
 * (design choice). Null without an index, or when no bound can be formed (means of unit indices).
 */

type Bounds = { lower: number; upper: number };

function weightedMean(parts: { bounds: Bounds | null; weight: number }[]): Bounds | null {
  if (parts.length === 0 || parts.some((p) => p.bounds === null)) return null;
  const weight = parts.reduce((sum, p) => sum + p.weight, 0);
  if (weight <= 0) return null;
  return {
    lower: parts.reduce((sum, p) => sum + p.weight * p.bounds!.lower, 0) / weight,
    upper: parts.reduce((sum, p) => sum + p.weight * p.bounds!.upper, 0) / weight,
  };
}

const boundsOf = (wilson: Interval | null): Bounds | null => (wilson ? { lower: wilson.lower, upper: wilson.upper } : null);

function factorBounds(report: ScoreReport, factor: FactorScore): Bounds | null {
  if (factor.wilson) return boundsOf(factor.wilson);
  if (factor.method !== 'mean_of_criteria') return null;
  const criteria = report.criteria.filter((c) => c.factor === factor.code && c.scale === 'scale5' && c.index !== null);
  return weightedMean(criteria.map((c) => ({ bounds: boundsOf(c.wilson), weight: 1 })));
}

export function indexInterval(report: ScoreReport): Interval | null {
  const overall = report.overall;
  if (overall.index === null) return null;
  if (overall.wilson) return overall.wilson;
  const parts = report.parts
    .filter((p) => p.index !== null)
    .map((part) => {
      if (part.wilson) return boundsOf(part.wilson);
      const factors = report.factors.filter((f) => f.part === part.code && f.index !== null);
      if (part.method === 'answer_weighted') return null;
      const weight = (f: FactorScore) => (part.method === 'item_count_weighted' ? f.criteria : 1);
      return weightedMean(factors.map((f) => ({ bounds: factorBounds(report, f), weight: weight(f) })));
    });
  const bounds = weightedMean(parts.map((b) => ({ bounds: b, weight: 1 })));
  if (!bounds) return null;
  return { lower: bounds.lower, upper: bounds.upper, halfWidth: (bounds.upper - bounds.lower) / 2 };
}
