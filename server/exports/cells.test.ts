import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvText, neutraliseCell, restoreCell, xlsxCellText, xlsxText } from './cells.js';

/** Characters that matter to spreadsheets, CSV and OOXML escaping, mixed with any Unicode. */
const SPECIALS = ['=', '+', '-', '@', '\t', '\r', '\n', "'", '"', ',', ';', '_', 'x', '0', 'D', 'F', '5', 'ệ', 'Đ', '\u0000', '\u0001', '\u001F', '\uFFFE', '\uFFFF'];
const anyChar = fc.oneof(fc.constantFrom(...SPECIALS), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
/** UTF-8 (CSV, SQLite) cannot hold a lone surrogate; XLSX can, through _xHHHH_. */
const anyText = fc.string({ unit: anyChar, maxLength: 40 });
const xlsxChar = fc.oneof(anyChar, fc.constantFrom('\uD800', '\uDFFF', '_x000D_', '_x005F_', '_xD800_'));
const xlsxString = fc.string({ unit: xlsxChar, maxLength: 40 });

const FORMULA_START = /^[=+\-@\t\r]/;

describe('formula neutralisation', () => {
  it.each([
    ['=HYPERLINK("http://x","y")', "'=HYPERLINK(\"http://x\",\"y\")"],
    ['+1', "'+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', "'\rcmd"],
    ["'quoted", "''quoted"],
    ['Cán bộ tận tình', 'Cán bộ tận tình'],
    ['', ''],
  ])('%j becomes %j', (input, output) => {
    expect(neutraliseCell(input)).toBe(output);
    expect(restoreCell(output)).toBe(input);
  });

  it('never leaves a formula start and is undone exactly, for any text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const cell = neutraliseCell(text);
        expect(FORMULA_START.test(cell)).toBe(false);
        expect(restoreCell(cell)).toBe(text);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('CSV fields', () => {
  it('parse back to the original texts, whatever separators, quotes and line breaks they hold', () => {
    fc.assert(
      fc.property(fc.array(anyText, { minLength: 1, maxLength: 8 }), (texts) => {
        const line = `${texts.map(csvText).join(',')}\r\n`;
        const [cells] = parse(line, { delimiter: ',', relax_column_count: true }) as string[][];
        expect(cells!.map(restoreCell)).toEqual(texts);
        for (const cell of cells!) expect(FORMULA_START.test(cell)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('XLSX text', () => {
  it('escapes what XML cannot carry and the look-alikes of its own escapes', () => {
    expect(xlsxText('a\rb')).toBe('a_x000D_b');
    expect(xlsxText('\u0001')).toBe('_x0001_');
    expect(xlsxText('_x000D_')).toBe('_x005F_x000D_');
    expect(xlsxText('_xABCD\u0001')).toBe('_x005F_xABCD_x0001_');
    expect(xlsxText('Trung tâm_x')).toBe('Trung tâm_x');
  });

  it('reads back exactly through exceljs for any text (controls, CR, lone surrogates, _xHHHH_ included)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(xlsxString, { minLength: 1, maxLength: 20 }), async (texts) => {
        const workbook = new ExcelJS.Workbook();
        const sheet = workbook.addWorksheet('t');
        texts.forEach((text, i) => {
          sheet.getCell(i + 1, 1).value = xlsxCellText(text);
        });
        const back = new ExcelJS.Workbook();
        await back.xlsx.load(await workbook.xlsx.writeBuffer());
        const read = texts.map((_, i) => {
          const value = back.worksheets[0]!.getCell(i + 1, 1).value;
          return typeof value === 'string' ? value : '';
        });
        for (const cell of read) expect(FORMULA_START.test(cell)).toBe(false);
        expect(read.map(restoreCell)).toEqual(texts);
      }),
      { numRuns: 150 },
    );
  });
});
