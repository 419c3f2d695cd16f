import { describe, expect, it } from 'vitest';
import { queryString } from './api.js';
import { words } from './i18n.js';
import { match } from './router.js';

describe('router', () => {
  it('matches patterns with parameters, decoding them, and nothing else', () => {
    expect(match('/units/:id', '/units/abc')).toEqual({ id: 'abc' });
    expect(match('/units/:id', '/units/a%20b')).toEqual({ id: 'a b' });
    expect(match('/units/:id', '/units')).toBeUndefined();
    expect(match('/units/:id', '/units/abc/edit')).toBeUndefined();
    expect(match('/users/new', '/users/new')).toEqual({});
    expect(match('/', '/')).toEqual({});
  });
});

describe('words', () => {
  it('Vietnamese and English fill the same placeholders', () => {
    const vi = words('vi');
    const en = words('en');
    for (const key of ['importRows', 'signedInAs', 'rateLimited', 'passwordShownOnce'] as const) {
      const params = { n: 1, created: 2, updated: 3, unchanged: 4, name: 'X', min: 5, user: 'u' };
      expect(vi.t(key, params)).not.toMatch(/\{\w+\}/);
      expect(en.t(key, params)).not.toMatch(/\{\w+\}/);
    }
    expect(vi.role('centre_supervisor')).toBe('Phụ trách trung tâm');
    expect(en.kind('commune')).toBe('Commune/ward/special zone');
    expect(vi.importReason('duplicate_in_file')).toBe('Trùng trong tệp');
  });
});

describe('api client', () => {
  it('drops empty query values', () => {
    expect(queryString({ q: '', unitId: 'abc', limit: 10, includeInactive: false, x: undefined })).toBe('?unitId=abc&limit=10&includeInactive=false');
  });
});
