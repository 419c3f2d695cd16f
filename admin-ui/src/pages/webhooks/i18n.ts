import type { Lang } from '../../i18n.js';

/** Words of the webhooks page. Vietnamese is the source; English must carry every key (tsc checks). */
const vi = {
  nav: 'Webhook',
  title: 'Webhook và nhật ký gửi',
  intro:
    'Hệ thống gửi sự kiện (phiếu mới, cảnh báo mới, hồ sơ theo dõi thay đổi) tới địa chỉ của hệ thống khác, ký bằng HMAC-SHA256. Sự kiện chưa gửi được sẽ được gửi lại, chờ lâu dần, theo đúng thứ tự của từng đối tượng.',
  adminOnly: 'Chỉ quản trị hệ thống quản lý webhook.',
  newSubscription: 'Thêm địa chỉ nhận',
  url: 'Địa chỉ nhận (http:// hoặc https://)',
  events: 'Sự kiện',
  secretOnce: 'Khóa ký của địa chỉ này chỉ hiện một lần. Hãy lưu vào hệ thống nhận để kiểm tra chữ ký (tiêu đề X-SIPAS-Signature).',
  subscriptions: 'Địa chỉ nhận',
  none: 'Chưa có địa chỉ nhận nào.',
  createdAt: 'Tạo lúc',
  waiting: 'Chờ gửi',
  failed: 'Bỏ cuộc',
  actions: 'Thao tác',
  sendTest: 'Gửi sự kiện thử',
  testQueued: 'Đã xếp sự kiện thử vào hàng gửi.',
  remove: 'Xóa',
  confirmRemove: 'Xóa địa chỉ nhận {url}? Các sự kiện chưa gửi của địa chỉ này sẽ bị hủy.',
  create: 'Thêm',
  deliveries: 'Nhật ký gửi gần đây',
  noDeliveries: 'Chưa có lần gửi nào.',
  refresh: 'Tải lại',
  time: 'Thời điểm',
  event: 'Sự kiện',
  subject: 'Đối tượng',
  status: 'Trạng thái',
  attempts: 'Số lần thử',
  nextRetry: 'Thử lại lúc',
  lastError: 'Lỗi gần nhất',
  pending: 'Đang chờ',
  delivered: 'Đã gửi',
  failedStatus: 'Bỏ cuộc',
  cancelled: 'Đã hủy',
  'response.created': 'Phiếu khảo sát mới',
  'alert.opened': 'Cảnh báo mới',
  'case.updated': 'Hồ sơ theo dõi thay đổi',
};

type Key = keyof typeof vi;

const en: Record<Key, string> = {
  nav: 'Webhooks',
  title: 'Webhooks and delivery log',
  intro:
    'The platform sends events (a new response, a new alert, a follow-up case changed) to another system’s address, signed with HMAC-SHA256. Events that could not be delivered are sent again, waiting longer each time, in order for each subject.',
  adminOnly: 'Only a system administrator manages webhooks.',
  newSubscription: 'Add a receiving address',
  url: 'Receiving address (http:// or https://)',
  events: 'Events',
  secretOnce: 'This address’s signing secret is shown only once. Keep it in the receiving system to check the signature (the X-SIPAS-Signature header).',
  subscriptions: 'Receiving addresses',
  none: 'No receiving address yet.',
  createdAt: 'Created',
  waiting: 'Waiting',
  failed: 'Given up',
  actions: 'Actions',
  sendTest: 'Send a test event',
  testQueued: 'A test event is queued for sending.',
  remove: 'Delete',
  confirmRemove: 'Delete the receiving address {url}? Its undelivered events are cancelled.',
  create: 'Add',
  deliveries: 'Recent deliveries',
  noDeliveries: 'No delivery yet.',
  refresh: 'Refresh',
  time: 'Time',
  event: 'Event',
  subject: 'Subject',
  status: 'Status',
  attempts: 'Attempts',
  nextRetry: 'Next retry',
  lastError: 'Last error',
  pending: 'Pending',
  delivered: 'Delivered',
  failedStatus: 'Given up',
  cancelled: 'Cancelled',
  'response.created': 'New survey response',
  'alert.opened': 'New alert',
  'case.updated': 'Follow-up case changed',
};

export function webhookWords(lang: Lang) {
  const dict = lang === 'vi' ? vi : en;
  return { t: (key: Key, values: Record<string, string> = {}) => dict[key].replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '') };
}
