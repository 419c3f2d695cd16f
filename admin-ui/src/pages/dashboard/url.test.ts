import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommentsQuery, DashboardFilter, RankingQuery, TrendsQuery, WeakQuery } from '../../../../schema/dashboard.js';
import { heatColors } from './colors.js';
import { words } from './i18n.js';
import { apiQuery, hrefFor, paramsOf, viewOf } from './url.js';

describe('dashboard URLs', () => {
  it('map paths to views, unknown ones to the overview', () => {
    expect(viewOf('/admin/dashboard')).toBe('overview');
    expect(viewOf('/admin/dashboard/')).toBe('overview');
    expect(viewOf('/admin/dashboard/weak')).toBe('weak');
    expect(viewOf('/admin/dashboard/comments/')).toBe('comments');
    expect(viewOf('/admin/dashboard/nope')).toBe('overview');
  });

  it('round-trip filters through the address, sorted, and reset paging when a filter changes', () => {
    const href = hrefFor('comments', { period: 'year', at: '2026', offset: '40' }, { q: 'quầy 3 & <b>', counterId: 'abc' });
    expect(href).toBe('/admin/dashboard/comments?at=2026&counterId=abc&period=year&q=qu%E1%BA%A7y+3+%26+%3Cb%3E');
    expect(paramsOf(href.slice(href.indexOf('?')))).toEqual({ at: '2026', counterId: 'abc', period: 'year', q: 'quầy 3 & <b>' });
    expect(hrefFor('comments', { offset: '40' }, { offset: '60' })).toBe('/admin/dashboard/comments?offset=60');
    expect(hrefFor('overview', { counterId: 'abc' }, { counterId: undefined })).toBe('/admin/dashboard');
  });

  it('send each endpoint only the keys its strict schema accepts', () => {
    const schemas = { overview: DashboardFilter, weak: WeakQuery, trends: TrendsQuery, ranking: RankingQuery, comments: CommentsQuery } as const;
    const anyParams = fc.dictionary(
      fc.constantFrom('unitId', 'period', 'at', 'counterId', 'field', 'criterion', 'maxScore', 'q', 'offset', 'interval', 'series', 'level', 'measure', 'sort', 'dir', 'includeInsufficient'),
      fc.constant('x'),
    );
    fc.assert(
      fc.property(fc.constantFrom(...(Object.keys(schemas) as (keyof typeof schemas)[])), anyParams, (view, params) => {
        const sent = paramsOf(apiQuery(view, params));
        const known = new Set(Object.keys(schemas[view].shape));
        for (const key of Object.keys(sent)) expect(known.has(key), `${view} ${key}`).toBe(true);
      }),
    );
  });
});

describe('dashboard formats', () => {
  it('Vietnamese by default: 87,92%, dd/mm/yyyy, dotted thousands', () => {
    const vi = words('vi');
    expect(vi.index(87.915)).toBe('87,92%');
    expect(vi.index(null)).toBe('—');
    expect(vi.day('2026-11-05')).toBe('05/11/2026');
    expect(vi.int(12345)).toBe('12.345');
    expect(vi.pp(-2.5)).toBe('−2,50 điểm %');
    expect(vi.pp(-0.001)).toBe('±0,00 điểm %');
    expect(words('en').index(87.915)).toBe('87.92%');
    expect(words('vi', { decimals: 2, rounding: 'half_away_from_zero', display: 'points10' }).index(84.6)).toBe('8,46 điểm');
    expect(vi.dateTime('2026-11-20T03:00:00Z')).toBe('20/11/2026 10:00');
  });

  it('heatmap text keeps 4.5:1 contrast on every fill', () => {
    const luminance = (css: string) => {
      const hex = css.startsWith('#') ? [1, 3, 5].map((i) => parseInt(css.slice(i, i + 2), 16)) : css.match(/\d+/g)!.map(Number);
      const [r, g, b] = hex.map((c) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      }) as [number, number, number];
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    for (let share = 0; share <= 100; share += 0.5) {
      const { background, color } = heatColors(share);
      const [a, b] = [luminance(background), luminance(color)].sort((x, y) => y - x) as [number, number];
      expect((a + 0.05) / (b + 0.05), `${share}%`).toBeGreaterThanOrEqual(4.5);
    }
  });
});
