/** What the CSV and XLSX readers hand over as they read, in file order (table.ts builds the table from it). */
export interface TableVisitor {
  /** Every cell, empty or not; `row` and `column` count from 1. Throws to stop the read. */
  cell(row: number, column: number, text: string): void;
  /** A row's non-empty cell texts by column (index 0 is column A), a sparse array; blank rows come too. */
  row(row: number, cells: readonly (string | undefined)[]): void;
}
