import type ExcelJS from 'exceljs';
import { html } from 'hono/html';
import type { AgencyRow, IndicatorCell, IndicatorReport, OfficialRow, Q766Row } from '../../schema/indicators.js';
import { toFixedDecimal } from '../../schema/rounding.js';
import { xlsxCellText } from './cells.js';
import { quarterOf, resolveReportPeriod, type ReportPeriod } from '../reporting/index.js';

/**
 * The TT 01/2018 indicators and the QĐ 766 5.4 ratio in the summary workbook (their own sheet) and
 * the printed report (their own section): the same IndicatorReport the dashboard tab shows, laid
 * out as the provinces' quarterly reports lay it out.
 */

/** The indicators' period for an export's: a quarter or year as it is; a month or custom range, the quarter of its last day. */
export function indicatorPeriod(period: ReportPeriod, today: string): { kind: 'quarter' | 'year'; at: string; from: string; to: string } {
  if ((period.kind === 'quarter' || period.kind === 'year') && period.at !== null) return { kind: period.kind, at: period.at, from: period.from, to: period.to };
  const at = quarterOf(period.to);
  const quarter = resolveReportPeriod({ period: 'quarter', at }, today);
  return { kind: 'quarter', at, from: quarter.from, to: quarter.to };
}

export const OFFICIAL_CLASS_VI: Record<NonNullable<OfficialRow['classification']>, string> = {
  complete_100: 'Hoàn thành 100%',
  complete_70_100: 'Hoàn thành từ 70% đến dưới 100%',
  below_70: 'Hoàn thành dưới 70%',
};

export const AGENCY_CLASS_VI: Record<NonNullable<AgencyRow['classification']>, string> = {
  xuat_sac: 'Xuất sắc',
  tot: 'Tốt',
  kha: 'Khá',
  trung_binh: 'Trung bình',
  yeu: 'Yếu',
};

export const INDICATOR_SHEET = 'Chỉ số TT 01-2018';

export function periodName(report: IndicatorReport): string {
  const { kind, at } = report.period;
  return kind === 'year' ? `Năm ${at}` : `Quý ${['I', 'II', 'III', 'IV'][Number(at.slice(6)) - 1]}/${at.slice(0, 4)}`;
}

const ART15 = 'Chỉ tiêu không có dữ liệu được bỏ qua, không tính 0 điểm (Điều 15 Thông tư 01/2018/TT-VPCP); tổng điểm cộng các chỉ tiêu có dữ liệu.';
const Q766_RULE = 'QĐ 766/QĐ-TTg, chỉ số 5.4: tỷ lệ = 100% − (% hồ sơ quá hạn + % hồ sơ có phản ánh, kiến nghị hoặc không hài lòng); đủ 6 điểm từ 90%.';

const short = (code: string) => code.replace('D18.', '');
const SCORE = '0.0';
const COUNT = '#,##0';
const PERCENT = '0.00';
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDCE6F1' } };

type Cell = string | number | null;

/** A score and the dossiers it rests on; blanks where the indicator has no data. */
const cellPair = (cell: IndicatorCell | undefined): Cell[] => (cell ? [cell.score, cell.dossiers] : [null, null]);

const q766Cells = (q: Q766Row): Cell[] => [q.dossiers, q.overdue, q.disliked, q.rate, q.points];

/**
 * The rows of the sheet, as values: read back by the tests that hold the sheet equal to the tab.
 * Agencies, then officials, each under its own header row; the scope's 5.4 ratio last.
 */
export function indicatorSheetRows(report: IndicatorReport): { rows: Cell[][]; headers: number[] } {
  const codes = report.definitions.map((d) => d.code);
  const officialCodes = report.definitions.filter((d) => d.official).map((d) => d.code);
  const rows: Cell[][] = [];
  const headers: number[] = [];
  const header = (cells: Cell[]) => {
    rows.push(cells);
    headers.push(rows.length);
  };
  rows.push([xlsxCellText(`Chỉ số đánh giá việc giải quyết TTHC (TT 01/2018/TT-VPCP) – ${periodName(report)} (${report.period.from} – ${report.period.to})`)]);
  rows.push([xlsxCellText(ART15)]);
  rows.push([]);
  header(['Mã đơn vị', 'Cơ quan, đơn vị', 'Số hồ sơ', ...codes.flatMap((c) => [`Chỉ tiêu ${short(c)}`, `Số hồ sơ (${short(c)})`]), 'Tổng điểm (tối đa 18)', 'Xếp loại', '766: Số hồ sơ', '766: Quá hạn', '766: Có PAKN/không hài lòng', '766: Tỷ lệ (%)', '766: Điểm (tối đa 6)']);
  for (const a of report.agencies) {
    rows.push([
      xlsxCellText(a.unit.code),
      xlsxCellText(a.unit.name),
      a.dossiers,
      ...codes.flatMap((c) => cellPair(a.indicators[c])),
      a.total,
      a.classification ? AGENCY_CLASS_VI[a.classification] : 'Chưa xếp loại',
      ...q766Cells(a.q766),
    ]);
  }
  rows.push([]);
  header(['Mã cán bộ', 'Cán bộ, công chức', 'Số hồ sơ', ...officialCodes.flatMap((c) => [`Chỉ tiêu ${short(c)}`, `Số hồ sơ (${short(c)})`]), 'Tổng điểm (tối đa 10)', 'Mức hoàn thành']);
  for (const o of report.officials) {
    rows.push([
      xlsxCellText(o.code),
      xlsxCellText(o.name),
      o.dossiers,
      ...officialCodes.flatMap((c) => cellPair(o.indicators[c])),
      o.total,
      o.classification ? OFFICIAL_CLASS_VI[o.classification] : 'Chưa xếp loại',
    ]);
  }
  rows.push([]);
  header(['Toàn phạm vi', 'Số hồ sơ', 'Quá hạn', 'Có PAKN/không hài lòng', 'Trong đó cả hai', 'Tỷ lệ (%)', 'Điểm (tối đa 6)']);
  const q = report.q766;
  rows.push([xlsxCellText(Q766_RULE), q.dossiers, q.overdue, q.disliked, q.overdueAndDisliked, q.rate, q.points]);
  return { rows, headers };
}

/** Adds the indicators' own sheet to the summary workbook. */
export function addIndicatorSheet(workbook: ExcelJS.Workbook, report: IndicatorReport): void {
  const sheet = workbook.addWorksheet(INDICATOR_SHEET);
  const { rows, headers } = indicatorSheetRows(report);
  for (const row of rows) sheet.addRow(row);
  for (const r of headers) {
    const row = sheet.getRow(r);
    row.font = { bold: true };
    row.alignment = { wrapText: true, vertical: 'middle' };
    row.eachCell((cell) => {
      cell.fill = HEADER_FILL;
    });
  }
  sheet.getRow(1).font = { bold: true, size: 12 };
  // Scores to one decimal as the circular rounds them, rates and points to two.
  sheet.eachRow((row, r) => {
    if (headers.includes(r)) return;
    row.eachCell((cell) => {
      if (typeof cell.value !== 'number') return;
      const heading = String(sheet.getRow(Math.max(...headers.filter((h) => h < r))).getCell(cell.col).value ?? '');
      cell.numFmt = /^Chỉ tiêu|Tổng điểm/.test(heading) ? SCORE : /Tỷ lệ|Điểm \(/.test(heading) ? PERCENT : COUNT;
    });
  });
  sheet.getColumn(1).width = 16;
  sheet.getColumn(2).width = 44;
  for (let c = 3; c <= sheet.columnCount; c++) sheet.getColumn(c).width = 12;
}

const one = (v: number) => toFixedDecimal(v, 1, 'half_away_from_zero').replace('.', ',');
const two = (v: number | null) => (v === null ? '—' : toFixedDecimal(v, 2, 'half_away_from_zero').replace('.', ','));

/**
 * The printed report's section on the indicators (numbered by the report). The 5.4 ratio is a share
 * of dossiers, not a satisfaction index: marked `rate`, it stays a percentage whatever SCORE_DISPLAY,
 * as do the circular's own names of the officials' classes ("Hoàn thành 100%"), marked `classification`.
 */
export function indicatorSection(report: IndicatorReport, number: string) {
  const codes = report.definitions.map((d) => d.code);
  const officialCodes = report.definitions.filter((d) => d.official).map((d) => d.code);
  const scoreCell = (cell: IndicatorCell | undefined) => html`<td class="num">${cell ? one(cell.score) : '—'}</td>`;
  const empty = report.agencies.length === 0 && report.officials.length === 0;
  return html`<section>
        <h2>${number}. Chỉ số đánh giá việc giải quyết thủ tục hành chính (TT 01/2018/TT-VPCP, QĐ 766/QĐ-TTg)</h2>
        <p>Kỳ: ${periodName(report)}. ${ART15}${report.withoutData.length && report.withoutData.length < codes.length
          ? ` Không có dữ liệu: chỉ tiêu ${report.withoutData.map(short).join(', ')}.`
          : ''}</p>
        ${empty
          ? html`<p>Chưa có hồ sơ nào có dữ liệu đánh giá trong kỳ.</p>`
          : html`<table class="data">
              <thead>
                <tr><th>Cơ quan, đơn vị</th><th>Số hồ sơ</th>${codes.map((c) => html`<th>${short(c)}</th>`)}<th>Tổng (/18)</th><th>Xếp loại</th><th>5.4: tỷ lệ</th><th>5.4: điểm (/6)</th></tr>
              </thead>
              <tbody>
                ${report.agencies.map(
                  (a) => html`<tr><td>${a.unit.name}</td><td class="num">${a.dossiers}</td>${codes.map((c) => scoreCell(a.indicators[c]))}<td class="num">${a.total === null ? '—' : one(a.total)}</td><td class="classification">${a.classification ? AGENCY_CLASS_VI[a.classification] : 'Chưa xếp loại'}</td><td class="num rate">${a.q766.rate === null ? '—' : `${two(a.q766.rate)}%`}</td><td class="num">${two(a.q766.points)}</td></tr>`,
                )}
              </tbody>
            </table>
            <table class="data">
              <thead>
                <tr><th>Cán bộ, công chức</th><th>Số hồ sơ</th>${officialCodes.map((c) => html`<th>${short(c)}</th>`)}<th>Tổng (/10)</th><th>Mức hoàn thành</th></tr>
              </thead>
              <tbody>
                ${report.officials.map(
                  (o) => html`<tr><td>${o.name}</td><td class="num">${o.dossiers}</td>${officialCodes.map((c) => scoreCell(o.indicators[c]))}<td class="num">${o.total === null ? '—' : one(o.total)}</td><td class="classification">${o.classification ? OFFICIAL_CLASS_VI[o.classification] : 'Chưa xếp loại'}</td></tr>`,
                )}
              </tbody>
            </table>`}
        <p><span class="rate">${Q766_RULE}</span> Toàn phạm vi: ${report.q766.dossiers} hồ sơ, ${report.q766.overdue} quá hạn, ${report.q766.disliked} có phản ánh hoặc không hài lòng; tỷ lệ <span class="rate">${report.q766.rate === null ? 'không áp dụng' : `${two(report.q766.rate)}%`}</span>, ${two(report.q766.points)} điểm.</p>
      </section>`;
}
