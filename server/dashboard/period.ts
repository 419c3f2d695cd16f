import type { DashboardFilter, ResolvedPeriod } from '../../schema/dashboard.js';
import { addDays } from '../time.js';

const pad2 = (n: number) => String(n).padStart(2, '0');

export function monthOf(day: string): string {
  return day.slice(0, 7);
}

export function addMonths(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${pad2((index % 12) + 1)}`;
}

export function lastDayOfMonth(month: string): string {
  return addDays(`${addMonths(month, 1)}-01`, -1);
}

export function quarterOf(day: string): string {
  return `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
}

/** The months from `first` to `last` (YYYY-MM), inclusive. */
export function monthsBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let m = first; m <= last; m = addMonths(m, 1)) out.push(m);
  return out;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400_000);
}

/**
 * The period a filter names, and the one before it to compare with: the previous month, quarter or
 * year, or for a custom range the same number of days just before it.
 */
export function resolvePeriod(filter: Pick<DashboardFilter, 'period' | 'at' | 'from' | 'to'>, today: string): ResolvedPeriod {
  switch (filter.period) {
    case 'month': {
      const at = filter.at ?? monthOf(today);
      const prev = addMonths(at, -1);
      return { kind: 'month', at, from: `${at}-01`, to: lastDayOfMonth(at), previous: { from: `${prev}-01`, to: lastDayOfMonth(prev) } };
    }
    case 'quarter': {
      const at = filter.at ?? quarterOf(today);
      const first = `${at.slice(0, 4)}-${pad2((Number(at.slice(6)) - 1) * 3 + 1)}`;
      const prevFirst = addMonths(first, -3);
      return {
        kind: 'quarter',
        at,
        from: `${first}-01`,
        to: lastDayOfMonth(addMonths(first, 2)),
        previous: { from: `${prevFirst}-01`, to: lastDayOfMonth(addMonths(prevFirst, 2)) },
      };
    }
    case 'year': {
      const at = filter.at ?? today.slice(0, 4);
      const prev = String(Number(at) - 1);
      return { kind: 'year', at, from: `${at}-01-01`, to: `${at}-12-31`, previous: { from: `${prev}-01-01`, to: `${prev}-12-31` } };
    }
    case 'custom': {
      const from = filter.from!;
      const to = filter.to!;
      const length = daysBetween(from, to) + 1;
      return { kind: 'custom', at: null, from, to, previous: { from: addDays(from, -length), to: addDays(from, -1) } };
    }
  }
}
