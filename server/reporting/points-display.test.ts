import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Overview } from '../../schema/dashboard.js';
import { formatChange, formatIndex, formatInterval } from '../../schema/display.js';
import { anExportApp, type ExportTestContext } from '../testing/exports.js';

/**
 * Issue 16, acceptance 2: with SCORE_DISPLAY=points10 every index, interval, change, target and axis
 * is shown out of 10, in the printed report and in the workbook's score cells alike. (Shares that are
 * not scores, the response rate and the 95% of the confidence level, stay percentages.)
 */

let x: ExportTestContext;
let admin: Record<string, string>;

beforeAll(async () => {
  x = await anExportApp({ responses: 1500, env: { SCORE_DISPLAY: 'points10' } });
  admin = await x.as('system_admin', null);
}, 180_000);

afterAll(async () => {
  await x.t.cleanup();
});

const get = async (path: string) => {
  const res = await x.t.app.request(path, { headers: admin });
  expect(res.status, path).toBe(200);
  return res;
};

describe('SCORE_DISPLAY=points10', () => {
  it('the display helpers write points, never a percent sign', () => {
    const settings = { ...x.t.config.scoring };
    for (const lang of ['vi', 'en'] as const) {
      expect(formatIndex(84.6, settings, lang)).toBe(lang === 'vi' ? '8,46 điểm' : '8.46 points');
      expect(formatInterval(81.17, 87.5, settings, lang)).toBe(lang === 'vi' ? '8,12 – 8,75 điểm' : '8.12 – 8.75 points');
      expect(formatChange(-1.23, settings, lang)).toBe(lang === 'vi' ? '−0,12 điểm' : '−0.12 points');
      for (const text of [formatIndex(80, settings, lang), formatInterval(1, 2, settings, lang), formatChange(3, settings, lang)]) expect(text).not.toContain('%');
    }
  });

  it('the report shows indices, intervals, changes, the target and the chart axis in points', async () => {
    const overview = (await (await get('/api/admin/dashboard/overview?period=year&at=2026')).json()) as Overview;
    expect(overview.scoring.display).toBe('points10');
    const page = await (await get('/api/admin/exports/report?period=year&at=2026')).text();
    const visible = page
      .replace(/<style>[\s\S]*?<\/style>/g, '')
      .replace(/<[^>]*class="[^"]*\brate\b[^"]*"[^>]*>[^<]*</g, '<') // response rates: shares, not scores
      .replace(/<[^>]*class="classification"[^>]*>[^<]*</g, '<') // TT 01/2018's classes ("Hoàn thành 100%"): names, not scores
      .replace(/<[^>]+>/g, ' ')
      .replace(/95%/g, ''); // the confidence level
    expect(visible).not.toContain('%');
    expect(page).toContain(formatIndex(overview.overall!.score.index, x.t.config.scoring, 'vi'));
    expect(page).toContain('Mục tiêu 8,00 điểm');
    expect(page).toMatch(/>10 điểm<\/text>/);
  });

  it('the workbook stores points in its score cells, formatted as points, on every unit sheet and row', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await (await get('/api/admin/exports/summary?period=year&at=2026')).arrayBuffer());
    const overview = (await (await get('/api/admin/dashboard/overview?period=year&at=2026')).json()) as Overview;
    const scoreHeaders = new Set(['Chỉ số', 'Cận dưới 95%', 'Cận trên 95%', 'Kỳ trước', 'Thay đổi']);
    let sheets = 0;
    let checked = 0;
    let valued = 0;
    for (const sheet of workbook.worksheets) {
      // The unit sheets (the whole scope, then one per level) carry the measures under two header rows.
      const headers = sheet.getRow(2).values as (string | null)[];
      if (!headers.includes('Chỉ số')) continue;
      sheets++;
      expect(sheet.rowCount, sheet.name).toBeGreaterThan(2);
      for (let r = 3; r <= sheet.rowCount; r++) {
        headers.forEach((header, column) => {
          if (header === 'Tỷ lệ phản hồi') {
            // The response rate is a share of invitations, not a score: a percentage it stays.
            expect(sheet.getCell(r, column).numFmt, `${sheet.name} ${r}:${column}`).toContain('%');
            return;
          }
          if (!header || !scoreHeaders.has(header)) return;
          const cell = sheet.getCell(r, column);
          const where = `${sheet.name} row ${r}, ${header} (column ${column})`;
          expect(cell.numFmt, where).not.toContain('%');
          expect(cell.numFmt, where).toContain('điểm');
          checked++;
          const value = cell.value as number | null;
          if (value === null) return;
          valued++;
          // Points out of 10; a change between two of them lies within ±10.
          expect(typeof value, where).toBe('number');
          expect(value, where).toBeGreaterThanOrEqual(header === 'Thay đổi' ? -10 : 0);
          expect(value, where).toBeLessThanOrEqual(10);
        });
      }
    }
    expect(sheets).toBeGreaterThanOrEqual(3);
    expect(checked).toBeGreaterThan(200);
    expect(valued).toBeGreaterThan(100);
    const summary = workbook.getWorksheet('Tổng hợp')!;
    expect(summary.getCell(3, 9).value as number).toBeCloseTo(overview.overall!.score.index! / 10, 12);
  });
});
