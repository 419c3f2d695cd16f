import { describe, expect, it } from 'vitest';
import { labelOnce } from './labels.js';

describe('labelOnce', () => {
  it('says the word once: a name that starts with it goes alone', () => {
    expect(labelOnce('Quầy', 'Quầy 1')).toBe('Quầy 1');
    expect(labelOnce('Quầy', 'Quầy 3 – Đất đai, xây dựng')).toBe('Quầy 3 – Đất đai, xây dựng');
    expect(labelOnce('Kênh', 'kênh Mã QR', ' ')).toBe('kênh Mã QR');
    expect(labelOnce('Counter', 'Counter 2')).toBe('Counter 2');
  });

  it('puts the word before any other name, with the separator asked for', () => {
    expect(labelOnce('Quầy', 'Tiếp nhận hồ sơ')).toBe('Quầy: Tiếp nhận hồ sơ');
    expect(labelOnce('Kênh', 'Mã QR', ' ')).toBe('Kênh Mã QR');
    expect(labelOnce('Lĩnh vực', 'Đất đai', ' ')).toBe('Lĩnh vực Đất đai');
    // A longer word that merely begins like the label is not the label.
    expect(labelOnce('Quầy', 'Quầyđơn')).toBe('Quầy: Quầyđơn');
  });
});
