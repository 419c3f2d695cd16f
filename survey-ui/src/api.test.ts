import { describe, expect, it } from 'vitest';
import { codeFromPath, embeddedLoad } from './api.js';
import { quayLike } from './test-builders.js';

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
      commentMaxChars: 2000,
    };
    const page = (text: string | null) => ({
      getElementById: (id: string) => (id === 'survey-data' && text !== null ? ({ textContent: text } as HTMLElement) : null),
    });
    expect(embeddedLoad(page(JSON.stringify(survey)), 'ABCDEFGHJK')).toEqual({ kind: 'ok', survey });
    expect(embeddedLoad(page(JSON.stringify(survey)), 'OTHERCODE1')).toBeNull();
    expect(embeddedLoad(page(JSON.stringify({ ...survey, instrument: {} })), 'ABCDEFGHJK')).toBeNull();
    expect(embeddedLoad(page('{"code":'), 'ABCDEFGHJK')).toBeNull();
    expect(embeddedLoad(page(null), 'ABCDEFGHJK')).toBeNull();
  });

  it('shows the error page the server embedded without asking again', () => {
    const page = { getElementById: () => ({ textContent: '{"error":{"code":"survey_point_retired","message":"gone"}}' }) as HTMLElement };
    expect(embeddedLoad(page, 'ABCDEFGHJK')).toEqual({ kind: 'error', code: 'survey_point_retired' });
  });
});
