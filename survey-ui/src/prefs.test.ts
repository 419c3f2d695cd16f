import { describe, expect, it } from 'vitest';
import { applyPrefs, DEFAULT_PREFS, deviceMark, loadPrefs, PREFS_KEY, savePrefs } from './prefs.js';
import { memoryStore } from './test-builders.js';

describe('display preferences', () => {
  it('default to Vietnamese, normal text, normal contrast', () => {
    expect(loadPrefs(memoryStore())).toEqual({ lang: 'vi', size: 'normal', contrast: false });
  });

  it('are remembered', () => {
    const store = memoryStore();
    savePrefs(store, { lang: 'en', size: 'large', contrast: true });
    expect(loadPrefs(store)).toEqual({ lang: 'en', size: 'large', contrast: true });
  });

  it('fall back per field when the stored value is foreign', () => {
    const store = memoryStore();
    store.setItem(PREFS_KEY, JSON.stringify({ lang: 'fr', size: 'huge', contrast: 'yes' }));
    expect(loadPrefs(store)).toEqual(DEFAULT_PREFS);
    store.setItem(PREFS_KEY, 'not json');
    expect(loadPrefs(store)).toEqual(DEFAULT_PREFS);
  });

  it('set the page language and the classes the stylesheet keys on', () => {
    const root = { lang: '', className: 'stale' };
    applyPrefs(root, { lang: 'en', size: 'small', contrast: true }, true);
    expect(root).toEqual({ lang: 'en', className: 'text-small contrast kiosk' });
    applyPrefs(root, DEFAULT_PREFS, false);
    expect(root).toEqual({ lang: 'vi', className: 'text-normal' });
  });
});

describe('deviceMark', () => {
  it('is a random id made once per device', () => {
    const store = memoryStore();
    const mark = deviceMark(store);
    expect(mark).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deviceMark(store)).toBe(mark);
    expect(deviceMark(memoryStore())).not.toBe(mark);
  });
});
