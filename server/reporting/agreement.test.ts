import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Overview } from '../../schema/dashboard.js';
import { formatIndex } from '../../schema/display.js';
import type { UnitRow } from '../db/types.js';
import { anExportApp, type ExportTestContext } from '../testing/exports.js';

/**
 * Issue 16, acceptance 1: one question, one number. For random scopes, period kinds, periods,
 * questionnaires and filters over the demo province (with paper forms whose cells were left blank,
 * so answers per item differ from responses), the dashboard's overview, the summary workbook, the
 * summary CSV and the printed report give the same index, n, interval, responses and comparison
 * for every measure (the report to its display rounding, the others exactly).
 */

let x: ExportTestContext;
let admin: Record<string, string>;
let units: UnitRow[];
let counters: { id: string; unit_id: string }[];
let procedures: { id: string; field: string }[];

/** Paper forms typed with blank cells: some criteria left empty, which no survey page allows. */
function paperForms(): string {
  const header = 'Mã phiếu,Mã đơn vị,Mã quầy,Mã cán bộ,Mã TTHC,Kênh,Thời điểm (giờ Việt Nam),Bộ câu hỏi,QUAY.1,QUAY.2,QUAY.3,QUAY.4,QUAY.ALL,Góp ý';
  const lines = [header];
  for (let i = 0; i < 120; i++) {
    const day = `${String(1 + (i % 28)).padStart(2, '0')}/${String(6 + (i % 5)).padStart(2, '0')}/2026 09:${String(i % 60).padStart(2, '0')}`;
    // Criteria left blank on some forms; the overall question always answered.
    const cell = (k: number) => (k < 4 && i % (k + 2) === 0 ? '' : String(1 + ((i * (k + 3)) % 5)));
    lines.push(`,31942-TTPVHCC,Q${1 + (i % 3)},,,,${day},QUAY@1,${cell(0)},${cell(1)},${cell(2)},${cell(3)},${cell(4)},`);
  }
  return lines.join('\r\n');
}

beforeAll(async () => {
  x = await anExportApp({ responses: 3000 });
  admin = await x.as('system_admin', null);
  const giarai = await x.unit('31942-TTPVHCC');
  const res = await x.t.app.request(`/api/admin/imports/responses?unitId=${giarai.id}&mode=commit`, {
    method: 'POST',
    headers: { ...admin, 'content-type': 'text/csv' },
    body: new TextEncoder().encode(paperForms()),
  });
  expect(res.status).toBe(200);
  const result = (await res.json()) as { imported: number; errors: unknown[] };
  expect(result.errors.slice(0, 3)).toEqual([]);
  expect(result.imported).toBe(120);
  units = await x.t.db.kysely.selectFrom('units').selectAll().where('kind', 'in', ['province', 'commune', 'centre', 'branch']).orderBy('path').execute();
  counters = await x.t.db.kysely.selectFrom('counters').select(['id', 'unit_id']).execute();
  procedures = await x.t.db.kysely.selectFrom('procedures').select(['id', 'field']).execute();
}, 240_000);

afterAll(async () => {
  await x.t.cleanup();
});

interface Question {
  unitId: string;
  period: Record<string, string>;
  instrumentId?: string;
  filter: Record<string, string>;
}

const question: fc.Arbitrary<Question> = fc
  .record({
    unit: fc.nat({ max: 50 }),
    period: fc.oneof(
      fc.constantFrom('2026-07', '2026-08', '2026-10', '2026-11').map((at) => ({ period: 'month', at })),
      fc.constantFrom('2026-Q3', '2026-Q4', '2026-Q2').map((at) => ({ period: 'quarter', at })),
      fc.constant({ period: 'year', at: '2026' }),
      fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 5, max: 120 })).map(([start, length]) => {
        const from = new Date(Date.UTC(2026, 0, 1) + start * 86_400_000).toISOString().slice(0, 10);
        const to = new Date(Date.UTC(2026, 0, 1) + (start + length) * 86_400_000).toISOString().slice(0, 10);
        return { period: 'custom', from, to };
      }),
    ),
    instrument: fc.constantFrom(undefined, 'QUAY@1'),
    filter: fc.nat({ max: 9 }),
    pick: fc.nat({ max: 1000 }),
  })
  .map(({ unit, period, instrument, filter, pick }) => {
    const u = units[unit % units.length]!;
    const inUnit = counters.filter((c) => units.some((v) => v.id === c.unit_id && v.path.startsWith(u.path)));
    const f: Record<string, string> =
      filter === 1 && inUnit.length
        ? { counterId: inUnit[pick % inUnit.length]!.id }
        : filter === 2
          ? { procedureId: procedures[pick % procedures.length]!.id }
          : filter === 3
            ? { field: procedures[pick % procedures.length]!.field }
            : filter === 4
              ? { channel: pick % 2 ? 'paper' : 'qr_web' }
              : {};
    return { unitId: u.id, period: period as Record<string, string>, ...(instrument && { instrumentId: instrument }), filter: f };
  });

const queryOf = (q: Question, extra: Record<string, string> = {}) =>
  new URLSearchParams({ unitId: q.unitId, ...q.period, ...(q.instrumentId && { instrumentId: q.instrumentId }), ...q.filter, ...extra }).toString();

async function get(path: string): Promise<Response> {
  const res = await x.t.app.request(path, { headers: admin });
  expect(res.status, path).toBe(200);
  return res;
}

/** The dashboard's figures per measure code ('overall', factor and criterion codes). */
interface Figures {
  index: number | null;
  n: number;
  lower: number | null;
  upper: number | null;
  previous: number | null;
}

describe('the same question gives the same number everywhere', () => {
  it('dashboard, summary XLSX, summary CSV and report agree for random scopes, periods, questionnaires and filters', async () => {
    const settings = x.t.config.scoring;
    let compared = 0;
    let withPrevious = 0;
    await fc.assert(
      fc.asyncProperty(question, async (q) => {
        const overview = (await (await get(`/api/admin/dashboard/overview?${queryOf(q)}`)).json()) as Overview;
        if (!overview.overall) return;
        compared++;
        if (overview.overall.previous.index !== null) withPrevious++;
        const dashboard = new Map<string, Figures>();
        for (const row of [overview.overall, ...overview.rows]) {
          const s = row.score;
          dashboard.set(row.code, { index: s.index, n: s.x !== null ? s.n : (s.minN ?? 0), lower: s.wilson?.lower ?? null, upper: s.wilson?.upper ?? null, previous: row.previous.index });
        }

        // Summary CSV: the scope's own rows come first.
        const csv = parse(await (await get(`/api/admin/exports/summary?${queryOf(q, { format: 'csv' })}`)).text(), { bom: true }) as string[][];
        const header = csv[0]!;
        const col = (name: string) => header.findIndex((h) => h.startsWith(name));
        const firstUnit = csv[1]![0];
        const csvRows = csv.slice(1).filter((r) => r[0] === firstUnit);
        expect(Number(csvRows[0]![col('Số phiếu')])).toBe(overview.responses);
        const places = settings.decimals;
        const near = (text: string | undefined, value: number | null) => {
          if (value === null) expect(text).toBe('');
          else expect(Number(text)).toBeCloseTo(value, places - 1);
        };
        for (const row of csvRows) {
          const expected = dashboard.get(row[col('Mã')]!);
          if (!expected) continue;
          expect(Number(row[col('n')])).toBe(expected.n);
          near(row[col('Chỉ số')], expected.index);
          near(row[col('Cận dưới')], expected.lower);
          near(row[col('Cận trên')], expected.upper);
          near(row[col('Kỳ trước')], expected.previous);
        }

        // Summary workbook: the whole-scope sheet, exact numbers.
        const workbook = new ExcelJS.Workbook();
        await workbook.xlsx.load(await (await get(`/api/admin/exports/summary?${queryOf(q)}`)).arrayBuffer());
        const sheet = workbook.getWorksheet('Tổng hợp')!;
        expect(sheet.getCell(3, 5).value).toBe(overview.responses);
        const groups = sheet.getRow(1).values as (string | null)[];
        for (const [code, expected] of dashboard) {
          const label = code === 'overall' ? 'Chỉ số hài lòng chung' : undefined;
          const start = groups.findIndex((g) => typeof g === 'string' && (label ? g === label : g.startsWith(`${code} `) || g === overview.rows.find((r) => r.code === code)?.label.vi));
          if (start < 0) continue;
          const value = (offset: number) => sheet.getCell(3, start + offset).value as number | null;
          if (expected.index === null) expect(value(0), code).toBeNull();
          else expect(value(0)!, code).toBeCloseTo(expected.index / 100, 12);
          expect(value(1), code).toBe(expected.n);
          if (expected.previous === null) expect(value(4)).toBeNull();
          else expect(value(4)!).toBeCloseTo(expected.previous / 100, 12);
        }

        // The printed report: the overall figure and responses, to its display rounding.
        const page = await (await get(`/api/admin/exports/report?${queryOf(q)}`)).text();
        const figures = [...page.matchAll(/<p class="figure-value">([^<]*)<\/p>/g)].map((m) => m[1]);
        expect(figures[0]).toBe(formatIndex(overview.overall.score.index, settings, 'vi'));
        expect(figures[1]!.replace(/\./g, '')).toBe(String(overview.responses));
      }),
      { numRuns: 30 },
    );
    // Most questions had answers in both periods: the comparison was really compared.
    expect(compared).toBeGreaterThan(20);
    expect(withPrevious).toBeGreaterThan(10);
  }, 600_000);
});
