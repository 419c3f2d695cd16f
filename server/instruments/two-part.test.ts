import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Overview } from '../../schema/dashboard.js';
import { aSession, asSession, aUser, type TestSession } from '../testing/auth.js';
import { aSite, type TestSite } from '../testing/builders.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { S23_V1 } from './catalogue.js';

/**
 * The SIPAS 2023–2026 two-part questionnaire (methodology §4): each part's index is the mean of its
 * factors, and the overall index the mean of the two parts. Ten paper forms, imported, answer two
 * of the four policy factors (7 of 10 satisfied: the policy part is 70,00) and all five service
 * factors (9 of 10: the service part is 90,00). The overall is 80,00, not the mean of the seven
 * factors answered (84,29); the dashboard, the summary exports and the report show both part rows.
 */

let t: TestContext;
let site: TestSite;
let officer: TestSession;

const POLICY_ANSWERED = ['S23.P.1.1', 'S23.P.1.2', 'S23.P.2.1', 'S23.P.2.2'];
const SERVICE = S23_V1.items.filter((i) => i.factor?.startsWith('S23.S.')).map((i) => i.code);

beforeAll(async () => {
  t = await makeTestApp();
  site = await aSite(t.db, t.clock, { communeCode: '31942' });
  officer = await aSession(t, (await aUser(t.db, t.clock, { grants: [{ role: 'provincial_officer', unitId: site.provinceId }] })).id);
  const patched = await t.app.request(`/api/admin/survey-points/${site.surveyPointId}`, {
    method: 'PATCH',
    headers: asSession(officer),
    body: JSON.stringify({ instrumentId: 'S23@1' }),
  });
  expect(patched.status).toBe(200);
  const header = ['unit_code', 'counter_code', 'channel', 'submitted_at', 'instrument', ...POLICY_ANSWERED, ...SERVICE];
  const rows = Array.from({ length: 10 }, (_, i) => [
    '31942-TT',
    'Q1',
    'paper',
    `2026-11-${String(10 + i).padStart(2, '0')} 09:00`,
    'S23@1',
    ...POLICY_ANSWERED.map(() => (i < 7 ? '5' : '2')),
    ...SERVICE.map(() => (i < 9 ? '4' : '1')),
  ]);
  const csv = [header, ...rows].map((r) => r.join(',')).join('\n');
  const imported = await t.app.request(`/api/admin/imports/responses?unitId=${site.centreId}&mode=commit`, {
    method: 'POST',
    headers: { ...asSession(officer), 'content-type': 'text/csv' },
    body: csv,
  });
  expect(imported.status, await imported.clone().text()).toBe(200);
}, 60_000);
afterAll(() => t.cleanup());

const QUERY = `unitId=${'{centre}'}&period=month&at=2026-11&instrumentId=S23%401`;
const query = () => QUERY.replace('{centre}', site.centreId);

describe('the two-part questionnaire S23@1', () => {
  it('scores the overall as the mean of the parts, and the dashboard shows each part above its factors', async () => {
    const res = await t.app.request(`/api/admin/dashboard/overview?${query()}`, { headers: asSession(officer) });
    expect(res.status).toBe(200);
    const overview = (await res.json()) as Overview;
    expect(overview.responses).toBe(10);
    expect(overview.overall?.score.index).toBeCloseTo(80, 10);
    const factorIndices = overview.rows.filter((r) => r.level === 'factor' && r.score.index !== null).map((r) => r.score.index!);
    expect(factorIndices).toHaveLength(7);
    expect(factorIndices.reduce((a, b) => a + b, 0) / 7).toBeCloseTo(84.2857, 3);

    const parts = overview.rows.filter((r) => r.level === 'part');
    expect(parts.map((r) => [r.code, r.label.vi, r.score.index])).toEqual([
      ['PART.P', 'Xây dựng, tổ chức thực hiện chính sách', 70],
      ['PART.S', 'Cung ứng dịch vụ hành chính công', 90],
    ]);
    // Each part row comes right before its factors.
    const order = overview.rows.map((r) => r.code);
    expect(order.indexOf('PART.P')).toBeLessThan(order.indexOf('S23.P.1'));
    expect(order.indexOf('S23.P.4')).toBeLessThan(order.indexOf('PART.S'));
    expect(order.indexOf('PART.S')).toBeLessThan(order.indexOf('S23.S.1'));
  });

  it('gives both part rows and the overall of 80,00 in the summary CSV and workbook and in the report', async () => {
    const csvRes = await t.app.request(`/api/admin/exports/summary?${query()}&format=csv`, { headers: asSession(officer) });
    expect(csvRes.status).toBe(200);
    const rows = parse(await csvRes.text(), { bom: true }) as string[][];
    const header = rows[0]!;
    const col = (name: string) => (header.includes(name) ? header.indexOf(name) : header.findIndex((h) => h.startsWith(`${name} (`)));
    const scopeRows = rows.filter((r) => r[col('Phạm vi')] === 'Toàn bộ phạm vi');
    const byCode = (code: string) => scopeRows.find((r) => r[col('Mã')] === code);
    const overall = scopeRows.find((r) => r[col('Cấp chỉ số')] === 'Chỉ số chung')!;
    expect(overall[col('Chỉ số')]).toBe('80.00');
    expect([byCode('P')?.[col('Cấp chỉ số')], byCode('P')?.[col('Chỉ số')]]).toEqual(['Phần', '70.00']);
    expect([byCode('S')?.[col('Cấp chỉ số')], byCode('S')?.[col('Chỉ số')]]).toEqual(['Phần', '90.00']);

    const xlsx = await t.app.request(`/api/admin/exports/summary?${query()}&format=xlsx`, { headers: asSession(officer) });
    expect(xlsx.status).toBe(200);
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Tổng hợp')!;
    // Row 1 names each measure over its columns (merged), row 2 the columns, row 3 the whole scope.
    // An index cell holds a fraction with a percent format: 80,00 is 0.8 shown as "0.00%".
    const titles = Array.from(sheet.getRow(1).values as unknown[], (v) => String(v ?? ''));
    const indexCell = (label: string) => {
      const c = titles.findIndex((v) => v === label || v.startsWith(`${label}:`));
      expect(c, `a column for ${label}`).toBeGreaterThan(0);
      expect(sheet.getCell(2, c).value).toBe('Chỉ số');
      const cell = sheet.getCell(3, c);
      expect(typeof cell.value, `${label} is a number`).toBe('number');
      const shown = cell.numFmt === '0.00%' ? ((cell.value as number) * 100).toFixed(2).replace('.', ',') : `unexpected format ${cell.numFmt}`;
      return { value: cell.value as number, shown };
    };
    const overallCell = indexCell('Chỉ số hài lòng chung');
    const partP = indexCell('Phần P');
    const partS = indexCell('Phần S');
    expect(overallCell.value).toBeCloseTo(0.8, 10);
    expect(partP.value).toBeCloseTo(0.7, 10);
    expect(partS.value).toBeCloseTo(0.9, 10);
    expect([overallCell.shown, partP.shown, partS.shown]).toEqual(['80,00', '70,00', '90,00']);
    const method = workbook.getWorksheet('Phương pháp')!;
    const notes: string[] = [];
    method.eachRow((r) => notes.push((r.values as unknown[]).map((v) => String(v ?? '')).join(' | ')));
    expect(notes.join('\n')).toContain('Tổng hợp phần → chỉ số chung | trung bình cộng chỉ số các phần');

    const report = await t.app.request(`/api/admin/exports/report?${query()}`, { headers: asSession(officer) });
    expect(report.status).toBe(200);
    const html = await report.text();
    expect(html).toMatch(/Phần P: Xây dựng, tổ chức thực hiện chính sách[\s\S]*?70,00/);
    expect(html).toMatch(/Phần S: Cung ứng dịch vụ hành chính công[\s\S]*?90,00/);
    expect(html).toMatch(/Chỉ số hài lòng chung[\s\S]*?80,00/);
  });
});
