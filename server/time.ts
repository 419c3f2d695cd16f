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

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
