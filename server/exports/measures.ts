import type { Instrument, Item } from '../../schema/instrument.js';
import type { CriterionScore, ReliabilityFlag, ScoreReport } from '../../schema/scoring.js';
import type { ScoringSettings } from '../config.js';

/** The numbers an export shows for one scored set, in reading order, with their Vietnamese names. */

export type MeasureKind = 'overall' | 'part' | 'factor' | 'criterion' | 'factor_sat' | 'overall_question';

export interface MeasureDef {
  key: string;
  kind: MeasureKind;
  /** Short Vietnamese name for a column header or a table row. */
  label: string;
  /** Full wording (criterion text, factor title). */
  text: string;
  code: string | null;
}

export interface MeasureValue {
  index: number | null;
  /** Valid answers behind the index; for a mean, its thinnest contributor (what the reliability flag uses). */
  n: number;
  lower: number | null;
  upper: number | null;
  flags: ReliabilityFlag[];
  /** Only for single items: satisfied answers. */
  x: number | null;
  /** How the index was made (share, mean of criteria, …), as the engine names it. */
  method: string;
}

const itemLabel = (item: Item) => item.short?.vi ?? item.text.vi;

/**
 * overall, each factor, each criterion, then the direct factor and overall questions (if the
 * instrument has them). With several parts (S23), each part comes before its factors.
 */
export function measureDefs(instrument: Instrument): MeasureDef[] {
  const { definition } = instrument;
  const items = definition.items;
  const factor = (f: (typeof definition.factors)[number]): MeasureDef => ({ key: `factor:${f.code}`, kind: 'factor', label: f.title.vi, text: f.title.vi, code: f.code });
  const factors =
    definition.parts.length > 1
      ? definition.parts.flatMap((p) => [
          { key: `part:${p.code}`, kind: 'part' as const, label: `Phần ${p.code}: ${p.title.vi}`, text: p.title.vi, code: p.code },
          ...definition.factors.filter((f) => f.part === p.code).map(factor),
        ])
      : definition.factors.map(factor);
  return [
    { key: 'overall', kind: 'overall', label: 'Chỉ số hài lòng chung', text: 'Chỉ số hài lòng về sự phục vụ hành chính', code: null },
    ...factors,
    ...items
      .filter((i) => i.role === 'criterion')
      .map((i): MeasureDef => ({ key: `item:${i.code}`, kind: 'criterion', label: `${i.code} ${itemLabel(i)}`, text: i.text.vi, code: i.code })),
    ...items
      .filter((i) => i.role === 'factor_sat')
      .map((i): MeasureDef => ({ key: `item:${i.code}`, kind: 'factor_sat', label: `${i.code} ${itemLabel(i)}`, text: i.text.vi, code: i.code })),
    ...items
      .filter((i) => i.role === 'overall')
      .map((i): MeasureDef => ({ key: `item:${i.code}`, kind: 'overall_question', label: `${i.code} ${itemLabel(i)}`, text: i.text.vi, code: i.code })),
  ];
}

type Scored = Pick<CriterionScore, 'index' | 'n' | 'x' | 'minN' | 'wilson' | 'flags' | 'method'>;

function valueOf(s: Scored): MeasureValue {
  return {
    index: s.index,
    n: s.x !== null ? s.n : (s.minN ?? 0),
    lower: s.wilson ? s.wilson.lower : null,
    upper: s.wilson ? s.wilson.upper : null,
    flags: s.flags,
    x: s.x,
    method: s.method,
  };
}

export function measureValue(report: ScoreReport, def: MeasureDef): MeasureValue {
  if (def.kind === 'overall') return valueOf(report.overall);
  if (def.kind === 'part') return valueOf(report.parts.find((p) => p.code === def.code)!);
  if (def.kind === 'factor') return valueOf(report.factors.find((f) => f.code === def.code)!);
  const items = [...report.criteria, ...report.factorQuestions, ...(report.overallQuestion ? [report.overallQuestion] : [])];
  return valueOf(items.find((c) => c.code === def.code)!);
}

export function flagText(flags: readonly ReliabilityFlag[], settings: Pick<ScoringSettings, 'lowNMin' | 'lowPrecisionHalfWidth'>): string {
  return flags
    .map((f) =>
      f === 'insufficient'
        ? `Chưa đủ mẫu (n < ${settings.lowNMin})`
        : `Độ chính xác thấp (± > ${String(settings.lowPrecisionHalfWidth).replace('.', ',')} điểm %)`,
    )
    .join('; ');
}

const FACTOR_ROLLUP_VI = {
  mean_of_criteria: 'trung bình cộng chỉ số các tiêu chí',
  answer_weighted: 'gộp tất cả câu trả lời của các tiêu chí',
  factor_question: 'câu hỏi hài lòng trực tiếp về yếu tố',
} as const;
const PART_ROLLUP_VI = {
  mean_of_factors: 'trung bình cộng chỉ số các yếu tố',
  item_count_weighted: 'bình quân gia quyền theo số tiêu chí',
  answer_weighted: 'gộp tất cả câu trả lời',
} as const;
const UNIT_ROLLUP_VI = {
  pooled: 'gộp toàn bộ phiếu của các đơn vị trực thuộc',
  mean_of_children: 'trung bình cộng chỉ số của các đơn vị trực thuộc',
} as const;

/** The roll-up and rounding rules in words, for methodology notes; a questionnaire of several parts rolls factors into parts, then parts into the overall. */
export function methodNotes(settings: ScoringSettings, parts = 1): { label: string; value: string }[] {
  return [
    { label: 'Chỉ số tiêu chí', value: 'Tỷ lệ câu trả lời "Hài lòng" hoặc "Rất hài lòng" (4–5) trên số câu trả lời hợp lệ (1–5); "Không ý kiến" không tính' },
    { label: 'Tổng hợp tiêu chí → yếu tố', value: FACTOR_ROLLUP_VI[settings.factorRollup] },
    ...(parts > 1
      ? [
          { label: 'Tổng hợp yếu tố → phần', value: PART_ROLLUP_VI[settings.partRollup] },
          { label: 'Tổng hợp phần → chỉ số chung', value: 'trung bình cộng chỉ số các phần' },
        ]
      : [{ label: 'Tổng hợp yếu tố → chỉ số chung', value: PART_ROLLUP_VI[settings.partRollup] }]),
    { label: 'Tổng hợp theo đơn vị', value: UNIT_ROLLUP_VI[settings.unitRollup] },
    {
      label: 'Khoảng tin cậy',
      value: 'Khoảng Wilson 95% cho chỉ số tính trực tiếp từ số phiếu; chỉ số là trung bình của nhiều chỉ số không có khoảng tin cậy, cột n ghi số câu trả lời hợp lệ ít nhất trong các thành phần',
    },
    {
      label: 'Độ tin cậy',
      value: `Chưa đủ mẫu khi n < ${settings.lowNMin}; độ chính xác thấp khi nửa khoảng tin cậy > ${settings.lowPrecisionHalfWidth} điểm phần trăm`,
    },
    {
      label: 'Làm tròn',
      value: `Tính với độ chính xác đầy đủ; chỉ làm tròn khi hiển thị, ${settings.decimals} chữ số thập phân (${settings.rounding === 'half_even' ? 'làm tròn về số chẵn' : 'làm tròn nửa lên'})`,
    },
    { label: 'Phiếu nghi vấn', value: 'Phiếu bị hệ thống chống gian lận gắn cờ nghi vấn không được tính vào chỉ số' },
  ];
}
