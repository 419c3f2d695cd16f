import type { TableVisitor } from './visitor.js';

/** The line ending that ends the first row (outside quotes): \r\n, \n or \r. */
function lineEndOf(text: string): string {
  let quoted = false;
  for (let at = 0; at < text.length; at++) {
    const ch = text[at];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) return ch === '\r' && text[at + 1] === '\n' ? '\r\n' : ch;
  }
  return '\n';
}

/**
 * Splits CSV text into cells (RFC 4180: a field in double quotes may hold separators, line breaks
 * and doubled quotes; a quote inside an unquoted field is kept as written), handing each cell to
 * `visit` as soon as it is read so the visitor can stop the read by throwing. Rows end at the
 * kind of line ending that ends the first row (\r\n, \n or \r), as csv-parse reads them.
 * Linear in the text: each position is looked at a bounded number of times.
 * Returns a message when a quoted field is never closed or is followed by other text.
 */
export function readCsvCells(text: string, delimiter: string, visit: TableVisitor): string | undefined {
  const lineEnd = lineEndOf(text);
  const length = text.length;
  /** The next separator and line ending at or after the read position, looked up again only once passed (-1: none left). */
  let nextDelimiter = text.indexOf(delimiter);
  let nextLineEnd = text.indexOf(lineEnd);
  const next = (what: string, cached: number, from: number) => (cached !== -1 && cached < from ? text.indexOf(what, from) : cached);

  let row = 1;
  let column = 0;
  let cells: string[] = [];
  let at = 0;
  for (;;) {
    let value: string;
    let end: number;
    if (text.charCodeAt(at) === 0x22) {
      const parts: string[] = [];
      let from = at + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote === -1) return `dòng ${row}: thiếu dấu " đóng`;
        parts.push(text.slice(from, quote));
        if (text.charCodeAt(quote + 1) !== 0x22) {
          end = quote + 1;
          break;
        }
        parts.push('"');
        from = quote + 2;
      }
      value = parts.join('');
      if (end < length && !text.startsWith(delimiter, end) && !text.startsWith(lineEnd, end)) {
        return `dòng ${row}: có ký tự sau dấu " đóng`;
      }
    } else {
      nextDelimiter = next(delimiter, nextDelimiter, at);
      nextLineEnd = next(lineEnd, nextLineEnd, at);
      end = Math.min(nextDelimiter === -1 ? length : nextDelimiter, nextLineEnd === -1 ? length : nextLineEnd);
      value = text.slice(at, end);
    }
    column += 1;
    visit.cell(row, column, value);
    if (value !== '') cells[column - 1] = value;
    if (end >= length) {
      visit.row(row, cells);
      return undefined;
    }
    if (text.startsWith(delimiter, end)) {
      at = end + delimiter.length;
      continue;
    }
    visit.row(row, cells);
    at = end + lineEnd.length;
    if (at >= length) return undefined;
    row += 1;
    column = 0;
    cells = [];
  }
}
