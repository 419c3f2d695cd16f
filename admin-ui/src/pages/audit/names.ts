import type { Lang } from '../../i18n.js';

type Name = Record<Lang, string>;

/** What the audit log records changes to (`audit_log.entity`). */
export const AUDIT_ENTITIES: Record<string, Name> = {
  unit: { vi: 'Đơn vị', en: 'Unit' },
  counter: { vi: 'Quầy', en: 'Counter' },
  survey_point: { vi: 'Điểm khảo sát', en: 'Survey point' },
  staff: { vi: 'Cán bộ', en: 'Staff member' },
  procedure: { vi: 'Thủ tục', en: 'Procedure' },
  user: { vi: 'Tài khoản', en: 'Account' },
  api_key: { vi: 'Khóa API', en: 'API key' },
  import: { vi: 'Nhập dữ liệu', en: 'Import' },
  export: { vi: 'Xuất dữ liệu', en: 'Export' },
  response: { vi: 'Phiếu trả lời', en: 'Response' },
};

/** The actions the server records (`<entity>.<verb>`), as a person would say them. */
export const AUDIT_ACTIONS: Record<string, Name> = {
  'unit.create': { vi: 'Tạo đơn vị', en: 'Created a unit' },
  'unit.update': { vi: 'Sửa đơn vị', en: 'Edited a unit' },
  'unit.move': { vi: 'Chuyển đơn vị sang đơn vị cha khác', en: 'Moved a unit' },
  'unit.activate': { vi: 'Mở lại đơn vị', en: 'Reactivated a unit' },
  'unit.deactivate': { vi: 'Ngừng hoạt động đơn vị', en: 'Deactivated a unit' },
  'counter.create': { vi: 'Tạo quầy', en: 'Created a counter' },
  'counter.update': { vi: 'Sửa quầy', en: 'Edited a counter' },
  'counter.move': { vi: 'Chuyển quầy sang đơn vị khác', en: 'Moved a counter' },
  'counter.deactivate': { vi: 'Ngừng hoạt động quầy', en: 'Deactivated a counter' },
  'survey_point.create': { vi: 'Tạo điểm khảo sát', en: 'Created a survey point' },
  'survey_point.update': { vi: 'Sửa điểm khảo sát', en: 'Edited a survey point' },
  'survey_point.rotate_code': { vi: 'Đổi mã QR của điểm khảo sát', en: 'Replaced a survey point’s QR code' },
  'staff.create': { vi: 'Thêm cán bộ', en: 'Added a staff member' },
  'staff.update': { vi: 'Sửa cán bộ', en: 'Edited a staff member' },
  'staff.deactivate': { vi: 'Ngừng hoạt động cán bộ', en: 'Deactivated a staff member' },
  'procedure.create': { vi: 'Thêm thủ tục', en: 'Added a procedure' },
  'procedure.update': { vi: 'Sửa thủ tục', en: 'Edited a procedure' },
  'procedure.deactivate': { vi: 'Ngừng áp dụng thủ tục', en: 'Deactivated a procedure' },
  'import.commit': { vi: 'Nhập danh mục từ tệp', en: 'Imported a catalogue file' },
  'responses.import': { vi: 'Nhập phiếu giấy từ tệp', en: 'Imported paper responses' },
  'export.run': { vi: 'Xuất dữ liệu', en: 'Exported data' },
  'apikey.create': { vi: 'Tạo khóa API', en: 'Created an API key' },
  'apikey.revoke': { vi: 'Thu hồi khóa API', en: 'Revoked an API key' },
  'user.create': { vi: 'Tạo tài khoản', en: 'Created an account' },
  'user.update': { vi: 'Sửa tài khoản', en: 'Edited an account' },
  'user.activate': { vi: 'Mở lại tài khoản', en: 'Reactivated an account' },
  'user.deactivate': { vi: 'Khóa tài khoản', en: 'Deactivated an account' },
  'user.password_change': { vi: 'Tự đổi mật khẩu', en: 'Changed own password' },
  'user.password_reset': { vi: 'Đặt lại mật khẩu', en: 'Reset a password' },
  'user.totp_enrol': { vi: 'Bật xác thực hai bước', en: 'Turned on two-step verification' },
  'user.totp_disable': { vi: 'Tắt xác thực hai bước', en: 'Turned off two-step verification' },
  'user.totp_reset': { vi: 'Gỡ xác thực hai bước của tài khoản', en: 'Reset an account’s two-step verification' },
  'user.recovery_code_use': { vi: 'Đăng nhập bằng mã khôi phục', en: 'Signed in with a recovery code' },
  'user.recovery_codes_replace': { vi: 'Tạo lại mã khôi phục', en: 'Replaced recovery codes' },
  'user.session_revoke': { vi: 'Đăng xuất một phiên', en: 'Signed out a session' },
  'user.sign_out_everywhere': { vi: 'Đăng xuất mọi nơi', en: 'Signed out everywhere' },
  'response.review_accept': { vi: 'Chấp nhận phiếu bị nghi ngờ', en: 'Accepted a suspect response' },
  'response.review_reject': { vi: 'Loại phiếu bị nghi ngờ', en: 'Rejected a suspect response' },
};

/** The filters' "any" choice. */
export const ANY: Name = { vi: 'Tất cả', en: 'All' };

/** An action's name in the language; an action this list does not know yet shows as recorded. */
export function auditActionName(action: string, lang: Lang): string {
  return AUDIT_ACTIONS[action]?.[lang] ?? action;
}

export function auditEntityName(entity: string, lang: Lang): string {
  return AUDIT_ENTITIES[entity]?.[lang] ?? entity;
}
