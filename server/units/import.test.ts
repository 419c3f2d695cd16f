import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImportResult } from '../../schema/admin.js';
import { ErrorBody } from '../../schema/errors.js';
import { aSession, aUser, type TestSession } from '../testing/auth.js';
import type { UnitRow } from '../db/types.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { aUnit } from '../testing/units.js';

let t: TestContext;
let admin: TestSession;
let province: UnitRow;

beforeEach(async () => {
  t = await makeTestApp();
  province = await aUnit(t.db, t.clock, { kind: 'province', code: '96', name: 'Tỉnh Cà Mau' });
  admin = await aSession(t, (await aUser(t.db, t.clock, { grants: [{ role: 'system_admin', unitId: null }] })).id);
});
afterEach(async () => t.cleanup());

function upload(session: TestSession, kind: string, unitId: string, mode: 'preview' | 'commit', body: string | Uint8Array) {
  return t.app.request(`/api/admin/import/${kind}?unitId=${unitId}&mode=${mode}`, {
    method: 'POST',
    headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken, 'content-type': 'text/csv' },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
}

async function result(res: Response): Promise<ImportResult> {
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return ImportResult.parse(JSON.parse(text));
}

const count = async (table: 'units' | 'counters' | 'staff' | 'procedures' | 'audit_log') =>
  Number((await t.db.kysely.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

/** A commune list of `n` rows, as a province would export it; `edit` can spoil chosen rows. */
function communeCsv(n: number, edit: (i: number, cells: string[]) => string[] = (_i, c) => c): string {
  const lines = ['kind,code,name,parent_code'];
  for (let i = 0; i < n; i++) {
    lines.push(edit(i, ['commune', String(10000 + i), `Xã Thử Nghiệm ${i}`, '96']).join(','));
  }
  return `${lines.join('\n')}\n`;
}

describe('importing units', () => {
  it('previews a 3,000-row commune file with 3 bad rows: exactly those 3 listed with reasons, nothing imported; the fixed file imports all', async () => {
    const bad = new Map<number, (c: string[]) => string[]>([
      [120, (c) => [c[0]!, '1234', c[2]!, c[3]!]],
      [1500, (c) => [c[0]!, c[1]!, '', c[3]!]],
      [2999, (c) => [c[0]!, '10007', c[2]!, c[3]!]],
    ]);
    const spoiled = communeCsv(3000, (i, c) => bad.get(i)?.(c) ?? c);
    const unitsBefore = await count('units');
    const auditBefore = await count('audit_log');

    const preview = await result(await upload(admin, 'units', province.id, 'preview', spoiled));
    expect(preview.rowCount).toBe(3000);
    expect(preview.errors).toEqual([
      expect.objectContaining({ row: 122, column: 'code', code: 'invalid_format', value: '1234' }),
      expect.objectContaining({ row: 1502, column: 'name', code: 'required' }),
      expect.objectContaining({ row: 3001, column: 'code', code: 'duplicate_in_file', value: '10007' }),
    ]);
    expect(preview.errors[2]!.message).toMatch(/row 9\b/);
    expect(preview.created).toBe(0);

    const refused = await result(await upload(admin, 'units', province.id, 'commit', spoiled));
    expect(refused.errors).toHaveLength(3);
    expect(await count('units')).toBe(unitsBefore);
    expect(await count('audit_log')).toBe(auditBefore);

    const fixed = communeCsv(3000);
    const okPreview = await result(await upload(admin, 'units', province.id, 'preview', fixed));
    expect(okPreview).toMatchObject({ errors: [], created: 3000, updated: 0 });
    expect(okPreview.rows[0]).toEqual({ row: 2, action: 'create', values: { kind: 'commune', code: '10000', name: 'Xã Thử Nghiệm 0', parent_code: '96' } });
    expect(await count('units')).toBe(unitsBefore);

    const started = performance.now();
    const committed = await result(await upload(admin, 'units', province.id, 'commit', fixed));
    const ms = performance.now() - started;
    expect(committed).toMatchObject({ errors: [], created: 3000 });
    expect(ms).toBeLessThan(20_000);
    expect(await count('units')).toBe(unitsBefore + 3000);
    const sample = await t.db.kysely.selectFrom('units').selectAll().where('code', '=', '12345').executeTakeFirstOrThrow();
    expect(sample).toMatchObject({ kind: 'commune', parent_id: province.id, path: `/${province.id}/${sample.id}/`, province_id: province.id });
    // One entry per created unit, with its after-image, plus one for the import.
    const audits = await t.db.kysely.selectFrom('audit_log').selectAll().where('id', '>', auditBefore).execute();
    expect(audits.filter((a) => a.action === 'unit.create')).toHaveLength(3000);
    expect(audits.filter((a) => a.action === 'import.commit')).toHaveLength(1);
    expect(JSON.parse(audits.find((a) => a.entity_id === sample.id)!.after!)).toMatchObject({ code: '12345' });

    // Importing the same file again changes nothing; a renamed row is an update with before/after.
    const again = await result(await upload(admin, 'units', province.id, 'commit', communeCsv(3000, (i, c) => (i === 5 ? [c[0]!, c[1]!, 'Phường Mới', c[3]!] : c))));
    expect(again).toMatchObject({ created: 0, updated: 1, unchanged: 2999 });
    const update = await t.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'unit.update').executeTakeFirstOrThrow();
    expect(JSON.parse(update.before!).name).toBe('Xã Thử Nghiệm 5');
    expect(JSON.parse(update.after!).name).toBe('Phường Mới');
  }, 60_000);

  it('reads Vietnamese headers and kinds, semicolons, a BOM, and centres whose commune is in the same file', async () => {
    const csv = '\uFEFFLoại;Mã;Tên;Mã cấp trên\nxã;31942;Phường Giá Rai;96\nTrung tâm;31942-TT;Trung tâm phường Giá Rai;31942\n';
    const res = await result(await upload(admin, 'units', province.id, 'commit', csv));
    expect(res).toMatchObject({ errors: [], created: 2 });
    const centre = await t.db.kysely.selectFrom('units').selectAll().where('code', '=', '31942-TT').executeTakeFirstOrThrow();
    expect(centre.path.split('/').filter(Boolean)).toHaveLength(3);
  });

  it('reports a missing column, an unknown parent, a wrong parent kind and a parent outside the chosen unit', async () => {
    const missing = await result(await upload(admin, 'units', province.id, 'preview', 'kind,code,name\ncommune,31942,X\n'));
    expect(missing.errors).toEqual([expect.objectContaining({ row: 1, column: 'parent_code', code: 'missing_column' })]);
    const other = await aUnit(t.db, t.clock, { kind: 'province', code: '92' });
    const commune = await aUnit(t.db, t.clock, { kind: 'commune', code: '31001', parent: province });
    const csv = [
      'kind,code,name,parent_code,parent_kind',
      'centre,TT-A,Trung tâm A,99999,',
      'branch,CN-A,Chi nhánh,31001,commune',
      'commune,31002,Xã B,92,',
      'centre,TT-B,Trung tâm B,31001,',
      'province,97,Tỉnh,,',
    ].join('\n');
    const res = await result(await upload(admin, 'units', commune.id, 'preview', csv));
    expect(res.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [2, 'parent_code', 'parent_not_found'],
      [3, 'parent_kind', 'invalid_parent_kind'],
      [4, 'parent_code', 'out_of_scope'],
      [6, 'kind', 'invalid_kind'],
      [6, 'parent_code', 'required'],
    ]);
    expect(other.id).toBeTruthy();
  });

  it('reads an Excel workbook and explains a code that lost its leading zero in a number cell', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Danh sách');
    sheet.addRow(['Loại', 'Mã', 'Tên', 'Mã cấp trên']);
    sheet.addRow(['commune', '31942', 'Phường Giá Rai', '96']);
    sheet.addRow(['commune', 1234, 'Xã số', '96']);
    const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
    const res = await result(await upload(admin, 'units', province.id, 'preview', bytes));
    expect(res.errors).toEqual([expect.objectContaining({ row: 3, column: 'code', code: 'invalid_format', value: '1234' })]);
    expect(res.errors[0]!.message).toMatch(/leading zero/);
  });

  it('refuses an import into a unit outside the caller’s area, and the whole file for a viewer', async () => {
    const commune = await aUnit(t.db, t.clock, { kind: 'commune', parent: province });
    const centre = await aUnit(t.db, t.clock, { kind: 'centre', parent: commune });
    const sup = await aSession(t, (await aUser(t.db, t.clock, { grants: [{ role: 'centre_supervisor', unitId: centre.id }] })).id);
    const viewer = await aSession(t, (await aUser(t.db, t.clock, { grants: [{ role: 'viewer', unitId: province.id }] })).id);
    const res = await upload(sup, 'units', province.id, 'commit', communeCsv(3));
    expect(res.status).toBe(403);
    expect(ErrorBody.parse(await res.json()).error.code).toBe('forbidden_unit');
    expect((await upload(viewer, 'units', province.id, 'commit', communeCsv(3))).status).toBe(403);
    expect(await count('units')).toBe(3);
  });
});

describe('importing counters, staff and procedures', () => {
  it('imports counters into centres of the chosen unit, matching centres by code', async () => {
    const commune = await aUnit(t.db, t.clock, { kind: 'commune', parent: province });
    const centre = await aUnit(t.db, t.clock, { kind: 'centre', code: '31942-TT', parent: commune });
    await aUnit(t.db, t.clock, { kind: 'centre', code: 'ELSEWHERE', parent: province });
    const csv = 'mã trung tâm,mã,tên\n31942-TT,Q1,Quầy 1\n31942-TT,Q2,Quầy 2\n31942-TT,Q1,Quầy 1 lặp\nELSEWHERE,Q1,X\nNOPE,Q1,X\n';
    const preview = await result(await upload(admin, 'counters', commune.id, 'preview', csv));
    expect(preview.errors.map((e) => [e.row, e.code])).toEqual([
      [4, 'duplicate_in_file'],
      [5, 'out_of_scope'],
      [6, 'parent_not_found'],
    ]);
    const res = await result(await upload(admin, 'counters', commune.id, 'commit', 'unit_code,code,name\n31942-TT,Q1,Quầy 1\n31942-TT,Q2,Quầy 2\n'));
    expect(res).toMatchObject({ errors: [], created: 2 });
    const rows = await t.db.kysely.selectFrom('counters').select(['unit_id', 'code']).orderBy('code').execute();
    expect(rows).toEqual([
      { unit_id: centre.id, code: 'Q1' },
      { unit_id: centre.id, code: 'Q2' },
    ]);
  });

  it('imports staff and procedures into a province and updates names on a second import', async () => {
    const staffCsv = 'mã,họ tên\nCB001,Nguyễn Thị Mai\nCB002,Trần Văn Nam\n';
    expect(await result(await upload(admin, 'staff', province.id, 'commit', staffCsv))).toMatchObject({ created: 2, errors: [] });
    const procCsv = 'Mã TTHC,Tên TTHC,Lĩnh vực\n1.001193,Đăng ký khai sinh,Hộ tịch\n2.000815,Chứng thực bản sao,Chứng thực\n';
    expect(await result(await upload(admin, 'procedures', province.id, 'commit', procCsv))).toMatchObject({ created: 2, errors: [] });
    const renamed = await result(await upload(admin, 'procedures', province.id, 'commit', procCsv.replace('Chứng thực bản sao', 'Chứng thực bản sao từ bản chính')));
    expect(renamed).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    const commune = await aUnit(t.db, t.clock, { kind: 'commune', parent: province });
    const wrongScope = await upload(admin, 'staff', commune.id, 'preview', staffCsv);
    expect(wrongScope.status).toBe(400);
  });
});

describe('bad uploads', () => {
  it('answers any bytes with a clear 200 report or 4xx, never a 5xx, and never writes on preview', async () => {
    const before = await count('units');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 400 }),
          fc.string({ maxLength: 400 }).map((s) => `kind,code,name,parent_code\n${s}`),
          fc.array(fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 8 }), fc.string({ maxLength: 20 }), fc.string({ maxLength: 6 })), { maxLength: 20 }).map(
            (rows) => `kind,code,name,parent_code\n${rows.map((r) => r.map((c) => JSON.stringify(c)).join(',')).join('\n')}`,
          ),
        ),
        async (body) => {
          const res = await upload(admin, 'units', province.id, 'preview', body);
          expect(res.status).toBeLessThan(500);
          if (res.status === 200) ImportResult.parse(await res.json());
          else ErrorBody.parse(await res.json());
        },
      ),
      { numRuns: 300 },
    );
    expect(await count('units')).toBe(before);
  }, 120_000);

  it('refuses an upload over the size limit with 413', async () => {
    const res = await upload(admin, 'units', province.id, 'preview', new Uint8Array(10 * 1024 * 1024 + 1));
    expect(res.status).toBe(413);
  });
});
