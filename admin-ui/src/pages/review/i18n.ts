import type { ReviewState, SuspectReason } from '../../../../schema/review.js';
import type { Lang } from '../../i18n.js';

/** Words of the review page. Vietnamese is the source; English must carry every key (tsc checks). */
const vi = {
  nav: 'Duyệt phiếu nghi vấn',
  title: 'Duyệt phiếu nghi vấn',
  intro:
    'Phiếu bị gắn cờ nghi vấn (ví dụ nhiều phiếu từ cùng một địa chỉ mạng trong một giờ) vẫn được lưu nhưng không được tính vào chỉ số. Chấp nhận để tính phiếu vào chỉ số; loại để giữ phiếu ngoài chỉ số. Mọi quyết định được ghi vào nhật ký kiểm tra.',
  unit: 'Đơn vị',
  status: 'Trạng thái',
  pending: 'Chờ duyệt',
  accepted: 'Đã chấp nhận',
  rejected: 'Đã loại',
  countsLabel: 'Số phiếu bị gắn cờ',
  reasonsLabel: 'Phiếu chờ duyệt theo lý do',
  reason_address_limit: 'Quá nhiều phiếu từ một địa chỉ mạng',
  reason_device_limit: 'Quá nhiều phiếu từ một thiết bị',
  reason_kiosk_gap: 'Hai phiếu quá sát nhau tại máy tính bảng',
  reason_other: 'Khác',
  groupsTitle: 'Theo điểm khảo sát và giờ',
  groupsIntro: 'Một đợt gửi dồn dập hiện thành một dòng có nhiều phiếu; cột "Đang tính" cho biết số phiếu cùng giờ đã được tính vào chỉ số.',
  when: 'Thời gian',
  point: 'Điểm khảo sát',
  flagged: 'Phiếu',
  counted: 'Đang tính',
  reasons: 'Lý do',
  show: 'Xem các phiếu',
  showing: 'Đang xem: {point}, {when}',
  showAll: 'Xem tất cả',
  itemsTitle: 'Phiếu',
  submittedAt: 'Gửi lúc',
  answers: 'Điểm',
  comment: 'Góp ý',
  channel: 'Kênh',
  select: 'Chọn phiếu gửi lúc {at}',
  selectPage: 'Chọn mọi phiếu trên trang',
  selected: 'Đã chọn {n} phiếu',
  accept: 'Chấp nhận',
  reject: 'Loại',
  acceptSelected: 'Chấp nhận phiếu đã chọn',
  rejectSelected: 'Loại phiếu đã chọn',
  confirmAccept: 'Tính {n} phiếu vào chỉ số?',
  confirmReject: 'Giữ {n} phiếu ngoài chỉ số?',
  done: 'Đã cập nhật {changed} phiếu ({unchanged} phiếu không đổi).',
  reviewedAt: 'Duyệt lúc {at}',
  noComment: '—',
  noneFlagged: 'Không có phiếu nào ở trạng thái này.',
} as const;

type Key = keyof typeof vi;

const en: Record<Key, string> = {
  nav: 'Review flagged answers',
  title: 'Review flagged answers',
  intro:
    'Answers flagged as suspect (for example many from one network address within an hour) are stored but left out of every score. Accept one to count it; reject it to keep it out. Every decision is recorded in the audit log.',
  unit: 'Unit',
  status: 'State',
  pending: 'Awaiting review',
  accepted: 'Accepted',
  rejected: 'Rejected',
  countsLabel: 'Flagged answers',
  reasonsLabel: 'Answers awaiting review by reason',
  reason_address_limit: 'Too many from one network address',
  reason_device_limit: 'Too many from one device',
  reason_kiosk_gap: 'Too soon after the previous one at a kiosk tablet',
  reason_other: 'Other',
  groupsTitle: 'By survey point and hour',
  groupsIntro: 'A burst shows as one row with many answers; "Counted" is how many answers of that hour count in the scores.',
  when: 'Time',
  point: 'Survey point',
  flagged: 'Answers',
  counted: 'Counted',
  reasons: 'Reasons',
  show: 'Show answers',
  showing: 'Showing: {point}, {when}',
  showAll: 'Show all',
  itemsTitle: 'Answers',
  submittedAt: 'Sent at',
  answers: 'Scores',
  comment: 'Comment',
  channel: 'Channel',
  select: 'Select the answer sent at {at}',
  selectPage: 'Select every answer on this page',
  selected: '{n} selected',
  accept: 'Accept',
  reject: 'Reject',
  acceptSelected: 'Accept selected',
  rejectSelected: 'Reject selected',
  confirmAccept: 'Count {n} answers in the scores?',
  confirmReject: 'Keep {n} answers out of the scores?',
  done: 'Updated {changed} answers ({unchanged} unchanged).',
  reviewedAt: 'Reviewed {at}',
  noComment: '—',
  noneFlagged: 'No answers in this state.',
};

export interface ReviewWords {
  t(key: Key, params?: Record<string, string | number>): string;
  state(state: ReviewState): string;
  reason(reason: SuspectReason | 'other'): string;
}

export function reviewWords(lang: Lang): ReviewWords {
  const table: Record<Key, string> = lang === 'vi' ? vi : en;
  const t = (key: Key, params: Record<string, string | number> = {}) =>
    table[key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
  return { t, state: (state) => t(state), reason: (reason) => t(`reason_${reason}`) };
}
