import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from './time.js';

describe('addDays', () => {
  it('steps over month, year and leap-day boundaries', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-11-23', 0)).toBe('2026-11-23');
  });

  it('refuses to leave the four-digit years instead of writing "+010000-01-01"', () => {
    expect(() => addDays('9999-12-31', 1)).toThrow(RangeError);
    expect(() => addDays('0001-01-01', -1)).toThrow(RangeError);
  });

  it('refuses what is not a day', () => {
    for (const day of ['2026-02-30', '2026-13-01', '0000-01-01', '2026-1-1', '', 'x']) expect(() => addDays(day, 1)).toThrow(RangeError);
  });

  it('is a strictly increasing, invertible step on every day it accepts', () => {
    const day = fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, fc.integer({ min: -400_000, max: 400_000 }), (from, n) => {
        let to: string;
        try {
          to = addDays(from, n);
        } catch (err) {
          expect(err).toBeInstanceOf(RangeError);
          return;
        }
        expect(to).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(addDays(to, -n)).toBe(from);
        if (n > 0) expect(to > from).toBe(true);
        if (n < 0) expect(to < from).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
