import type { ResponseImportErrorCode } from '../../../../schema/exports.js';
import type { Lang } from '../../i18n.js';

/** Words of the exports and paper-import page. Vietnamese is the source; English must carry every key (tsc checks). */
const vi = {
  nav: 'Xuất, nhập dữ liệu',
  title: 'Xuất báo cáo và nhập phiếu giấy',
  intro: 'Mọi lần xuất dữ liệu đều được ghi vào nhật ký kiểm tra.',
  exportTitle: 'Xuất dữ liệu',
  unit: 'Đơn vị',
  allUnits: 'Toàn bộ phạm vi của tôi',
  from: 'Từ ngày',
  to: 'Đến ngày',
  periodHint: 'Mặc định: quý hiện tại ({label}).',
  instrument: 'Bộ câu hỏi',
  autoInstrument: 'Tự động (bộ có nhiều phiếu nhất)',
  what: 'Loại dữ liệu',
  summary: 'Tổng hợp SIPAS (Excel)',
  summaryHint: 'Mỗi cấp đơn vị một trang: chỉ số chung, yếu tố, tiêu chí, n, khoảng tin cậy, kỳ trước, tỷ lệ phản hồi; kèm trang phương pháp.',
  summaryCsv: 'Tổng hợp SIPAS (CSV)',
  summaryCsvHint: 'Mỗi dòng một đơn vị × chỉ số (chung, yếu tố, tiêu chí): số phiếu, n, chỉ số, khoảng tin cậy, kỳ trước, ghi chú; UTF-8, mở được bằng Excel.',
  rawCsv: 'Phiếu khảo sát thô (CSV)',
  rawCsvHint: 'Mỗi phiếu một dòng, UTF-8 có BOM để Excel hiển thị đúng tiếng Việt. Phù hợp với dữ liệu lớn.',
  rawXlsx: 'Phiếu khảo sát thô (Excel)',
  rawXlsxHint: 'Cùng nội dung với CSV, điểm là số, thời điểm là ngày giờ.',
  report: 'Báo cáo in (A4)',
  reportHint: 'Mở trong thẻ mới; dùng lệnh In của trình duyệt (Ctrl+P) để in hoặc lưu PDF.',
  download: 'Tải xuống',
  open: 'Mở báo cáo',
  importTitle: 'Nhập phiếu khảo sát giấy',
  importIntro:
    'Tệp CSV hoặc Excel theo đúng mẫu cột của tệp "Phiếu khảo sát thô". Để trống cột Mã phiếu với phiếu giấy. Phiếu được lưu với kênh "paper"; nhập lại cùng tệp không tạo phiếu trùng.',
  importInto: 'Nhập vào đơn vị',
  file: 'Tệp phiếu (CSV hoặc Excel)',
  preview: 'Kiểm tra',
  commit: 'Xác nhận nhập',
  checking: 'Đang kiểm tra…',
  importing: 'Đang nhập…',
  template: 'Tải tệp mẫu (xuất phiếu thô của đơn vị)',
  errors: 'Có {n} lỗi: chưa nhập phiếu nào. Sửa tệp rồi kiểm tra lại.',
  previewOk: '{n} dòng hợp lệ: {imported} phiếu mới, {duplicates} phiếu đã có, {skipped} phiếu bỏ qua (gắn cờ nghi vấn).',
  done: 'Đã nhập {imported} phiếu mới ({duplicates} phiếu đã có, {skipped} phiếu bỏ qua).',
  showing: 'Hiển thị {n} dòng đầu.',
  action: 'Xử lý',
  time: 'Thời điểm',
  counter: 'Quầy',
  answers: 'Điểm',
  comment: 'Góp ý',
  action_new: 'Phiếu mới',
  action_duplicate: 'Đã có',
  action_skipped: 'Bỏ qua',
} as const;

type Key = keyof typeof vi;

const en: Record<Key, string> = {
  nav: 'Exports and imports',
  title: 'Exports and paper-form import',
  intro: 'Every export is recorded in the audit log.',
  exportTitle: 'Export',
  unit: 'Unit',
  allUnits: 'Everything in my area',
  from: 'From',
  to: 'To',
  periodHint: 'Default: the current quarter ({label}).',
  instrument: 'Instrument',
  autoInstrument: 'Automatic (the one with most responses)',
  what: 'What',
  summary: 'SIPAS summary (Excel)',
  summaryHint: 'A sheet per level of units: overall, factor and criterion indices, n, 95% intervals, the period before, response rate; plus the methodology.',
  summaryCsv: 'SIPAS summary (CSV)',
  summaryCsvHint: 'One row per unit × index (overall, factor, criterion): responses, n, index, interval, period before, notes; UTF-8, opens in Excel.',
  rawCsv: 'Raw responses (CSV)',
  rawCsvHint: 'One row per response, UTF-8 with BOM so Excel shows Vietnamese correctly. Best for large exports.',
  rawXlsx: 'Raw responses (Excel)',
  rawXlsxHint: 'The same content as the CSV, with scores as numbers and times as dates.',
  report: 'Printable report (A4)',
  reportHint: "Opens in a new tab; use the browser's Print (Ctrl+P) to print or save as PDF.",
  download: 'Download',
  open: 'Open report',
  importTitle: 'Import paper forms',
  importIntro:
    'A CSV or Excel file in the column layout of the raw responses export. Leave the response id blank for paper forms. Responses are stored on channel "paper"; importing the same file again adds nothing.',
  importInto: 'Import into',
  file: 'File (CSV or Excel)',
  preview: 'Check',
  commit: 'Confirm import',
  checking: 'Checking…',
  importing: 'Importing…',
  template: "Download a template (the unit's raw export)",
  errors: '{n} errors: nothing was imported. Fix the file and check it again.',
  previewOk: '{n} valid rows: {imported} new, {duplicates} already stored, {skipped} skipped (flagged suspect).',
  done: 'Imported {imported} new responses ({duplicates} already stored, {skipped} skipped).',
  showing: 'Showing the first {n} rows.',
  action: 'Action',
  time: 'Time',
  counter: 'Counter',
  answers: 'Scores',
  comment: 'Comment',
  action_new: 'New',
  action_duplicate: 'Already stored',
  action_skipped: 'Skipped',
};

const REASONS: Record<Lang, Record<ResponseImportErrorCode, string>> = {
  vi: {
    file_unreadable: 'Không đọc được tệp',
    missing_column: 'Thiếu cột',
    unknown_column: 'Cột không hợp lệ',
    required: 'Thiếu dữ liệu',
    invalid_value: 'Giá trị không hợp lệ',
    invalid_date: 'Ngày giờ không hợp lệ',
    not_found: 'Không tìm thấy',
    out_of_scope: 'Ngoài phạm vi',
    wrong_instrument: 'Sai bộ câu hỏi',
    no_survey_point: 'Chưa có điểm khảo sát',
    duplicate_in_file: 'Trùng trong tệp',
    too_long: 'Quá dài',
  },
  en: {
    file_unreadable: 'Unreadable file',
    missing_column: 'Missing column',
    unknown_column: 'Unknown column',
    required: 'Missing value',
    invalid_value: 'Invalid value',
    invalid_date: 'Invalid date',
    not_found: 'Not found',
    out_of_scope: 'Outside your area',
    wrong_instrument: 'Wrong instrument',
    no_survey_point: 'No survey point',
    duplicate_in_file: 'Duplicate in file',
    too_long: 'Too long',
  },
};

export interface ExportWords {
  t(key: Key, params?: Record<string, string | number>): string;
  reason(code: ResponseImportErrorCode): string;
}

export function exportWords(lang: Lang): ExportWords {
  const table: Record<Key, string> = lang === 'vi' ? vi : en;
  return {
    t: (key, params = {}) => table[key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`)),
    reason: (code) => REASONS[lang][code],
  };
}
