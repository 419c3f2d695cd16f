import { z } from 'zod';

/**
 * Calendar days and instants the platform accepts from outside: real dates in the years it can hold
 * data for. Bounding them here keeps every period, loop and label downstream finite and printable
 * (year 9999 + 1 day is no longer a YYYY-MM-DD string; year 0000 is not a valid JavaScript date).
 */
export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2099;
export const MIN_DAY = `${FIRST_YEAR}-01-01`;
export const MAX_DAY = `${LAST_YEAR}-12-31`;

const inRange = (day: string) => day >= MIN_DAY && day <= MAX_DAY;
const RANGE_MESSAGE = `a day from ${MIN_DAY} to ${MAX_DAY}`;

/** A Vietnam-local day, YYYY-MM-DD, that exists in the calendar and lies within [MIN_DAY, MAX_DAY]. */
export const CalendarDay = z.iso.date('a day as YYYY-MM-DD').refine(inRange, RANGE_MESSAGE);

/** An ISO 8601 instant with an offset, within the same years. */
export const BoundedInstant = z.iso
  .datetime({ offset: true, message: 'an ISO 8601 time with an offset, e.g. 2026-11-23T10:05:00+07:00' })
  // zod runs refinements on text that failed the format too: a text that is no time is reported once, above.
  .refine((at) => Number.isNaN(Date.parse(at)) || inRange(new Date(at).toISOString().slice(0, 10)), `a time from ${MIN_DAY} to ${MAX_DAY}`);

/** The year part of a period anchor ("2026", "2026-11", "2026-Q4"): 2000–2099. */
export const ANCHOR_YEAR = '20\\d{2}';
