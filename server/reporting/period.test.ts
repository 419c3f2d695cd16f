import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DashboardFilter } from '../../schema/dashboard.js';
import { addDays } from '../time.js';
import { addMonths, daysBetween, monthsBetween, quarterOf, resolveReportPeriod } from './period.js';

describe('resolveReportPeriod', () => {
  it('runs the current period to today and compares it with the previous one to the same point', () => {
    expect(resolveReportPeriod({ period: 'quarter' }, '2026-11-20')).toEqual({
      kind: 'quarter',
      at: '2026-Q4',
      from: '2026-10-01',
      to: '2026-11-20',
      label: 'Quý IV/2026 (đến 20/11/2026)',
      toDate: true,
      previous: { from: '2026-07-01', to: '2026-08-20', label: 'Quý III/2026 (đến 20/08/2026)' },
    });
    // The default is the current quarter; the same days asked for are the same period.
    expect(resolveReportPeriod({}, '2026-11-20')).toEqual(resolveReportPeriod({ period: 'quarter', at: '2026-Q4' }, '2026-11-20'));
    expect(resolveReportPeriod({ from: '2026-10-01', to: '2026-12-31' }, '2026-11-20')).toEqual(resolveReportPeriod({ period: 'quarter' }, '2026-11-20'));
    expect(resolveReportPeriod({ from: '2026-10-01', to: '2026-11-20' }, '2026-11-20')).toEqual(resolveReportPeriod({ period: 'quarter' }, '2026-11-20'));
    // A month to date whose day the previous month lacks is compared with all of that month.
    expect(resolveReportPeriod({ period: 'month' }, '2026-03-31').previous).toEqual({ from: '2026-02-01', to: '2026-02-28', label: 'Tháng 2/2026' });
    expect(resolveReportPeriod({ period: 'year' }, '2026-11-20').previous).toEqual({ from: '2025-01-01', to: '2025-11-20', label: 'Năm 2025 (đến 20/11/2025)' });
  });

  it('gives past periods whole and compares them with the whole period before', () => {
    expect(resolveReportPeriod({ period: 'quarter', at: '2026-Q1' }, '2026-11-20')).toMatchObject({
      from: '2026-01-01',
      to: '2026-03-31',
      label: 'Quý I/2026',
      toDate: false,
      previous: { from: '2025-10-01', to: '2025-12-31', label: 'Quý IV/2025' },
    });
    expect(resolveReportPeriod({ period: 'month', at: '2024-02' }, '2026-11-20')).toMatchObject({ to: '2024-02-29', label: 'Tháng 2/2024', previous: { from: '2024-01-01', to: '2024-01-31' } });
    expect(resolveReportPeriod({ from: '2026-01-01', to: '2026-12-31' }, '2027-02-01')).toMatchObject({ kind: 'year', at: '2026', label: 'Năm 2026' });
  });

  it('labels and compares other ranges as custom, as many days just before', () => {
    expect(resolveReportPeriod({ from: '2026-10-05', to: '2026-11-20' }, '2026-11-20')).toMatchObject({ kind: 'custom', label: '05/10/2026 – 20/11/2026', previous: { from: '2026-08-19', to: '2026-10-04' } });
    expect(resolveReportPeriod({ from: '2026-01-01', to: '2026-06-30' }, '2026-11-20').label).toBe('6 tháng đầu năm 2026');
    expect(resolveReportPeriod({ to: '2026-08-15' }, '2026-11-20')).toMatchObject({ from: '2026-07-01', to: '2026-08-15' });
    expect(resolveReportPeriod({ from: '2026-11-01' }, '2026-11-20')).toMatchObject({ kind: 'month', from: '2026-11-01', to: '2026-11-20', toDate: true });
    expect(resolveReportPeriod({ from: '2026-11-02' }, '2026-11-20')).toMatchObject({ kind: 'custom', from: '2026-11-02', to: '2026-11-20' });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 400 }), (offset, length) => {
        const from = addDays('2020-01-01', offset);
        const to = addDays(from, length);
        const p = resolveReportPeriod({ period: 'custom', from, to }, '2026-11-20');
        if (p.kind !== 'custom') return;
        expect(p.previous.to).toBe(addDays(from, -1));
        expect(daysBetween(p.previous.from, p.previous.to)).toBe(daysBetween(from, to));
      }),
    );
  });

  it('never compares a period with one longer than itself, nor overlapping it', () => {
    const kind = fc.constantFrom('month' as const, 'quarter' as const, 'year' as const);
    const day = fc.integer({ min: 0, max: 3650 }).map((n) => addDays('2020-01-01', n));
    fc.assert(
      fc.property(kind, day, (k, today) => {
        const p = resolveReportPeriod({ period: k }, today);
        expect(p.to).toBe(today);
        expect(p.previous.to < p.from).toBe(true);
        expect(daysBetween(p.previous.from, p.previous.to)).toBeLessThanOrEqual(daysBetween(p.from, p.to) + 3);
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
