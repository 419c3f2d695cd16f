import type { RoundingMode, ScoreDisplay } from '../../schema/scoring.js';
import { toFixedDecimal } from './rounding.js';

/** Pure display helpers (no Node APIs), usable by the server, exports and the admin UI alike. */

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
