import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorReport } from '../../schema/indicators.js';
import { aSession, asSession, aUser, type TestSession } from '../testing/auth.js';
import type { Deps } from '../deps.js';
import { silentLogger } from '../log.js';
import { quarterOf } from '../reporting/index.js';
import { seedDemo } from '../seed/index.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { addDays, vnLocalParts } from '../time.js';
import { AGENCY_CLASS_VI, INDICATOR_SHEET, indicatorSheetRows, OFFICIAL_CLASS_VI } from '../exports/indicators.js';

/**
 * One question, one number: for random scopes and periods over the demo (its dossiers carry facts,
 * its centre unit-level scores), the summary workbook's indicator sheet holds exactly what the
 * dashboard's indicators tab is sent, and the printed report's section the same totals.
 */

let t: TestContext;
let officer: TestSession;
let unitIds: string[];
let periods: { period: 'quarter' | 'year'; at: string }[];

beforeAll(async () => {
  t = await makeTestApp({ now: '2026-11-20T03:00:00Z' });
  const deps: Deps = { db: t.db, config: t.config, clock: t.clock, logger: silentLogger };
  await seedDemo(deps, { responses: 600, seed: 19, invitations: 160 });
  const province = await t.db.kysely.selectFrom('units').select('id').where('kind', '=', 'province').executeTakeFirstOrThrow();
  officer = await aSession(t, (await aUser(t.db, t.clock, { grants: [{ role: 'provincial_officer', unitId: province.id }] })).id);
  unitIds = (await t.db.kysely.selectFrom('units').select('id').where('kind', 'in', ['province', 'commune', 'centre']).execute()).map((u) => u.id);
  const today = vnLocalParts(t.clock.now()).day;
  periods = [
    { period: 'quarter', at: quarterOf(today) },
    { period: 'quarter', at: quarterOf(addDays(today, -92)) },
    { period: 'year', at: today.slice(0, 4) },
  ];
}, 120_000);
afterAll(() => t.cleanup());

async function tab(query: string): Promise<IndicatorReport> {
  const res = await t.app.request(`/api/admin/indicators?${query}`, { headers: asSession(officer) });
  expect(res.status).toBe(200);
  return (await res.json()) as IndicatorReport;
}

/** A sheet's rows as values, empty cells null, without trailing empties. */
function sheetRows(sheet: ExcelJS.Worksheet): unknown[][] {
  const rows: unknown[][] = [];
  for (let r = 1; r <= sheet.rowCount; r++) {
    const values = sheet.getRow(r).values as unknown[];
    rows.push(trim(Array.from(values.slice(1), (v) => v ?? null)));
  }
  return rows;
}

const trim = (row: unknown[]) => {
  const out = [...row];
  while (out.length && out.at(-1) === null) out.pop();
  return out;
};

describe('the indicator sheet equals the indicators tab', () => {
  it('for random scopes (the whole area, the province, a commune, a centre) and periods (this quarter, the last, the year)', async () => {
    let withDossiers = 0;
    await fc.assert(
      fc.asyncProperty(fc.option(fc.constantFrom(...unitIds), { nil: undefined }), fc.constantFrom(...periods), async (unitId, period) => {
        const query = `${unitId ? `unitId=${unitId}&` : ''}period=${period.period}&at=${period.at}`;
        const report = await tab(query);
        const res = await t.app.request(`/api/admin/exports/summary?${query}`, { headers: asSession(officer) });
        if (res.status === 404) {
          // No questionnaire anywhere in a scope without survey points: no workbook at all.
          expect(report.agencies).toEqual([]);
          return;
        }
        expect(res.status).toBe(200);
        const workbook = new ExcelJS.Workbook();
        await workbook.xlsx.load(await res.arrayBuffer());
        const sheet = workbook.getWorksheet(INDICATOR_SHEET)!;
        expect(sheet).toBeDefined();
        expect(sheetRows(sheet)).toEqual(indicatorSheetRows(report).rows.map((row) => trim(row.map((v) => v ?? null))));
        if (report.agencies.some((a) => a.dossiers > 0)) withDossiers++;

        const html = await (await t.app.request(`/api/admin/exports/report?${query}`, { headers: asSession(officer) })).text();
        for (const a of report.agencies) {
          expect(html).toContain(a.classification ? AGENCY_CLASS_VI[a.classification] : 'Chưa xếp loại');
          if (a.total !== null) expect(html).toContain(`>${a.total.toFixed(1).replace('.', ',')}<`);
        }
        for (const o of report.officials) if (o.classification) expect(html).toContain(OFFICIAL_CLASS_VI[o.classification]);
      }),
      { numRuns: 14 },
    );
    expect(withDossiers).toBeGreaterThan(0);
  }, 180_000);

  it('the workbook states the values a spreadsheet can compute with: scores are numbers, the classification is text', async () => {
    const report = await tab(`period=${periods[0]!.period}&at=${periods[0]!.at}`);
    const agency = report.agencies.find((a) => a.total !== null)!;
    const res = await t.app.request(`/api/admin/exports/summary?period=${periods[0]!.period}&at=${periods[0]!.at}`, { headers: asSession(officer) });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await res.arrayBuffer());
    const row = sheetRows(workbook.getWorksheet(INDICATOR_SHEET)!).find((r) => r[0] === agency.unit.code)!;
    expect(row[3]).toBe(agency.indicators['D18.1']?.score ?? null);
    expect(row).toContain(agency.total);
    expect(row).toContain(AGENCY_CLASS_VI[agency.classification!]);
  });
});
