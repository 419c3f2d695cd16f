import type { PeriodKind } from '../../schema/dashboard.js';
import { addDays } from '../time.js';

/**
 * Reporting periods in Vietnam-local days, for every screen and file alike: a month, quarter or year
 * (the current one runs to today), or a custom range; and the period each is compared with, defined
 * once: the previous period of the same kind and length, to the same point when the current one is
 * to date (Q4 up to 4 December is compared with Q3 up to 3 September, not with all of Q3).
 */

export interface PeriodRange {
  from: string;
  to: string;
  /** "Quý IV/2026", "Tháng 11/2026 (đến 20/11/2026)", "01/10/2026 – 15/11/2026". */
  label: string;
}

export interface ReportPeriod extends PeriodRange {
  kind: PeriodKind;
  /** The month, quarter or year (2026-11, 2026-Q4, 2026); null for a custom range. */
  at: string | null;
  /** The period is still running: it ends today rather than at its calendar end. */
  toDate: boolean;
  previous: PeriodRange;
}

/** What a caller may ask for: a kind and its anchor, or days (custom). */
export interface PeriodQuery {
  period?: PeriodKind | undefined;
  at?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

const ROMAN = ['I', 'II', 'III', 'IV'] as const;
const pad2 = (n: number) => String(n).padStart(2, '0');

export const monthOf = (day: string): string => day.slice(0, 7);

export function addMonths(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${pad2((index % 12) + 1)}`;
}

export const lastDayOfMonth = (month: string): string => addDays(`${addMonths(month, 1)}-01`, -1);

/** "2026-11-05" → "2026-Q4" */
export const quarterOf = (day: string): string => `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;

/** The months from `first` to `last` (YYYY-MM), inclusive. */
export function monthsBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let m = first; m <= last; m = addMonths(m, 1)) out.push(m);
  return out;
}

/** "2026-11-05" → "05/11/2026" */
export const vnDate = (day: string): string => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

export const daysBetween = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** First and last day of a month, quarter or year. */
function calendarRange(kind: Exclude<PeriodKind, 'custom'>, at: string): { from: string; to: string } {
  switch (kind) {
    case 'month':
      return { from: `${at}-01`, to: lastDayOfMonth(at) };
    case 'quarter': {
      const first = `${at.slice(0, 4)}-${pad2((Number(at.slice(6)) - 1) * 3 + 1)}`;
      return { from: `${first}-01`, to: lastDayOfMonth(addMonths(first, 2)) };
    }
    case 'year':
      return { from: `${at}-01-01`, to: `${at}-12-31` };
  }
}

function anchorOf(kind: Exclude<PeriodKind, 'custom'>, day: string): string {
  return kind === 'month' ? monthOf(day) : kind === 'quarter' ? quarterOf(day) : day.slice(0, 4);
}

function previousAnchor(kind: Exclude<PeriodKind, 'custom'>, at: string): string {
  if (kind === 'month') return addMonths(at, -1);
  if (kind === 'year') return String(Number(at) - 1);
  return quarterOf(`${addMonths(calendarRange('quarter', at).from.slice(0, 7), -3)}-01`);
}

function calendarLabel(kind: Exclude<PeriodKind, 'custom'>, at: string): string {
  if (kind === 'month') return `Tháng ${Number(at.slice(5, 7))}/${at.slice(0, 4)}`;
  if (kind === 'quarter') return `Quý ${ROMAN[Number(at.slice(6)) - 1]}/${at.slice(0, 4)}`;
  return `Năm ${at}`;
}

/** Days named as reports name them: the first half of a year ("6 tháng đầu năm 2026") or "dd/mm/yyyy – dd/mm/yyyy". */
function customLabel(from: string, to: string): string {
  if (from.slice(5) === '01-01' && to.slice(5) === '06-30' && from.slice(0, 4) === to.slice(0, 4)) return `6 tháng đầu năm ${from.slice(0, 4)}`;
  return `${vnDate(from)} – ${vnDate(to)}`;
}

/** A calendar period, cut at `lastDay` when it ends later. */
function calendarPeriod(kind: Exclude<PeriodKind, 'custom'>, at: string, lastDay: string | null): PeriodRange & { toDate: boolean } {
  const range = calendarRange(kind, at);
  const toDate = lastDay !== null && lastDay >= range.from && lastDay < range.to;
  const to = toDate ? lastDay : range.to;
  return { from: range.from, to, label: toDate ? `${calendarLabel(kind, at)} (đến ${vnDate(to)})` : calendarLabel(kind, at), toDate };
}

/** The month, quarter or year that [from, to] is: all of it, or its start up to today while it runs. */
function calendarKindOf(from: string, to: string, today: string): { kind: Exclude<PeriodKind, 'custom'>; at: string } | null {
  for (const kind of ['month', 'quarter', 'year'] as const) {
    const at = anchorOf(kind, from);
    const range = calendarRange(kind, at);
    if (range.from === from && (range.to === to || (to === today && today < range.to))) return { kind, at };
  }
  return null;
}

/**
 * The period a query names, on `today`: a kind with its anchor (default: the current quarter), or
 * days. Days that make up a month, quarter or year (or its start up to today) are that period; only
 * `from`: up to today; only `to`: from the start of its quarter.
 */
export function resolveReportPeriod(query: PeriodQuery, today: string): ReportPeriod {
  let kind = query.period ?? (query.from !== undefined || query.to !== undefined ? 'custom' : 'quarter');
  let at = kind === 'custom' ? null : (query.at ?? anchorOf(kind, today));
  if (kind === 'custom') {
    const from = query.from ?? calendarRange('quarter', quarterOf(query.to!)).from;
    const to = query.to ?? (today >= from ? today : from);
    const calendar = calendarKindOf(from, to, today);
    if (calendar) {
      kind = calendar.kind;
      at = calendar.at;
    } else {
      const length = daysBetween(from, to) + 1;
      const previousTo = addDays(from, -1);
      const previousFrom = addDays(from, -length);
      return {
        kind,
        at: null,
        from,
        to,
        label: customLabel(from, to),
        toDate: false,
        previous: { from: previousFrom, to: previousTo, label: customLabel(previousFrom, previousTo) },
      };
    }
  }
  const calendar = kind as Exclude<PeriodKind, 'custom'>;
  const current = calendarPeriod(calendar, at!, today);
  const before = previousAnchor(calendar, at!);
  // To date: as many days into the previous period as the current one has run (at most all of it).
  const previousStart = calendarRange(calendar, before).from;
  const previous = calendarPeriod(calendar, before, current.toDate ? addDays(previousStart, daysBetween(current.from, current.to)) : null);
  return { kind, at, from: current.from, to: current.to, label: current.label, toDate: current.toDate, previous: { from: previous.from, to: previous.to, label: previous.label } };
}
