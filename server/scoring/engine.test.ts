import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ScoringSettings as SettingsSchemaType } from '../../schema/scoring.js';
import { loadConfig, type ScoringSettings } from '../config.js';
import { QUAY_V1, S17_V1 } from '../instruments/catalogue.js';
import {
  compareProportions,
  compareScores,
  dossierVerdict,
  formatIndex,
  quickLevelOf,
  scoreInstrument,
  scoreUnits,
  twoSidedP,
  wilsonInterval,
} from './index.js';
import { anInstrument, countsWith, settingsWith } from '../testing/scoring.js';

const t4 = anInstrument({ parts: { S: { F1: ['C1', 'C2', 'C3'], F2: ['D1', 'D2'] } } });
const t4Counts = {
  C1: countsWith(8, 10),
  C2: countsWith(5, 5),
  C3: countsWith(10, 20),
  D1: countsWith(9, 10),
  D2: countsWith(7, 10),
};
const twoParts = anInstrument({ parts: { P: { PF: ['P1'] }, S: { SF: ['S1'] } } });
const t5Counts = { P1: countsWith(412, 500), S1: countsWith(841, 1000) };

describe('scoring settings', () => {
  it('are the config settings: same type, same defaults', () => {
    expectTypeOf<ScoringSettings>().toEqualTypeOf<SettingsSchemaType>();
    const dir = mkdtempSync(path.join(tmpdir(), 'sipas-scoring-'));
    try {
      expect(loadConfig({ DATA_DIR: dir }).scoring).toEqual(settingsWith());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('changing a setting changes the overall exactly as documented', () => {
  const overall = (overrides: Partial<ScoringSettings>, lang: 'vi' | 'en' = 'en') => {
    const settings = settingsWith(overrides);
    const report = scoreInstrument(t4, t4Counts, settings);
    return { shown: formatIndex(report.overall.index, settings, lang), part: report.parts[0]!.method, factor: report.factors[0]!.method };
  };

  it('factor and part roll-ups (T3/T4)', () => {
    expect(overall({})).toEqual({ shown: '78.33%', part: 'mean_of_factors', factor: 'mean_of_criteria' });
    expect(overall({ partRollup: 'item_count_weighted' }).shown).toBe('78.00%');
    expect(overall({ partRollup: 'answer_weighted' }).shown).toBe('70.91%');
    // F1 pooled 65.714…, F2 pooled 80: their mean, and weighted 3:2.
    expect(overall({ factorRollup: 'answer_weighted' })).toEqual({ shown: '72.86%', part: 'mean_of_factors', factor: 'answer_weighted' });
    expect(overall({ factorRollup: 'answer_weighted', partRollup: 'item_count_weighted' }).shown).toBe('71.43%');
    // Pooled over the part does not depend on how factors roll up.
    expect(overall({ factorRollup: 'answer_weighted', partRollup: 'answer_weighted' }).shown).toBe('70.91%');
  });

  it('decimals, rounding rule and display', () => {
    expect(overall({ decimals: 1 }).shown).toBe('78.3%');
    expect(overall({ decimals: 0 }).shown).toBe('78%');
    expect(overall({ decimals: 3 }, 'vi').shown).toBe('78,333%');
    expect(overall({ display: 'points10' }, 'vi').shown).toBe('7,83 điểm');
    expect(overall({ display: 'points10' }, 'en').shown).toBe('7.83 points');
    // T5's 83.25 at one decimal, and T1's 62.5 at none: ties go away from zero, or to even.
    const t5 = scoreInstrument(twoParts, t5Counts, settingsWith()).overall.index;
    expect(formatIndex(t5, settingsWith({ decimals: 1 }), 'vi')).toBe('83,3%');
    expect(formatIndex(t5, settingsWith({ decimals: 1, rounding: 'half_even' }), 'vi')).toBe('83,2%');
    expect(formatIndex(62.5, settingsWith({ decimals: 0 }), 'en')).toBe('63%');
    expect(formatIndex(62.5, settingsWith({ decimals: 0, rounding: 'half_even' }), 'en')).toBe('62%');
  });

  it('reliability thresholds', () => {
    const c = (s: Partial<ScoringSettings>) => scoreInstrument(t4, t4Counts, settingsWith(s)).criteria[2]!;
    expect(c({}).flags).toEqual(['insufficient', 'low_precision']);
    expect(c({ lowNMin: 20 }).flags).toEqual(['low_precision']);
    expect(c({ lowNMin: 20, lowPrecisionHalfWidth: 25 })).toMatchObject({ flags: [], reliability: 'ok' });
  });
});

describe('factor questions, yes/no items and overall questions', () => {
  it('factor_question reads the .SAT item where the instrument has one, and says so', () => {
    const s17 = { id: 'S17@1', definition: S17_V1 };
    const counts = { 'S17.1.1': countsWith(10, 10), 'S17.1.SAT': countsWith(30, 60), 'S17.2.1': countsWith(5, 10) };
    const report = scoreInstrument(s17, counts, settingsWith({ factorRollup: 'factor_question' }));
    expect(report.factors[0]).toMatchObject({ method: 'factor_question', index: 50, x: 30, n: 60, criteria: 1 });
    expect(report.factors[0]!.wilson).toEqual(wilsonInterval(30, 60));
    // Factor 2 has criteria answered but no .SAT answers: no index from the question.
    expect(report.factors[1]).toMatchObject({ method: 'factor_question', index: null, criteria: 1 });
    expect(report.factorQuestions.map((q) => q.code)).toEqual(['S17.1.SAT', 'S17.2.SAT', 'S17.3.SAT', 'S17.4.SAT', 'S17.5.SAT']);
    expect(report.overall.index).toBe(50);

    const quay = scoreInstrument({ id: 'QUAY@1', definition: QUAY_V1 }, { 'QUAY.1': countsWith(3, 4) }, settingsWith({ factorRollup: 'factor_question' }));
    expect(quay.factors[0]).toMatchObject({ method: 'mean_of_criteria', index: 75 });
  });

  it('scores yes/no items (2 = Có) on their own and keeps them out of every roll-up', () => {
    const mixed = anInstrument({ parts: { S: { F: ['C', 'YN'] } }, binary: ['YN'], overall: 'ALL' });
    const report = scoreInstrument(mixed, { C: countsWith(1, 2), YN: [4, 1, 3, 0, 0, 0], ALL: countsWith(9, 10) }, settingsWith());
    expect(report.criteria[1]).toMatchObject({ code: 'YN', scale: 'binary', n: 4, x: 3, index: 75, mean: null, na: 4 });
    expect(report.factors[0]).toMatchObject({ index: 50, criteria: 1 });
    expect(scoreInstrument(mixed, { YN: [0, 1, 3, 0, 0, 0] }, settingsWith({ partRollup: 'answer_weighted' })).overall.index).toBeNull();
    // The overall question is reported, not mixed into the computed overall.
    expect([report.overallQuestion?.index, report.overall.index]).toEqual([90, 50]);
  });
});

describe('unit roll-up', () => {
  const one = anInstrument({ parts: { S: { F: ['C'] } } });
  const children = [{ C: countsWith(9, 10) }, { C: countsWith(1, 2) }];

  it('pooled sums the counts: 10 / 12', () => {
    const report = scoreUnits(one, children, settingsWith({ unitRollup: 'pooled' }));
    expect(report.criteria[0]).toMatchObject({ x: 10, n: 12, unitRollup: 'pooled' });
    expect(report.overall.index).toBeCloseTo(83.3333333, 6);
    expect(report.units).toBe(2);
  });

  it('mean_of_children averages the children’s indices at every level, without an interval', () => {
    const report = scoreUnits(one, [...children, { C: countsWith(0, 0, 5) }], settingsWith({ unitRollup: 'mean_of_children' }));
    for (const score of [report.criteria[0]!, report.factors[0]!, report.parts[0]!, report.overall]) {
      expect(score).toMatchObject({ index: 70, x: null, wilson: null, n: 12, minN: 2, unitRollup: 'mean_of_children', reliability: 'insufficient' });
    }
    expect(report.criteria[0]!.mean).toBeCloseTo((4.4 + 4) / 2, 9);
    expect(report.criteria[0]!.counts).toEqual([5, 0, 0, 2, 4, 6]);
    expect(report.units).toBe(3);
  });
});

describe('comparisons', () => {
  it('two-proportion z-test at 95%', () => {
    const notSignificant = compareProportions({ x: 80, n: 100 }, { x: 70, n: 100 })!;
    expect(notSignificant.diff).toBeCloseTo(10, 9);
    expect(notSignificant.z).toBeCloseTo(1.63299, 4);
    expect(notSignificant.pValue).toBeCloseTo(0.10247, 4);
    expect(notSignificant.significant).toBe(false);
    const significant = compareProportions({ x: 60, n: 100 }, { x: 80, n: 100 })!;
    expect(significant.z).toBeCloseTo(-3.08607, 4);
    expect(significant.pValue).toBeCloseTo(0.002028, 5);
    expect(significant.significant).toBe(true);
    expect(twoSidedP(1.959964)).toBeCloseTo(0.05, 6);
    expect(compareProportions({ x: 5, n: 5 }, { x: 9, n: 9 })).toEqual({ diff: 0, z: 0, pValue: 1, significant: false });
    expect(compareProportions({ x: 0, n: 0 }, { x: 9, n: 9 })).toBeNull();
  });

  it('compares shares between two reports, never means', () => {
    const settings = settingsWith({ factorRollup: 'answer_weighted' });
    const a = scoreInstrument(t4, t4Counts, settings);
    const b = scoreInstrument(t4, { ...t4Counts, C3: countsWith(20, 20) }, settings);
    expect(compareScores(a.factors[0]!, b.factors[0]!)).toEqual(compareProportions({ x: 23, n: 35 }, { x: 33, n: 35 }));
    expect(compareScores(a.parts[0]!, b.parts[0]!)).toBeNull();
  });
});

describe('quick rating and dossier verdict', () => {
  it('maps 5 points to three levels', () => {
    expect([5, 4, 3, 2, 1, 0].map(quickLevelOf)).toEqual(['rat_hai_long', 'hai_long', 'chua_hai_long', 'chua_hai_long', 'chua_hai_long', null]);
  });

  it('turns D18 indicator means into a verdict at 1.5 and 1.0 by default', () => {
    expect(dossierVerdict([2, 1])).toBe('rat_hai_long');
    expect(dossierVerdict([1, 1, 2, 0])).toBe('hai_long');
    expect(dossierVerdict([1, 0])).toBe('chua_hai_long');
    expect(dossierVerdict([])).toBeNull();
    expect(dossierVerdict([1, 1], { ratHaiLong: 1.8, haiLong: 0.9 })).toBe('hai_long');
  });
});
