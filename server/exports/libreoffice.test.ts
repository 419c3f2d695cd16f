import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Overview } from '../../schema/dashboard.js';
import type { Instrument } from '../../schema/instrument.js';
import { requireInstrument } from '../instruments/store.js';
import { tempDir } from '../testing/harness.js';
import { measureDefs } from './measures.js';
import { anExportApp, type ExportTestContext } from '../testing/exports.js';

/**
 * The summary workbook opened by LibreOffice (headless, converted to CSV sheet by sheet): Vietnamese
 * text intact, scores numeric (unquoted, full precision) and equal to the dashboard's for the same
 * filter. CI must install LibreOffice Calc (`apt-get install -y libreoffice-calc-nogui`); without
 * `soffice` on the PATH this file is skipped, saying so.
 */

const run = promisify(execFile);

function sofficePath(): string | null {
  try {
    return execFileSync('sh', ['-c', 'command -v soffice || command -v libreoffice'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

const soffice = sofficePath();
if (!soffice) {
  process.stderr.write('SKIPPED server/exports/libreoffice.test.ts: LibreOffice (soffice) is not installed; apt-get install -y libreoffice-calc-nogui\n');
}

let x: ExportTestContext;
let dir: string;
let quay: Instrument;
const Q3 = { from: '2026-07-01', to: '2026-09-30' };

/**
 * CSV export options: comma, double quote, UTF-8 (76), from line 1, quote every text cell (so a
 * number is exactly an unquoted field), not "as shown" (full precision), every sheet (-1) to its
 * own file named <file>-<sheet>.csv.
 */
const CSV_FILTER = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,true,true,false,false,false,-1';

/** Each sheet as rows of [text, quoted] cells, read from LibreOffice's CSV. */
function readSheet(file: string): { value: string; quoted: boolean }[][] {
  const text = readFileSync(file, 'utf8');
  const rows = parse(text, { relax_column_count: true, raw: true }) as unknown as { raw: string; record: string[] }[];
  return rows.map(({ raw, record }) => {
    const fields = raw.replace(/\r?\n$/, '');
    let at = 0;
    return record.map((value) => {
      const quoted = fields[at] === '"';
      at += quoted ? value.replaceAll('"', '""').length + 3 : value.length + 1;
      return { value, quoted };
    });
  });
}

describe.skipIf(!soffice)('summary XLSX in LibreOffice', () => {
  let sheets: Map<string, { value: string; quoted: boolean }[][]>;

  beforeAll(async () => {
    x = await anExportApp();
    quay = await requireInstrument(x.t.db.kysely, 'QUAY@1');
    dir = tempDir('sipas-lo-');
    const province = await x.unit('96');
    const res = await x.t.app.request(`/api/admin/exports/summary?unitId=${province.id}&from=${Q3.from}&to=${Q3.to}`, {
      headers: await x.as('system_admin', null),
    });
    const file = path.join(dir, 'summary.xlsx');
    writeFileSync(file, new Uint8Array(await res.arrayBuffer()));
    const profile = path.join(dir, 'profile');
    mkdirSync(profile);
    await run(soffice!, [`-env:UserInstallation=file://${profile}`, '--headless', '--convert-to', CSV_FILTER, '--outdir', path.join(dir, 'csv'), file], {
      timeout: 120_000,
    });
    sheets = new Map(
      readdirSync(path.join(dir, 'csv')).map((f) => [f.replace(/^summary-/, '').replace(/\.csv$/, ''), readSheet(path.join(dir, 'csv', f))]),
    );
  }, 180_000);

  afterAll(async () => {
    await x?.t.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('opens every sheet with its Vietnamese name and headers intact', () => {
    expect([...sheets.keys()].sort()).toEqual(['Cấp tỉnh', 'Cấp xã', 'Chỉ số TT 01-2018', 'Phương pháp', 'Trung tâm, chi nhánh', 'Tổng hợp'].sort());
    const centres = sheets.get('Trung tâm, chi nhánh')!;
    expect(centres[0]!.slice(0, 4).map((c) => c.value)).toEqual(['STT', 'Mã đơn vị', 'Tên đơn vị (gồm các đơn vị trực thuộc)', 'Trực thuộc']);
    expect(centres[0]![8]!.value).toBe('Chỉ số hài lòng chung');
    expect(centres.map((r) => r[2]!.value)).toContain('Chi nhánh Trung tâm Phục vụ hành chính công tỉnh Cà Mau tại Bạc Liêu');
    const method = new Map(sheets.get('Phương pháp')!.map((r) => [r[0]!.value, r[1]?.value]));
    expect(method.get('Kỳ báo cáo')).toBe('Quý III/2026');
  });

  it('reads the scores as numbers equal to the dashboard’s for the same filter', async () => {
    const centres = sheets.get('Trung tâm, chi nhánh')!;
    const [groups, subs] = [centres[0]!, centres[1]!];
    const admin = await x.as('system_admin', null);
    let checked = 0;
    for (const row of centres.slice(2)) {
      const unit = await x.unit(row[1]!.value);
      const res = await x.t.app.request(
        `/api/admin/dashboard/overview?unitId=${unit.id}&period=custom&from=${Q3.from}&to=${Q3.to}&instrumentId=QUAY@1`,
        { headers: admin },
      );
      const overview = (await res.json()) as Overview;
      const dashboard = new Map([['overall', overview.overall!], ...overview.rows.map((r) => [r.code, r] as const)]);
      expect(row[4]).toEqual({ value: String(overview.responses), quoted: false });
      for (const def of measureDefs(quay)) {
        const start = groups.findIndex((c) => c.value === def.label);
        expect(subs[start]!.value).toBe('Chỉ số');
        const cell = row[start]!;
        const expected = dashboard.get(def.code ?? 'overall')!.score;
        expect(cell.quoted).toBe(false);
        // Percent cells hold fractions; LibreOffice writes them back in percent with full precision.
        expect(cell.value).toMatch(/^\d+(\.\d+)?%$/);
        expect(Number(cell.value.slice(0, -1))).toBeCloseTo(expected.index!, 9);
        expect(row[start + 1]).toEqual({ value: String(expected.x !== null ? expected.n : expected.minN), quoted: false });
        checked++;
      }
    }
    expect(checked).toBe(7 * measureDefs(quay).length);
  });
});

describe.skipIf(!soffice)('summary CSV in LibreOffice', () => {
  it('opens as UTF-8 with its Vietnamese headers, names and numbers intact', async () => {
    const csvApp = await anExportApp({ responses: 500 });
    const csvDir = tempDir('sipas-lo-csv-');
    try {
      const res = await csvApp.t.app.request(`/api/admin/exports/summary?format=csv&from=${Q3.from}&to=${Q3.to}`, { headers: await csvApp.as('system_admin', null) });
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const file = path.join(csvDir, 'summary.csv');
      writeFileSync(file, new Uint8Array(await res.arrayBuffer()));
      const profile = path.join(csvDir, 'profile');
      mkdirSync(profile);
      // Read as UTF-8 comma-separated text (LibreOffice's headless import takes the charset as an option), saved as a spreadsheet, written back as CSV.
      await run(soffice!, [`-env:UserInstallation=file://${profile}`, '--headless', '--infilter=CSV:44,34,76,1', '--convert-to', 'ods', '--outdir', path.join(csvDir, 'ods'), file], { timeout: 120_000 });
      await run(soffice!, [`-env:UserInstallation=file://${profile}`, '--headless', '--convert-to', CSV_FILTER, '--outdir', path.join(csvDir, 'back'), path.join(csvDir, 'ods', 'summary.ods')], { timeout: 120_000 });
      const [back] = readdirSync(path.join(csvDir, 'back'));
      const rows = readSheet(path.join(csvDir, 'back', back!));
      expect(rows[0]!.slice(0, 5).map((c) => c.value)).toEqual(['Mã đơn vị', 'Tên đơn vị', 'Phạm vi', 'Số phiếu', 'Cấp chỉ số']);
      expect(rows[1]!.slice(0, 3).map((c) => c.value)).toEqual(['96', 'Tỉnh Cà Mau', 'Toàn bộ phạm vi']);
      const overall = rows.find((r) => r[6]?.value === 'Chỉ số hài lòng chung')!;
      expect(overall[8]!.quoted).toBe(false);
      expect(Number(overall[8]!.value)).toBeGreaterThan(0);
    } finally {
      await csvApp.t.cleanup();
      rmSync(csvDir, { recursive: true, force: true });
    }
  }, 240_000);
});
