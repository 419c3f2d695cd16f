/**
 * The satisfaction group of QĐ 766/QĐ-TTg (methodology §7), mirrored for internal monitoring.
 * Formulas as reproduced from the portal's description (wording unverified against the decision).
 */

export interface Q766Options {
  /**
   * false (as written, default): a dossier both overdue and disliked counts twice.
   * true: counted once (the union).
   */
  dedupe?: boolean;
}

export interface DossierSatisfactionInput {
  dossiers: number;
  overdue: number;
  /** With a PAKN (feedback/complaint) or a thumbs-down on the portal. */
  disliked: number;
  /** Of those, how many are also overdue (only used with dedupe: true). */
  overdueAndDisliked?: number;
}

export interface SubIndicatorResult {
  /** Percent; null when the denominator is 0 (N/A). */
  rate: number | null;
}

export interface PointsResult extends SubIndicatorResult {
  points: number | null;
  maxPoints: number;
}

/** A rate below zero (possible only when double counting) is shown as 0. */
const clampRate = (rate: number) => Math.max(0, rate);

/** Full points at a rate of 90 or more, else rate × maxPoints / 90. */
export function q766Points(rate: number | null, maxPoints: number): number | null {
  if (rate === null) return null;
  return rate >= 90 ? maxPoints : (rate * maxPoints) / 90;
}

/**
 * 5.4 Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC:
 * 100 − (overdue-dossier % + dossier-with-PAKN-or-dislike %), 6 points at most.
 */
export function q766DossierSatisfaction(
  input: DossierSatisfactionInput,
  options: Q766Options & { maxPoints?: number } = {},
): PointsResult {
  const maxPoints = options.maxPoints ?? 6;
  if (input.dossiers <= 0) return { rate: null, points: null, maxPoints };
  const flagged = options.dedupe ? input.overdue + input.disliked - (input.overdueAndDisliked ?? 0) : input.overdue + input.disliked;
  const rate = clampRate((100 * (input.dossiers - flagged)) / input.dossiers);
  return { rate, points: q766Points(rate, maxPoints), maxPoints };
}

export interface PaknSatisfactionInput {
  total: number;
  dissatisfied: number;
  overdue: number;
  repeatedWithDissatisfaction: number;
  /** PAKN in at least one of the three groups (only used with dedupe: true). */
  inAnyGroup?: number;
}

/** 5.3 Tỷ lệ hài lòng trong xử lý PAKN: (total − dissatisfied − overdue − repeated-with-dissatisfaction) / total × 100. */
export function q766PaknSatisfaction(input: PaknSatisfactionInput, options: Q766Options = {}): SubIndicatorResult {
  if (input.total <= 0) return { rate: null };
  const sum = input.dissatisfied + input.overdue + input.repeatedWithDissatisfaction;
  const flagged = options.dedupe ? (input.inAnyGroup ?? sum) : sum;
  return { rate: clampRate((100 * (input.total - flagged)) / input.total) };
}
