import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../schema/errors.js';
import { DICTIONARIES, errorMessageKeys, translator } from './i18n.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('i18n dictionary', () => {
  const vi = DICTIONARIES.vi;
  const en = DICTIONARIES.en;

  it('has every key in both languages, none empty, none left untranslated by accident', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
    for (const [key, text] of Object.entries(vi)) {
      expect(text.trim(), `vi.${key}`).not.toBe('');
      expect(en[key as keyof typeof en].trim(), `en.${key}`).not.toBe('');
    }
    const same = Object.keys(vi).filter((k) => vi[k as keyof typeof vi] === en[k as keyof typeof en]);
    // Age ranges are written the same way in both languages.
    expect(same.sort()).toEqual(['age_25_39', 'age_40_59']);
  });

  it('uses the same placeholders in both languages', () => {
    for (const key of Object.keys(vi) as (keyof typeof vi)[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(vi[key]));
    }
  });

  it('words the five-point scale as the methodology does (§2)', () => {
    expect([vi.answer1, vi.answer2, vi.answer3, vi.answer4, vi.answer5]).toEqual([
      'Rất không hài lòng',
      'Không hài lòng',
      'Bình thường',
      'Hài lòng',
      'Rất hài lòng',
    ]);
    expect(vi.answerNa).toBe('Không có ý kiến');
    expect(vi.err_survey_point_retired).toBe('Mã QR này không còn được sử dụng');
    expect(vi.thanks).toContain('Cảm ơn Ông/Bà');
    expect(vi.offline).toContain('Mất kết nối – câu trả lời đã được lưu trên máy và sẽ tự gửi lại');
  });

  it('has a title and a body for every API error code and for a lost network', () => {
    for (const code of [...ERROR_CODES, 'network', 'http_418']) {
      const { title, body } = errorMessageKeys(code);
      expect(vi[title], code).toBeTruthy();
      expect(en[body], code).toBeTruthy();
    }
    expect(errorMessageKeys('invitation_used').title).toBe('err_invitation_used');
    expect(errorMessageKeys('internal').title).toBe('err_other');
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translator('vi')('stepOf', { n: 2, total: 3 })).toBe('Bước 2/3');
    expect(translator('en')('stepOf', { n: 2, total: 3 })).toBe('Step 2 of 3');
    expect(translator('en')('stepOf')).toBe('Step {n} of {total}');
  });
});
