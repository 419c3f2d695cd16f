import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDecimal, formatIndex, roundDecimal, toFixedDecimal } from './index.js';
import { settingsWith } from '../testing/scoring.js';

describe('display rounding', () => {
  it('rounds the decimal value, not its binary approximation', () => {
    expect(toFixedDecimal(1.005, 2)).toBe('1.01');
    expect(toFixedDecimal(83.245, 2)).toBe('83.25');
    expect(toFixedDecimal(2.675, 2)).toBe('2.68');
    expect(toFixedDecimal(1.45, 1)).toBe('1.5');
    expect(toFixedDecimal(0.125, 2)).toBe('0.13');
    expect(toFixedDecimal(99.995, 2)).toBe('100.00');
    expect(toFixedDecimal(83.25 / 10, 2)).toBe('8.33');
    expect(toFixedDecimal((82.4 + 84.1) / 2, 2)).toBe('83.25');
    expect(toFixedDecimal(-1.005, 2)).toBe('-1.01');
    expect(toFixedDecimal(-0.001, 2)).toBe('0.00');
    expect(toFixedDecimal(0, 2)).toBe('0.00');
    expect(toFixedDecimal(1e-7, 2)).toBe('0.00');
    expect(toFixedDecimal(0.005, 2)).toBe('0.01');
    expect(toFixedDecimal(123456.789, 2)).toBe('123456.79');
    expect(toFixedDecimal(1e21, 1)).toBe('1000000000000000000000.0');
    expect(roundDecimal(1.005, 2)).toBe(1.01);
  });

  it('half_even sends ties to the even digit', () => {
    expect(toFixedDecimal(83.245, 2, 'half_even')).toBe('83.24');
    expect(toFixedDecimal(83.255, 2, 'half_even')).toBe('83.26');
    expect(toFixedDecimal(0.125, 2, 'half_even')).toBe('0.12');
    expect(toFixedDecimal(2.5, 0, 'half_even')).toBe('2');
    expect(toFixedDecimal(3.5, 0, 'half_even')).toBe('4');
    expect(toFixedDecimal(2.5000001, 0, 'half_even')).toBe('3');
  });

  it('matches exact decimal arithmetic on every tie and near-tie (property)', () => {
    const mode = fc.constantFrom('half_away_from_zero' as const, 'half_even' as const);
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), fc.integer({ min: 0, max: 4 }), mode, (k, decimals, rounding) => {
        // value = k / 10^(decimals+1): one digit more than kept, so every fifth case is an exact tie.
        const value = k / 10 ** (decimals + 1);
        const magnitude = BigInt(Math.abs(k));
        let kept = magnitude / 10n;
        const dropped = magnitude % 10n;
        if (dropped > 5n || (dropped === 5n && (rounding === 'half_away_from_zero' || kept % 2n === 1n))) kept += 1n;
        const digits = kept.toString().padStart(decimals + 1, '0');
        const unsigned = decimals ? `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}` : digits;
        expect(toFixedDecimal(value, decimals, rounding)).toBe(k < 0 && kept !== 0n ? `-${unsigned}` : unsigned);
      }),
      { numRuns: 1000 },
    );
  });

  it('is never further than half a unit from the value (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 6 }), (value, decimals) => {
        expect(Math.abs(roundDecimal(value, decimals) - value)).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-9);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('formatIndex', () => {
  it('shows percent with a decimal comma in Vietnamese, points out of 10 on request', () => {
    expect(formatIndex(84.6, settingsWith(), 'vi')).toBe('84,60%');
    expect(formatIndex(84.6, settingsWith(), 'en')).toBe('84.60%');
    expect(formatIndex(84.6, settingsWith({ display: 'points10' }), 'vi')).toBe('8,46 điểm');
    expect(formatIndex(84.6, settingsWith({ display: 'points10' }), 'en')).toBe('8.46 points');
    expect(formatIndex(100, settingsWith(), 'vi')).toBe('100,00%');
    expect(formatIndex(0, settingsWith(), 'vi')).toBe('0,00%');
    expect(formatIndex(null, settingsWith(), 'vi')).toBe('—');
    expect(formatDecimal(-3.456, 1, 'half_away_from_zero', 'vi')).toBe('-3,5');
  });
});
