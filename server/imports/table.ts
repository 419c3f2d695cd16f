import { parse } from 'csv-parse/sync';
// exceljs (about 28 MB of RSS) is loaded only when a workbook is made or read.
import type ExcelJS from 'exceljs';

/**
 * Reads an uploaded CSV or XLSX into rows of cell texts, exactly as written: nothing is trimmed
 * (comments must survive a round trip), and each data row keeps its spreadsheet row number.
 */

export interface Table {
  header: string[];
  /** Non-blank data rows; `row` is the spreadsheet row number (the header is row 1). */
  rows: { row: number; cells: string[] }[];
}

/** XLSX files are zip archives: they start with "PK\x03\x04". */
function isXlsx(bytes: Uint8Array): boolean {
  return bytes.length > 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/**
 * The separator of the header line: Excel saves "CSV" with the list separator of its locale
 * (a semicolon where the decimal mark is a comma, as in Vietnamese).
 */
function detectDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const counts = [',', ';', '\t'].map((d) => ({ d, n: firstLine.split(d).length - 1 }));
  return counts.sort((a, b) => b.n - a.n)[0]!.n > 0 ? counts[0]!.d : ',';
}

function csvRows(bytes: Uint8Array): string[][] | string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return 'Tệp không phải văn bản UTF-8: hãy lưu dưới dạng "CSV UTF-8" hoặc Excel (.xlsx)';
  }
  try {
    return parse(text, { delimiter: detectDelimiter(text), relax_column_count: true, skip_empty_lines: false }) as string[][];
  } catch (err) {
    return `Không đọc được tệp CSV (${(err as Error).message.split('\n')[0]})`;
  }
}

/** A date cell holds Vietnam wall-clock time in its UTC fields (that is how spreadsheets store times). */
function dateText(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('T', ' ').slice(0, 19);
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return dateText(value);
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('text' in value && typeof value.text === 'string') return value.text;
  if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
  return '';
}

async function xlsxRows(bytes: Uint8Array): Promise<string[][] | string> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    return 'Không đọc được tệp Excel: hãy lưu lại dưới dạng .xlsx';
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return 'Tệp Excel không có trang tính nào';
  const width = sheet.getRow(1).cellCount;
  const rows: string[][] = [];
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cells: string[] = [];
    for (let c = 1; c <= Math.max(width, row.cellCount); c++) cells.push(cellText(row.getCell(c).value));
    rows.push(cells);
  }
  return rows;
}

/** The table of an upload, or a message saying why it cannot be read. */
export async function readTable(bytes: Uint8Array): Promise<Table | string> {
  const rows = isXlsx(bytes) ? await xlsxRows(bytes) : csvRows(bytes);
  if (typeof rows === 'string') return rows;
  const [header, ...data] = rows;
  if (!header || header.every((h) => h.trim() === '')) return 'Tệp không có dòng tiêu đề';
  return {
    header: header.map((h) => h.replace(/^\uFEFF/, '')),
    rows: data.map((cells, i) => ({ row: i + 2, cells })).filter((r) => r.cells.some((c) => c.trim() !== '')),
  };
}
