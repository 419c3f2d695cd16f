import type { RoundingMode } from './scoring.js';

/**
 * The decimal digits of |value| at 15 significant digits, which is what a double means in decimal:
 * 1.005 (stored as 1.00499999999999989…) reads back as 1.00500000000000, and a mean that should
 * be 83.245 but came out 83.24499999999999 reads as 83.2450000000000.
 */
function decimalDigits(value: number): { digits: string; pointAt: number } {
  const [mantissa, exponent] = Math.abs(value).toExponential(14).split('e') as [string, string];
  return { digits: mantissa.replace('.', ''), pointAt: Number(exponent) + 1 };
}

/**
 * `value` rounded to `decimals` places as a decimal string with exactly that many places
 * ("84.60"), '-' for negatives. Rounds the decimal value, never the binary one: 1.005 → "1.01",
 * 83.245 → "83.25" (half away from zero) or "83.24" (half to even).
 */
export function toFixedDecimal(value: number, decimals: number, mode: RoundingMode = 'half_away_from_zero'): string {
  if (!Number.isFinite(value)) throw new RangeError(`Cannot round ${value}`);
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 20) throw new RangeError(`Bad decimals ${decimals}`);
  const { digits, pointAt } = decimalDigits(value);
  const keep = pointAt + decimals;
  let kept: bigint;
  if (keep < 0) {
    kept = 0n;
  } else if (keep >= digits.length) {
    kept = BigInt(digits) * 10n ** BigInt(keep - digits.length);
  } else {
    const head = digits.slice(0, keep);
    const rest = digits.slice(keep);
    kept = head === '' ? 0n : BigInt(head);
    const first = rest[0]!;
    const beyondHalf = /[1-9]/.test(rest.slice(1));
    const roundUp =
      first > '5' ||
      (first === '5' && (beyondHalf || mode === 'half_away_from_zero' || (mode === 'half_even' && kept % 2n === 1n)));
    if (roundUp) kept += 1n;
  }
  const text = kept.toString().padStart(decimals + 1, '0');
  const whole = text.slice(0, text.length - decimals);
  const fraction = text.slice(text.length - decimals);
  const unsigned = decimals > 0 ? `${whole}.${fraction}` : whole;
  return value < 0 && kept !== 0n ? `-${unsigned}` : unsigned;
}

/** The number nearest to the decimally rounded value (for display only: never round intermediates). */
export function roundDecimal(value: number, decimals: number, mode: RoundingMode = 'half_away_from_zero'): number {
  return Number(toFixedDecimal(value, decimals, mode));
}
