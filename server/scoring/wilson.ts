import type { Interval } from '../../schema/scoring.js';

/** The 97.5% standard normal quantile used for every 95% interval and test (methodology §5). */
export const Z95 = 1.959964;

/**
 * Wilson score interval for x satisfied out of n valid answers, in percent; null when n = 0.
 * Bounds are clamped to [0, 100]; halfWidth = (upper − lower) / 2.
 */
export function wilsonInterval(x: number, n: number, z: number = Z95): Interval | null {
  if (n <= 0) return null;
  const p = x / n;
  const z2 = z * z;
  const d = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / d;
  // At x = 0 and x = n the bound is exactly 0 or 100; say so rather than trust float cancellation.
  const lower = x <= 0 ? 0 : Math.max(0, centre - half) * 100;
  const upper = x >= n ? 100 : Math.min(1, centre + half) * 100;
  return { lower, upper, halfWidth: (upper - lower) / 2 };
}
