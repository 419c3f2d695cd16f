import { describe, expect, it } from 'vitest';
import { codeFromPath, embeddedSurvey } from './api.js';
import { applyPrefs, DEFAULT_PREFS, deviceMark, loadPrefs, PREFS_KEY, savePrefs } from './prefs.js';
import { memoryStore, quayLike } from './test-builders.js';

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

describe('survey location', () => {
  it('reads the code from /s/<code>', () => {
    expect(codeFromPath('/s/ABCDEFGHJK')).toBe('ABCDEFGHJK');
    expect(codeFromPath('/s/ABCDEFGHJK/')).toBe('ABCDEFGHJK');
    expect(codeFromPath('/s/a%2Db')).toBe('a-b');
    expect(codeFromPath('/s/')).toBe('');
    expect(codeFromPath('/s/%E0%A4%A')).toBe('');
  });

  it('uses the survey embedded in the page only when it is the one asked for and well formed', () => {
    const survey = {
      code: 'ABCDEFGHJK',
      kind: 'point',
      unitName: 'Trung tâm',
      counterName: null,
      procedureName: null,
      kiosk: false,
      instrument: { id: 'QUAY@1', definition: quayLike() },
    };
    const page = (text: string | null) => ({
      getElementById: (id: string) => (id === 'survey-data' && text !== null ? ({ textContent: text } as HTMLElement) : null),
    });
    expect(embeddedSurvey(page(JSON.stringify(survey)), 'ABCDEFGHJK')).toEqual(survey);
    expect(embeddedSurvey(page(JSON.stringify(survey)), 'OTHERCODE1')).toBeNull();
    expect(embeddedSurvey(page(JSON.stringify({ ...survey, instrument: {} })), 'ABCDEFGHJK')).toBeNull();
    expect(embeddedSurvey(page('{"code":'), 'ABCDEFGHJK')).toBeNull();
    expect(embeddedSurvey(page(null), 'ABCDEFGHJK')).toBeNull();
  });
});
