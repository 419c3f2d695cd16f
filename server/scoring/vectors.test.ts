import { describe, expect, it } from 'vitest';
import type { Interval, ScoreReport } from '../../schema/scoring.js';
import { QUAY_V1 } from '../instruments/catalogue.js';
import {
  D18,
  evaluateAgency,
  evaluateOfficial,
  formatDecimal,
  formatIndex,
  q766DossierSatisfaction,
  q766PaknSatisfaction,
  quickShare,
  quickTally,
  scoreInstrument,
  tallyAnswers,
  toFixedDecimal,
  wilsonInterval,
  type DossierScores,
} from './index.js';
import { anInstrument, countsWith, settingsWith } from '../testing/scoring.js';

/**
 * The synthetic test vectors of shared/sipas/methodology.md §8, each run through the functions the
 * dashboards and exports use (scoreInstrument, formatIndex …), compared at display precision.
 */
const defaults = settingsWith();
const shown = (value: number | null) => formatIndex(value, defaults, 'en');
const interval = (w: Interval | null) => (w ? [w.lower, w.upper, w.halfWidth].map((v) => toFixedDecimal(v, 2)) : null);
const quay = { id: 'QUAY@1', definition: QUAY_V1 };

describe('T1 — criterion index with NA', () => {
  it('[5,5,4,4,4,3,2,1,NA,NA] → n 8, x 5, 62.50%, NA 2, Wilson [30.57, 86.32], both flags', () => {
    const counts = tallyAnswers([5, 5, 4, 4, 4, 3, 2, 1, null, null]);
    const report = scoreInstrument(quay, { 'QUAY.1': counts }, defaults);
    const c = report.criteria.find((s) => s.code === 'QUAY.1')!;
    expect([c.n, c.x, c.na]).toEqual([8, 5, 2]);
    expect(c.index).toBe(62.5);
    expect(shown(c.index)).toBe('62.50%');
    expect(formatIndex(c.index, defaults, 'vi')).toBe('62,50%');
    expect(interval(c.wilson)).toEqual(['30.57', '86.32', '27.87']);
    expect(c.flags).toEqual(['insufficient', 'low_precision']);
    expect(c.reliability).toBe('insufficient');
    expect(c.mean).toBe(3.5);
    expect([c.instrumentId, c.methodologyVersion, c.method]).toEqual(['QUAY@1', 'sipas-method-2026.1', 'share_satisfied']);
  });
});

describe('T2 — no valid answers', () => {
  it('[NA,NA,NA] → n 0, index null (not 0), insufficient', () => {
    const report = scoreInstrument(quay, { 'QUAY.2': tallyAnswers([null, null, null]) }, defaults);
    const c = report.criteria.find((s) => s.code === 'QUAY.2')!;
    expect([c.n, c.na, c.index, c.wilson, c.mean]).toEqual([0, 3, null, null, null]);
    expect(c.flags).toEqual(['insufficient']);
    expect(shown(c.index)).toBe('—');
    // An unanswered criterion does not drag its factor, part or overall to 0.
    expect([report.factors[1]!.index, report.overall.index]).toEqual([null, null]);
  });
});

const F1 = { C1: countsWith(8, 10), C2: countsWith(5, 5), C3: countsWith(10, 20) };
const F2 = { D1: countsWith(9, 10), D2: countsWith(7, 10) };
const t4 = anInstrument({ parts: { S: { F1: ['C1', 'C2', 'C3'], F2: ['D1', 'D2'] } } });
const t4Counts = { ...F1, ...F2 };

describe('T3 — factor roll-ups', () => {
  it('criteria 80.00, 100.00, 50.00', () => {
    const report = scoreInstrument(t4, t4Counts, defaults);
    expect(report.criteria.slice(0, 3).map((c) => shown(c.index))).toEqual(['80.00%', '100.00%', '50.00%']);
  });

  it('mean_of_criteria = 76.67, no interval, min n 5', () => {
    const f1 = scoreInstrument(t4, t4Counts, settingsWith({ factorRollup: 'mean_of_criteria' })).factors[0]!;
    expect(f1.index).toBeCloseTo(76.6666666667, 9);
    expect(shown(f1.index)).toBe('76.67%');
    expect([f1.method, f1.wilson, f1.x, f1.minN, f1.n, f1.criteria]).toEqual(['mean_of_criteria', null, null, 5, 35, 3]);
    expect(f1.flags).toEqual(['insufficient']);
  });

  it('answer_weighted = 65.71 with Wilson [49.15, 79.17] on 23/35', () => {
    const f1 = scoreInstrument(t4, t4Counts, settingsWith({ factorRollup: 'answer_weighted' })).factors[0]!;
    expect([f1.x, f1.n, f1.method]).toEqual([23, 35, 'answer_weighted']);
    expect(shown(f1.index)).toBe('65.71%');
    expect(interval(f1.wilson)?.slice(0, 2)).toEqual(['49.15', '79.17']);
  });
});

describe('T4 — part roll-ups (single-part instrument: the overall equals the part)', () => {
  const overallWith = (partRollup: 'mean_of_factors' | 'item_count_weighted' | 'answer_weighted') => {
    const report: ScoreReport = scoreInstrument(t4, t4Counts, settingsWith({ partRollup }));
    expect(report.overall.index).toBe(report.parts[0]!.index);
    expect(report.parts[0]!.method).toBe(partRollup);
    return report;
  };

  it('mean_of_factors = 78.33', () => {
    const report = overallWith('mean_of_factors');
    expect(shown(report.factors[1]!.index)).toBe('80.00%');
    expect(shown(report.overall.index)).toBe('78.33%');
  });

  it('item_count_weighted = 78.00 (3 × 76.67 + 2 × 80) / 5', () => {
    expect(shown(overallWith('item_count_weighted').overall.index)).toBe('78.00%');
  });

  it('answer_weighted = 70.91 (39 / 55), with its interval carried to the overall', () => {
    const report = overallWith('answer_weighted');
    expect(shown(report.overall.index)).toBe('70.91%');
    expect([report.overall.x, report.overall.n]).toEqual([39, 55]);
    expect(report.overall.wilson).toEqual(wilsonInterval(39, 55));
  });
});

describe('T5 — overall', () => {
  const twoParts = anInstrument({ parts: { P: { PF: ['P1'] }, S: { SF: ['S1'] } } });

  it('mean(82.40, 84.10) = 83.25', () => {
    const report = scoreInstrument(twoParts, { P1: countsWith(412, 500), S1: countsWith(841, 1000) }, defaults);
    expect(report.parts.map((p) => shown(p.index))).toEqual(['82.40%', '84.10%']);
    expect(shown(report.overall.index)).toBe('83.25%');
    expect([report.overall.method, report.overall.parts, report.overall.wilson]).toEqual(['mean_of_parts', 2, null]);
  });

  it('policy part null → 84.10', () => {
    const report = scoreInstrument(twoParts, { P1: countsWith(0, 0, 12), S1: countsWith(841, 1000) }, defaults);
    expect(report.parts[0]!.index).toBeNull();
    expect(shown(report.overall.index)).toBe('84.10%');
    expect(report.overall.parts).toBe(1);
  });
});

describe('T6 — Wilson edge cases', () => {
  const rows: [number, number, string, string, string, string, string[]][] = [
    [8, 10, '80.00', '49.02', '94.33', '22.66', ['insufficient']],
    [0, 5, '0.00', '0.00', '43.45', '21.72', ['insufficient']],
    [50, 50, '100.00', '92.87', '100.00', '3.57', []],
    [120, 150, '80.00', '72.89', '85.62', '6.37', []],
    [26, 29, '89.66', '73.61', '96.42', '11.40', ['insufficient', 'low_precision']],
  ];
  it.each(rows)('%i / %i → %s [%s, %s] ± %s', (x, n, p, lower, upper, half, listed) => {
    const one = anInstrument({ parts: { S: { F: ['C'] } } });
    const c = scoreInstrument(one, { C: countsWith(x, n) }, defaults).criteria[0]!;
    expect(toFixedDecimal(c.index!, 2)).toBe(p);
    expect(interval(c.wilson)).toEqual([lower, upper, half]);
    // The table lists the deciding flag (insufficient outranks low_precision); every listed flag is raised.
    for (const flag of listed) expect(c.flags).toContain(flag);
    expect(c.reliability).toBe(listed[0] ?? 'ok');
    expect(c.flags.includes('low_precision')).toBe(c.wilson!.halfWidth > 10);
  });
});

describe('T7 — 3-level quick rating', () => {
  it('12 Rất hài lòng, 6 Hài lòng, 2 Chưa hài lòng, 1 blank → n 20, satisfied 18, 90.00', () => {
    expect(quickShare({ rat_hai_long: 12, hai_long: 6, chua_hai_long: 2, blank: 1 })).toEqual({ n: 20, satisfied: 18, share: 90 });
  });

  it('the same data on 5 points maps to identical counts and the same index', () => {
    const counts = tallyAnswers([...Array(12).fill(5), ...Array(6).fill(4), 3, 2, null]);
    expect(quickTally(counts)).toEqual({ rat_hai_long: 12, hai_long: 6, chua_hai_long: 2, blank: 1 });
    const c = scoreInstrument(quay, { 'QUAY.ALL': counts }, defaults).overallQuestion!;
    expect([c.n, c.x, shown(c.index)]).toEqual([20, 18, '90.00%']);
  });
});

/** Dossier rows as (D18.1, D18.2, D18.3, D18.4, D18.7), as the vectors write them. */
const dossiers = (...rows: [number, number, number, number, number][]): DossierScores[] =>
  rows.map(([a, b, c, d, e]) => ({ 'D18.1': a, 'D18.2': b, 'D18.3': c, 'D18.4': d, 'D18.7': e }) as DossierScores);

describe('T8–T10 — TT 01/2018 officials', () => {
  it('T8 official A → 1.4, 1.4, 1.8, 1.6, 1.6 → 7.8 complete_100', () => {
    const result = evaluateOfficial(dossiers([2, 2, 2, 2, 2], [1, 1, 2, 1, 1], [0, 1, 1, 2, 1], [2, 2, 2, 2, 2], [2, 1, 2, 1, 2]), D18);
    expect(result).toEqual({
      scores: { 'D18.1': 1.4, 'D18.2': 1.4, 'D18.3': 1.8, 'D18.4': 1.6, 'D18.7': 1.6 },
      total: 7.8,
      classification: 'complete_100',
    });
  });

  it('T9 official B → 0.7, 0.7, 1.0, 1.0, 0.7 → 4.1 complete_70_100 (rounded before summing)', () => {
    const result = evaluateOfficial(dossiers([1, 1, 1, 1, 0], [0, 1, 1, 1, 1], [1, 0, 1, 1, 1]), D18);
    expect(result.scores).toEqual({ 'D18.1': 0.7, 'D18.2': 0.7, 'D18.3': 1, 'D18.4': 1, 'D18.7': 0.7 });
    expect([result.total, result.classification]).toEqual([4.1, 'complete_70_100']);
  });

  it('T10 official C → 0.0, 0.5, 0.5, 1.0, 0.0 → 2.0 below_70', () => {
    const result = evaluateOfficial(dossiers([0, 0, 1, 1, 0], [0, 1, 0, 1, 0]), D18);
    expect(result.scores).toEqual({ 'D18.1': 0, 'D18.2': 0.5, 'D18.3': 0.5, 'D18.4': 1, 'D18.7': 0 });
    expect([result.total, result.classification]).toEqual([2, 'below_70']);
    expect(formatDecimal(result.total, 1, 'half_away_from_zero', 'vi')).toBe('2,0');
  });

  it('an indicator without data is omitted, not zero', () => {
    const result = evaluateOfficial([{ 'D18.1': 2, 'D18.3': 2 }, { 'D18.1': 2, 'D18.7': null }], D18);
    expect(result.scores).toEqual({ 'D18.1': 2, 'D18.3': 2 });
    expect([result.total, result.classification]).toEqual([4, 'complete_70_100']);
  });
});

describe('T11 — agency classification', () => {
  const agency = (values: (number | null)[]) =>
    evaluateAgency(Object.fromEntries(values.map((v, i) => [`D18.${i + 1}`, v])), D18);
  it('13.8 → tot; 15.0 → xuat_sac (inclusive); 5.9 → yeu; 16.0 over 8 indicators → xuat_sac', () => {
    expect(agency([1.4, 1.4, 1.8, 1.6, 2.0, 1.0, 1.6, 2.0, 1.0])).toMatchObject({ total: 13.8, classification: 'tot' });
    expect(agency([2, 2, 2, 2, 2, 1, 2, 1, 1])).toMatchObject({ total: 15, classification: 'xuat_sac' });
    expect(agency([1.0, 1.0, 0.5, 1.0, 0, 0.5, 1.0, 0.9, 0])).toMatchObject({ total: 5.9, classification: 'yeu' });
    const eight = agency([2, 2, 2, 2, 2, 2, 2, 2, null]);
    expect([eight.total, eight.classification, Object.keys(eight.scores).length]).toEqual([16, 'xuat_sac', 8]);
  });
});

describe('T12 — QĐ 766 sub-indicator 5.4 (max 6 points)', () => {
  const rows: [number, number, number, string | null, string | null][] = [
    [1000, 30, 20, '95.00', '6.00'],
    [500, 40, 15, '89.00', '5.93'],
    [200, 30, 10, '80.00', '5.33'],
    [100, 10, 0, '90.00', '6.00'],
    [0, 0, 0, null, null],
  ];
  it.each(rows)('%i dossiers, %i overdue, %i disliked → %s%% → %s points', (total, overdue, disliked, rate, points) => {
    const result = q766DossierSatisfaction({ dossiers: total, overdue, disliked });
    expect(result.rate === null ? null : toFixedDecimal(result.rate, 2)).toBe(rate);
    expect(result.points === null ? null : toFixedDecimal(result.points, 2)).toBe(points);
  });

  it('overlap: 100 dossiers, 10 overdue, 5 disliked of which 3 overdue → 5.67 as written, 5.87 deduplicated', () => {
    const input = { dossiers: 100, overdue: 10, disliked: 5, overdueAndDisliked: 3 };
    const asWritten = q766DossierSatisfaction(input);
    const deduped = q766DossierSatisfaction(input, { dedupe: true });
    expect([toFixedDecimal(asWritten.rate!, 2), toFixedDecimal(asWritten.points!, 2)]).toEqual(['85.00', '5.67']);
    expect([toFixedDecimal(deduped.rate!, 2), toFixedDecimal(deduped.points!, 2)]).toEqual(['88.00', '5.87']);
  });
});

describe('T13 — QĐ 766 sub-indicator 5.3', () => {
  it('40 PAKN; 3 disliked, 2 overdue, 1 repeated with dissatisfaction → 85.00', () => {
    const input = { total: 40, dissatisfied: 3, overdue: 2, repeatedWithDissatisfaction: 1 };
    expect(toFixedDecimal(q766PaknSatisfaction(input).rate!, 2)).toBe('85.00');
    expect(q766PaknSatisfaction(input, { dedupe: true }).rate).toBe(85);
    expect(q766PaknSatisfaction({ ...input, inAnyGroup: 5 }, { dedupe: true }).rate).toBe(87.5);
    expect(q766PaknSatisfaction({ ...input, total: 0 }).rate).toBeNull();
  });
});
