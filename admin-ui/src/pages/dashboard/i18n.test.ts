import { describe, expect, it } from 'vitest';
import { words } from './i18n.js';

describe('dashboard words with SCORE_DISPLAY=points10', () => {
  it('show indices, intervals, changes and axis ticks out of 10, with no percent sign', () => {
    for (const lang of ['vi', 'en'] as const) {
      const w = words(lang, { decimals: 2, rounding: 'half_away_from_zero', display: 'points10' });
      const shown = [w.index(84.6), w.interval(81.17, 87.5), w.pp(-1.23), w.pp(0), w.axis(50), w.axis(25), w.axis('100')];
      for (const text of shown) expect(text).not.toContain('%');
      expect(w.index(84.6)).toBe(lang === 'vi' ? '8,46 điểm' : '8.46 points');
      expect(w.axis(25)).toBe(lang === 'vi' ? '2,5 điểm' : '2.5 points');
    }
    const percent = words('vi', { decimals: 2, rounding: 'half_away_from_zero', display: 'percent' });
    expect([percent.index(84.6), percent.pp(1.234), percent.axis(50)]).toEqual(['84,60%', '+1,23 điểm %', '50%']);
  });
});
