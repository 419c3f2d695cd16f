import { toFixedDecimal } from './rounding.js';
import type { RoundingMode, ScoreDisplay } from './scoring.js';

/**
 * How indices are shown, in one place for the dashboard, the printed report and the workbooks:
 * percent ("84,60%") or points out of 10 ("8,46 điểm"), for indices, intervals, changes, targets
 * and chart axes alike. Pure (no Node APIs): the server and the admin app both use it.
 */

export type DisplayLang = 'vi' | 'en';

export interface DisplaySettings {
  decimals: number;
  rounding: RoundingMode;
  display: ScoreDisplay;
}

/** Shown where an index is null (nothing answered): never "0". */
export const NO_VALUE = '—';

/** A decimal with the language's separator: vi "84,60", en "84.60". */
export function formatDecimal(value: number, decimals: number, rounding: RoundingMode, lang: DisplayLang): string {
  const text = toFixedDecimal(value, decimals, rounding);
  return lang === 'vi' ? text.replace('.', ',') : text;
}

/**
 * An index for display: percent "84,60%" (vi) / "84.60%" (en), or out of 10 "8,46 điểm" /
 * "8.46 points", rounded once, here, with the configured decimals and rule.
 */
export function formatIndex(value: number | null, settings: DisplaySettings, lang: DisplayLang): string {
  if (value === null) return NO_VALUE;
  if (settings.display === 'points10') {
    const points = formatDecimal(value / 10, settings.decimals, settings.rounding, lang);
    return lang === 'vi' ? `${points} điểm` : `${points} points`;
  }
  return `${formatDecimal(value, settings.decimals, settings.rounding, lang)}%`;
}

/** An index (or a target, a bound) in the unit the display uses: percent as is, points out of 10. */
export function displayValue(value: number, display: ScoreDisplay): number {
  return display === 'points10' ? value / 10 : value;
}

/** The largest value of an axis in display units: 100 (%) or 10 (points). */
export const displayMax = (display: ScoreDisplay): number => (display === 'points10' ? 10 : 100);

/** A Wilson interval: "81,17 – 87,50%" or "8,12 – 8,75 điểm". */
export function formatInterval(lower: number | null, upper: number | null, settings: DisplaySettings, lang: DisplayLang): string {
  if (lower === null || upper === null) return NO_VALUE;
  const bound = (v: number) => formatDecimal(displayValue(v, settings.display), settings.decimals, settings.rounding, lang);
  return `${bound(lower)} – ${formatIndex(upper, settings, lang)}`;
}

/** A change between two indices, signed: "+1,23 điểm %" / "+0,12 điểm" (en "+1.23 pp" / "+0.12 points"). */
export function formatChange(diff: number | null, settings: DisplaySettings, lang: DisplayLang): string {
  if (diff === null) return NO_VALUE;
  const magnitude = formatDecimal(Math.abs(displayValue(diff, settings.display)), settings.decimals, settings.rounding, lang);
  const zero = /^0([.,]0*)?$/.test(magnitude);
  const sign = zero ? '±' : diff > 0 ? '+' : '−';
  const unit = settings.display === 'points10' ? (lang === 'vi' ? 'điểm' : 'points') : lang === 'vi' ? 'điểm %' : 'pp';
  return `${sign}${magnitude} ${unit}`;
}

/** The name of the unit indices are shown in, for headers and axis titles. */
export function displayUnit(display: ScoreDisplay, lang: DisplayLang): string {
  if (display === 'points10') return lang === 'vi' ? 'điểm (thang 10)' : 'points (out of 10)';
  return '%';
}

/**
 * A spreadsheet cell for an index: the number and its format. Percent cells hold the fraction with a
 * percent format (0.846 shown as 84.60%); points cells hold the points with "điểm" in the format, so
 * the cell stays a number that sorts and charts.
 */
export function spreadsheetIndex(value: number | null, settings: Pick<DisplaySettings, 'decimals' | 'display'>): { value: number | null; numFmt: string } {
  const places = settings.decimals > 0 ? `.${'0'.repeat(settings.decimals)}` : '';
  if (settings.display === 'points10') return { value: value === null ? null : value / 10, numFmt: `0${places} "điểm"` };
  return { value: value === null ? null : value / 100, numFmt: `0${places}%` };
}

/** A spreadsheet cell for a change between two indices, in display units with its unit in the format. */
export function spreadsheetChange(diff: number | null, settings: Pick<DisplaySettings, 'decimals' | 'display'>): { value: number | null; numFmt: string } {
  const places = settings.decimals > 0 ? `.${'0'.repeat(settings.decimals)}` : '';
  const unit = settings.display === 'points10' ? 'điểm' : 'điểm %';
  return { value: diff === null ? null : displayValue(diff, settings.display), numFmt: `+0${places}" ${unit}";-0${places}" ${unit}";0${places}" ${unit}"` };
}
