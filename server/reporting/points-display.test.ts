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

  it('the workbook stores points in its score cells, formatted as points', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await (await get('/api/admin/exports/summary?period=year&at=2026')).arrayBuffer());
    const sheet = workbook.getWorksheet('Tổng hợp')!;
    const headers = sheet.getRow(2).values as (string | null)[];
    const overview = (await (await get('/api/admin/dashboard/overview?period=year&at=2026')).json()) as Overview;
    let checked = 0;
    headers.forEach((header, column) => {
      if (header !== 'Chỉ số' && header !== 'Cận dưới 95%' && header !== 'Cận trên 95%' && header !== 'Kỳ trước' && header !== 'Thay đổi') return;
      const cell = sheet.getCell(3, column);
      expect(cell.numFmt, header).not.toContain('%');
      expect(cell.numFmt, header).toContain('điểm');
      checked++;
    });
    expect(checked).toBeGreaterThan(20);
    expect(sheet.getCell(3, 9).value as number).toBeCloseTo(overview.overall!.score.index! / 10, 12);
  });
});
