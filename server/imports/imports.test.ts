import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResponseImportResult } from '../../schema/exports.js';
import type { ScoreReport } from '../../schema/scoring.js';
import type { UnitRow } from '../db/types.js';
import { restoreCell } from '../exports/cells.js';
import { CLI_CALLER } from '../exports/scope.js';
import { requireInstrument } from '../instruments/store.js';
import { resolveReportScope, scoreScope } from '../reporting/index.js';
import { anEmptyTwin, anExportApp, type ExportTestContext } from '../testing/exports.js';
import { contentId, MAX_IMPORT_ROWS, parseLocalDateTime } from './responses.js';
import { readTable } from './table.js';

/**
 * The paper-form import: the raw export read back into an empty copy of the province gives the same
 * scores, a second import adds nothing, and a file with any bad row is refused whole with every
 * error listed by row and column.
 */

let source: ExportTestContext;
let sourceAdmin: Record<string, string>;

const YEAR = { from: '2025-11-21', to: '2026-11-20' };

beforeAll(async () => {
  source = await anExportApp({ responses: 3000, invitations: 40 });
  sourceAdmin = await source.as('system_admin', null);
});

afterAll(async () => {
  await source.t.cleanup();
});

async function exportRaw(ctx: ExportTestContext, headers: Record<string, string>, query: string): Promise<Uint8Array<ArrayBuffer>> {
  const res = await ctx.t.app.request(`/api/admin/exports/raw?${query}`, { headers });
  expect(res.status).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

async function upload(ctx: ExportTestContext, headers: Record<string, string>, unitId: string, mode: 'preview' | 'commit', body: Uint8Array<ArrayBuffer> | string): Promise<{ status: number; result: ResponseImportResult }> {
  const res = await ctx.t.app.request(`/api/admin/imports/responses?unitId=${unitId}&mode=${mode}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'text/csv' },
    body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
  });
  return { status: res.status, result: (await res.json()) as ResponseImportResult };
}

/** Every unit's report by unit code, scored by the export's own path from the rollups. */
async function scoresByCode(ctx: ExportTestContext, from: string, to: string): Promise<Map<string, ScoreReport>> {
  const scope = await resolveReportScope(ctx.t.db.kysely, CLI_CALLER.actor, undefined, 'exports.run');
  const scores = await scoreScope(ctx.deps, CLI_CALLER.actor, scope, { from, to }, {}, await requireInstrument(ctx.t.db.kysely, 'QUAY@1'));
  return new Map(scores.units.map((u) => [u.unit.code, u.report]));
}

const count = async (ctx: ExportTestContext) =>
  Number((await ctx.t.db.kysely.selectFrom('responses').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('round trip: export raw → import into an empty instance', () => {
  let twin: ExportTestContext;
  let twinAdmin: Record<string, string>;
  let twinProvince: UnitRow;
  let file: Uint8Array<ArrayBuffer>;

  beforeAll(async () => {
    twin = await anEmptyTwin();
    twinAdmin = await twin.as('system_admin', null);
    twinProvince = await twin.unit('96');
    file = await exportRaw(source, sourceAdmin, `from=${YEAR.from}&to=${YEAR.to}`);
  });

  afterAll(async () => {
    await twin.t.cleanup();
  });

  it('previews every row without writing, then imports all but the suspect ones on channel paper', async () => {
    const stored = await source.t.db.kysely.selectFrom('responses').select(['id', 'suspect']).execute();
    const suspect = stored.filter((r) => r.suspect === 1).length;
    expect(suspect).toBeGreaterThan(0);

    const preview = await upload(twin, twinAdmin, twinProvince.id, 'preview', file);
    expect(preview.status).toBe(200);
    expect(preview.result.errors).toEqual([]);
    expect(preview.result).toMatchObject({ mode: 'preview', rowCount: stored.length, imported: stored.length - suspect, duplicates: 0, skipped: suspect });
    expect(preview.result.rows).toHaveLength(100);
    expect(await count(twin)).toBe(0);

    const commit = await upload(twin, twinAdmin, twinProvince.id, 'commit', file);
    expect(commit.result).toMatchObject({ mode: 'commit', imported: stored.length - suspect, errors: [] });
    expect(await count(twin)).toBe(stored.length - suspect);
    const channels = await twin.t.db.kysely.selectFrom('responses').select('channel').distinct().execute();
    expect(channels).toEqual([{ channel: 'paper' }]);
    const audit = await twin.t.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'responses.import').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.after!)).toMatchObject({ rows: stored.length, imported: stored.length - suspect, skipped: suspect });
  });

  it('gives identical scores for every unit, the whole year and a single quarter', async () => {
    for (const [from, to] of [[YEAR.from, YEAR.to], ['2026-07-01', '2026-09-30']] as const) {
      const before = await scoresByCode(source, from, to);
      const after = await scoresByCode(twin, from, to);
      expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
      for (const [code, report] of before) expect(after.get(code)).toEqual(report);
      expect(before.get('96')!.overall.index).not.toBeNull();
    }
  });

  it('keeps every id, time, answer and comment: the twin exports the same rows (bar the channel and suspect ones)', async () => {
    const again = await readTable(await exportRaw(twin, twinAdmin, `from=${YEAR.from}&to=${YEAR.to}`), MAX_IMPORT_ROWS);
    const first = await readTable(file, MAX_IMPORT_ROWS);
    if (typeof again === 'string' || typeof first === 'string') throw new Error('unreadable');
    // Columns: 0–12 fixed, 13–17 the criteria, then comment, language, age band, gender, first visit, flags.
    const withoutChannel = (cells: string[]) => [...cells.slice(0, 10), ...cells.slice(11, 23)];
    const kept = first.rows.filter((r) => !r.cells[23]!.includes('suspect'));
    expect(again.rows.map((r) => withoutChannel(r.cells))).toEqual(kept.map((r) => withoutChannel(r.cells)));
  });

  it('adds nothing when the same file is imported again', async () => {
    const before = await count(twin);
    const again = await upload(twin, twinAdmin, twinProvince.id, 'commit', file);
    expect(again.result.imported).toBe(0);
    expect(again.result.duplicates).toBe(before);
    expect(await count(twin)).toBe(before);
  });

  it('round-trips the XLSX export the same way', async () => {
    const giarai = await source.unit('31942-TTPVHCC');
    const xlsx = await exportRaw(source, sourceAdmin, `unitId=${giarai.id}&from=${YEAR.from}&to=${YEAR.to}&format=xlsx`);
    const fresh = await anEmptyTwin();
    try {
      const result = await upload(fresh, await fresh.as('system_admin', null), (await fresh.unit('31942-TTPVHCC')).id, 'commit', xlsx);
      expect(result.result.errors).toEqual([]);
      expect(result.result.imported).toBeGreaterThan(100);
      const before = await scoresByCode(source, YEAR.from, YEAR.to);
      const after = await scoresByCode(fresh, YEAR.from, YEAR.to);
      expect(after.get('31942-TTPVHCC')).toEqual(before.get('31942-TTPVHCC'));
    } finally {
      await fresh.t.cleanup();
    }
  });
});

describe('paper forms', () => {
  let twin: ExportTestContext;
  let admin: Record<string, string>;
  let giarai: UnitRow;
  let baclieu: UnitRow;
  const HEADER = 'Mã phiếu,Mã đơn vị,Mã quầy,Mã cán bộ,Mã TTHC,Kênh,Thời điểm (giờ Việt Nam),Bộ câu hỏi,QUAY.1,QUAY.2,QUAY.3,QUAY.4,QUAY.ALL,Góp ý';

  beforeAll(async () => {
    twin = await anEmptyTwin();
    admin = await twin.as('system_admin', null);
    giarai = await twin.unit('31942-TTPVHCC');
    baclieu = await twin.unit('31825-TTPVHCC');
  });

  afterAll(async () => {
    await twin.t.cleanup();
  });

  it('lists every bad row with its row number, column and reason, and writes nothing', async () => {
    const csv = [
      HEADER,
      ',31942-TTPVHCC,Q1,,,,15/10/2026 09:30,QUAY@1,5,4,4,KYK,5,Rất tốt',
      ',99999-NOPE,Q1,,,,15/10/2026 09:30,QUAY@1,5,4,4,,5,',
      ',31942-TTPVHCC,Q9,CB9999,9.999999,,31/02/2026,QUAY@1,5,4,4,,5,',
      ',31942-TTPVHCC,,,,fax,2026-12-01 08:00,QUAY@1,7,x,,,,',
      ',31942-TTPVHCC,,,,,2026-10-15,S17@1,5,,,,,',
      'abc,31942-TTPVHCC,,,,,2026-10-15,QUAY@1,,,,,,',
      ',31942-TTPVHCC,,,,,2026-10-15,NOPE@1,5,,,,,',
    ].join('\r\n');
    const { status, result } = await upload(twin, admin, giarai.id, 'commit', csv);
    expect(status).toBe(200);
    expect(result.imported).toBe(0);
    const errors = result.errors.map((e) => [e.row, e.column, e.code]);
    expect(errors).toEqual([
      [3, 'Mã đơn vị', 'out_of_scope'],
      [4, 'Mã quầy', 'not_found'],
      [4, 'Mã cán bộ', 'not_found'],
      [4, 'Mã TTHC', 'not_found'],
      [4, 'Thời điểm (giờ Việt Nam)', 'invalid_date'],
      [5, 'Kênh', 'invalid_value'],
      [5, 'Thời điểm (giờ Việt Nam)', 'invalid_date'],
      [5, 'QUAY.1', 'invalid_value'],
      [5, 'QUAY.2', 'invalid_value'],
      [6, 'QUAY.1', 'wrong_instrument'],
      [6, 'Bộ câu hỏi', 'no_survey_point'],
      [7, '', 'required'],
      [7, 'Mã phiếu', 'invalid_value'],
      [8, 'Bộ câu hỏi', 'not_found'],
    ]);
    for (const e of result.errors) expect(e.message.length).toBeGreaterThan(5);
    expect(await count(twin)).toBe(0);
  });

  it('imports forms typed by hand: blank ids, Vietnamese dates, "no opinion", identical forms kept apart', async () => {
    const csv = [
      HEADER,
      ',31942-TTPVHCC,Q1,,,,15/10/2026 09:30,QUAY@1,5,4,4,KYK,5,Rất tốt',
      ',31942-TTPVHCC,Q1,,,,15/10/2026 09:30,QUAY@1,5,4,4,KYK,5,Rất tốt',
      ',31942-TTPVHCC,Q3,,,,16/10/2026,QUAY@1,2,1,3,,2,"Chờ lâu, ""không"" ai hướng dẫn"',
    ].join('\n');
    const first = await upload(twin, admin, giarai.id, 'commit', csv);
    expect(first.result.errors).toEqual([]);
    expect(first.result.imported).toBe(3);
    const rows = await twin.t.db.kysely.selectFrom('responses').selectAll().orderBy('submitted_at').execute();
    expect(rows).toHaveLength(3);
    expect(rows[0]!.id).not.toBe(rows[1]!.id);
    expect(rows[0]).toMatchObject({ channel: 'paper', submitted_at: '2026-10-15T02:30:00.000Z', local_day: '2026-10-15', local_hour: 9, comment: 'Rất tốt' });
    expect(JSON.parse(rows[0]!.answers)).toEqual({ 'QUAY.1': 5, 'QUAY.2': 4, 'QUAY.3': 4, 'QUAY.4': null, 'QUAY.ALL': 5 });
    expect(rows[2]).toMatchObject({ local_day: '2026-10-16', comment: 'Chờ lâu, "không" ai hướng dẫn' });
    const again = await upload(twin, admin, giarai.id, 'commit', csv);
    expect(again.result).toMatchObject({ imported: 0, duplicates: 3 });
    expect(await count(twin)).toBe(3);
  });

  it('keeps the demographics a form carries, and exports them again', async () => {
    const csv = [
      `${HEADER},Nhóm tuổi,Giới tính,Lần đầu đến`,
      ',31942-TTPVHCC,Q1,,,,17/10/2026 08:15,QUAY@1,5,5,4,4,5,,60_plus,female,1',
      ',31942-TTPVHCC,Q1,,,,17/10/2026 08:16,QUAY@1,3,3,3,3,3,,old,female,maybe',
    ].join('\r\n');
    const result = await upload(twin, admin, giarai.id, 'commit', csv);
    expect(result.result.errors.map((e) => [e.row, e.column])).toEqual([[3, 'Nhóm tuổi']]);
    const fixed = await upload(twin, admin, giarai.id, 'commit', csv.split('\r\n').slice(0, 2).join('\r\n'));
    expect(fixed.result.imported).toBe(1);
    const stored = await twin.t.db.kysely.selectFrom('responses').select('demographics').where('local_day', '=', '2026-10-17').executeTakeFirstOrThrow();
    expect(JSON.parse(stored.demographics!)).toEqual({ ageBand: '60_plus', gender: 'female', firstVisit: true });
    const exported = parse(new TextDecoder().decode(await exportRaw(twin, admin, 'from=2026-10-17&to=2026-10-17')), { bom: true }) as string[][];
    const header = exported[0]!;
    const row = exported.find((r) => r[header.indexOf('Nhóm tuổi')] === '60_plus')!;
    expect([row[header.indexOf('Giới tính')], row[header.indexOf('Lần đầu đến')]]).toEqual(['female', '1']);
  });

  it('reads the semicolon CSV that Excel saves in a Vietnamese locale', async () => {
    const csv = [HEADER.replaceAll(',', ';'), ';31825-TTPVHCC;Q2;;;;20/10/2026 14:05;QUAY@1;4;4;5;;4;"Tốt; nhanh"'].join('\r\n');
    const { result } = await upload(twin, admin, baclieu.id, 'commit', `\uFEFF${csv}`);
    expect(result.errors).toEqual([]);
    expect(result.rows[0]).toMatchObject({ unitCode: '31825-TTPVHCC', counterCode: 'Q2', comment: 'Tốt; nhanh', answers: { 'QUAY.1': 4 } });
  });

  it('refuses files without the needed columns or with columns it does not know', async () => {
    const missing = await upload(twin, admin, giarai.id, 'preview', 'Mã đơn vị,QUAY.1\r\n31942-TTPVHCC,5');
    expect(missing.result.errors.map((e) => [e.column, e.code])).toEqual([
      ['Thời điểm (giờ Việt Nam)', 'missing_column'],
      ['Bộ câu hỏi', 'missing_column'],
    ]);
    const unknown = await upload(twin, admin, giarai.id, 'preview', `${HEADER},Ghi chú riêng\r\n,31942-TTPVHCC,,,,,2026-10-15,QUAY@1,5,,,,,,x`);
    expect(unknown.result.errors).toMatchObject([{ row: 1, column: 'Ghi chú riêng', code: 'unknown_column' }]);
    const binary = await upload(twin, admin, giarai.id, 'preview', new Uint8Array([0xff, 0xfe, 0x00, 0x41]));
    expect(binary.result.errors).toMatchObject([{ row: 0, code: 'file_unreadable' }]);
  });

  it('keeps a centre supervisor to their centre, and needs the right to change surveys', async () => {
    const supervisor = await twin.as('centre_supervisor', giarai.id);
    const foreignRow = `${HEADER}\r\n,31825-TTPVHCC,,,,,2026-10-15,QUAY@1,5,,,,,`;
    const inside = await upload(twin, supervisor, giarai.id, 'preview', foreignRow);
    expect(inside.result.errors).toMatchObject([{ row: 2, column: 'Mã đơn vị', code: 'out_of_scope' }]);
    const foreign = await upload(twin, supervisor, baclieu.id, 'preview', foreignRow);
    expect(foreign.status).toBe(403);
    const viewer = await twin.as('viewer', (await twin.unit('96')).id);
    expect((await upload(twin, viewer, giarai.id, 'preview', foreignRow)).status).toBe(403);
    const noCsrf = await twin.t.app.request(`/api/admin/imports/responses?unitId=${giarai.id}`, {
      method: 'POST',
      headers: { cookie: admin.cookie! },
      body: foreignRow,
    });
    expect(noCsrf.status).toBe(403);
  });

  it('reads dates as written on forms, in Vietnam time', () => {
    expect(parseLocalDateTime('2026-11-23 10:05:07')?.toISOString()).toBe('2026-11-23T03:05:07.000Z');
    expect(parseLocalDateTime('23/11/2026 10:05')?.toISOString()).toBe('2026-11-23T03:05:00.000Z');
    expect(parseLocalDateTime('3/1/2026')?.toISOString()).toBe('2026-01-03T05:00:00.000Z');
    expect(parseLocalDateTime('2026-11-23T10:05:00+07:00')?.toISOString()).toBe('2026-11-23T03:05:00.000Z');
    for (const bad of ['2026-02-30', '32/01/2026', '2026-11-23 24:00', 'hôm qua', '11/23/2026']) expect(parseLocalDateTime(bad)).toBeNull();
  });

  it('derives the same UUIDv5 from the same content', () => {
    expect(contentId('a')).toBe(contentId('a'));
    expect(contentId('a')).not.toBe(contentId('b'));
    expect(contentId('a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('any comment or name survives export → import unchanged and never becomes a formula', () => {
  // Every character but NUL, which is never stored (storableText): PostgreSQL text cannot hold it.
  const SPECIALS = ['=', '+', '-', '@', '\t', '\r', '\n', "'", '"', ',', ';', '_x000D_', 'ệ', 'Đ', '\u0001', '\uFFFE', ' '];
  const char = fc.oneof(fc.constantFrom(...SPECIALS), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => c !== '\u0000'));
  const text = fc.string({ unit: char, minLength: 1, maxLength: 60 });
  const FORMULA = /^[=+\-@\t\r]/;

  it('through CSV and XLSX', async () => {
    const origin = await anEmptyTwin();
    const viaCsv = await anEmptyTwin();
    const viaXlsx = await anEmptyTwin();
    try {
      const originAdmin = await origin.as('system_admin', null);
      const centre = await origin.unit('31942-TTPVHCC');
      const counter = await origin.t.db.kysely.selectFrom('counters').select('id').where('unit_id', '=', centre.id).where('code', '=', 'Q1').executeTakeFirstOrThrow();
      const point = await origin.t.db.kysely.selectFrom('survey_points').select('id').where('counter_id', '=', counter.id).executeTakeFirstOrThrow();
      const targets = [viaCsv, viaXlsx];
      const targetHeaders = await Promise.all(targets.map((t) => t.as('system_admin', null)));
      const targetUnits = await Promise.all(targets.map((t) => t.unit('31942-TTPVHCC')));
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(text, { minLength: 1, maxLength: 6 }), text, async (comments, counterName) => {
          run++;
          const day = new Date(Date.parse('2026-11-19T00:00:00Z') - run * 86400_000).toISOString().slice(0, 10);
          await origin.t.db.kysely.updateTable('counters').set({ name: counterName }).where('id', '=', counter.id).execute();
          const ids = comments.map((_, i) => `00000000-0000-4000-8000-${String(run).padStart(8, '0')}${String(i).padStart(4, '0')}`);
          await origin.store(
            comments.map((comment, i) => ({
              id: ids[i]!,
              survey_point_id: point.id,
              invitation_id: null,
              instrument_id: 'QUAY@1',
              unit_id: centre.id,
              counter_id: counter.id,
              staff_id: null,
              procedure_id: null,
              channel: 'qr_web' as const,
              submitted_at: `${day}T0${i}:00:00.000Z`,
              local_day: day,
              local_hour: 7 + i,
              weekday: 1,
              answers: JSON.stringify({ 'QUAY.1': 1 + (i % 5), 'QUAY.4': null }),
              comment,
              demographics: null,
              lang: 'vi',
              created_at: `${day}T0${i}:00:00.000Z`,
            })),
          );
          for (const [t, format] of [[0, 'csv'], [1, 'xlsx']] as const) {
            const file = await exportRaw(origin, originAdmin, `unitId=${centre.id}&from=${day}&to=${day}&format=${format}`);
            const table = await readTable(file, MAX_IMPORT_ROWS);
            if (typeof table === 'string') throw new Error(table);
            for (const row of table.rows) {
              for (const cell of row.cells) expect(cell).not.toMatch(FORMULA);
              expect(restoreCell(row.cells[5]!)).toBe(counterName);
            }
            const imported = await upload(targets[t]!, targetHeaders[t]!, targetUnits[t]!.id, 'commit', file);
            expect(imported.result.errors).toEqual([]);
            const stored = await targets[t]!.t.db.kysely.selectFrom('responses').select(['id', 'comment']).where('id', 'in', ids).execute();
            expect(new Map(stored.map((s) => [s.id, s.comment]))).toEqual(new Map(ids.map((id, i) => [id, comments[i]!])));
          }
        }),
        { numRuns: 40 },
      );
    } finally {
      for (const ctx of [origin, viaCsv, viaXlsx]) await ctx.t.cleanup();
    }
  }, 120_000);
});

describe('XLSX uploads', () => {
  it('reads a workbook typed in Excel: real dates and numbers', async () => {
    const twin = await anEmptyTwin();
    try {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('Phiếu');
      sheet.addRow(['Mã đơn vị', 'Mã quầy', 'Thời điểm (giờ Việt Nam)', 'Bộ câu hỏi', 'QUAY.1', 'QUAY.ALL', 'Góp ý']);
      // Excel stores wall-clock time: 15/10/2026 09:30 is held as if it were UTC.
      sheet.addRow(['31942-TTPVHCC', 'Q1', new Date(Date.UTC(2026, 9, 15, 9, 30)), 'QUAY@1', 5, 4, 'Tốt']);
      const { result } = await upload(twin, await twin.as('system_admin', null), (await twin.unit('96')).id, 'commit', new Uint8Array(await workbook.xlsx.writeBuffer()));
      expect(result.errors).toEqual([]);
      const row = await twin.t.db.kysely.selectFrom('responses').selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({ submitted_at: '2026-10-15T02:30:00.000Z', comment: 'Tốt', channel: 'paper' });
      expect(JSON.parse(row.answers)).toEqual({ 'QUAY.1': 5, 'QUAY.ALL': 4 });
    } finally {
      await twin.t.cleanup();
    }
  });
});
