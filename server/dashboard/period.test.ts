import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DashboardFilter } from '../../schema/dashboard.js';
import { addDays } from '../time.js';
import { addMonths, monthsBetween, quarterOf, resolvePeriod } from './period.js';

const days = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400_000) + 1;

describe('resolvePeriod', () => {
  it('defaults to the current month, quarter or year and compares with the one before', () => {
    expect(resolvePeriod({ period: 'quarter' }, '2026-11-20')).toEqual({
      kind: 'quarter',
      at: '2026-Q4',
      from: '2026-10-01',
      to: '2026-12-31',
      previous: { from: '2026-07-01', to: '2026-09-30' },
    });
    expect(resolvePeriod({ period: 'quarter', at: '2026-Q1' }, '2026-11-20').previous).toEqual({ from: '2025-10-01', to: '2025-12-31' });
    expect(resolvePeriod({ period: 'month', at: '2026-01' }, '2026-11-20')).toMatchObject({
      from: '2026-01-01',
      to: '2026-01-31',
      previous: { from: '2025-12-01', to: '2025-12-31' },
    });
    expect(resolvePeriod({ period: 'month', at: '2024-02' }, '2026-11-20').to).toBe('2024-02-29');
    expect(resolvePeriod({ period: 'year' }, '2026-11-20')).toMatchObject({ at: '2026', from: '2026-01-01', to: '2026-12-31' });
  });

  it('compares a custom range with as many days just before it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 400 }), (offset, length) => {
        const from = addDays('2020-01-01', offset);
        const to = addDays(from, length);
        const p = resolvePeriod({ period: 'custom', from, to }, '2026-11-20');
        expect(p.previous.to).toBe(addDays(from, -1));
        expect(days(p.previous.from, p.previous.to)).toBe(days(from, to));
      }),
    );
  });

  it('month helpers', () => {
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2026-05', -17)).toBe('2024-12');
    expect(quarterOf('2026-09-30')).toBe('2026-Q3');
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
  });
});

describe('DashboardFilter', () => {
  it('checks that `at` names the chosen kind of period, and that custom ranges are whole and bounded', () => {
    expect(DashboardFilter.safeParse({ period: 'quarter', at: '2026-Q4' }).success).toBe(true);
    expect(DashboardFilter.safeParse({ period: 'quarter', at: '2026-11' }).success).toBe(false);
    expect(DashboardFilter.safeParse({ period: 'month', at: '2026-13' }).success).toBe(false);
    expect(DashboardFilter.safeParse({ period: 'custom', from: '2026-01-01' }).success).toBe(false);
    expect(DashboardFilter.safeParse({ period: 'custom', from: '2026-02-01', to: '2026-01-01' }).success).toBe(false);
    expect(DashboardFilter.safeParse({ period: 'custom', from: '2020-01-01', to: '2026-01-01' }).success).toBe(false);
    expect(DashboardFilter.safeParse({ period: 'custom', from: '2026-01-01', to: '2026-03-31' }).success).toBe(true);
    expect(DashboardFilter.safeParse({ sort: 'name' }).success).toBe(false);
  });
});
