import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Overview, OverviewRow } from '../../schema/dashboard.js';
import { formatChange, formatDecimal, formatIndex, formatInterval } from '../../schema/display.js';
import { flagText } from '../exports/measures.js';
import type { UnitRow } from '../db/types.js';
import { anExportApp, type ExportTestContext } from '../testing/exports.js';

/**
 * Issue 16, acceptance 1: one question, one number. For random scopes, period kinds, periods,
 * questionnaires and filters over the demo province (with paper forms whose cells were left blank,
 * so answers per item differ from responses), the dashboard's overview, the summary workbook, the
 * summary CSV and the printed report give the same index, n, interval, responses and comparison
 * for every measure (the report and the CSV to their display rounding, the workbook exactly).
 *
 * Every file carries every measure the dashboard lists (overall, parts, factors, criteria, direct
 * questions): a measure missing from a file fails, it is not skipped. What each file is held to:
 * - CSV, the scope's own rows: responses, n, index, interval, previous, change, notes, method;
 * - workbook, the whole-scope sheet: responses, invitations and response rate; per measure index, n,
 *   lower, upper, previous, change and notes;
 * - report: the headline figures (index, responses, change, response rate), the summary sentence
 *   (previous index, change), sections II–III per measure (index, n, interval, notes, below-target
 *   mark) and section IV per measure (now, before, change, significance), in vi-VN writing.
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
    // Criteria left blank on some forms, the overall question (k = 4) on every seventh: a count of
    // responses taken from any one item's answers would then fall short. No form is left all blank.
    const blank = (k: number) => (k < 4 ? i % (k + 2) === 0 : i % 7 === 3);
    const cell = (k: number) => (blank(k) ? '' : String(1 + ((i * (k + 3)) % 5)));
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

/** The dashboard's figures per measure code ('overall', 'PART.x', factor and item codes). */
interface Figures {
  level: OverviewRow['level'];
  label: string;
  index: number | null;
  n: number;
  lower: number | null;
  upper: number | null;
  previous: number | null;
  diff: number | null;
  significant: boolean | null;
  flags: string;
  method: string;
  belowTarget: boolean;
}

const countVi = new Intl.NumberFormat('vi-VN');

/** A cell's text as a reader sees it: tags dropped, hono's escapes undone, spaces collapsed. */
const textOf = (fragment: string) =>
  fragment
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();

/** The rows of the first table in the report's section headed `heading`, each as its cells' inner HTML. */
function tableRows(page: string, heading: string): { cls: string; cells: string[] }[] {
  const at = page.indexOf(`<h2>${heading}`);
  expect(at, `report section "${heading}"`).toBeGreaterThan(0);
  const section = page.slice(at, page.indexOf('<h2>', at + 4) >>> 0);
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(section);
  expect(body, `the table of "${heading}"`).not.toBeNull();
  return [...body![1]!.matchAll(/<tr(?: class="([^"]*)")?>([\s\S]*?)<\/tr>/g)].map((m) => ({
    cls: m[1] ?? '',
    cells: [...m[2]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!),
  }));
}

describe('the same question gives the same number everywhere', () => {
  it('dashboard, summary XLSX, summary CSV and report agree for random scopes, periods, questionnaires and filters', async () => {
    const settings = x.t.config.scoring;
    let compared = 0;
    let withPrevious = 0;
    let measuresCompared = 0;
    await fc.assert(
      fc.asyncProperty(question, async (q) => {
        const overview = (await (await get(`/api/admin/dashboard/overview?${queryOf(q)}`)).json()) as Overview;
        if (!overview.overall) return;
        compared++;
        if (overview.overall.previous.index !== null) withPrevious++;
        const dashboard = new Map<string, Figures>();
        for (const row of [overview.overall, ...overview.rows]) {
          const s = row.score;
          expect(dashboard.has(row.code), `dashboard code ${row.code} twice`).toBe(false);
          dashboard.set(row.code, {
            level: row.level,
            label: row.label.vi,
            index: s.index,
            n: s.x !== null ? s.n : (s.minN ?? 0),
            lower: s.wilson?.lower ?? null,
            upper: s.wilson?.upper ?? null,
            previous: row.previous.index,
            diff: row.diff,
            significant: row.test ? row.test.significant : null,
            flags: flagText(s.flags, settings),
            method: s.method,
            belowTarget: row.belowTarget,
          });
        }
        const codes = [...dashboard.keys()].sort();
        measuresCompared += codes.length;
        /**
         * The dashboard code of a measure as the files name it: the overall by its title, a part as
         * "Phần X: title", a factor by its title, an item (criterion, factor or overall question) as
         * "CODE short text". Every file carries every measure the dashboard lists: none is omitted.
         */
        const codeOfLabel = (label: string): string | undefined =>
          label === 'Chỉ số hài lòng chung'
            ? 'overall'
            : [...dashboard].find(([code, f]) =>
                f.level === 'part'
                  ? label === `Phần ${code.slice('PART.'.length)}: ${f.label}`
                  : f.level === 'factor'
                    ? label === f.label
                    : f.level !== 'overall' && label.startsWith(`${code} `),
              )?.[0];

        // Summary CSV: the scope's own rows come first, one per measure, in the display unit, rounded.
        const csv = parse(await (await get(`/api/admin/exports/summary?${queryOf(q, { format: 'csv' })}`)).text(), { bom: true }) as string[][];
        const header = csv[0]!;
        // A column by its name, the unit in brackets aside ("Chỉ số (%)"): 'Mã' is not 'Mã đơn vị'.
        const col = (name: string) => {
          const c = header.findIndex((h) => h === name || h.startsWith(`${name} (`));
          expect(c, `CSV column ${name}`).toBeGreaterThanOrEqual(0);
          return c;
        };
        const firstUnit = csv[1]![0];
        const csvRows = csv.slice(1).filter((r) => r[0] === firstUnit && r[col('Phạm vi')] === 'Toàn bộ phạm vi');
        const places = settings.decimals;
        const near = (text: string | undefined, value: number | null, what: string) => {
          if (value === null) expect(text, what).toBe('');
          else expect(Number(text), what).toBeCloseTo(value, places - 1);
        };
        const csvCodes = csvRows.map((row) => (row[col('Cấp chỉ số')] === 'Phần' ? `PART.${row[col('Mã')]}` : row[col('Mã')]!));
        expect(csvCodes.slice().sort(), 'CSV measures').toEqual(codes);
        csvRows.forEach((row, i) => {
          const code = csvCodes[i]!;
          const expected = dashboard.get(code)!;
          expect(Number(row[col('Số phiếu')]), `CSV ${code} responses`).toBe(overview.responses);
          expect(Number(row[col('n')]), `CSV ${code} n`).toBe(expected.n);
          near(row[col('Chỉ số')], expected.index, `CSV ${code} index`);
          near(row[col('Cận dưới 95%')], expected.lower, `CSV ${code} lower`);
          near(row[col('Cận trên 95%')], expected.upper, `CSV ${code} upper`);
          near(row[col('Kỳ trước')], expected.previous, `CSV ${code} previous`);
          near(row[col('Thay đổi')], expected.diff, `CSV ${code} change`);
          expect(row[col('Ghi chú')], `CSV ${code} flags`).toBe(expected.flags);
          expect(row[col('Phương pháp')], `CSV ${code} method`).toBe(expected.method);
        });

        // Summary workbook: the whole-scope sheet, exact numbers (percent cells hold fractions).
        const workbook = new ExcelJS.Workbook();
        await workbook.xlsx.load(await (await get(`/api/admin/exports/summary?${queryOf(q)}`)).arrayBuffer());
        const sheet = workbook.getWorksheet('Tổng hợp')!;
        const cell = (column: number) => sheet.getCell(3, column).value as number | null;
        expect(cell(5), 'XLSX responses').toBe(overview.responses);
        expect(cell(6), 'XLSX invitations issued').toBe(overview.responseRate.issued);
        expect(cell(7), 'XLSX invitations answered').toBe(overview.responseRate.answered);
        expect(cell(8), 'XLSX response rate').toBe(overview.responseRate.rate);
        const groups = sheet.getRow(1).values as (string | null)[];
        const measureHeaders = ['Chỉ số', 'n', 'Cận dưới 95%', 'Cận trên 95%', 'Kỳ trước', 'Thay đổi', 'Ghi chú'];
        const xlsxCodes: string[] = [];
        for (let start = 9; start < groups.length; start += measureHeaders.length) {
          const label = groups[start];
          const code = typeof label === 'string' ? codeOfLabel(label) : undefined;
          expect(code, `XLSX group "${String(label)}" at column ${start} is a dashboard measure`).toBeDefined();
          xlsxCodes.push(code!);
          measureHeaders.forEach((h, offset) => expect(sheet.getCell(2, start + offset).value, `XLSX header at ${start + offset}`).toBe(h));
          const expected = dashboard.get(code!)!;
          const fraction = (offset: number, value: number | null, what: string) => {
            if (value === null) expect(cell(start + offset), `XLSX ${code} ${what}`).toBeNull();
            else expect(cell(start + offset)!, `XLSX ${code} ${what}`).toBeCloseTo(value / 100, 12);
          };
          fraction(0, expected.index, 'index');
          expect(cell(start + 1), `XLSX ${code} n`).toBe(expected.n);
          fraction(2, expected.lower, 'lower');
          fraction(3, expected.upper, 'upper');
          fraction(4, expected.previous, 'previous');
          // The change is in points of the display unit (percentage points here), not a fraction.
          if (expected.diff === null) expect(cell(start + 5), `XLSX ${code} change`).toBeNull();
          else expect(cell(start + 5)!, `XLSX ${code} change`).toBeCloseTo(expected.diff, 10);
          expect(cell(start + 6) ?? '', `XLSX ${code} flags`).toBe(expected.flags);
        }
        expect(xlsxCodes.slice().sort(), 'XLSX measures').toEqual(codes);

        // The printed report, in its display rounding (vi-VN: "84,60%", "1.026").
        const page = await (await get(`/api/admin/exports/report?${queryOf(q)}`)).text();
        const overall = dashboard.get('overall')!;
        const figures = [...page.matchAll(/<p class="figure-value[^"]*">([^<]*)<\/p>/g)].map((m) => m[1]);
        expect(figures, 'report headline figures').toEqual([
          formatIndex(overall.index, settings, 'vi'),
          countVi.format(overview.responses),
          formatChange(overall.diff, settings, 'vi'),
          overview.responseRate.rate === null ? '—' : `${formatDecimal(overview.responseRate.rate * 100, 1, settings.rounding, 'vi')}%`,
        ]);
        const paragraph = textOf(/<h2>I\. Kết quả chung<\/h2>[\s\S]*?(<p>[\s\S]*?<\/p>)/.exec(page)![1]!);
        expect(paragraph, 'report summary: responses').toContain(`nhận được ${countVi.format(overview.responses)} phiếu`);
        expect(paragraph, 'report summary: index').toContain(`Chỉ số hài lòng chung đạt ${formatIndex(overall.index, settings, 'vi')}.`);
        if (overall.diff === null) expect(paragraph, 'report summary: no comparison').toContain('chưa có đủ dữ liệu để so sánh');
        else {
          expect(paragraph, 'report summary: previous').toContain(`(${formatIndex(overall.previous, settings, 'vi')}), chỉ số`);
          if (overall.diff !== 0) expect(paragraph, 'report summary: change').toContain(` ${formatChange(Math.abs(overall.diff), settings, 'vi').slice(1)}.`);
        }

        // Sections II (overall, parts, factors) and III (criteria, direct questions): code, name, index, n, interval, notes.
        const measureRows = [...tableRows(page, 'II. '), ...tableRows(page, 'III. ')];
        const reportCodes = measureRows.map(({ cells }) => {
          const code = textOf(cells[0]!);
          return code === '' ? 'overall' : cells[1]!.startsWith('<strong>') ? `PART.${code}` : code;
        });
        expect(reportCodes.slice().sort(), 'report measures (sections II and III)').toEqual(codes);
        measureRows.forEach(({ cls, cells }, i) => {
          const code = reportCodes[i]!;
          const expected = dashboard.get(code)!;
          expect(cells.map(textOf).slice(2), `report ${code}`).toEqual([
            formatIndex(expected.index, settings, 'vi'),
            countVi.format(expected.n),
            formatInterval(expected.lower, expected.upper, settings, 'vi'),
            expected.flags,
          ]);
          // The report marks a measure below target (the overall, the headline, is never marked).
          const marked = code !== 'overall' && expected.belowTarget;
          expect(cls === 'weak', `report ${code} below-target mark`).toBe(marked);
          expect(cells[1]!.includes('weak-mark'), `report ${code} below-target mark`).toBe(marked);
        });

        // Section IV, the comparison with the period before: now, then, change, significance, per measure.
        const comparison = tableRows(page, 'IV. ');
        const comparedCodes = comparison.map(({ cells }) => codeOfLabel(textOf(cells[0]!)) ?? `unknown "${textOf(cells[0]!)}"`);
        expect(comparedCodes.slice().sort(), 'report measures (section IV)').toEqual(codes);
        comparison.forEach(({ cells }, i) => {
          const code = comparedCodes[i]!;
          const expected = dashboard.get(code)!;
          expect(cells.map(textOf).slice(1), `report comparison ${code}`).toEqual([
            formatIndex(expected.index, settings, 'vi'),
            formatIndex(expected.previous, settings, 'vi'),
            formatChange(expected.diff, settings, 'vi'),
            expected.significant === null ? '—' : expected.significant ? 'Có' : 'Không',
          ]);
        });
      }),
      { numRuns: 30 },
    );
    // Most questions had answers in both periods: the comparison was really compared.
    expect(compared).toBeGreaterThan(20);
    expect(withPrevious).toBeGreaterThan(10);
    expect(measuresCompared).toBeGreaterThan(compared * 5);
  }, 600_000);
});
