import type { Lang } from '../../i18n.js';

/** Words of the call-back contact panel. Vietnamese is the source; English must carry every key (tsc checks). */
const vi = {
  title: 'Người dân đề nghị liên hệ lại',
  phone: 'Số điện thoại',
  email: 'Thư điện tử',
  leftAt: 'Để lại lúc',
  consent: 'Người dân đã đồng ý với nội dung',
  keptUntil: 'Sẽ tự động xóa vào',
  keptOpen: '{days} ngày sau khi vụ việc được đóng.',
  onlyYou: 'Chỉ cán bộ được giao xử lý vụ việc xem được thông tin này. Không sao chép ra ngoài hệ thống.',
  notAssignee: 'Thông tin liên hệ chỉ hiển thị cho cán bộ được giao xử lý vụ việc.',
  gone: 'Không có thông tin liên hệ (người dân không để lại, hoặc đã bị xóa khi hết thời hạn lưu).',
};
type Key = keyof typeof vi;

const en: Record<Key, string> = {
  title: 'The citizen asked to be contacted',
  phone: 'Phone number',
  email: 'E-mail',
  leftAt: 'Left at',
  consent: 'The citizen consented to',
  keptUntil: 'Deleted automatically on',
  keptOpen: '{days} days after the case is closed.',
  onlyYou: 'Only the official assigned to this case sees this. Do not copy it out of the platform.',
  notAssignee: 'The contact is shown only to the official assigned to the case.',
  gone: 'No contact (none was left, or it was deleted when its retention period ended).',
};

export function callbackWords(lang: Lang) {
  const table: Record<Key, string> = lang === 'vi' ? vi : en;
  return (key: Key, params: Record<string, string | number> = {}) =>
    table[key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}
