import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minutesToAnswer, planScreens, unanswered } from './screens.js';
import { aDefinition, anItem, quayLike, s17Like } from './test-builders.js';

describe('planScreens', () => {
  it('splits the 5-item QUAY into two short screens, in order', () => {
    const screens = planScreens(quayLike());
    expect(screens.map((s) => s.items.map((i) => i.code))).toEqual([
      ['QUAY.1', 'QUAY.2', 'QUAY.3'],
      ['QUAY.4', 'QUAY.ALL'],
    ]);
    expect(screens.every((s) => s.title === null)).toBe(true);
  });

  it('shows the 27-item S17 one factor per screen, titled by the factor, its .SAT question last', () => {
    const definition = s17Like();
    const screens = planScreens(definition);
    expect(screens.map((s) => s.items.length)).toEqual([5, 6, 7, 4, 5]);
    expect(screens.map((s) => s.title)).toEqual(definition.factors.map((f) => f.title));
    expect(screens[0]!.items.at(-1)!.code).toBe('S17.1.SAT');
  });

  it('puts questions of no factor (the overall question) on a last screen', () => {
    const definition = s17Like();
    definition.items.push(anItem('S17.ALL', null));
    const screens = planScreens(definition);
    expect(screens.at(-1)).toEqual({ title: 'overall', part: null, items: [definition.items.at(-1)] });
  });

  it('shows a two-part instrument part by part, each screen under its part title', () => {
    const items = ['P.1.1', 'P.1.2', 'S.1.1', 'S.1.2', 'S.2.1', 'P.2.1', 'S.2.2'].map((code) => anItem(code, code.slice(0, 3)));
    const policy = { vi: 'Chính sách', en: 'Policy' };
    const service = { vi: 'Dịch vụ', en: 'Service' };
    const definition = aDefinition(items, [], {
      parts: [
        { code: 'P', title: policy },
        { code: 'S', title: service },
      ],
      // Listed service first: the parts' order decides.
      factors: ['S.1', 'S.2', 'P.1', 'P.2'].map((code) => ({ code, part: code[0] as 'P' | 'S', title: { vi: code, en: code } })),
    });
    const screens = planScreens(definition);
    expect(screens.map((s) => [s.part?.vi, s.items.map((i) => i.code).join(' ')])).toEqual([
      ['Chính sách', 'P.1.1 P.1.2'],
      ['Chính sách', 'P.2.1'],
      ['Dịch vụ', 'S.1.1 S.1.2'],
      ['Dịch vụ', 'S.2.1 S.2.2'],
    ]);
    expect(planScreens(quayLike()).every((s) => s.part === null)).toBe(true);
  });

  it('shows every item exactly once, whatever the catalogue looks like', () => {
    const catalogue = fc
      .record({
        factorCount: fc.integer({ min: 1, max: 6 }),
        itemFactors: fc.array(fc.integer({ min: -1, max: 7 }), { minLength: 1, maxLength: 40 }),
      })
      .map(({ factorCount, itemFactors }) => {
        const factors = Array.from({ length: factorCount }, (_, i) => `F${i}`);
        // -1 = no factor; indexes past factorCount name a factor missing from the catalogue.
        const items = itemFactors.map((f, i) => anItem(`T.${i}`, f < 0 ? null : `F${f}`));
        return aDefinition(items, factors);
      });
    fc.assert(
      fc.property(catalogue, (definition) => {
        const shown = planScreens(definition).flatMap((s) => s.items.map((i) => i.code));
        expect(shown.sort()).toEqual(definition.items.map((i) => i.code).sort());
        expect(planScreens(definition).every((s) => s.items.length > 0)).toBe(true);
      }),
    );
  });
});

describe('unanswered', () => {
  it('treats "no opinion" (null) as an answer', () => {
    const items = quayLike().items;
    expect(unanswered(items, { 'QUAY.1': 5, 'QUAY.2': null }).map((i) => i.code)).toEqual(['QUAY.3', 'QUAY.4', 'QUAY.ALL']);
  });

  it('lets an item the questionnaire marks optional stay empty', () => {
    const items = [anItem('T.1', 'F'), anItem('T.2', 'F', { required: false }), anItem('T.3', 'F', { required: true })];
    expect(unanswered(items, {}).map((i) => i.code)).toEqual(['T.1', 'T.3']);
  });
});

describe('minutesToAnswer', () => {
  it('promises about a minute for QUAY and a few for S17', () => {
    expect(minutesToAnswer(quayLike())).toBe(1);
    expect(minutesToAnswer(s17Like())).toBe(4);
  });
});
