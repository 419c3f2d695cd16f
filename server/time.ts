/** Local-time helpers for Asia/Ho_Chi_Minh (UTC+7, no daylight saving), used for grouping by day. */
const VN_OFFSET_MS = 7 * 60 * 60 * 1000;

export interface LocalParts {
  /** YYYY-MM-DD in Vietnam */
  day: string;
  /** YYYY-MM in Vietnam */
  month: string;
  /** 0–23 in Vietnam */
  hour: number;
  /** ISO weekday in Vietnam: 1 = Monday … 7 = Sunday */
  weekday: number;
}

export function vnLocalParts(at: Date): LocalParts {
  const local = new Date(at.getTime() + VN_OFFSET_MS);
  const iso = local.toISOString();
  const utcDay = local.getUTCDay();
  return {
    day: iso.slice(0, 10),
    month: iso.slice(0, 7),
    hour: local.getUTCHours(),
    weekday: utcDay === 0 ? 7 : utcDay,
  };
}

/** "2026-11-23T10:05:00+07:00" style text for exports and reports. */
export function vnDateTime(at: Date): string {
  const local = new Date(at.getTime() + VN_OFFSET_MS).toISOString();
  return `${local.slice(0, 19)}+07:00`;
}

/** The UTC instant at which a Vietnam-local day starts. */
export function vnDayStart(day: string): Date {
  return new Date(new Date(`${day}T00:00:00Z`).getTime() - VN_OFFSET_MS);
}

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The day `days` after `day`. Total over the four-digit years: a result outside 0001–9999 (which
 * toISOString would write as "+010000-01-01", a string that sorts before every day) is an error, never
 * a wrong day. Request days are bounded in schema/days.ts, so this never fires on outside input.
 */
export function addDays(day: string, days: number): string {
  const parsed = DAY_PATTERN.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
  // Date.parse rolls 2026-02-30 over to March: only a day that reads back the same is one.
  const at = !Number.isNaN(parsed) && new Date(parsed).toISOString().startsWith(day) ? parsed : Number.NaN;
  const result = new Date(at + days * 86_400_000);
  const year = result.getUTCFullYear();
  if (!Number.isInteger(days) || Number.isNaN(at) || !(year >= 1 && year <= 9999)) {
    throw new RangeError(`addDays(${JSON.stringify(day)}, ${days}) is not a day in the years 0001–9999`);
  }
  return result.toISOString().slice(0, 10);
}
