import type { Counts, QuickLevel } from '../../schema/scoring.js';
import type { LocalizedText } from '../../schema/instrument.js';

/**
 * The three-level counter rating (methodology §3.3): the levels TT 32/2017/TT-BTTTT Art. 12
 * defines (note *Chưa*, not *Không*). Mapping from 5 points (design choice): 5 → Rất hài lòng,
 * 4 → Hài lòng, 1–3 → Chưa hài lòng.
 */
export const QUICK_LEVELS: Record<QuickLevel, LocalizedText> = {
  rat_hai_long: { vi: 'Rất hài lòng', en: 'Very satisfied' },
  hai_long: { vi: 'Hài lòng', en: 'Satisfied' },
  chua_hai_long: { vi: 'Chưa hài lòng', en: 'Not yet satisfied' },
};

export function quickLevelOf(score: number): QuickLevel | null {
  if (score === 5) return 'rat_hai_long';
  if (score === 4) return 'hai_long';
  if (score === 1 || score === 2 || score === 3) return 'chua_hai_long';
  return null;
}

export interface QuickTally {
  rat_hai_long: number;
  hai_long: number;
  chua_hai_long: number;
  /** Blank or no opinion: excluded from the share. */
  blank: number;
}

export interface QuickShare {
  n: number;
  satisfied: number;
  /** Percent (Rất hài lòng + Hài lòng) / valid; null with no valid answer. */
  share: number | null;
}

/** 5-point counts seen as three levels. */
export function quickTally(counts: Readonly<Counts>): QuickTally {
  const [na, s1, s2, s3, s4, s5] = counts;
  return { rat_hai_long: s5, hai_long: s4, chua_hai_long: s1 + s2 + s3, blank: na };
}

export function quickShare(tally: QuickTally): QuickShare {
  const n = tally.rat_hai_long + tally.hai_long + tally.chua_hai_long;
  const satisfied = tally.rat_hai_long + tally.hai_long;
  return { n, satisfied, share: n > 0 ? (100 * satisfied) / n : null };
}

/** Thresholds on the mean of a dossier's scored D18 indicators (design choice, configurable). */
export interface DossierVerdictThresholds {
  ratHaiLong: number;
  haiLong: number;
}

export const DEFAULT_DOSSIER_VERDICT: DossierVerdictThresholds = { ratHaiLong: 1.5, haiLong: 1.0 };

/**
 * A per-dossier verdict from its D18 indicator scores (0–2). No regulation defines one; the default
 * is mean ≥ 1.5 → Rất hài lòng, ≥ 1.0 → Hài lòng, otherwise Chưa hài lòng. Null with no score.
 */
export function dossierVerdict(
  scores: readonly number[],
  thresholds: DossierVerdictThresholds = DEFAULT_DOSSIER_VERDICT,
): QuickLevel | null {
  if (scores.length === 0) return null;
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  if (mean >= thresholds.ratHaiLong) return 'rat_hai_long';
  if (mean >= thresholds.haiLong) return 'hai_long';
  return 'chua_hai_long';
}
