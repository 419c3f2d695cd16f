import { describe, expect, it } from 'vitest';
import { labelChars, wrapLabel } from './chart-labels.js';

describe('chart labels on a narrow chart', () => {
  it('leave labels that fit alone', () => {
    expect(wrapLabel('Hài lòng chung', 20, 3)).toBe('Hài lòng chung');
    expect(wrapLabel(['1. Thái độ công chức', 'Kênh Mã QR'], 20, 3)).toEqual(['1. Thái độ công chức', 'Kênh Mã QR']);
  });

  it('break long ones at spaces, each part on its own lines, and cut what is left over', () => {
    expect(wrapLabel('Trung tâm Phục vụ hành chính công phường Giá Rai', 20, 3)).toEqual(['Trung tâm Phục vụ', 'hành chính công', 'phường Giá Rai']);
    expect(wrapLabel(['3. Thông tin thủ tục', 'Hộ kinh doanh · 2.000720 Đăng ký thay đổi nội dung'], 20, 3)).toEqual([
      '3. Thông tin thủ tục',
      'Hộ kinh doanh ·',
      '2.000720 Đăng ký…',
    ]);
    expect(wrapLabel('Xácđịnhlạimứcđộkhuyếttật', 12, 2)).toEqual(['Xácđịnhlạim…']);
  });

  it('fit about half of the chart’s width, never fewer than 12 characters', () => {
    expect(labelChars(320)).toBe(22);
    expect(labelChars(1000)).toBe(74);
    expect(labelChars(100)).toBe(12);
  });
});
