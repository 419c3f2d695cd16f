// exceljs (about 28 MB of RSS) is loaded only when a workbook is made or read.
import type ExcelJS from 'exceljs';
import type { UnitKind } from '../db/types.js';
import type { ScoringSettings } from '../config.js';
import { vnDateTime } from '../time.js';
import { displayUnit, displayValue, spreadsheetChange, spreadsheetIndex } from '../../schema/display.js';
import { toFixedDecimal } from '../../schema/rounding.js';
import type { ScoreReport } from '../../schema/scoring.js';
import { csvText, UTF8_BOM, xlsxCellText } from './cells.js';
import { flagText, measureDefs, measureValue, methodNotes, type MeasureDef } from './measures.js';
import { vnDate, type ReportPeriod, type ReportScope, type ScopeScores, type UnitScore } from '../reporting/index.js';
import type { IndicatorReport } from '../../schema/indicators.js';
import { addIndicatorSheet } from './indicators.js';

/**
 * The SIPAS summary workbook: a sheet for the whole scope, one per level of the unit tree (province,
 * communes, centres and branches, agencies), then the methodology. Scores are real numbers (percent
 * cells hold fractions with a percent format), never text, so they can be sorted and charted.
 */

export interface SummaryInput {
  scope: ReportScope;
  period: ReportPeriod;
  scores: ScopeScores;
  /** The same scope in the period before (for the change columns). */
  before: ScopeScores;
  /** The TT 01/2018 indicators and the QĐ 766 5.4 ratio of the scope (their own sheet). */
  indicators?: IndicatorReport;
  settings: ScoringSettings;
  generatedAt: Date;
  generatedBy: string;
  filters: string;
}

const LEVELS: { name: string; kinds: UnitKind[] }[] = [
  { name: 'Cấp tỉnh', kinds: ['province'] },
  { name: 'Cấp xã', kinds: ['commune'] },
  { name: 'Trung tâm, chi nhánh', kinds: ['centre', 'branch'] },
  { name: 'Sở, ban, ngành', kinds: ['agency'] },
];

const BASE_HEADERS = [
  'STT',
  'Mã đơn vị',
  'Tên đơn vị (gồm các đơn vị trực thuộc)',
  'Trực thuộc',
  'Số phiếu',
  'Phiếu mời đã phát',
  'Phiếu mời được trả lời',
  'Tỷ lệ phản hồi',
];
const MEASURE_HEADERS = ['Chỉ số', 'n', 'Cận dưới 95%', 'Cận trên 95%', 'Kỳ trước', 'Thay đổi', 'Ghi chú'];

const RATE = '0.00%';
const COUNT = '#,##0';
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDCE6F1' } };
const THIN: Partial<ExcelJS.Borders> = {
  top: { style: 'thin', color: { argb: 'FF9AA5B1' } },
  bottom: { style: 'thin', color: { argb: 'FF9AA5B1' } },
  left: { style: 'thin', color: { argb: 'FF9AA5B1' } },
  right: { style: 'thin', color: { argb: 'FF9AA5B1' } },
};

type Cell = string | number | null;

/** Display width of a cell, in characters, for fitting columns. */
function widthOf(value: Cell, format: string | undefined): number {
  if (value === null) return 0;
  // Indices show as "84,60%" or "8,46 điểm"; counts as their digits.
  if (typeof value === 'number') return format && format !== COUNT ? 10 : String(Math.round(value)).length + 2;
  return Math.max(...value.split('\n').map((line) => line.length));
}

/** One unit (or the whole scope) with the same unit in the period before, for the change columns. */
interface SummaryUnit {
  now: UnitScore;
  before: ScoreReport | null;
}

function unitRow({ now, before }: SummaryUnit, index: number, parentName: string, defs: MeasureDef[], settings: ScoringSettings): Cell[] {
  const cells: Cell[] = [
    index,
    xlsxCellText(now.unit.code),
    xlsxCellText(now.unit.name),
    xlsxCellText(parentName),
    now.responses,
    now.responseRate.issued,
    now.responseRate.answered,
    now.responseRate.rate,
  ];
  for (const def of defs) {
    const v = measureValue(now.report, def);
    const previous = before ? measureValue(before, def).index : null;
    const index = (x: number | null) => spreadsheetIndex(x, settings).value;
    cells.push(
      index(v.index),
      v.n,
      index(v.lower),
      index(v.upper),
      index(previous),
      spreadsheetChange(v.index !== null && previous !== null ? v.index - previous : null, settings).value,
      flagText(v.flags, settings) || null,
    );
  }
  return cells;
}

/** One sheet of units: two header rows (measure names over their five columns), frozen, fitted. */
function addUnitSheet(workbook: ExcelJS.Workbook, name: string, rows: Cell[][], defs: MeasureDef[], settings: ScoringSettings): void {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', xSplit: 3, ySplit: 2 }] });
  // Merged cells show their top-left value: base headers go in row 1, spanning both header rows.
  const groupRow: Cell[] = [...BASE_HEADERS];
  const headerRow: Cell[] = [...BASE_HEADERS.map(() => null)];
  for (const def of defs) {
    groupRow.push(xlsxCellText(def.label), ...MEASURE_HEADERS.slice(1).map(() => null));
    headerRow.push(...MEASURE_HEADERS);
  }
  sheet.addRow(groupRow);
  sheet.addRow(headerRow);
  for (let c = 1; c <= BASE_HEADERS.length; c++) sheet.mergeCells(1, c, 2, c);
  defs.forEach((_, i) => {
    const first = BASE_HEADERS.length + 1 + i * MEASURE_HEADERS.length;
    sheet.mergeCells(1, first, 1, first + MEASURE_HEADERS.length - 1);
  });
  const indexFormat = spreadsheetIndex(null, settings).numFmt;
  const changeFormat = spreadsheetChange(null, settings).numFmt;
  const formats: (string | undefined)[] = [undefined, undefined, undefined, undefined, COUNT, COUNT, COUNT, RATE];
  for (let i = 0; i < defs.length; i++) formats.push(indexFormat, COUNT, indexFormat, indexFormat, indexFormat, changeFormat, undefined);
  for (const row of rows) sheet.addRow(row);

  // Headers wrap, so they count for at most 14 characters; values never wrap.
  const widths = headerRow.map((h, c) =>
    Math.max(Math.min(14, widthOf(h ?? groupRow[c] ?? null, undefined)), ...rows.map((r) => widthOf(r[c] ?? null, formats[c]))),
  );
  sheet.columns.forEach((column, c) => {
    column.width = Math.min(90, Math.max(6, (widths[c] ?? 8) + 2));
    if (formats[c]) column.numFmt = formats[c]!;
  });
  for (const r of [1, 2]) {
    const header = sheet.getRow(r);
    header.font = { bold: true };
    header.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
    header.height = r === 1 ? 48 : 32;
    header.eachCell({ includeEmpty: true }, (cell) => {
      cell.fill = HEADER_FILL;
      cell.border = THIN;
    });
  }
  sheet.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2, column: headerRow.length } };
}

function addMethodologySheet(workbook: ExcelJS.Workbook, input: SummaryInput): void {
  const { scores, period, settings } = input;
  const definition = scores.instrument.definition;
  const sheet = workbook.addWorksheet('Phương pháp', { views: [{ state: 'frozen', ySplit: 1 }] });
  const rows: [string, string][] = [
    ['Mục', 'Nội dung'],
    ['Báo cáo', 'Tổng hợp kết quả khảo sát mức độ hài lòng của người dân, tổ chức (SIPAS)'],
    ['Phạm vi', input.scope.name],
    ['Kỳ báo cáo', period.label],
    ['Từ ngày', vnDate(period.from)],
    ['Đến ngày', vnDate(period.to)],
    ['Bộ câu hỏi', `${scores.instrument.id} – ${definition.title.vi}`],
    ['Phiên bản phương pháp', definition.methodologyVersion],
    ...methodNotes(settings, definition.parts.length).map((n): [string, string] => [n.label, n.value]),
    ['Bộ lọc', input.filters],
    ['Thời điểm lập', `${vnDateTime(input.generatedAt).replace('T', ' ').slice(0, 19)} (giờ Việt Nam)`],
    ['Người lập', input.generatedBy],
    ['', ''],
    ['Mã tiêu chí', 'Nội dung tiêu chí'],
    ...definition.items.map((i): [string, string] => [i.code, i.text.vi]),
  ];
  for (const [label, value] of rows) sheet.addRow([xlsxCellText(label), xlsxCellText(value)]);
  sheet.getColumn(1).width = Math.max(...rows.map((r) => r[0].length)) + 2;
  sheet.getColumn(2).width = 100;
  sheet.getColumn(2).alignment = { wrapText: true, vertical: 'top' };
  for (const r of [1, rows.findIndex((row) => row[0] === 'Mã tiêu chí') + 1]) {
    sheet.getRow(r).font = { bold: true };
    sheet.getRow(r).eachCell((cell) => {
      cell.fill = HEADER_FILL;
    });
  }
}

/** The whole scope and every unit that had responses, each with its figures of the period before. */
function summaryUnits(input: SummaryInput): { total: SummaryUnit; units: SummaryUnit[] } {
  const { scores, before, scope } = input;
  const beforeOf = new Map(before.units.map((u) => [u.unit.id, u.report]));
  const rooted = scope.root ? scores.units.find((u) => u.unit.id === scope.root!.id) : undefined;
  const total: SummaryUnit = rooted
    ? { now: rooted, before: beforeOf.get(rooted.unit.id) ?? null }
    : {
        now: { unit: { id: '', parentId: null, kind: 'province', code: '', name: scope.name, path: '', provinceId: '', lineage: [] }, ...scores.total },
        before: before.total.report,
      };
  return { total, units: scores.units.map((u) => ({ now: u, before: beforeOf.get(u.unit.id) ?? null })) };
}

export async function summaryWorkbook(input: SummaryInput): Promise<Buffer> {
  const { scores, scope, settings } = input;
  const defs = measureDefs(scores.instrument);
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'SIPAS';
  workbook.created = input.generatedAt;
  workbook.title = `Tổng hợp SIPAS – ${scope.name} – ${input.period.label}`;

  const nameOf = new Map(scope.units.map((u) => [u.id, u.name]));
  const { total, units } = summaryUnits(input);
  addUnitSheet(workbook, 'Tổng hợp', [unitRow(total, 1, nameOf.get(total.now.unit.parentId ?? '') ?? '', defs, settings)], defs, settings);
  for (const level of LEVELS) {
    const entries = units.filter((u) => level.kinds.includes(u.now.unit.kind));
    if (entries.length === 0 || entries.every((e) => e.now.responses === 0)) continue;
    const rows = entries.map((e, i) => unitRow(e, i + 1, nameOf.get(e.now.unit.parentId ?? '') ?? '', defs, settings));
    addUnitSheet(workbook, level.name, rows, defs, settings);
  }
  if (input.indicators) addIndicatorSheet(workbook, input.indicators);
  addMethodologySheet(workbook, input);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const LEVEL_NAMES: Record<MeasureDef['kind'], string> = {
  overall: 'Chỉ số chung',
  part: 'Phần',
  factor: 'Yếu tố',
  criterion: 'Tiêu chí',
  factor_sat: 'Câu hỏi hài lòng yếu tố',
  overall_question: 'Câu hỏi hài lòng chung',
};

/**
 * The summary as CSV (UTF-8 with BOM, CRLF): one row per unit × measure (overall, factors, criteria,
 * direct questions), the whole scope first, with responses, n, index, interval, the period before, the
 * change, reliability flags and method. Numbers are in the display unit (% or points out of 10),
 * rounded as the dashboard shows them, with a point as the decimal separator.
 */
export function summaryCsv(input: SummaryInput): string {
  const { scores, settings } = input;
  const defs = measureDefs(scores.instrument);
  const unitName = displayUnit(settings.display, 'vi');
  const header = [
    'Mã đơn vị',
    'Tên đơn vị',
    'Phạm vi',
    'Số phiếu',
    'Cấp chỉ số',
    'Mã',
    'Tên',
    'n',
    `Chỉ số (${unitName})`,
    `Cận dưới 95% (${unitName})`,
    `Cận trên 95% (${unitName})`,
    `Kỳ trước (${unitName})`,
    `Thay đổi (${unitName})`,
    'Ghi chú',
    'Phương pháp',
  ];
  const number = (v: number | null) => (v === null ? '' : toFixedDecimal(displayValue(v, settings.display), settings.decimals, settings.rounding));
  const { total, units } = summaryUnits(input);
  const lines = [header.map(csvText).join(',')];
  for (const [i, u] of [total, ...units.filter((x) => x.now.responses > 0)].entries()) {
    const scopeText = i === 0 ? 'Toàn bộ phạm vi' : 'Gồm các đơn vị trực thuộc';
    for (const def of defs) {
      const v = measureValue(u.now.report, def);
      const previous = u.before ? measureValue(u.before, def).index : null;
      lines.push(
        [
          csvText(u.now.unit.code),
          csvText(u.now.unit.name),
          csvText(scopeText),
          String(u.now.responses),
          csvText(LEVEL_NAMES[def.kind]),
          csvText(def.code ?? 'overall'),
          csvText(def.label),
          String(v.n),
          number(v.index),
          number(v.lower),
          number(v.upper),
          number(previous),
          number(v.index !== null && previous !== null ? v.index - previous : null),
          csvText(flagText(v.flags, settings)),
          csvText(v.method),
        ].join(','),
      );
    }
  }
  return `${UTF8_BOM}${lines.join('\r\n')}\r\n`;
}
