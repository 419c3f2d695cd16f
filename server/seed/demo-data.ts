/**
 * Demo data for Cà Mau (province code 96) after the 1/7/2025 reorganisation, when Bạc Liêu became
 * part of it. Ward names and codes are real (QĐ 19/2025/QĐ-TTg); procedure codes are real mã TTHC
 * from the national procedure database; people's names are invented.
 */
export const DEMO_PROVINCE = { code: '96', name: 'Tỉnh Cà Mau' };

/**
 * Fixed in the demo so the OpenAPI document's examples work on it as printed: the Giá Rai centre
 * (the one the demo API key and supervisor belong to), the survey code of its counter Q1 (the
 * `Survey:` link `npm start` prints), and the token of one invitation issued there. Every other
 * code and token is random, as in real use.
 */
export const DEMO_SURVEY_POINT_UNIT_CODE = '31942-TTPVHCC';
export const DEMO_SURVEY_CODE = 'k7mq3xw9pa';
export const DEMO_INVITATION_TOKEN = 'Qm9uIGRlIGtoYW8gc2F0IC0gdmkgZHUgbWluaCBob2E';

export const DEMO_PROVINCIAL_CENTRE = {
  code: '96-TTPVHCC',
  name: 'Trung tâm Phục vụ hành chính công tỉnh Cà Mau',
  branches: [{ code: '96-TTPVHCC-BL', name: 'Chi nhánh Trung tâm Phục vụ hành chính công tỉnh Cà Mau tại Bạc Liêu' }],
};

export interface DemoCommune {
  code: string;
  name: string;
  /** The centre's weakness in the synthetic data, if any (shown first in weak criteria). */
  weak?: { criterion: string; counterIndex: number; procedureField: string };
}

export const DEMO_COMMUNES: DemoCommune[] = [
  { code: '31825', name: 'Phường Bạc Liêu' },
  { code: '31834', name: 'Phường Vĩnh Trạch' },
  { code: '31840', name: 'Phường Hiệp Thành' },
  // The seeded weak centre: staff attitude at counter 3 (land), mostly on land procedures.
  { code: '31942', name: 'Phường Giá Rai', weak: { criterion: 'QUAY.2', counterIndex: 2, procedureField: 'Đất đai' } },
  { code: '31951', name: 'Phường Láng Tròn' },
];

export const DEMO_AGENCIES = [
  { code: '96-STP', name: 'Sở Tư pháp tỉnh Cà Mau' },
  { code: '96-SNNMT', name: 'Sở Nông nghiệp và Môi trường tỉnh Cà Mau' },
  { code: '96-SXD', name: 'Sở Xây dựng tỉnh Cà Mau' },
];

/** Counters of a centre: their names say which fields they receive. */
export const DEMO_COUNTERS = [
  { code: 'Q1', name: 'Quầy 1 – Hộ tịch, chứng thực', fields: ['Hộ tịch', 'Chứng thực'] },
  { code: 'Q2', name: 'Quầy 2 – Cư trú, bảo trợ xã hội', fields: ['Cư trú', 'Bảo trợ xã hội', 'Giảm nghèo'] },
  { code: 'Q3', name: 'Quầy 3 – Đất đai, xây dựng', fields: ['Đất đai', 'Hoạt động xây dựng'] },
  { code: 'Q4', name: 'Quầy 4 – Hộ kinh doanh', fields: ['Hộ kinh doanh'] },
];

export const DEMO_PROCEDURES = [
  { code: '1.001193', name: 'Đăng ký khai sinh', field: 'Hộ tịch' },
  { code: '1.000894', name: 'Đăng ký kết hôn', field: 'Hộ tịch' },
  { code: '1.000656', name: 'Đăng ký khai tử', field: 'Hộ tịch' },
  { code: '1.004873', name: 'Cấp Giấy xác nhận tình trạng hôn nhân', field: 'Hộ tịch' },
  { code: '2.000815', name: 'Chứng thực bản sao từ bản chính giấy tờ, văn bản', field: 'Chứng thực' },
  { code: '2.000884', name: 'Chứng thực chữ ký trong các giấy tờ, văn bản', field: 'Chứng thực' },
  { code: '1.004194', name: 'Đăng ký tạm trú', field: 'Cư trú' },
  { code: '1.004222', name: 'Đăng ký thường trú', field: 'Cư trú' },
  { code: '1.001699', name: 'Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật', field: 'Bảo trợ xã hội' },
  { code: '1.011607', name: 'Công nhận hộ nghèo, hộ cận nghèo thường xuyên hằng năm', field: 'Giảm nghèo' },
  { code: '1.012753', name: 'Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận lần đầu', field: 'Đất đai' },
  { code: '1.013225', name: 'Cấp giấy phép xây dựng mới', field: 'Hoạt động xây dựng' },
  { code: '2.000720', name: 'Đăng ký thay đổi nội dung đăng ký hộ kinh doanh', field: 'Hộ kinh doanh' },
];

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Huỳnh', 'Võ', 'Đặng', 'Bùi', 'Dương', 'Lâm', 'Tô', 'Quách'];
const MIDDLE = ['Thị', 'Văn', 'Minh', 'Ngọc', 'Hoàng', 'Thanh', 'Kim', 'Hữu'];
const GIVEN = ['An', 'Bình', 'Châu', 'Dung', 'Giang', 'Hạnh', 'Khoa', 'Linh', 'Mai', 'Nam', 'Phúc', 'Quyên', 'Sơn', 'Trang', 'Tú', 'Yến'];

/** Invented official names, deterministic by index. */
export function demoStaffName(index: number): string {
  return `${FAMILY[index % FAMILY.length]} ${MIDDLE[(index * 7) % MIDDLE.length]} ${GIVEN[(index * 5) % GIVEN.length]}`;
}

/**
 * Citizens' comments, by the criterion they are about (QUAY.ALL: the visit as a whole). A comment
 * goes with an answer that says the same: a complaint about the criterion the citizen scored lowest
 * (1–2), praise for the one scored highest (4–5), a suggestion when nothing was either. `{counter}`
 * is the counter's number and `{field}` the procedure's field, so a comment names only where the
 * citizen was served.
 */
export const NEGATIVE_COMMENTS: Record<string, readonly string[]> = {
  'QUAY.1': [
    'Bảng niêm yết thủ tục khó đọc, chữ nhỏ, không biết cần nộp giấy tờ gì.',
    'Trên mạng và ở quầy nói khác nhau về lệ phí, không biết tin bên nào.',
  ],
  'QUAY.2': [
    'Cán bộ quầy {counter} trả lời cộc lốc, không giải thích rõ giấy tờ còn thiếu.',
    'Thái độ chưa tôn trọng người lớn tuổi, cán bộ nói chuyện to tiếng.',
    'Hỏi lại lần thứ hai thì cán bộ tỏ vẻ khó chịu.',
  ],
  'QUAY.3': [
    'Phải đi lại ba lần mới nộp được hồ sơ {field} vì mỗi lần chỉ được hướng dẫn một ít.',
    'Chờ lâu quá, buổi chiều chỉ có một quầy làm việc.',
    'Máy bấm số hay bị hỏng, không biết đến lượt mình lúc nào.',
  ],
  'QUAY.4': ['Trả kết quả trễ hẹn mà không báo trước.', 'Đến nhận kết quả theo giấy hẹn nhưng hồ sơ vẫn chưa xong.'],
  'QUAY.ALL': ['Chưa hài lòng, mong Trung tâm cải thiện.'],
};

export const POSITIVE_COMMENTS: Record<string, readonly string[]> = {
  'QUAY.1': ['Thủ tục niêm yết rõ ràng, tra cứu trên mạng cũng dễ.', 'Được hướng dẫn nộp hồ sơ trực tuyến, tiện lợi.'],
  'QUAY.2': ['Cán bộ quầy {counter} hướng dẫn tận tình, dễ hiểu.', 'Nhân viên vui vẻ, lịch sự. Tôi rất hài lòng.'],
  'QUAY.3': ['Hồ sơ {field} được nhận nhanh gọn, không phải đi lại nhiều lần.', 'Được hướng dẫn đầy đủ ngay từ lần đầu.'],
  'QUAY.4': ['Nhận kết quả đúng hẹn, có tin nhắn báo trước.'],
  'QUAY.ALL': ['Cảm ơn Trung tâm, mọi việc đều thuận lợi.'],
};

export const NEUTRAL_COMMENTS: readonly string[] = ['Mong Trung tâm bố trí thêm ghế ngồi chờ.', 'Nên có thêm chỗ để xe cho người dân.'];
