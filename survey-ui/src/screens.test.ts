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
    expect(screens.at(-1)).toEqual({ title: 'overall', items: [definition.items.at(-1)] });
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
});

describe('minutesToAnswer', () => {
  it('promises about a minute for QUAY and a few for S17', () => {
    expect(minutesToAnswer(quayLike())).toBe(1);
    expect(minutesToAnswer(s17Like())).toBe(4);
  });
});
