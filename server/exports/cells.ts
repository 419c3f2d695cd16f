/**
 * Cell text for spreadsheets that people open in Excel or LibreOffice (security.md: formula
 * injection). A text cell that starts with = + - @, a tab or a carriage return could run as a
 * formula, so it gets a leading single quote; a text that already starts with a quote gets one
 * too, so `restoreCell` can undo exactly what `neutraliseCell` did and round trips stay lossless.
 */

const FORMULA_START = /^[=+\-@\t\r']/;

export function neutraliseCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** Undoes neutraliseCell: drops one leading quote (every exported text starting with one had it added). */
export function restoreCell(text: string): string {
  return text.startsWith("'") ? text.slice(1) : text;
}

/** RFC 4180 field: quoted when it holds a separator, quote or line break (any of , ; tab, for Excel's locales). */
export function csvField(text: string): string {
  return /[",;\t\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A neutralised CSV text field. Numbers are written by the caller as plain digits. */
export function csvText(text: string): string {
  return csvField(neutraliseCell(text));
}

/** UTF-8 byte order mark: without it Excel reads a CSV as the local code page and garbles Vietnamese. */
export const UTF8_BOM = '\uFEFF';

/**
 * Characters XML 1.0 cannot carry (C0 controls but tab and line feed; CR, which XML parsers turn
 * into LF; U+FFFE/U+FFFF; lone surrogates). OOXML writes them as _xHHHH_, which Excel, LibreOffice
 * and exceljs decode.
 */
const XML_UNSAFE = /[\u0000-\u0008\u000B-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** An underscore that the _xHHHH_ decoder would read as the start of an escape (also before an escaped character). */
const ESCAPE_LIKE = new RegExp(`_(?=x[0-9A-F]{4}(?:_|${XML_UNSAFE.source}))`, 'g');

const hex4 = (ch: string) => ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');

/**
 * Text for an XLSX string cell that reads back exactly: literal "_xHHHH_" look-alikes get their
 * underscore escaped as _x005F_, then unsafe characters are written as _xHHHH_.
 */
export function xlsxText(text: string): string {
  return text.replace(ESCAPE_LIKE, '_x005F_').replace(XML_UNSAFE, (ch) => `_x${hex4(ch)}_`);
}

/** A neutralised XLSX text cell value. */
export function xlsxCellText(text: string): string {
  return xlsxText(neutraliseCell(text));
}
