// exceljs (about 28 MB of RSS) is loaded only when a workbook is made or read.
import type ExcelJS from 'exceljs';
import type { Period } from '../../schema/exports.js';
import type { UnitKind } from '../db/types.js';
import type { ScoringSettings } from '../config.js';
import { vnDateTime } from '../time.js';
import { xlsxCellText } from './cells.js';
import { flagText, measureDefs, measureValue, methodNotes, type MeasureDef } from './measures.js';
import { vnDate } from './period.js';
import type { ExportScope } from './scope.js';
import type { ScopeScores, UnitScore } from './scores.js';

/**
 * The SIPAS summary workbook: a sheet for the whole scope, one per level of the unit tree (province,
 * communes, centres and branches, agencies), then the methodology. Scores are real numbers (percent
 * cells hold fractions with a percent format), never text, so they can be sorted and charted.
 */

export interface SummaryInput {
  scope: ExportScope;
  period: Period;
  scores: ScopeScores;
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

const BASE_HEADERS = ['STT', 'Mã đơn vị', 'Tên đơn vị', 'Trực thuộc', 'Số phiếu', 'Phiếu mời đã phát', 'Phiếu mời được trả lời', 'Tỷ lệ phản hồi'];
const MEASURE_HEADERS = ['Chỉ số', 'n', 'Cận dưới 95%', 'Cận trên 95%', 'Ghi chú'];

const PERCENT = '0.00%';
const COUNT = '#,##0';
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDCE6F1' } };
const THIN: Partial<ExcelJS.Borders> = {
  top: { style: 'thin', color: { argb: 'FF9AA5B1' } },
  bottom: { style: 'thin', color: { argb: 'FF9AA5B1' } },
  left: { style: 'thin', color: { argb: 'FF9AA5B1' } },
  right: { style: 'thin', color: { argb: 'FF9AA5B1' } },
};

type Cell = string | number | null;

const fraction = (percent: number | null) => (percent === null ? null : percent / 100);

/** Display width of a cell, in characters, for fitting columns. */
function widthOf(value: Cell, format: string | undefined): number {
  if (value === null) return 0;
  if (typeof value === 'number') return format === PERCENT ? 8 : String(Math.round(value)).length + 2;
  return Math.max(...value.split('\n').map((line) => line.length));
}

function unitRow(entry: UnitScore, index: number, parentName: string, defs: MeasureDef[], settings: ScoringSettings): Cell[] {
  const cells: Cell[] = [
    index,
    xlsxCellText(entry.unit.code),
    xlsxCellText(entry.unit.name),
    xlsxCellText(parentName),
    entry.responses,
    entry.responseRate.issued,
    entry.responseRate.answered,
    entry.responseRate.rate,
  ];
  for (const def of defs) {
    const v = measureValue(entry.report, def);
    cells.push(fraction(v.index), v.n, fraction(v.lower), fraction(v.upper), flagText(v.flags, settings) || null);
  }
  return cells;
}

/** One sheet of units: two header rows (measure names over their five columns), frozen, fitted. */
function addUnitSheet(workbook: ExcelJS.Workbook, name: string, rows: Cell[][], defs: MeasureDef[]): void {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', xSplit: 3, ySplit: 2 }] });
  // Merged cells show their top-left value: base headers go in row 1, spanning both header rows.
  const groupRow: Cell[] = [...BASE_HEADERS];
  const headerRow: Cell[] = [...BASE_HEADERS.map(() => null)];
  for (const def of defs) {
    groupRow.push(xlsxCellText(def.label), null, null, null, null);
    headerRow.push(...MEASURE_HEADERS);
  }
  sheet.addRow(groupRow);
  sheet.addRow(headerRow);
  for (let c = 1; c <= BASE_HEADERS.length; c++) sheet.mergeCells(1, c, 2, c);
  defs.forEach((_, i) => {
    const first = BASE_HEADERS.length + 1 + i * MEASURE_HEADERS.length;
    sheet.mergeCells(1, first, 1, first + MEASURE_HEADERS.length - 1);
  });
  const formats: (string | undefined)[] = [undefined, undefined, undefined, undefined, COUNT, COUNT, COUNT, PERCENT];
  for (let i = 0; i < defs.length; i++) formats.push(PERCENT, COUNT, PERCENT, PERCENT, undefined);
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
    ...methodNotes(settings).map((n): [string, string] => [n.label, n.value]),
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

export async function summaryWorkbook(input: SummaryInput): Promise<Buffer> {
  const { scores, scope, settings } = input;
  const defs = measureDefs(scores.instrument);
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'SIPAS';
  workbook.created = input.generatedAt;
  workbook.title = `Tổng hợp SIPAS – ${scope.name} – ${input.period.label}`;

  const nameOf = new Map(scope.units.map((u) => [u.id, u.name]));
  const total: UnitScore = scores.total ?? {
    unit: { id: '', parentId: null, kind: 'province', code: '', name: scope.name, path: '', lineage: [] },
    report: scores.totalReport,
    responses: scores.totalResponses,
    responseRate: scores.totalRate,
  };
  addUnitSheet(workbook, 'Tổng hợp', [unitRow(total, 1, nameOf.get(total.unit.parentId ?? '') ?? '', defs, settings)], defs);
  for (const level of LEVELS) {
    const entries = scores.units.filter((u) => level.kinds.includes(u.unit.kind));
    if (entries.length === 0 || entries.every((e) => e.responses === 0)) continue;
    const rows = entries.map((e, i) => unitRow(e, i + 1, nameOf.get(e.unit.parentId ?? '') ?? '', defs, settings));
    addUnitSheet(workbook, level.name, rows, defs);
  }
  addMethodologySheet(workbook, input);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
