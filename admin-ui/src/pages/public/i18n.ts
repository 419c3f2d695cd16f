import type { Lang } from '../../i18n.js';

/** Words of the public page switch. Vietnamese is the source; English must carry every key (tsc checks). */
const vi = {
  nav: 'Trang công khai',
  title: 'Trang công khai kết quả',
  intro:
    'Mỗi tỉnh có một trang công khai, không cần đăng nhập: chỉ số hài lòng theo quý của từng trung tâm có từ 30 phiếu trở lên, xu hướng 8 quý và mục tiêu của tỉnh; không có ý kiến người dân hay tên cán bộ. Cùng số liệu có ở dạng dữ liệu mở (CSV, JSON). Tỉnh có thể tắt trang.',
  province: 'Tỉnh',
  state: 'Trạng thái',
  on: 'Đang bật',
  off: 'Đã tắt',
  turnOn: 'Bật trang công khai của {name}',
  turnOff: 'Tắt trang công khai của {name}',
  links: 'Địa chỉ',
  page: 'Trang',
  embed: 'Bản nhúng',
  embedCode: 'Mã nhúng vào cổng thông tin của tỉnh',
  embedTitle: 'Mức độ hài lòng – {name}',
  key: 'Khóa công khai kiểm tra chữ ký tệp kết xuất',
  keyId: 'Mã khóa {id}',
  none: 'Tài khoản này không quản lý cài đặt của tỉnh nào.',
};

type Key = keyof typeof vi;

const en: Record<Key, string> = {
  nav: 'Public page',
  title: 'Public results page',
  intro:
    "Each province has a public page, no sign-in needed: each centre's quarterly satisfaction index where at least 30 responded, the trend over 8 quarters and the province's target; no citizen's comment and no official's name. The same figures are open data (CSV, JSON). A province can switch its page off.",
  province: 'Province',
  state: 'State',
  on: 'On',
  off: 'Off',
  turnOn: "Switch on {name}'s public page",
  turnOff: "Switch off {name}'s public page",
  links: 'Addresses',
  page: 'Page',
  embed: 'Embeddable',
  embedCode: "Code to embed it in the province's portal",
  embedTitle: 'Citizen satisfaction – {name}',
  key: 'Public key that checks the signature of exported files',
  keyId: 'Key id {id}',
  none: "This account manages no province's settings.",
};

export function publicPageWords(lang: Lang) {
  const dict = lang === 'vi' ? vi : en;
  return { t: (key: Key, values: Record<string, string> = {}) => dict[key].replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '') };
}
