import { AppError } from '../http.js';
import { readCsvCells } from './csv.js';
import type { TableVisitor } from './visitor.js';
import { readFirstSheet, UnreadableWorkbook } from './xlsx.js';

/**
 * Reads an uploaded CSV or XLSX into rows of cell texts, exactly as written: nothing is trimmed
 * (comments must survive a round trip), and each data row keeps its spreadsheet row number.
 *
 * An upload within the byte limit can still describe an enormous table (a sparse sheet with a cell
 * in column XFD, a CSV header of a million commas, a zip that inflates a thousandfold), so the read
 * stops at the first cell past these bounds with a 413, before anything beyond them is built.
 */

/** Columns up to the header's last named one are read; no import has anywhere near this many. */
export const MAX_COLUMNS = 200;
/**
 * Cells read, empty or not: bounds the work and memory of a file whatever its shape. 50,000 paper
 * forms of 40 columns fit; reading that many costs about 0.5 s of CPU from CSV and 5 s from XLSX.
 */
export const MAX_CELLS = 2_000_000;
/**
 * What the XLSX parts read (sheet, shared strings, styles) may inflate to, together: a sheet is
 * 30–40 bytes of XML a cell. A crafted zip that inflates past it costs about 2 s of CPU and
 * 110 MB to refuse (the XML parser holds a text node whole).
 */
export const MAX_XLSX_XML_BYTES = 64 * 1024 * 1024;

/** Row errors an import report lists; the rest are counted, so a file wrong in every cell gets a short reply. */
export const MAX_LISTED_ERRORS = 500;

export interface Table {
  header: string[];
  /** Non-blank data rows; `row` is the spreadsheet row number (the header is row 1). */
  rows: { row: number; cells: string[] }[];
}

const tooLarge = (message: string) => new AppError('payload_too_large', 413, message);

/** Collects rows as they are read, refusing the file at the first one past a bound. */
class TableBuilder implements TableVisitor {
  private cellCount = 0;
  private header: string[] | undefined;
  private readonly rows: Table['rows'] = [];

  constructor(private readonly maxRows: number) {}

  /** `column` counts from 1. A value past MAX_COLUMNS ends the read; empty cells there are ignored. */
  cell(row: number, column: number, text: string): void {
    if (++this.cellCount > MAX_CELLS) throw tooLarge(`Tệp có hơn ${MAX_CELLS.toLocaleString('vi-VN')} ô: hãy chia nhỏ tệp`);
    if (column > MAX_COLUMNS && text.trim() !== '') {
      throw tooLarge(`Dòng ${row} có dữ liệu ở cột thứ ${column}: tệp nhập có tối đa ${MAX_COLUMNS} cột`);
    }
  }

  /** Rows must come in order; a missing row 1 is a blank header. */
  row(row: number, cells: readonly (string | undefined)[]): void {
    if (this.header === undefined) {
      this.header = row === 1 ? Array.from({ length: lastFilled(cells) }, (_, i) => cells[i] ?? '') : [];
      if (row === 1) return;
    }
    if (lastFilled(cells) === 0) return;
    if (this.rows.length >= this.maxRows) throw tooLarge(`Tệp có hơn ${this.maxRows.toLocaleString('vi-VN')} dòng dữ liệu: hãy chia nhỏ tệp`);
    this.rows.push({ row, cells: Array.from({ length: this.header.length }, (_, i) => cells[i] ?? '') });
  }

  table(): Table {
    return { header: this.header ?? [], rows: this.rows };
  }
}

/** How many cells up to the last that is not blank. */
function lastFilled(cells: readonly (string | undefined)[]): number {
  for (let i = Math.min(cells.length, MAX_COLUMNS) - 1; i >= 0; i--) if ((cells[i] ?? '').trim() !== '') return i + 1;
  return 0;
}

/** XLSX files are zip archives: they start with "PK\x03\x04". */
function isXlsx(bytes: Uint8Array): boolean {
  return bytes.length > 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** How often `ch` occurs in text[0, end), counting no further than `cap`. */
function occurrences(text: string, ch: string, end: number, cap: number): number {
  let n = 0;
  for (let at = text.indexOf(ch); at !== -1 && at < end && n < cap; at = text.indexOf(ch, at + 1)) n++;
  return n;
}

/**
 * The separator of the header line: Excel saves "CSV" with the list separator of its locale
 * (a semicolon where the decimal mark is a comma, as in Vietnamese). Counted, not split, so a
 * header of a million separators costs no more than one of ten.
 */
function detectDelimiter(text: string): string {
  const lineEnd = text.search(/\r?\n|$/);
  const counts = [',', ';', '\t'].map((d) => ({ d, n: occurrences(text, d, lineEnd, MAX_COLUMNS + 1) }));
  return counts.sort((a, b) => b.n - a.n)[0]!.n > 0 ? counts[0]!.d : ',';
}

function readCsv(bytes: Uint8Array, builder: TableBuilder): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return 'Tệp không phải văn bản UTF-8: hãy lưu dưới dạng "CSV UTF-8" hoặc Excel (.xlsx)';
  }
  const malformed = readCsvCells(text, detectDelimiter(text), builder);
  return malformed && `Không đọc được tệp CSV (${malformed})`;
}

async function readXlsx(bytes: Uint8Array, builder: TableBuilder): Promise<string | undefined> {
  const exceeded = (bound: 'xmlBytes' | 'sharedStrings') =>
    tooLarge(
      bound === 'xmlBytes'
        ? `Tệp Excel giải nén ra hơn ${MAX_XLSX_XML_BYTES / 1024 / 1024} MB: hãy chia nhỏ tệp`
        : `Tệp Excel có hơn ${MAX_CELLS.toLocaleString('vi-VN')} chuỗi văn bản: hãy chia nhỏ tệp`,
    );
  try {
    // A sheet of MAX_CELLS cells needs no more shared strings than that.
    if (!(await readFirstSheet(bytes, { xmlBytes: MAX_XLSX_XML_BYTES, sharedStrings: MAX_CELLS, exceeded }, builder))) {
      return 'Tệp Excel không có trang tính nào';
    }
  } catch (err) {
    if (err instanceof UnreadableWorkbook) return 'Không đọc được tệp Excel: hãy lưu lại dưới dạng .xlsx';
    throw err;
  }
  return undefined;
}

/**
 * The table of an upload, or a message saying why it cannot be read. Throws a 413 AppError when
 * the file has more than `maxRows` data rows, a value past MAX_COLUMNS, more than MAX_CELLS cells,
 * or (XLSX) inflates past MAX_XLSX_XML_BYTES.
 */
export async function readTable(bytes: Uint8Array, maxRows: number): Promise<Table | string> {
  const builder = new TableBuilder(maxRows);
  const unreadable = isXlsx(bytes) ? await readXlsx(bytes, builder) : readCsv(bytes, builder);
  if (unreadable) return unreadable;
  const { header, rows } = builder.table();
  if (header.every((h) => h.trim() === '')) return 'Tệp không có dòng tiêu đề';
  return { header: header.map((h) => h.replace(/^\uFEFF/, '')), rows };
}
