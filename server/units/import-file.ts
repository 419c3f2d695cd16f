import { IMPORT_COLUMNS, type ImportKind, type ImportRowError } from '../../schema/admin.js';
import { readTable } from '../imports/table.js';

/** One data row of an uploaded sheet, by canonical column name; `row` is the spreadsheet row number. */
export interface SheetRow {
  row: number;
  values: Record<string, string>;
}

export interface ParsedSheet {
  rows: SheetRow[];
  errors: ImportRowError[];
}

/** Data rows per file: more is refused with a 413 while reading. */
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

/**
 * Reads a CSV (UTF-8; comma, semicolon or tab) or XLSX upload: row 1 is the header, matched to the
 * import's columns by name (English or Vietnamese, any case or accents). Blank rows are skipped but
 * keep their numbers, so row numbers match what people see in their spreadsheet.
 */
export async function readSheet(kind: ImportKind, bytes: Uint8Array): Promise<ParsedSheet> {
  const table = await readTable(bytes, MAX_IMPORT_ROWS);
  if (typeof table === 'string') return unreadable(table);
  const header = table.header.map(normaliseHeader);
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
  for (const { row, cells } of table.rows) {
    const values: Record<string, string> = {};
    for (const [column, at] of Object.entries(positions)) values[column] = (cells[at] ?? '').trim();
    rows.push({ row, values });
  }
  return { rows, errors: [] };
}
