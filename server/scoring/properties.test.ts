import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Counts, CountsByItem, ScoreReport, ScoringSettings } from '../../schema/scoring.js';
import { computeRollupDeltas } from '../rollups/deltas.js';
import { aRollupSource } from '../testing/rollups.js';
import { scoreInstrument, scoreUnits, wilsonInterval } from './index.js';
import { anInstrument, settingsWith } from '../testing/scoring.js';

/** Property tests of the engine, each 1,000 generated cases. */
const RUNS = { numRuns: 1000 };

const instrument = anInstrument({
  parts: { P: { PF: ['P1', 'P2'] }, S: { F1: ['C1', 'C2', 'C3'], F2: ['D1', 'D2'] } },
  factorQuestions: { F1: 'F1.SAT' },
  overall: 'ALL',
});
const CODES = ['P1', 'P2', 'C1', 'C2', 'C3', 'D1', 'D2', 'F1.SAT', 'ALL'];

const answer = fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constant(null));
const response = fc.dictionary(fc.constantFrom(...CODES), answer, { maxKeys: CODES.length });
const responses = fc.array(response, { maxLength: 60 });

const settingsArb: fc.Arbitrary<ScoringSettings> = fc
  .record({
    factorRollup: fc.constantFrom('mean_of_criteria', 'answer_weighted', 'factor_question'),
    partRollup: fc.constantFrom('mean_of_factors', 'item_count_weighted', 'answer_weighted'),
    unitRollup: fc.constantFrom('pooled', 'mean_of_children'),
    lowNMin: fc.integer({ min: 1, max: 50 }),
  })
  .map((s) => settingsWith(s));

const countsArb: fc.Arbitrary<Counts> = fc.tuple(
  fc.nat(40),
  fc.nat(40),
  fc.nat(40),
  fc.nat(40),
  fc.nat(40),
  fc.nat(40),
);
const countsByItem: fc.Arbitrary<CountsByItem> = fc.dictionary(fc.constantFrom(...CODES), countsArb);

/** Counts the way the dashboards get them: responses → rollup deltas → [na, 1..5] per item. */
function countsOf(answers: Record<string, number | null>[]): CountsByItem {
  const deltas = computeRollupDeltas(answers.map((a) => aRollupSource({ instrument_id: 'TEST@1', answers: a })));
  const counts: CountsByItem = {};
  for (const row of deltas.unitMonth) (counts[row.criterion] ??= [0, 0, 0, 0, 0, 0])[row.score as 0]! += row.n;
  return counts;
}

function everyScore(report: ScoreReport) {
  return [
    ...report.criteria,
    ...report.factorQuestions,
    ...(report.overallQuestion ? [report.overallQuestion] : []),
    ...report.factors,
    ...report.parts,
    report.overall,
  ];
}

/** Every number a reader sees, without the raw counts. */
const indices = (report: ScoreReport) =>
  everyScore(report).map(({ index, x, n, minN, wilson, flags, method }) => ({ index, x, n, minN, wilson, flags, method }));

describe('scoring properties', () => {
  it('does not depend on the order of the answers', () => {
    const shuffled = responses.chain((list) =>
      fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length })),
    );
    fc.assert(
      fc.property(shuffled, settingsArb, ([list, reordered], settings) => {
        expect(scoreInstrument(instrument, countsOf(reordered), settings)).toEqual(scoreInstrument(instrument, countsOf(list), settings));
      }),
      RUNS,
    );
  });

  it('rolling up two disjoint sets (pooled) equals scoring their union', () => {
    fc.assert(
      fc.property(responses, responses, settingsArb, (a, b, settings) => {
        const pooled = { ...settings, unitRollup: 'pooled' as const };
        const rolledUp = scoreUnits(instrument, [countsOf(a), countsOf(b)], pooled);
        expect(rolledUp).toEqual({ ...scoreInstrument(instrument, countsOf([...a, ...b]), pooled), units: 2 });
      }),
      RUNS,
    );
  });

  it('keeps every index and interval within [0, 100]', () => {
    fc.assert(
      fc.property(fc.array(countsByItem, { minLength: 1, maxLength: 4 }), settingsArb, (children, settings) => {
        for (const score of everyScore(scoreUnits(instrument, children, settings))) {
          if (score.index !== null) {
            expect(score.index).toBeGreaterThanOrEqual(0);
            expect(score.index).toBeLessThanOrEqual(100);
          }
          if (score.wilson) {
            expect(score.wilson.lower).toBeGreaterThanOrEqual(0);
            expect(score.wilson.upper).toBeLessThanOrEqual(100);
            expect(score.wilson.lower).toBeLessThanOrEqual(score.wilson.upper);
          }
        }
      }),
      RUNS,
    );
  });

  it('puts the point estimate inside its Wilson interval', () => {
    const share = fc.integer({ min: 1, max: 2_000_000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));
    fc.assert(
      fc.property(share, ([x, n]) => {
        const interval = wilsonInterval(x, n)!;
        const p = (100 * x) / n;
        expect(interval.lower).toBeLessThanOrEqual(p);
        expect(interval.upper).toBeGreaterThanOrEqual(p);
        expect(interval.halfWidth).toBeCloseTo((interval.upper - interval.lower) / 2, 12);
      }),
      RUNS,
    );
  });

  it('never changes an index when N/A answers are added', () => {
    fc.assert(
      fc.property(countsByItem, fc.dictionary(fc.constantFrom(...CODES), fc.integer({ min: 1, max: 1000 })), settingsArb, (counts, extra, settings) => {
        const withNa: CountsByItem = { ...counts };
        for (const [code, na] of Object.entries(extra)) {
          const base = counts[code] ?? [0, 0, 0, 0, 0, 0];
          withNa[code] = [base[0] + na, base[1], base[2], base[3], base[4], base[5]];
        }
        expect(indices(scoreInstrument(instrument, withNa, settings))).toEqual(indices(scoreInstrument(instrument, counts, settings)));
      }),
      RUNS,
    );
  });
});
