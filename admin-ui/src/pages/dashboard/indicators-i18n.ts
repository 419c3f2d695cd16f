import type { Lang } from './i18n.js';

/** Words of the indicators tab (TT 01/2018/TT-VPCP, QĐ 766/QĐ-TTg). Vietnamese is the source. */
const vi = {
  periodNote: 'Các chỉ tiêu được tính theo quý hoặc năm: {label}.',
  quarterLabel: 'Quý {q}/{y}',
  yearLabel: 'Năm {y}',
  noDossiers: 'Chưa có hồ sơ nào có dữ liệu đánh giá trong kỳ và phạm vi này. Phần mềm một cửa gửi dữ liệu qua API phiếu mời (xem /api/openapi.json).',
  art15: 'Chỉ tiêu không có dữ liệu được bỏ qua, không tính là 0 điểm (Điều 15 Thông tư 01/2018/TT-VPCP); tổng điểm chỉ cộng các chỉ tiêu có dữ liệu.',
  withoutData: 'Không có dữ liệu trong kỳ này: {list}.',
  agencies: 'Cơ quan, đơn vị (9 chỉ tiêu, tối đa 18 điểm)',
  officials: 'Cán bộ, công chức (chỉ tiêu 1, 2, 3, 4, 7; tối đa 10 điểm)',
  unit: 'Đơn vị',
  official: 'Cán bộ',
  dossiers: 'Số hồ sơ',
  total: 'Tổng điểm',
  outOf: '/{max}',
  classification: 'Xếp loại',
  completion: 'Mức hoàn thành',
  omittedCell: 'không có dữ liệu',
  givenCell: 'đơn vị tự chấm',
  nDossiers: '{n} hồ sơ',
  q766Title: 'Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC (QĐ 766/QĐ-TTg, chỉ số 5.4)',
  q766Rule: 'Tỷ lệ = 100% − (% hồ sơ quá hạn + % hồ sơ có phản ánh, kiến nghị hoặc không hài lòng); đủ 6 điểm khi tỷ lệ từ 90% trở lên.',
  q766Rate: 'Tỷ lệ',
  q766Points: 'Điểm (tối đa {max})',
  q766Overdue: 'Hồ sơ quá hạn',
  q766Disliked: 'Có phản ánh hoặc không hài lòng',
  q766Both: 'trong đó cả hai',
  q766Scope: 'Toàn phạm vi',
  dedupe: 'Đếm một lần hồ sơ vừa quá hạn vừa bị phản ánh',
  na: 'không áp dụng',
  legend: 'Các chỉ tiêu',
  level_dossier: 'theo hồ sơ',
  level_unit: 'theo đơn vị',
  level_both: 'theo hồ sơ và đơn vị',
  complete_100: 'Hoàn thành 100% (≥ 5 điểm)',
  complete_70_100: 'Hoàn thành 70% đến dưới 100% (3,5 đến dưới 5 điểm)',
  below_70: 'Hoàn thành dưới 70% (dưới 3,5 điểm)',
  xuat_sac: 'Xuất sắc (≥ 15)',
  tot: 'Tốt (12 đến dưới 15)',
  kha: 'Khá (9 đến dưới 12)',
  trung_binh: 'Trung bình (6 đến dưới 9)',
  yeu: 'Yếu (dưới 6)',
  noClass: 'chưa xếp loại (không có dữ liệu)',
  indicatorShort: 'Chỉ tiêu {n}',
};

type Key = keyof typeof vi;

const en: Record<Key, string> = {
  periodNote: 'Indicators are reported per quarter or year: {label}.',
  quarterLabel: 'Q{q} {y}',
  yearLabel: 'Year {y}',
  noDossiers: 'No dossier with evaluation data in this period and scope yet. The one-stop software sends it through the invitation API (see /api/openapi.json).',
  art15: 'An indicator without data is left out, not scored 0 (Art. 15, Circular 01/2018/TT-VPCP); totals add only the indicators with data.',
  withoutData: 'No data in this period: {list}.',
  agencies: 'Agencies and units (nine indicators, 18 points at most)',
  officials: 'Officials (indicators 1, 2, 3, 4, 7; 10 points at most)',
  unit: 'Unit',
  official: 'Official',
  dossiers: 'Dossiers',
  total: 'Total',
  outOf: '/{max}',
  classification: 'Classification',
  completion: 'Completion',
  omittedCell: 'no data',
  givenCell: 'given by the unit',
  nDossiers: '{n} dossiers',
  q766Title: 'Satisfaction in receiving and handling procedures (Decision 766/QĐ-TTg, indicator 5.4)',
  q766Rule: 'Rate = 100% − (% overdue dossiers + % dossiers with a complaint or dislike); full 6 points from 90%.',
  q766Rate: 'Rate',
  q766Points: 'Points (of {max})',
  q766Overdue: 'Overdue dossiers',
  q766Disliked: 'With a complaint or dislike',
  q766Both: 'of which both',
  q766Scope: 'Whole scope',
  dedupe: 'Count a dossier both overdue and complained about once',
  na: 'not applicable',
  legend: 'The indicators',
  level_dossier: 'per dossier',
  level_unit: 'per unit',
  level_both: 'per dossier and unit',
  complete_100: '100% complete (≥ 5 points)',
  complete_70_100: '70% to under 100% complete (3.5 to under 5)',
  below_70: 'Under 70% complete (under 3.5)',
  xuat_sac: 'Excellent (≥ 15)',
  tot: 'Good (12 to under 15)',
  kha: 'Fair (9 to under 12)',
  trung_binh: 'Average (6 to under 9)',
  yeu: 'Weak (under 6)',
  noClass: 'not classified (no data)',
  indicatorShort: 'Indicator {n}',
};

export interface IndicatorWords {
  t(key: Key, values?: Record<string, string | number>): string;
  /** One-decimal scores (TT 01/2018 rounds them so), with the language's decimal mark. */
  score(value: number): string;
  /** Two decimals (QĐ 766 rates in percent, and its points). */
  two(value: number): string;
}

export function indicatorWords(lang: Lang): IndicatorWords {
  const dict = lang === 'vi' ? vi : en;
  const one = new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const two = new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return {
    t: (key, values) => dict[key].replace(/\{(\w+)\}/g, (_, name: string) => String(values?.[name] ?? `{${name}}`)),
    score: (value) => one.format(value),
    two: (value) => two.format(value),
  };
}
