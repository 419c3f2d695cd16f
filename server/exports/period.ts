import type { Period } from '../../schema/exports.js';
import { addDays, vnLocalParts } from '../time.js';

/** Reporting periods in Vietnam-local days: quarters by default, labelled as Vietnamese reports do. */

const ROMAN = ['I', 'II', 'III', 'IV'] as const;

const pad = (n: number) => String(n).padStart(2, '0');

function monthEnd(year: number, month: number): string {
  return addDays(month === 12 ? `${year + 1}-01-01` : `${year}-${pad(month + 1)}-01`, -1);
}

/** "2026-11-05" → "05/11/2026" */
export function vnDate(day: string): string {
  return `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
}

function parts(day: string) {
  return { year: Number(day.slice(0, 4)), month: Number(day.slice(5, 7)), date: Number(day.slice(8, 10)) };
}

/** Names whole quarters, months and years; anything else is "dd/mm/yyyy – dd/mm/yyyy". */
export function periodLabel(from: string, to: string): string {
  const a = parts(from);
  const b = parts(to);
  if (a.date === 1 && a.year === b.year && to === monthEnd(b.year, b.month)) {
    if (a.month === 1 && b.month === 12) return `Năm ${a.year}`;
    if (a.month === b.month) return `Tháng ${a.month}/${a.year}`;
    if ((a.month - 1) % 3 === 0 && b.month === a.month + 2) return `Quý ${ROMAN[(a.month - 1) / 3]}/${a.year}`;
    if (a.month === 1 && b.month === 6) return `6 tháng đầu năm ${a.year}`;
  }
  return `${vnDate(from)} – ${vnDate(to)}`;
}

export function quarterOf(day: string): { from: string; to: string } {
  const { year, month } = parts(day);
  const first = month - ((month - 1) % 3);
  return { from: `${year}-${pad(first)}-01`, to: monthEnd(year, first + 2) };
}

/**
 * The period an export covers: the given days; or, by default, the current quarter up to today
 * (labelled as the quarter, "Quý IV/2026"). Only `from`: up to today; only `to`: from its quarter's start.
 */
export function resolvePeriod(now: Date, from?: string, to?: string): Period {
  const today = vnLocalParts(now).day;
  if (!from && !to) {
    const quarter = quarterOf(today);
    return { from: quarter.from, to: today, label: periodLabel(quarter.from, quarter.to) };
  }
  const start = from ?? quarterOf(to!).from;
  const end = to ?? (today >= start ? today : start);
  return { from: start, to: end, label: periodLabel(start, end) };
}

const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86400_000;

/**
 * The period just before: the previous month, quarter, half or year for those; otherwise the same
 * number of days ending the day before `from`.
 */
export function previousPeriod(period: Period): Period {
  const a = parts(period.from);
  const labelled = period.label;
  if (a.date === 1 && !labelled.includes('–')) {
    const months = labelled.startsWith('Năm') ? 12 : labelled.startsWith('Quý') ? 3 : labelled.startsWith('6 tháng') ? 12 : 1;
    const fromMonth = a.month - months;
    const year = fromMonth < 1 ? a.year - 1 : a.year;
    const month = fromMonth < 1 ? fromMonth + 12 : fromMonth;
    const endMonth = month + (labelled.startsWith('6 tháng') ? 6 : months) - 1;
    const from = `${year}-${pad(month)}-01`;
    const to = monthEnd(year, endMonth);
    return { from, to, label: periodLabel(from, to) };
  }
  const length = dayNumber(period.to) - dayNumber(period.from) + 1;
  const to = addDays(period.from, -1);
  const from = addDays(to, -(length - 1));
  return { from, to, label: periodLabel(from, to) };
}
