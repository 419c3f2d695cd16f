import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../server/clock.js';
import { silentLogger } from '../server/log.js';
import { openDatabase } from '../server/main.js';
import { seedReference, seedResponses } from '../server/seed/demo.js';
import { tempDir, testConfig } from '../server/testing/harness.js';

/**
 * `npm run export` as a cron job runs it: a real DATA_DIR seeded with the demo province (against
 * today's date, as the command line uses the system clock), the script in a child process.
 */

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
const tsx = path.join(root, 'node_modules/.bin/tsx');

let dir: string;
let outDir: string;

beforeAll(async () => {
  dir = tempDir('sipas-export-cli-');
  outDir = tempDir('sipas-export-out-');
  const config = testConfig(dir);
  const db = await openDatabase(config);
  const deps = { db, config, clock: systemClock, logger: silentLogger };
  await seedResponses(deps, await seedReference(deps), { count: 1500, seed: 3 });
  await db.close();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
});

function exportCli(args: string[]) {
  return run(tsx, [path.join(root, 'scripts/export.ts'), ...args], { cwd: root, env: { ...process.env, DATA_DIR: dir, LOG_REQUESTS: 'false' } });
}

async function failing(args: string[]): Promise<string> {
  const error = (await exportCli(args).then(
    () => null,
    (err: unknown) => err,
  )) as { code: number; stderr: string } | null;
  expect(error?.code).toBe(1);
  return error!.stderr.trim();
}

describe('npm run export', () => {
  it('writes the raw CSV of all units for the current quarter by default, and audits it as cli', async () => {
    const out = path.join(outDir, 'raw.csv');
    const { stdout } = await exportCli(['raw', '--out', out]);
    expect(stdout).toMatch(/^Wrote .*raw\.csv \(\d+ bytes\): sipas-phieu-khao-sat_96_\d{4}-\d{2}-01_\d{4}-\d{2}-\d{2}\.csv\n$/);
    const rows = parse(readFileSync(out, 'utf8'), { bom: true }) as string[][];
    expect(rows[0]![0]).toBe('Mã phiếu');
    expect(rows.length).toBeGreaterThan(100);
    expect(readdirSync(outDir).filter((f) => f.endsWith('.part'))).toEqual([]);

    const db = await openDatabase(testConfig(dir));
    try {
      const audit = await db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'export.run').execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor_label: 'cli', actor_user_id: null, entity_id: 'raw' });
      expect(JSON.parse(audit[0]!.after!)).toMatchObject({ kind: 'raw', format: 'csv', rows: rows.length - 1 });
    } finally {
      await db.close();
    }
  }, 60_000);

  it('writes one unit’s summary workbook and a standalone report for a given period', async () => {
    const to = new Date().toISOString().slice(0, 10);
    const summary = path.join(outDir, 'summary.xlsx');
    await exportCli(['summary', '--unit', '31942-TTPVHCC', '--from', '2000-01-01', '--to', to, '--out', summary]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(summary);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Tổng hợp', 'Trung tâm, chi nhánh', 'Chỉ số TT 01-2018', 'Phương pháp']);
    expect(workbook.getWorksheet('Tổng hợp')!.getCell(3, 2).value).toBe('31942-TTPVHCC');

    const csv = path.join(outDir, 's.csv');
    await exportCli(['summary', '--format', 'csv', '--out', csv]);
    const rows = parse(readFileSync(csv, 'utf8'), { bom: true }) as string[][];
    expect(rows[0]!.slice(0, 5)).toEqual(['Mã đơn vị', 'Tên đơn vị', 'Phạm vi', 'Số phiếu', 'Cấp chỉ số']);
    expect(rows[1]!.slice(0, 3)).toEqual(['96', 'Tỉnh Cà Mau', 'Toàn bộ phạm vi']);
    expect(rows.some((r) => r[6] === 'Chỉ số hài lòng chung')).toBe(true);

    const report = path.join(outDir, 'report.html');
    await exportCli(['report', '--unit', '96', '--format', 'html', '--out', report]);
    const page = readFileSync(report, 'utf8');
    expect(page).toContain('<h1>Báo cáo kết quả khảo sát mức độ hài lòng</h1>');
    // A file opened from disk has no server to fetch the stylesheet from: it carries it.
    expect(page).toContain('<style>');
    expect(page).toContain('@page');
    expect(page).not.toContain('/api/admin/exports/report.css');
  }, 240_000);

  it('says what is wrong in one line and exits 1', async () => {
    const out = path.join(outDir, 'x');
    // Six separate processes: started together, they take the time of about two.
    const messages = await Promise.all([
      failing(['pdf', '--out', out]),
      failing(['raw']),
      failing(['raw', '--unit', 'NOPE', '--out', out]),
      failing(['raw', '--from', '2026-02-30', '--out', out]),
      failing(['report', '--format', 'csv', '--out', out]),
      failing(['raw', '--colour', 'red', '--out', out]),
    ]);
    expect(messages[0]).toMatch(/^Usage: npm run export/);
    expect(messages[1]).toMatch(/^--out <file> is required/);
    expect(messages[2]).toBe('No unit has the code NOPE');
    expect(messages[3]).toMatch(/^--from: /);
    expect(messages[4]).toBe('The report export is available as html, not csv');
    expect(messages[5]).toMatch(/^Unknown option --colour/);
    expect(existsSync(path.join(outDir, 'x'))).toBe(false);
  }, 180_000);
});
