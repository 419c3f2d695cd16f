import { instrumentId, type Factor, type InstrumentDefinition, type Item, type LocalizedText } from '../../schema/instrument.js';

/**
 * The built-in instruments (shared/sipas/methodology.md §3). Criterion wording of S17 and S23 is
 * reconstructed, not copied from the decisions (wording unverified), and QUAY's wording is ours: all
 * of it is data, installed once per database, and corrected by publishing a new version.
 */
export const METHODOLOGY_VERSION = 'sipas-method-2026.1';

const t = (vi: string, en: string): LocalizedText => ({ vi, en });

const criterion = (code: string, factor: string, vi: string, en: string, short?: LocalizedText): Item => ({
  code,
  role: 'criterion',
  scale: 'scale5',
  factor,
  text: t(vi, en),
  ...(short && { short }),
  allowNa: true,
});

const SERVICE_PART = { code: 'S' as const, title: t('Cung ứng dịch vụ hành chính công', 'Public administrative service delivery') };

/** The five SIPAS service factors, titled as in S17 (§3.1); S23's service part has the same five (§3.2). */
const SIPAS_FACTORS: readonly { n: 1 | 2 | 3 | 4 | 5; title: LocalizedText; satAbout: string }[] = [
  {
    n: 1,
    title: t('Tiếp cận dịch vụ hành chính công của cơ quan hành chính nhà nước', 'Access to services'),
    satAbout: 'việc tiếp cận dịch vụ hành chính công của cơ quan hành chính nhà nước',
  },
  { n: 2, title: t('Thủ tục hành chính', 'Administrative procedures'), satAbout: 'thủ tục hành chính' },
  {
    n: 3,
    title: t('Công chức trực tiếp giải quyết công việc', 'Civil servants handling the case'),
    satAbout: 'công chức trực tiếp giải quyết công việc',
  },
  {
    n: 4,
    title: t('Kết quả cung ứng dịch vụ hành chính công', 'Service results'),
    satAbout: 'kết quả cung ứng dịch vụ hành chính công',
  },
  {
    n: 5,
    title: t('Tiếp nhận, giải quyết góp ý, phản ánh, kiến nghị', 'Handling feedback and complaints'),
    satAbout: 'việc tiếp nhận, giải quyết góp ý, phản ánh, kiến nghị',
  },
];

const sipasFactor = (prefix: string, n: 1 | 2 | 3 | 4 | 5): Factor => ({
  code: `${prefix}.${n}`,
  part: 'S',
  title: SIPAS_FACTORS[n - 1]!.title,
  sipasFactor: n,
});

const AT_ONE_STOP = 'tại Bộ phận tiếp nhận và trả kết quả';

/** S17: QĐ 2640/QĐ-BNV (10/10/2017), five factors, 22 criteria (4/5/6/3/4 split reconstructed). */
export const S17_V1: InstrumentDefinition = {
  code: 'S17',
  version: 1,
  title: t(
    'Phiếu khảo sát sự hài lòng về sự phục vụ hành chính (SIPAS 2017–2021)',
    'Satisfaction with public administrative services (SIPAS 2017–2021)',
  ),
  methodologyVersion: METHODOLOGY_VERSION,
  parts: [SERVICE_PART],
  factors: SIPAS_FACTORS.map((f) => sipasFactor('S17', f.n)),
  items: [
    criterion('S17.1.1', 'S17.1', `Nơi ngồi chờ ${AT_ONE_STOP} có đủ chỗ ngồi`, 'Enough waiting seats'),
    criterion('S17.1.2', 'S17.1', `Trang thiết bị phục vụ người dân, tổ chức ${AT_ONE_STOP} đầy đủ`, 'Equipment sufficient'),
    criterion('S17.1.3', 'S17.1', `Trang thiết bị phục vụ người dân, tổ chức ${AT_ONE_STOP} hiện đại`, 'Equipment modern'),
    criterion('S17.1.4', 'S17.1', `Trang thiết bị phục vụ người dân, tổ chức ${AT_ONE_STOP} dễ sử dụng`, 'Equipment easy to use'),
    criterion('S17.2.1', 'S17.2', 'Thủ tục hành chính được niêm yết công khai đầy đủ', 'Fully posted'),
    criterion('S17.2.2', 'S17.2', 'Thủ tục hành chính được niêm yết công khai chính xác', 'Accurately posted'),
    criterion('S17.2.3', 'S17.2', 'Thành phần hồ sơ mà người dân, tổ chức phải nộp là đúng quy định', 'Required documents as regulated'),
    criterion('S17.2.4', 'S17.2', 'Phí/lệ phí mà người dân, tổ chức phải nộp là đúng quy định', 'Fees as regulated'),
    criterion(
      'S17.2.5',
      'S17.2',
      'Thời hạn giải quyết (từ ngày hồ sơ được tiếp nhận đến ngày nhận kết quả) là đúng quy định',
      'Processing time as regulated',
    ),
    criterion('S17.3.1', 'S17.3', 'Công chức có thái độ giao tiếp lịch sự', 'Polite'),
    criterion('S17.3.2', 'S17.3', 'Công chức chú ý lắng nghe ý kiến của người dân/đại diện tổ chức', 'Listens'),
    criterion('S17.3.3', 'S17.3', 'Công chức trả lời, giải thích đầy đủ các ý kiến của người dân/đại diện tổ chức', 'Explains fully'),
    criterion('S17.3.4', 'S17.3', 'Công chức hướng dẫn kê khai hồ sơ tận tình, chu đáo', 'Guides attentively'),
    criterion('S17.3.5', 'S17.3', 'Công chức hướng dẫn kê khai hồ sơ dễ hiểu', 'Guides clearly'),
    criterion('S17.3.6', 'S17.3', 'Công chức tuân thủ đúng quy định trong giải quyết công việc', 'Follows regulations'),
    criterion('S17.4.1', 'S17.4', 'Kết quả mà người dân, tổ chức nhận được đúng quy định', 'Result as regulated'),
    criterion('S17.4.2', 'S17.4', 'Kết quả mà người dân, tổ chức nhận được có thông tin đầy đủ', 'Complete information'),
    criterion('S17.4.3', 'S17.4', 'Kết quả mà người dân, tổ chức nhận được có thông tin chính xác', 'Accurate information'),
    criterion('S17.5.1', 'S17.5', 'Cơ quan có bố trí hình thức tiếp nhận góp ý, phản ánh, kiến nghị', 'A feedback channel exists'),
    criterion('S17.5.2', 'S17.5', 'Người dân, tổ chức dễ dàng thực hiện góp ý, phản ánh, kiến nghị', 'Easy to give feedback'),
    criterion('S17.5.3', 'S17.5', 'Cơ quan tiếp nhận, xử lý tích cực các góp ý, phản ánh, kiến nghị', 'Handles feedback actively'),
    criterion(
      'S17.5.4',
      'S17.5',
      'Cơ quan có thông báo kịp thời kết quả xử lý góp ý, phản ánh, kiến nghị',
      'Reports the outcome promptly',
    ),
    ...SIPAS_FACTORS.map(
      (f): Item => ({
        code: `S17.${f.n}.SAT`,
        role: 'factor_sat',
        scale: 'scale5',
        factor: `S17.${f.n}`,
        text: t(`Ông/Bà hài lòng thế nào về ${f.satAbout}?`, `How satisfied are you with: ${f.title.en.toLowerCase()}?`),
        allowNa: true,
      }),
    ),
    {
      code: 'S17.ALL',
      role: 'overall',
      scale: 'scale5',
      factor: null,
      text: t(
        'Nhìn chung, Ông/Bà hài lòng thế nào về sự phục vụ hành chính của cơ quan hành chính nhà nước?',
        'Overall, how satisfied are you with the administrative service of the state agency?',
      ),
      allowNa: true,
    },
  ],
  comment: { enabled: true, prompt: t('Ý kiến khác của Ông/Bà (không bắt buộc)', 'Other comments (optional)') },
  demographics: { ageBand: true, gender: true, firstVisit: true },
};

/** The service part's criteria of S23 (§3.2), shared by the service-only and the two-part instruments. */
const S23_SERVICE_CRITERIA: readonly Item[] = [
  criterion(
    'S23.S.1.1',
    'S23.S.1',
    'Trung tâm Phục vụ hành chính công/Bộ phận Một cửa có biển hiệu, chỉ dẫn rõ ràng, dễ tìm, dễ thấy',
    'Clear signage, easy to find',
  ),
  criterion('S23.S.1.2', 'S23.S.1', 'Có đủ chỗ ngồi chờ, bàn giải quyết công việc, bàn viết cho người dân', 'Enough seats and desks'),
  criterion(
    'S23.S.1.3',
    'S23.S.1',
    'Có trang thiết bị đầy đủ, chất lượng tốt, giúp người dân giải quyết công việc thuận lợi',
    'Adequate, good equipment',
  ),
  criterion('S23.S.2.1', 'S23.S.2', 'Thủ tục hành chính được công khai đầy đủ, chính xác, dễ tìm hiểu', 'Procedures published properly'),
  criterion('S23.S.2.2', 'S23.S.2', 'Thành phần hồ sơ phải nộp đúng quy định', 'Documents as regulated'),
  criterion('S23.S.2.3', 'S23.S.2', 'Phí, lệ phí phải nộp đúng quy định', 'Fees as regulated'),
  criterion('S23.S.2.4', 'S23.S.2', 'Thời gian giải quyết đúng quy định', 'Time as regulated'),
  criterion('S23.S.3.1', 'S23.S.3', 'Công chức có thái độ lịch sự, tôn trọng', 'Polite, respectful'),
  criterion('S23.S.3.2', 'S23.S.3', 'Công chức lắng nghe, trả lời, giải thích đầy đủ', 'Listens and explains'),
  criterion('S23.S.3.3', 'S23.S.3', 'Công chức hướng dẫn tận tình, dễ hiểu', 'Guides clearly'),
  criterion('S23.S.3.4', 'S23.S.3', 'Công chức không gây phiền hà, nhũng nhiễu', 'No harassment'),
  criterion('S23.S.4.1', 'S23.S.4', 'Kết quả nhận được đúng quy định', 'Result as regulated'),
  criterion('S23.S.4.2', 'S23.S.4', 'Kết quả có thông tin đầy đủ, chính xác', 'Complete, accurate result'),
  criterion('S23.S.5.1', 'S23.S.5', 'Có hình thức tiếp nhận góp ý, phản ánh, kiến nghị; dễ thực hiện', 'Feedback channel, easy'),
  criterion(
    'S23.S.5.2',
    'S23.S.5',
    'Góp ý, phản ánh, kiến nghị được tiếp nhận, xử lý, trả lời kịp thời',
    'Handled and answered promptly',
  ),
];

const POLICY_PART = {
  code: 'P' as const,
  title: t('Xây dựng, tổ chức thực hiện chính sách', 'Policy making and implementation'),
};

/** The four policy factors of S23 (§3.2; names and wording unverified). */
const S23_POLICY_FACTORS: readonly Factor[] = [
  { code: 'S23.P.1', part: 'P', title: t('Trách nhiệm giải trình', 'Accountability') },
  { code: 'S23.P.2', part: 'P', title: t('Sự tham gia của người dân', "Citizens' participation") },
  { code: 'S23.P.3', part: 'P', title: t('Chất lượng chính sách', 'Policy quality') },
  { code: 'S23.P.4', part: 'P', title: t('Kết quả thực hiện chính sách', 'Policy outcomes') },
];

/** Two reconstructed contents per policy factor (wording unverified, like every S23 item). */
const S23_POLICY_CRITERIA: readonly Item[] = [
  criterion('S23.P.1.1', 'S23.P.1', 'Chính quyền giải thích rõ ràng, đầy đủ về chính sách khi người dân quan tâm', 'Policy explained clearly when asked'),
  criterion('S23.P.1.2', 'S23.P.1', 'Người dân biết nơi phản ánh, kiến nghị về chính sách và được trả lời', 'Citizens know where to raise policy concerns'),
  criterion('S23.P.2.1', 'S23.P.2', 'Người dân được lấy ý kiến khi xây dựng chính sách', 'Citizens are consulted on policy'),
  criterion('S23.P.2.2', 'S23.P.2', 'Ý kiến đóng góp của người dân được tiếp thu, phản hồi', 'Contributions are taken up and answered'),
  criterion('S23.P.3.1', 'S23.P.3', 'Chính sách phù hợp với thực tế và nhu cầu của người dân', 'Policy fits reality and needs'),
  criterion('S23.P.3.2', 'S23.P.3', 'Chính sách được công bố công khai, dễ tiếp cận, dễ hiểu', 'Policy is public and easy to understand'),
  criterion('S23.P.4.1', 'S23.P.4', 'Chính sách được tổ chức thực hiện kịp thời, đúng quy định', 'Policy carried out on time, as regulated'),
  criterion('S23.P.4.2', 'S23.P.4', 'Chính sách mang lại lợi ích thiết thực cho người dân', 'Policy brings real benefits'),
];

/** S23, service part only (QĐ 1001/QĐ-BNV, 11/12/2023): the counter survey does not ask the policy part. */
export const S23S_V1: InstrumentDefinition = {
  code: 'S23S',
  version: 1,
  title: t(
    'Phiếu khảo sát sự hài lòng về cung ứng dịch vụ hành chính công (SIPAS 2023–2026, phần dịch vụ)',
    'Satisfaction with public administrative service delivery (SIPAS 2023–2026, service part)',
  ),
  methodologyVersion: METHODOLOGY_VERSION,
  parts: [SERVICE_PART],
  factors: SIPAS_FACTORS.map((f) => sipasFactor('S23.S', f.n)),
  items: [...S23_SERVICE_CRITERIA],
  comment: { enabled: true, prompt: t('Ý kiến khác của Ông/Bà (không bắt buộc)', 'Other comments (optional)') },
  demographics: { ageBand: true, gender: true, firstVisit: true },
};

/**
 * QUAY: the platform's own counter instrument (§3.4). Each item sits in the SIPAS factor it maps to
 * first: QUAY.1 (information on the procedure) → procedures (2), QUAY.2 and QUAY.3 → civil servants
 * (3), QUAY.4 → results (4). Demographics are offered, always optional for the citizen.
 */
export const QUAY_V1: InstrumentDefinition = {
  code: 'QUAY',
  version: 1,
  title: t('Đánh giá sự hài lòng tại quầy', 'Counter satisfaction survey'),
  methodologyVersion: METHODOLOGY_VERSION,
  parts: [SERVICE_PART],
  factors: ([2, 3, 4] as const).map((n) => ({ ...sipasFactor('QUAY', n), code: `QUAY.F${n}` })),
  items: [
    criterion(
      'QUAY.1',
      'QUAY.F2',
      'Thông tin về thủ tục (hồ sơ cần nộp, phí, thời hạn) dễ tìm, dễ hiểu',
      'Information on the procedure was easy to find and understand',
      t('Thông tin thủ tục', 'Procedure information'),
    ),
    criterion(
      'QUAY.2',
      'QUAY.F3',
      'Công chức có thái độ lịch sự, tôn trọng, tận tình',
      'The official was polite, respectful and helpful',
      t('Thái độ công chức', 'Staff attitude'),
    ),
    criterion(
      'QUAY.3',
      'QUAY.F3',
      'Hồ sơ được tiếp nhận nhanh chóng, được hướng dẫn đầy đủ một lần',
      'The dossier was received promptly, with complete guidance at once',
      t('Tiếp nhận hồ sơ', 'Dossier intake'),
    ),
    criterion(
      'QUAY.4',
      'QUAY.F4',
      'Kết quả được trả đúng hẹn, đúng quy định',
      'The result was delivered on time and as regulated (no opinion if not yet received)',
      t('Trả kết quả', 'Result delivery'),
    ),
    {
      code: 'QUAY.ALL',
      role: 'overall',
      scale: 'scale5',
      factor: null,
      text: t(
        'Nhìn chung, Ông/Bà hài lòng với việc giải quyết thủ tục hôm nay',
        "Overall satisfaction with today's service",
      ),
      short: t('Hài lòng chung', 'Overall'),
      allowNa: true,
    },
  ],
  comment: {
    enabled: true,
    prompt: t('Góp ý để chúng tôi phục vụ tốt hơn (không bắt buộc)', 'Comment (optional)'),
  },
  demographics: { ageBand: true, gender: true, firstVisit: true },
};

/**
 * S23, both parts (QĐ 1001/QĐ-BNV; methodology §3.2 and §4): the policy part (four factors) and the
 * service part (the five service factors). Each part's index is the mean of its factors, and the
 * overall index the mean of the two parts, not of the nine factors.
 */
export const S23_V1: InstrumentDefinition = {
  code: 'S23',
  version: 1,
  title: t(
    'Phiếu khảo sát sự hài lòng của người dân, tổ chức (SIPAS 2023–2026, hai phần)',
    'Satisfaction of citizens and organisations (SIPAS 2023–2026, both parts)',
  ),
  methodologyVersion: METHODOLOGY_VERSION,
  parts: [POLICY_PART, SERVICE_PART],
  factors: [...S23_POLICY_FACTORS, ...SIPAS_FACTORS.map((f) => sipasFactor('S23.S', f.n))],
  items: [...S23_POLICY_CRITERIA, ...S23_SERVICE_CRITERIA],
  comment: { enabled: true, prompt: t('Ý kiến khác của Ông/Bà (không bắt buộc)', 'Other comments (optional)') },
  demographics: { ageBand: true, gender: true, firstVisit: true },
};

/** Installed on every database at start-up; the id of each is `<code>@<version>`. */
export const BUILTIN_INSTRUMENTS: readonly InstrumentDefinition[] = [QUAY_V1, S17_V1, S23S_V1, S23_V1];

/** What a province may start a questionnaire of its own from: a built-in instrument, or nothing. */
export const TEMPLATES: Readonly<Record<'QUAY' | 'S17' | 'S23S' | 'S23', InstrumentDefinition>> = {
  QUAY: QUAY_V1,
  S17: S17_V1,
  S23S: S23S_V1,
  S23: S23_V1,
};

/** An empty questionnaire: the service part with one factor to put criteria in, and the comment box. */
export function emptyDefinition(code: string): InstrumentDefinition {
  return {
    code,
    version: 1,
    title: t('Phiếu khảo sát mức độ hài lòng', 'Satisfaction survey'),
    methodologyVersion: METHODOLOGY_VERSION,
    parts: [SERVICE_PART],
    factors: [{ code: `${code}.F1`, part: 'S', title: t('Yếu tố 1', 'Factor 1') }],
    items: [],
    comment: { enabled: true, prompt: t('Góp ý để chúng tôi phục vụ tốt hơn (không bắt buộc)', 'Comment (optional)') },
    demographics: null,
  };
}

/** A criterion of the SIPAS catalogue, with the factor and part it belongs to in its instrument. */
export interface CatalogueCriterion {
  item: Item;
  factor: Factor;
  part: InstrumentDefinition['parts'][number];
  source: string;
}

/** Every criterion of S17 and S23 (both parts), for picking into a province's own questionnaire. */
export const SIPAS_CATALOGUE: readonly CatalogueCriterion[] = [S17_V1, S23_V1].flatMap((definition) =>
  definition.items
    .filter((item) => item.role === 'criterion')
    .map((item) => {
      const factor = definition.factors.find((f) => f.code === item.factor)!;
      return { item, factor, part: definition.parts.find((p) => p.code === factor.part)!, source: instrumentId(definition.code, definition.version) };
    }),
);
