import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Overview } from '../../schema/dashboard.js';
import type { Instrument } from '../../schema/instrument.js';
import type { CountsByItem, ScoreReport } from '../../schema/scoring.js';
import type { UnitRow } from '../db/types.js';
import { requireInstrument } from '../instruments/store.js';
import { responseRate } from '../invitations/responseRate.js';
import { scoreUnits, tallyAnswers } from '../scoring/index.js';
import { restoreCell } from './cells.js';
import { measureDefs, measureValue } from './measures.js';
import { CLI_CALLER } from './scope.js';
import { anExportApp, type ExportTestContext } from '../testing/exports.js';

/**
 * The exports against the demo province (Cà Mau, 4,000 responses over a year, invitations over the
 * last eight weeks), checked against the dashboard's numbers and against the scoring engine run on
 * counts tallied straight from the responses table (not from the rollups the exports read).
 */

let x: ExportTestContext;
let admin: Record<string, string>;
let quay: Instrument;
let province: UnitRow;
let giarai: UnitRow;
let baclieu: UnitRow;

const Q3 = { from: '2026-07-01', to: '2026-09-30' };

beforeAll(async () => {
  x = await anExportApp();
  admin = await x.as('system_admin', null);
  quay = await requireInstrument(x.t.db.kysely, 'QUAY@1');
  province = await x.unit('96');
  giarai = await x.unit('31942-TTPVHCC');
  baclieu = await x.unit('31825-TTPVHCC');
});

afterAll(async () => {
  await x.t.cleanup();
});

async function get(path: string, headers = admin): Promise<Response> {
  return x.t.app.request(path, { headers });
}

async function workbookOf(res: Response): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await res.arrayBuffer());
  return workbook;
}

/** A cell's text, whether written as a plain or an inline rich-text string. */
function textOf(value: ExcelJS.CellValue): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'richText' in value) return value.richText.map((r) => r.text).join('');
  return null;
}

/** The engine on counts tallied from the responses table itself, one set per unit holding responses. */
async function engineFromResponses(unit: UnitRow, from: string, to: string): Promise<ScoreReport> {
  const rows = await x.t.db.kysely
    .selectFrom('responses')
    .innerJoin('units', 'units.id', 'responses.unit_id')
    .select(['responses.unit_id', 'responses.answers'])
    .where('units.path', 'like', `${unit.path}%`)
    .where('responses.local_day', '>=', from)
    .where('responses.local_day', '<=', to)
    .where('responses.suspect', '=', 0)
    .where('responses.instrument_id', '=', 'QUAY@1')
    .execute();
  const byUnit = new Map<string, Map<string, (number | null)[]>>();
  for (const r of rows) {
    const answers = byUnit.get(r.unit_id) ?? new Map<string, (number | null)[]>();
    byUnit.set(r.unit_id, answers);
    for (const [code, value] of Object.entries(JSON.parse(r.answers) as Record<string, number | null>)) {
      answers.set(code, [...(answers.get(code) ?? []), value]);
    }
  }
  const children: CountsByItem[] = [...byUnit.keys()].sort().map((id) => {
    const counts: CountsByItem = {};
    for (const [code, values] of byUnit.get(id)!) counts[code] = tallyAnswers(values);
    return counts;
  });
  return scoreUnits(quay, children, x.t.config.scoring);
}

/** Header cells of a summary sheet: measure names in row 1 (merged over their columns), sub-headers in row 2. */
function columnsOf(sheet: ExcelJS.Worksheet): { measure: string; sub: string }[] {
  const out: { measure: string; sub: string }[] = [];
  let measure = '';
  for (let c = 1; c <= sheet.getRow(2).cellCount; c++) {
    const top = sheet.getCell(1, c).value;
    if (typeof top === 'string' && !sheet.getCell(1, c).isMerged) measure = top;
    else if (typeof top === 'string' && sheet.getCell(1, c).master.address === sheet.getCell(1, c).address) measure = top;
    const sub = sheet.getCell(2, c).value;
    out.push({ measure, sub: typeof sub === 'string' ? sub : measure });
  }
  return out;
}

function rowOf(sheet: ExcelJS.Worksheet, code: string): ExcelJS.Row {
  for (let r = 3; r <= sheet.rowCount; r++) if (sheet.getCell(r, 2).value === code) return sheet.getRow(r);
  throw new Error(`no row for ${code}`);
}

describe('SIPAS summary XLSX', () => {
  let workbook: ExcelJS.Workbook;
  beforeAll(async () => {
    const res = await get(`/api/admin/exports/summary?unitId=${province.id}&from=${Q3.from}&to=${Q3.to}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="sipas-tong-hop_96_${Q3.from}_${Q3.to}.xlsx"`);
    workbook = await workbookOf(res);
  });

  it('has a sheet per level of the tree that holds responses, then the methodology', () => {
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Tổng hợp', 'Cấp tỉnh', 'Cấp xã', 'Trung tâm, chi nhánh', 'Chỉ số TT 01-2018', 'Phương pháp']);
  });

  it('gives every unit the dashboard’s numbers for the same filter, as real numbers with percent formats', async () => {
    const sheet = workbook.getWorksheet('Trung tâm, chi nhánh')!;
    const columns = columnsOf(sheet);
    const defs = measureDefs(quay);
    const centres = await x.t.db.kysely.selectFrom('units').selectAll().where('kind', 'in', ['centre', 'branch']).execute();
    expect(sheet.rowCount).toBe(2 + centres.length);
    for (const centre of centres) {
      const row = rowOf(sheet, centre.code);
      expect(row.getCell(3).value).toBe(centre.name);
      const res = await get(`/api/admin/dashboard/overview?unitId=${centre.id}&period=custom&from=${Q3.from}&to=${Q3.to}&instrumentId=QUAY@1`);
      const overview = (await res.json()) as Overview;
      const dashboard = new Map([[`overall`, overview.overall!], ...overview.rows.map((r) => [r.code, r] as const)]);
      for (const def of defs) {
        const at = columns.findIndex((c) => c.measure === def.label && c.sub === 'Chỉ số') + 1;
        const cell = row.getCell(at);
        const expected = dashboard.get(def.code ?? 'overall')!.score.index;
        if (expected === null) expect(cell.value).toBeNull();
        else {
          expect(typeof cell.value).toBe('number');
          expect(cell.value as number).toBe(expected / 100);
          expect(cell.numFmt).toBe('0.00%');
        }
      }
      expect(row.getCell(5).value).toBe(overview.responses);
    }
  });

  it('equals the engine run on counts tallied from the responses table, with n, interval and low-n marks', async () => {
    const sheets = { 'Cấp tỉnh': [province], 'Cấp xã': await x.t.db.kysely.selectFrom('units').selectAll().where('kind', '=', 'commune').execute() };
    for (const [name, units] of Object.entries(sheets)) {
      const sheet = workbook.getWorksheet(name)!;
      const columns = columnsOf(sheet);
      for (const unit of units) {
        const expected = await engineFromResponses(unit, Q3.from, Q3.to);
        const row = rowOf(sheet, unit.code);
        for (const def of measureDefs(quay)) {
          const v = measureValue(expected, def);
          const cell = (sub: string) => row.getCell(columns.findIndex((c) => c.measure === def.label && c.sub === sub) + 1).value;
          expect(cell('Chỉ số')).toBeCloseTo((v.index ?? Number.NaN) / 100, 12);
          expect(cell('n')).toBe(v.n);
          if (v.lower === null) expect(cell('Cận dưới 95%')).toBeNull();
          else expect(cell('Cận dưới 95%')).toBeCloseTo(v.lower / 100, 12);
          expect(cell('Ghi chú') ?? '').toBe(v.flags.includes('insufficient') ? expect.stringContaining('Chưa đủ mẫu (n < 30)') : v.flags.length ? expect.any(String) : '');
        }
      }
    }
  });

  it('shows each unit’s response rate as the invitations report computes it', async () => {
    const res = await get(`/api/admin/exports/summary?unitId=${giarai.id}`);
    const sheet = (await workbookOf(res)).getWorksheet('Tổng hợp')!;
    const period = { from: '2026-10-01', to: '2026-11-20' };
    const expected = await responseRate(x.deps, CLI_CALLER.actor, { ...period, groupBy: ['unit'], unitId: giarai.id });
    expect(expected.total.issued).toBeGreaterThan(0);
    const row = sheet.getRow(3);
    expect(row.getCell(6).value).toBe(expected.total.issued);
    expect(row.getCell(7).value).toBe(expected.total.answered);
    expect(row.getCell(8).value).toBeCloseTo(expected.total.rate!, 12);
  });

  it('freezes the header, fits the columns to their text and writes Vietnamese headers', () => {
    const sheet = workbook.getWorksheet('Trung tâm, chi nhánh')!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', xSplit: 3, ySplit: 2 });
    expect(sheet.getCell(1, 3).value).toBe('Tên đơn vị (gồm các đơn vị trực thuộc)');
    expect(sheet.getCell(1, 9).value).toBe('Chỉ số hài lòng chung');
    expect(sheet.getCell(2, 9).value).toBe('Chỉ số');
    let longest = 0;
    for (let r = 3; r <= sheet.rowCount; r++) longest = Math.max(longest, String(sheet.getCell(r, 3).value).length);
    expect(sheet.getColumn(3).width).toBeGreaterThanOrEqual(longest);
    expect(sheet.getColumn(1).width).toBeLessThan(10);
  });

  it('states period, instrument, roll-ups, rounding, time of generation and filters on the methodology sheet', () => {
    const sheet = workbook.getWorksheet('Phương pháp')!;
    const entries = new Map<string, string>();
    sheet.eachRow((row) => entries.set(String(row.getCell(1).value), String(row.getCell(2).value)));
    expect(entries.get('Kỳ báo cáo')).toBe('Quý III/2026');
    expect(entries.get('Phạm vi')).toBe('Tỉnh Cà Mau');
    expect(entries.get('Bộ câu hỏi')).toMatch(/^QUAY@1 – /);
    expect(entries.get('Phiên bản phương pháp')).toBe(quay.definition.methodologyVersion);
    expect(entries.get('Tổng hợp tiêu chí → yếu tố')).toBe('trung bình cộng chỉ số các tiêu chí');
    expect(entries.get('Làm tròn')).toContain('2 chữ số thập phân');
    expect(entries.get('Thời điểm lập')).toBe('2026-11-20 10:00:00 (giờ Việt Nam)');
    expect(entries.get('Bộ lọc')).toContain('từ 2026-07-01 đến 2026-09-30');
    expect(entries.get('QUAY.2')).toBe(quay.definition.items.find((i) => i.code === 'QUAY.2')!.text.vi);
  });
});

describe('raw responses CSV', () => {
  it('streams one row per response in scope and period, UTF-8 with BOM, in time order', async () => {
    const res = await get(`/api/admin/exports/raw?unitId=${giarai.id}&from=${Q3.from}&to=${Q3.to}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain('\r\n');
    const [header, ...rows] = parse(text, { bom: true, relax_column_count: false }) as string[][];
    expect(header).toEqual([
      'Mã phiếu', 'Mã tỉnh', 'Mã đơn vị', 'Tên đơn vị', 'Mã quầy', 'Tên quầy', 'Mã cán bộ', 'Tên cán bộ', 'Mã TTHC', 'Tên TTHC', 'Kênh',
      'Thời điểm (giờ Việt Nam)', 'Bộ câu hỏi', 'QUAY.1', 'QUAY.2', 'QUAY.3', 'QUAY.4', 'QUAY.ALL', 'Góp ý', 'Ngôn ngữ', 'Nhóm tuổi', 'Giới tính', 'Lần đầu đến', 'Cờ',
    ]);
    const stored = await x.t.db.kysely
      .selectFrom('responses')
      .leftJoin('counters', 'counters.id', 'responses.counter_id')
      .leftJoin('staff', 'staff.id', 'responses.staff_id')
      .select(['responses.id', 'responses.submitted_at', 'responses.answers', 'responses.comment', 'responses.suspect', 'responses.invitation_id', 'responses.channel', 'counters.code as counter', 'staff.name as staff'])
      .where('responses.unit_id', '=', giarai.id)
      .where('responses.local_day', '>=', Q3.from)
      .where('responses.local_day', '<=', Q3.to)
      .orderBy('responses.submitted_at')
      .orderBy('responses.id')
      .execute();
    expect(stored.length).toBeGreaterThan(50);
    expect(rows.map((r) => r[0])).toEqual(stored.map((s) => s.id));
    stored.forEach((s, i) => {
      const row = rows[i]!;
      expect(row.slice(1, 4)).toEqual(['96', '31942-TTPVHCC', giarai.name]);
      expect(row[4]).toBe(s.counter);
      expect(row[7]).toBe(s.staff);
      expect(row[10]).toBe(s.channel);
      const local = new Date(Date.parse(s.submitted_at) + 7 * 3600_000).toISOString();
      expect(row[11]).toBe(`${local.slice(0, 10)} ${local.slice(11, 19)}`);
      const answers = JSON.parse(s.answers) as Record<string, number | null>;
      expect(row.slice(13, 18)).toEqual(['QUAY.1', 'QUAY.2', 'QUAY.3', 'QUAY.4', 'QUAY.ALL'].map((c) => (answers[c] === null ? 'NA' : String(answers[c]))));
      expect(row[18]).toBe(s.comment ?? '');
      expect(row[20]).toBe([s.suspect ? 'suspect' : '', s.invitation_id ? 'invitation' : ''].filter(Boolean).join(','));
    });
  });

  it('keeps a centre supervisor to their own centre and refuses another one', async () => {
    const supervisor = await x.as('centre_supervisor', giarai.id);
    const own = await get(`/api/admin/exports/raw?from=${Q3.from}&to=${Q3.to}`, supervisor);
    const rows = parse(await own.text(), { bom: true }) as string[][];
    expect(new Set(rows.slice(1).map((r) => r[2]))).toEqual(new Set(['31942-TTPVHCC']));
    const foreign = await get(`/api/admin/exports/raw?unitId=${baclieu.id}`, supervisor);
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ error: { code: 'forbidden_unit' } });
    const summary = await get(`/api/admin/exports/summary?unitId=${province.id}`, supervisor);
    expect(summary.status).toBe(403);
  });

  it('lets a viewer export and refuses anyone not signed in', async () => {
    const viewer = await x.as('viewer', province.id);
    expect((await get(`/api/admin/exports/report?unitId=${giarai.id}`, viewer)).status).toBe(200);
    const anonymous = await x.t.app.request('/api/admin/exports/raw');
    expect(anonymous.status).toBe(401);
  });
});

describe('raw responses CSV from answers written by hand', () => {
  it('reads answers JSON in any spacing (the fast reader falls back to JSON.parse)', async () => {
    const point = await x.t.db.kysely.selectFrom('survey_points').select('id').where('unit_id', '=', baclieu.id).executeTakeFirstOrThrow();
    await x.store([
      {
        id: '00000000-0000-4000-8000-0000000000bb',
        survey_point_id: point.id,
        invitation_id: null,
        instrument_id: 'QUAY@1',
        unit_id: baclieu.id,
        counter_id: null,
        staff_id: null,
        procedure_id: null,
        channel: 'paper',
        submitted_at: '2026-11-08T16:59:59.000Z',
        local_day: '2026-11-08',
        local_hour: 23,
        weekday: 7,
        answers: '{ "QUAY.2" : 3, "QUAY.4": null,"QUAY.ALL":5 }',
        comment: null,
        demographics: null,
        lang: 'en',
        created_at: '2026-11-08T16:59:59.000Z',
      },
    ]);
    const csv = parse(await (await get(`/api/admin/exports/raw?unitId=${baclieu.id}&from=2026-11-08&to=2026-11-08`)).text(), { bom: true }) as string[][];
    const row = csv.find((r) => r[0] === '00000000-0000-4000-8000-0000000000bb')!;
    expect(row.slice(11, 18)).toEqual(['2026-11-08 23:59:59', 'QUAY@1', '', '3', '', 'NA', '5']);
    expect(row.slice(18)).toEqual(['', 'en', '', '', '', '']);
  });
});

describe('raw responses XLSX', () => {
  it('holds the same rows as the CSV, with scores as numbers and the time as a date', async () => {
    const query = `unitId=${baclieu.id}&from=${Q3.from}&to=${Q3.to}`;
    const csv = parse(await (await get(`/api/admin/exports/raw?${query}`)).text(), { bom: true }) as string[][];
    const res = await get(`/api/admin/exports/raw?${query}&format=xlsx`);
    expect(res.headers.get('content-disposition')).toContain('.xlsx');
    const sheet = (await workbookOf(res)).worksheets[0]!;
    expect(sheet.name).toBe('Phiếu khảo sát');
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.rowCount).toBe(csv.length);
    for (let r = 1; r <= sheet.rowCount; r++) {
      const expected = csv[r - 1]!;
      expected.forEach((text, c) => {
        const value = sheet.getCell(r, c + 1).value;
        if (value instanceof Date) expect(value.toISOString().replace('T', ' ').slice(0, 19)).toBe(text);
        else if (typeof value === 'number') expect(String(value)).toBe(text);
        else expect(restoreCell(textOf(value) ?? '')).toBe(restoreCell(text));
      });
      if (r > 1) expect(sheet.getCell(r, 12).value).toBeInstanceOf(Date);
    }
  });
});

describe('formula injection', () => {
  it('neutralises every text cell that could run as a formula, in CSV and XLSX', async () => {
    const evil = ['=cmd|\' /C calc\'!A0', '@SUM(1+1)*cmd|\' /C calc\'!A0', '+1+1', '-2+3', '\t=1', '\r=1'];
    const counter = await x.t.db.kysely.selectFrom('counters').select(['id']).where('unit_id', '=', baclieu.id).executeTakeFirstOrThrow();
    await x.t.db.kysely.updateTable('counters').set({ name: '=HYPERLINK("http://evil.example","Quầy")' }).where('id', '=', counter.id).execute();
    const point = await x.t.db.kysely.selectFrom('survey_points').select('id').where('unit_id', '=', baclieu.id).executeTakeFirstOrThrow();
    await x.store(
        evil.map((comment, i) => ({
          id: `00000000-0000-4000-8000-00000000000${i}`,
          survey_point_id: point.id,
          invitation_id: null,
          instrument_id: 'QUAY@1',
          unit_id: baclieu.id,
          counter_id: counter.id,
          staff_id: null,
          procedure_id: null,
          channel: 'qr_web' as const,
          submitted_at: `2026-11-0${i + 1}T02:00:00.000Z`,
          local_day: `2026-11-0${i + 1}`,
          local_hour: 9,
          weekday: 1,
          answers: JSON.stringify({ 'QUAY.1': 4 }),
          comment,
          demographics: null,
          lang: 'vi',
          created_at: `2026-11-0${i + 1}T02:00:00.000Z`,
        })),
      );
    const query = `unitId=${baclieu.id}&from=2026-11-01&to=2026-11-06`;
    const csv = parse(await (await get(`/api/admin/exports/raw?${query}`)).text(), { bom: true }) as string[][];
    const sheet = (await workbookOf(await get(`/api/admin/exports/raw?${query}&format=xlsx`))).worksheets[0]!;
    const xlsx: string[][] = [];
    sheet.eachRow((row) => xlsx.push(Array.from(row.values as ExcelJS.CellValue[], (v) => textOf(v) ?? '').slice(1)));
    for (const cells of [...csv, ...xlsx]) for (const cell of cells) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(xlsx.flat()).toContain("'=cmd|' /C calc'!A0");
    const comments = csv.filter((r) => r[0]!.startsWith('00000000-')).map((r) => r[18]!);
    expect(comments).toEqual(evil.map((e) => `'${e}`));
    expect(comments.map(restoreCell)).toEqual(evil);
    expect(csv.find((r) => r[5]!.includes('HYPERLINK'))![5]).toBe('\'=HYPERLINK("http://evil.example","Quầy")');
  });
});

describe('printable report', () => {
  it('is an HTML page under the CSP, with the title, every factor, the overall score and escaped comments', async () => {
    const point = await x.t.db.kysely.selectFrom('survey_points').select('id').where('unit_id', '=', giarai.id).executeTakeFirstOrThrow();
    await x.store([
      {
        id: '00000000-0000-4000-8000-0000000000aa',
        survey_point_id: point.id,
        invitation_id: null,
        instrument_id: 'QUAY@1',
        unit_id: giarai.id,
        counter_id: null,
        staff_id: null,
        procedure_id: null,
        channel: 'qr_web',
        submitted_at: '2026-11-19T02:00:00.000Z',
        local_day: '2026-11-19',
        local_hour: 9,
        weekday: 4,
        answers: JSON.stringify({ 'QUAY.2': 1 }),
        comment: '<script>alert("xss")</script><img src=x onerror=alert(1)>',
        demographics: null,
        lang: 'vi',
        created_at: '2026-11-19T02:00:00.000Z',
      },
    ]);
    const res = await get(`/api/admin/exports/report?unitId=${giarai.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const page = await res.text();
    expect(page).toContain('<h1>Báo cáo kết quả khảo sát mức độ hài lòng</h1>');
    for (const factor of quay.definition.factors) expect(page).toContain(factor.title.vi);
    const report = await engineFromResponses(giarai, '2026-10-01', '2026-11-20');
    expect(page).toContain(`<p class="figure-value">${report.overall.index!.toFixed(2).replace('.', ',')}%</p>`);
    expect(page).toContain('&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    // One script, the print button's, from the server's own file (the CSP allows no other).
    expect(page.match(/<script[^>]*>/g)).toEqual(['<script src="/api/admin/exports/report.js" defer>']);
    expect(page).not.toMatch(/<[^>]*\sstyle=|<[^>]*\son\w+=/i);
    expect(page).toContain('<link rel="stylesheet" href="/api/admin/exports/report.css" />');
    expect(page).toContain('Quý III/2026');
    const css = await get('/api/admin/exports/report.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('break-inside: avoid');
  });
});

describe('a period without responses', () => {
  it('still gives a report and a summary, with dashes instead of numbers', async () => {
    const report = await get(`/api/admin/exports/report?unitId=${giarai.id}&from=2020-01-01&to=2020-03-31`);
    expect(report.status).toBe(200);
    const page = await report.text();
    expect(page).toContain('<p class="figure-value">—</p>');
    expect(page).toContain('Không có đơn vị trực thuộc có phiếu khảo sát trong kỳ.');
    expect(page).toContain('Không có ý kiến góp ý trong kỳ.');
    const summary = await get(`/api/admin/exports/summary?unitId=${giarai.id}&from=2020-01-01&to=2020-03-31`);
    const sheet = (await workbookOf(summary)).getWorksheet('Tổng hợp')!;
    expect(sheet.getCell(3, 5).value).toBe(0);
    expect(sheet.getCell(3, 9).value).toBeNull();
    expect(sheet.getCell(3, 15).value).toContain('Chưa đủ mẫu');
    const raw = await get(`/api/admin/exports/raw?unitId=${giarai.id}&from=2020-01-01&to=2020-03-31`);
    expect((parse(await raw.text(), { bom: true }) as string[][]).length).toBe(1);
  });
});

describe('audit and validation', () => {
  it('records every export with who ran it, what, which unit and period', async () => {
    const viewer = await x.as('viewer', province.id);
    const before = await x.t.db.kysely.selectFrom('audit_log').select('id').where('action', '=', 'export.run').execute();
    await (await get(`/api/admin/exports/raw?unitId=${giarai.id}&from=${Q3.from}&to=${Q3.to}&format=xlsx`, viewer)).arrayBuffer();
    const entries = await x.t.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'export.run').orderBy('id').execute();
    expect(entries.length).toBe(before.length + 1);
    const entry = entries.at(-1)!;
    expect(entry.actor_label).toMatch(/^user-/);
    expect(entry.actor_user_id).not.toBeNull();
    expect(entry.unit_id).toBe(giarai.id);
    expect(JSON.parse(entry.after!)).toMatchObject({ kind: 'raw', format: 'xlsx', from: Q3.from, to: Q3.to, unitId: giarai.id });
  });

  it.each([
    ['/api/admin/exports/summary?format=html', 400, 'validation_failed'],
    ['/api/admin/exports/report?format=xlsx', 400, 'validation_failed'],
    ['/api/admin/exports/raw?from=2026-13-01', 400, 'validation_failed'],
    ['/api/admin/exports/raw?from=2026-10-02&to=2026-10-01', 400, 'validation_failed'],
    ['/api/admin/exports/raw?sort=id', 400, 'validation_failed'],
    ['/api/admin/exports/pdf', 400, 'validation_failed'],
    ['/api/admin/exports/summary?instrumentId=NOPE@9', 404, 'not_found'],
    ['/api/admin/exports/raw?unitId=doesnotexist', 404, 'not_found'],
  ])('%s answers %i %s', async (path, status, code) => {
    const res = await get(path);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error: { code } });
  });
});
