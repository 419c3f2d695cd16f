import { describe, expect, it } from 'vitest';
import { BoundedInstant, CalendarDay } from './days.js';

describe('outside days and instants', () => {
  it('refuse anything outside 2000–2099 or not a date, without throwing', () => {
    for (const bad of ['', 'x', '0000-01-01', '9999-12-31', '1999-12-31', '2026-02-30', '2026-13-01']) expect(CalendarDay.safeParse(bad).success, bad).toBe(false);
    for (const bad of ['', 'x', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59+07:00', '2026-11-20']) expect(BoundedInstant.safeParse(bad).success, bad).toBe(false);
    expect(CalendarDay.safeParse('2026-11-20').success).toBe(true);
    expect(BoundedInstant.safeParse('2026-11-20T10:05:00+07:00').success).toBe(true);
  });
});
