import type { Counts, CountsByItem } from '../../schema/scoring.js';

export type Scale = 'scale5' | 'binary';

export const emptyCounts = (): Counts => [0, 0, 0, 0, 0, 0];

/** Tallies raw answers (1–5, or null / anything else = no opinion) into [na, 1..5]. */
export function tallyAnswers(values: Iterable<number | null | undefined>): Counts {
  const counts = emptyCounts();
  for (const value of values) {
    if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 5) counts[value as 1 | 2 | 3 | 4 | 5]++;
    else counts[0]++;
  }
  return counts;
}

export function addCounts(into: Counts, from: Readonly<Counts>): Counts {
  for (let i = 0; i < 6; i++) into[i as 0] += from[i as 0];
  return into;
}

/** Sums counts per item over several sets (pooling child units or periods). */
export function sumCountsByItem(sets: Iterable<CountsByItem>): CountsByItem {
  const total: CountsByItem = {};
  for (const set of sets) {
    for (const [code, counts] of Object.entries(set)) addCounts((total[code] ??= emptyCounts()), counts);
  }
  return total;
}

/**
 * n = valid answers, x = satisfied answers. 5-point: valid 1–5, satisfied 4–5.
 * Yes/no (1 = Không, 2 = Có): valid 1–2, satisfied = Có.
 */
export function validAndSatisfied(counts: Readonly<Counts>, scale: Scale): { n: number; x: number } {
  const [, s1, s2, s3, s4, s5] = counts;
  if (scale === 'binary') return { n: s1 + s2, x: s2 };
  return { n: s1 + s2 + s3 + s4 + s5, x: s4 + s5 };
}

/** Mean on the 1–5 scale; null with no valid answers. */
export function meanScore(counts: Readonly<Counts>): number | null {
  const [, s1, s2, s3, s4, s5] = counts;
  const n = s1 + s2 + s3 + s4 + s5;
  return n > 0 ? (s1 + 2 * s2 + 3 * s3 + 4 * s4 + 5 * s5) / n : null;
}
