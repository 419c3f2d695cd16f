import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportResult } from '../../schema/admin.js';
import { ErrorBody } from '../../schema/errors.js';
import { ResponseImportResult } from '../../schema/exports.js';
import { aSession, aUser, type TestSession } from '../testing/auth.js';
import type { UnitRow } from '../db/types.js';
import { AppError } from '../http.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { aUnit } from '../testing/units.js';
import { MAX_CELLS, MAX_COLUMNS, MAX_LISTED_ERRORS, readTable } from './table.js';
import { readFirstSheet, UnreadableWorkbook } from './xlsx.js';

/**
 * Issue #21, finding 3: an upload within the byte limit must not describe a table the server then
 * builds whole. A centre supervisor's 6 KB workbook with cells A1–C1, XFD1 and A1000 took 71 s and
 * 4.2 GB (rows × 16,384 columns); a CSV header of a million columns answered with 150 MB of errors.
 * Both imports (units/counters/catalogue and paper forms) read uploads through server/imports/table.ts.
 */

let t: TestContext;
let supervisor: TestSession;
let centre: UnitRow;

beforeAll(async () => {
  t = await makeTestApp();
  const province = await aUnit(t.db, t.clock, { kind: 'province', code: '96' });
  const commune = await aUnit(t.db, t.clock, { kind: 'commune', parent: province });
  centre = await aUnit(t.db, t.clock, { kind: 'centre', code: 'TT-GIARAI', parent: commune });
  supervisor = await aSession(t, (await aUser(t.db, t.clock, { grants: [{ role: 'centre_supervisor', unitId: centre.id }] })).id);
});
afterAll(async () => t.cleanup());

const COUNTERS = (mode = 'preview') => `/api/admin/import/counters?unitId=${centre.id}&mode=${mode}`;
const RESPONSES = () => `/api/admin/imports/responses?unitId=${centre.id}&mode=preview`;

async function upload(path: string, body: Uint8Array | string): Promise<{ status: number; text: string; ms: number }> {
  const started = performance.now();
  const res = await t.app.request(path, {
    method: 'POST',
    headers: { cookie: supervisor.cookie, 'x-csrf-token': supervisor.csrfToken, 'content-type': 'application/octet-stream' },
    body: typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body),
  });
  const text = await res.text();
  return { status: res.status, text, ms: performance.now() - started };
}

function expectTooLarge(reply: { status: number; text: string }, message: RegExp): void {
  expect(reply.status, reply.text.slice(0, 300)).toBe(413);
  const body = ErrorBody.parse(JSON.parse(reply.text));
  expect(body.error.code).toBe('payload_too_large');
  expect(body.error.message).toMatch(message);
}

async function workbook(fill: (sheet: ExcelJS.Worksheet) => void): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  fill(book.addWorksheet('Quầy'));
  return new Uint8Array(await book.xlsx.writeBuffer());
}

describe('a sparse workbook of huge dimensions', () => {
  it('is refused at once with 413 when a value sits past column 200 (the A1–C1, XFD1, A1000 file), by both imports', async () => {
    const file = await workbook((sheet) => {
      sheet.getCell('A1').value = 'unit_code';
      sheet.getCell('B1').value = 'code';
      sheet.getCell('C1').value = 'name';
      sheet.getCell('XFD1').value = 'x';
      sheet.getCell('A1000').value = 'TT-GIARAI';
    });
    expect(file.byteLength).toBeLessThan(10_000);
    for (const path of [COUNTERS(), RESPONSES()]) {
      const reply = await upload(path, file);
      expectTooLarge(reply, new RegExp(`cột thứ 16384.*tối đa ${MAX_COLUMNS} cột`));
      // Today's reader took 71 s on this file; reading it now is a few milliseconds.
      expect(reply.ms).toBeLessThan(5_000);
    }
  }, 20_000);

  it('reads the real cells of a sheet whose formatting reaches column XFD and row 1,048,576', async () => {
    const file = await workbook((sheet) => {
      sheet.addRow(['unit_code', 'code', 'name']);
      sheet.addRow(['TT-GIARAI', 'Q1', 'Quầy 1']);
      sheet.getCell('XFD2').numFmt = '0.00';
      sheet.getCell('A1048576').numFmt = '0.00';
      sheet.getColumn(16_384).width = 30;
    });
    const reply = await upload(COUNTERS(), file);
    expect(reply.status, reply.text).toBe(200);
    expect(ImportResult.parse(JSON.parse(reply.text))).toMatchObject({ rowCount: 1, created: 1, errorCount: 0 });
  }, 20_000);
});

describe('a CSV header of a million columns', () => {
  const header = Array.from({ length: 1_000_000 }, (_, i) => `c${i}`).join(',');

  it('is refused with 413 and a short reply, not a 150 MB list of unknown columns, by both imports', async () => {
    for (const path of [RESPONSES(), COUNTERS()]) {
      const reply = await upload(path, `${header}\n1,2,3\n`);
      expectTooLarge(reply, new RegExp(`Dòng 1 có dữ liệu ở cột thứ ${MAX_COLUMNS + 1}`));
      expect(reply.text.length).toBeLessThan(1_000);
    }
  }, 30_000);

  it('is read when the columns past the header are only empty separators (as Excel saves a sheet with a formatted far column)', async () => {
    const reply = await upload(COUNTERS(), `unit_code,code,name${','.repeat(500_000)}\nTT-GIARAI,Q2,Quầy 2${','.repeat(500_000)}\n`);
    expect(reply.status, reply.text.slice(0, 300)).toBe(200);
    expect(ImportResult.parse(JSON.parse(reply.text))).toMatchObject({ rowCount: 1, created: 1, errorCount: 0 });
  }, 30_000);
});

describe('too many rows', () => {
  it('is a 413 naming the limit, from the units import (20,000) and the paper-form import (100,000)', async () => {
    const counters = ['unit_code,code,name', ...Array.from({ length: 20_001 }, (_, i) => `TT-GIARAI,Q${i},Quầy ${i}`)].join('\n');
    expectTooLarge(await upload(COUNTERS(), counters), /hơn 20\.000 dòng dữ liệu/);
    const forms = ['Mã đơn vị,Thời điểm (giờ Việt Nam),Bộ câu hỏi,QUAY.1', ...Array.from({ length: 100_001 }, () => 'TT-GIARAI,2026-11-02 09:00,QUAY@1,5')].join('\n');
    expectTooLarge(await upload(RESPONSES(), forms), /hơn 100\.000 dòng dữ liệu/);
  }, 60_000);

  it('stops at exactly the limit given, blank rows not counted', async () => {
    const csv = (rows: number) => ['a,b', ...Array.from({ length: rows }, (_, i) => `${i},x\n,`)].join('\n');
    const table = await readTable(new TextEncoder().encode(csv(3)), 3);
    expect(table).toMatchObject({ header: ['a', 'b'], rows: [{ row: 2 }, { row: 4 }, { row: 6 }] });
    await expect(readTable(new TextEncoder().encode(csv(4)), 3)).rejects.toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  it('bounds the cells of any shape: a CSV of blank lines stops at MAX_CELLS', async () => {
    const lines = new TextEncoder().encode(`a,b${'\n'.repeat(MAX_CELLS + 10)}`);
    await expect(readTable(lines, 1_000)).rejects.toMatchObject({ status: 413, message: expect.stringMatching(/ô: hãy chia nhỏ tệp/) });
  });
});

describe('a file wrong in every row', () => {
  it(`lists the first ${MAX_LISTED_ERRORS} errors by row and counts the rest, in the units import`, async () => {
    const csv = ['unit_code,code,name', ...Array.from({ length: 700 }, (_, i) => `TT-GIARAI,bad code ${i},Quầy ${i}`)].join('\n');
    const reply = await upload(COUNTERS(), csv);
    expect(reply.status).toBe(200);
    const result = ImportResult.parse(JSON.parse(reply.text));
    expect(result.errors).toHaveLength(MAX_LISTED_ERRORS);
    expect(result.errorCount).toBe(700);
    expect(result.errors.map((e) => e.row)).toEqual(Array.from({ length: MAX_LISTED_ERRORS }, (_, i) => i + 2));
  });

  it(`lists the first ${MAX_LISTED_ERRORS} errors by row and counts the rest, in the paper-form import`, async () => {
    // Three errors a row: no unit, a date that is not one, no instrument.
    const csv = ['Mã đơn vị,Thời điểm (giờ Việt Nam),Bộ câu hỏi,QUAY.1', ...Array.from({ length: 20_000 }, () => ',not a date,,5')].join('\n');
    const reply = await upload(RESPONSES(), csv);
    expect(reply.status).toBe(200);
    const result = ResponseImportResult.parse(JSON.parse(reply.text));
    expect(result.errors).toHaveLength(MAX_LISTED_ERRORS);
    expect(result.errorCount).toBe(60_000);
    expect(result.errors.at(-1)!.row).toBeLessThanOrEqual(Math.ceil(MAX_LISTED_ERRORS / 3) + 1);
    expect(reply.text.length).toBeLessThan(150_000);
  }, 30_000);
});

describe('XLSX parts are read within bounds', () => {
  const visitor = () => ({ cells: 0, cell() { this.cells += 1; }, row() {} });
  const bounds = (xmlBytes: number, sharedStrings = 1_000) => ({
    xmlBytes,
    sharedStrings,
    exceeded: (bound: string) => new AppError('payload_too_large', 413, bound),
  });

  /** An exceljs workbook with its sheet (or another part) replaced by `xml`: a zip bomb needs no big upload. */
  async function withPart(path: string, xml: string): Promise<Uint8Array> {
    const zip = await JSZip.loadAsync(await workbook((sheet) => sheet.addRow(['a', 'b'])));
    zip.file(path, xml);
    return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
  }
  const sheetXml = (data: string) =>
    `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${data}</sheetData></worksheet>`;

  it('stops inflating a part at the byte budget: a 50 KB zip of 4 MB of XML against a 1 MB budget', async () => {
    const bomb = await withPart('xl/worksheets/sheet1.xml', sheetXml(`<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>${' '.repeat(4 * 1024 * 1024)}`));
    expect(bomb.byteLength).toBeLessThan(50_000);
    const seen = visitor();
    await expect(readFirstSheet(bomb, bounds(1024 * 1024), seen)).rejects.toMatchObject({ status: 413, message: 'xmlBytes' });
    expect(seen.cells).toBe(1);
    expect(await readFirstSheet(bomb, bounds(16 * 1024 * 1024), visitor())).toBe(true);
  });

  it('bounds the shared string table and the text of a cell', async () => {
    const strings = Array.from({ length: 11 }, (_, i) => `<si><t>s${i}</t></si>`).join('');
    const table = await withPart('xl/sharedStrings.xml', `<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${strings}</sst>`);
    await expect(readFirstSheet(table, bounds(1024 * 1024, 10), visitor())).rejects.toMatchObject({ message: 'sharedStrings' });
    const long = await withPart('xl/worksheets/sheet1.xml', sheetXml(`<row r="1"><c r="A1" t="inlineStr"><is><t>${'x'.repeat(40_000)}</t></is></c></row>`));
    await expect(readFirstSheet(long, bounds(1024 * 1024), visitor())).rejects.toBeInstanceOf(UnreadableWorkbook);
  });

  it('refuses rows out of order, cells past XFD and broken XML as unreadable, not with a 5xx', async () => {
    for (const data of ['<row r="2"/><row r="1"/>', '<row r="1"><c r="XFE1"><v>1</v></c></row>', '<row r="1"><c r="A1"><v>1</c></row>', '<row r="1048577"/>']) {
      const file = await withPart('xl/worksheets/sheet1.xml', sheetXml(data));
      expect(await readTable(file, 10)).toBe('Không đọc được tệp Excel: hãy lưu lại dưới dạng .xlsx');
    }
  });
});
