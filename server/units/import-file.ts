import { parse } from 'csv-parse/sync';
// exceljs (about 28 MB of RSS) is loaded only when a workbook is made or read.
import type ExcelJS from 'exceljs';
import { IMPORT_COLUMNS, type ImportKind, type ImportRowError } from '../../schema/admin.js';

/** One data row of an uploaded sheet, by canonical column name; `row` is the spreadsheet row number. */
export interface SheetRow {
  row: number;
  values: Record<string, string>;
}

export interface ParsedSheet {
  rows: SheetRow[];
  errors: ImportRowError[];
}

export const MAX_IMPORT_ROWS = 20_000;

/** "Mã TTHC" → "ma_tthc": headers are matched without case, diacritics or spacing. */
export function normaliseHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

function unreadable(message: string): ParsedSheet {
  return { rows: [], errors: [{ row: 0, column: '', code: 'file_unreadable', message }] };
}

/** XLSX files are zip archives: they start with "PK\x03\x04". */
function isXlsx(bytes: Uint8Array): boolean {
  return bytes.length > 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function csvTable(bytes: Uint8Array): string[][] | string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'The file is not UTF-8 text: save it as "CSV UTF-8" or as an Excel workbook';
  }
  try {
    return parse(text, {
      bom: true,
      delimiter: [',', ';', '\t'],
      relax_column_count: true,
      skip_empty_lines: false,
      trim: true,
    }) as string[][];
  } catch (err) {
    return `The CSV file could not be read (${(err as Error).message.split('\n')[0]})`;
  }
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ('richText' in value) return value.richText.map((r) => r.text).join('').trim();
  if ('text' in value && typeof value.text === 'string') return value.text.trim();
  if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
  if ('error' in value) return '';
  return '';
}

async function xlsxTable(bytes: Uint8Array): Promise<string[][] | string> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    return 'The Excel file could not be read: save it again as .xlsx';
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return 'The Excel file has no sheet';
  const table: string[][] = [];
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cells: string[] = [];
    for (let col = 1; col <= row.cellCount; col++) cells.push(cellText(row.getCell(col).value));
    table.push(cells);
  }
  return table;
}

/**
 * Reads a CSV (UTF-8; comma, semicolon or tab) or XLSX upload: row 1 is the header, matched to the
 * import's columns by name (English or Vietnamese, any case or accents). Blank rows are skipped but
 * keep their numbers, so row numbers match what people see in their spreadsheet.
 */
export async function readSheet(kind: ImportKind, bytes: Uint8Array): Promise<ParsedSheet> {
  const table = isXlsx(bytes) ? await xlsxTable(bytes) : csvTable(bytes);
  if (typeof table === 'string') return unreadable(table);
  const header = (table[0] ?? []).map(normaliseHeader);
  const columns = IMPORT_COLUMNS[kind];
  const positions: Record<string, number> = {};
  const errors: ImportRowError[] = [];
  for (const [column, aliases] of Object.entries(columns)) {
    const at = header.findIndex((h) => aliases.includes(h));
    if (at >= 0) positions[column] = at;
    else if (!(kind === 'units' && column === 'parent_kind')) {
      errors.push({
        row: 1,
        column,
        code: 'missing_column',
        message: `The header row has no "${column}" column (also accepted: ${aliases.slice(1).join(', ')})`,
      });
    }
  }
  if (errors.length) return { rows: [], errors };
  const rows: SheetRow[] = [];
  for (let i = 1; i < table.length; i++) {
    const cells = table[i]!;
    if (cells.every((cell) => cell.trim() === '')) continue;
    const values: Record<string, string> = {};
    for (const [column, at] of Object.entries(positions)) values[column] = (cells[at] ?? '').trim();
    rows.push({ row: i + 1, values });
  }
  if (rows.length > MAX_IMPORT_ROWS) {
    return {
      rows: [],
      errors: [{ row: 0, column: '', code: 'too_many_rows', message: `At most ${MAX_IMPORT_ROWS} rows per file; split it` }],
    };
  }
  return { rows, errors: [] };
}
