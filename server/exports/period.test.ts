import { describe, expect, it } from 'vitest';
import { periodLabel, previousPeriod, quarterOf, resolvePeriod } from './period.js';

describe('reporting periods', () => {
  it.each([
    ['2026-10-01', '2026-12-31', 'Quý IV/2026'],
    ['2026-01-01', '2026-03-31', 'Quý I/2026'],
    ['2026-11-01', '2026-11-30', 'Tháng 11/2026'],
    ['2024-02-01', '2024-02-29', 'Tháng 2/2024'],
    ['2026-01-01', '2026-12-31', 'Năm 2026'],
    ['2026-01-01', '2026-06-30', '6 tháng đầu năm 2026'],
    ['2026-10-05', '2026-11-20', '05/10/2026 – 20/11/2026'],
    ['2026-10-01', '2026-11-30', '01/10/2026 – 30/11/2026'],
  ])('%s…%s is labelled %s', (from, to, label) => {
    expect(periodLabel(from, to)).toBe(label);
  });

  it('defaults to the current Vietnam-local quarter up to today, labelled as the quarter', () => {
    // 2026-12-31 20:00 UTC is already 1 January 2027 in Vietnam.
    expect(resolvePeriod(new Date('2026-12-31T20:00:00Z'))).toEqual({ from: '2027-01-01', to: '2027-01-01', label: 'Quý I/2027' });
    expect(resolvePeriod(new Date('2026-11-20T03:00:00Z'))).toEqual({ from: '2026-10-01', to: '2026-11-20', label: 'Quý IV/2026' });
    expect(resolvePeriod(new Date('2026-11-20T03:00:00Z'), '2026-07-01', '2026-09-30').label).toBe('Quý III/2026');
    expect(resolvePeriod(new Date('2026-11-20T03:00:00Z'), undefined, '2026-08-15')).toMatchObject({ from: '2026-07-01', to: '2026-08-15' });
    expect(resolvePeriod(new Date('2026-11-20T03:00:00Z'), '2026-11-01')).toMatchObject({ from: '2026-11-01', to: '2026-11-20' });
  });

  it('compares a quarter, month, half or year with the one before, other ranges with as many days before', () => {
    const previous = (from: string, to: string) => {
      const p = previousPeriod({ from, to, label: periodLabel(from, to) });
      return [p.from, p.to, p.label];
    };
    expect(previous('2026-01-01', '2026-03-31')).toEqual(['2025-10-01', '2025-12-31', 'Quý IV/2025']);
    expect(previous('2026-03-01', '2026-03-31')).toEqual(['2026-02-01', '2026-02-28', 'Tháng 2/2026']);
    expect(previous('2026-01-01', '2026-12-31')).toEqual(['2025-01-01', '2025-12-31', 'Năm 2025']);
    expect(previous('2026-01-01', '2026-06-30')).toEqual(['2025-01-01', '2025-06-30', '6 tháng đầu năm 2025']);
    expect(previous('2026-11-10', '2026-11-19')).toEqual(['2026-10-31', '2026-11-09', '31/10/2026 – 09/11/2026']);
    // The current quarter up to today is compared with the whole previous quarter.
    const current = resolvePeriod(new Date('2026-11-20T03:00:00Z'));
    expect(previousPeriod(current)).toEqual({ from: '2026-07-01', to: '2026-09-30', label: 'Quý III/2026' });
  });

  it('finds the quarter of a day', () => {
    expect(quarterOf('2026-02-28')).toEqual({ from: '2026-01-01', to: '2026-03-31' });
    expect(quarterOf('2026-12-01')).toEqual({ from: '2026-10-01', to: '2026-12-31' });
  });
});
