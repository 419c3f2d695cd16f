import type { Comparison } from '../../schema/scoring.js';
import { Z95 } from './wilson.js';

/**
 * erfc(x) for x ≥ 0 (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7): enough for a
 * p-value shown to three decimals.
 */
function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const poly =
    -x * x -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * Math.exp(poly);
}

/** Two-sided p-value of a standard normal statistic. */
export function twoSidedP(z: number): number {
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}

export interface Proportion {
  x: number;
  n: number;
}

/**
 * Two-proportion z-test at 95% (pooled standard error), a against b: two periods or two units.
 * diff is in percentage points; null when either side has no valid answer. significant means
 * |z| > 1.959964, the same z as the Wilson intervals.
 */
export function compareProportions(a: Proportion, b: Proportion): Comparison | null {
  if (a.n <= 0 || b.n <= 0) return null;
  const pa = a.x / a.n;
  const pb = b.x / b.n;
  const p = (a.x + b.x) / (a.n + b.n);
  const se = Math.sqrt(p * (1 - p) * (1 / a.n + 1 / b.n));
  const z = se > 0 ? (pa - pb) / se : 0;
  return { diff: 100 * (pa - pb), z, pValue: twoSidedP(z), significant: Math.abs(z) > Z95 };
}

/** The same test on two scores; only shares (x and n known) can be tested, means give null. */
export function compareScores(a: { x: number | null; n: number }, b: { x: number | null; n: number }): Comparison | null {
  if (a.x === null || b.x === null) return null;
  return compareProportions({ x: a.x, n: a.n }, { x: b.x, n: b.n });
}
