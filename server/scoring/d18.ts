import type { LocalizedText } from '../../schema/instrument.js';
import { roundDecimal } from '../../schema/rounding.js';

/**
 * Per-dossier evaluation of TT 01/2018/TT-VPCP Art. 13–15 (methodology §6): nine indicators scored
 * 2 / 1 / 0, averaged per indicator and rounded to one decimal (half-up) as the regulation does,
 * then summed and classified. Kept as a versioned set: NĐ 118/2025 and TT 03/2025 may replace it.
 */

export interface IndicatorDefinition {
  code: string;
  title: LocalizedText;
  /** Scored per dossier, per unit, or both (D18.6). */
  level: 'dossier' | 'unit' | 'both';
  /** Who supplies the score: the citizen (form, device, online) or the case-management system. */
  source: 'citizen' | 'system';
}

export interface ClassBand<C extends string> {
  /** Inclusive lower bound of the total. */
  min: number;
  classification: C;
}

export interface IndicatorSet<O extends string = string, A extends string = string> {
  code: string;
  indicators: readonly IndicatorDefinition[];
  /** Indicators that evaluate an official (max 2 each). */
  officialIndicators: readonly string[];
  /** Highest band first; the last one has min −∞. */
  officialBands: readonly ClassBand<O>[];
  agencyBands: readonly ClassBand<A>[];
}

export type OfficialClass = 'complete_100' | 'complete_70_100' | 'below_70';
export type AgencyClass = 'xuat_sac' | 'tot' | 'kha' | 'trung_binh' | 'yeu';

const indicator = (n: number, vi: string, en: string, level: IndicatorDefinition['level'], source: IndicatorDefinition['source']) => ({
  code: `D18.${n}`,
  title: { vi, en },
  level,
  source,
});

export const D18: IndicatorSet<OfficialClass, AgencyClass> = {
  code: 'D18',
  indicators: [
    indicator(1, 'Tổng thời gian giải quyết TTHC so với thời gian cho phép', 'Total processing time against the time allowed', 'dossier', 'citizen'),
    indicator(
      2,
      'Thời gian thực hiện của từng cơ quan, đơn vị tham gia giải quyết (kể cả phối hợp)',
      'Time taken by each agency involved (including coordination)',
      'dossier',
      'system',
    ),
    indicator(
      3,
      'Số lần phải liên hệ với nơi tiếp nhận hồ sơ để hoàn thiện hồ sơ (kể cả trực tuyến)',
      'Contacts with the intake point needed to complete the dossier (online included)',
      'dossier',
      'citizen',
    ),
    indicator(
      4,
      'Số lượng cơ quan, đơn vị, tổ chức phải liên hệ để hoàn thiện hồ sơ',
      'Agencies that had to be contacted to complete the dossier',
      'dossier',
      'citizen',
    ),
    indicator(
      5,
      'Thực hiện tiếp nhận, giải quyết, trả kết quả tại Bộ phận Một cửa',
      'Intake, handling and results through the one-stop unit',
      'unit',
      'system',
    ),
    indicator(6, 'Công khai các thủ tục hành chính', 'Publication of administrative procedures', 'both', 'system'),
    indicator(
      7,
      'Thái độ của CBCCVC khi hướng dẫn, tiếp nhận, giải quyết',
      "Officials' attitude when guiding, receiving and handling",
      'dossier',
      'citizen',
    ),
    indicator(
      8,
      'Tiếp thu, giải trình đối với ý kiến phản ánh, kiến nghị',
      'Taking up and answering feedback and complaints',
      'unit',
      'system',
    ),
    indicator(
      9,
      'Tiến độ và chất lượng cung cấp dịch vụ công trực tuyến',
      'Progress and quality of online public services',
      'unit',
      'system',
    ),
  ],
  officialIndicators: ['D18.1', 'D18.2', 'D18.3', 'D18.4', 'D18.7'],
  officialBands: [
    { min: 5, classification: 'complete_100' },
    { min: 3.5, classification: 'complete_70_100' },
    { min: -Infinity, classification: 'below_70' },
  ],
  agencyBands: [
    { min: 15, classification: 'xuat_sac' },
    { min: 12, classification: 'tot' },
    { min: 9, classification: 'kha' },
    { min: 6, classification: 'trung_binh' },
    { min: -Infinity, classification: 'yeu' },
  ],
};

/** One dossier's scores by indicator code; a missing or null indicator has no data. */
export type DossierScores = Readonly<Record<string, 0 | 1 | 2 | null | undefined>>;

export interface IndicatorResult<C extends string> {
  /** Rounded (one decimal) score per indicator with data; indicators without data are omitted, not zero. */
  scores: Record<string, number>;
  /** Sum of the rounded scores. */
  total: number;
  classification: C;
}

const round1 = (value: number) => roundDecimal(value, 1, 'half_away_from_zero');

/** Sums one-decimal scores in tenths, so 1.4 + 1.4 + 1.8 + 1.6 + 1.6 is 7.8, not 7.799999…. */
const sumTenths = (scores: Iterable<number>) => {
  let tenths = 0;
  for (const s of scores) tenths += Math.round(s * 10);
  return tenths / 10;
};

function classify<C extends string>(total: number, bands: readonly ClassBand<C>[]): C {
  return bands.find((b) => total >= b.min)!.classification;
}

/** score_i = Σ dossier scores on i / dossiers with data on i, rounded to one decimal (half-up). */
export function indicatorScores(dossiers: readonly DossierScores[], codes: readonly string[]): Record<string, number> {
  const scores: Record<string, number> = {};
  for (const code of codes) {
    let sum = 0;
    let count = 0;
    for (const dossier of dossiers) {
      const value = dossier[code];
      if (value === null || value === undefined) continue;
      if (value !== 0 && value !== 1 && value !== 2) throw new RangeError(`${code} must be scored 0, 1 or 2, not ${String(value)}`);
      sum += value;
      count++;
    }
    if (count > 0) scores[code] = round1(sum / count);
  }
  return scores;
}

/** An official's result over their dossiers on a versioned set (D18: indicators 1, 2, 3, 4, 7; max 10). */
export function evaluateOfficial<O extends string>(
  dossiers: readonly DossierScores[],
  set: IndicatorSet<O, string>,
): IndicatorResult<O> {
  const scores = indicatorScores(dossiers, set.officialIndicators);
  const total = sumTenths(Object.values(scores));
  return { scores, total, classification: classify(total, set.officialBands) };
}

/**
 * An agency's result from its indicator scores (per-dossier ones aggregated with indicatorScores,
 * unit-level ones given directly; max 18). Each is rounded to one decimal before summing.
 */
export function evaluateAgency<A extends string>(
  indicatorScores: Readonly<Record<string, number | null | undefined>>,
  set: IndicatorSet<string, A>,
): IndicatorResult<A> {
  const scores: Record<string, number> = {};
  for (const { code } of set.indicators) {
    const value = indicatorScores[code];
    if (value === null || value === undefined) continue;
    if (!(value >= 0 && value <= 2)) throw new RangeError(`${code} must be between 0 and 2, not ${value}`);
    scores[code] = round1(value);
  }
  const total = sumTenths(Object.values(scores));
  return { scores, total, classification: classify(total, set.agencyBands) };
}
