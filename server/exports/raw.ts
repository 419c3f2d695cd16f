import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { sql, type CompiledQuery } from 'kysely';
import { NO_OPINION, RAW_COLUMNS, RAW_COLUMNS_BEFORE_SCORES } from '../../schema/exports.js';
import type BetterSqlite3 from 'better-sqlite3';
import type { AppDatabase } from '../db/database.js';
import type { Db } from '../db/types.js';
import { getInstrument } from '../instruments/store.js';
import { addDays } from '../time.js';
import { csvText, UTF8_BOM, xlsxCellText } from './cells.js';
import { scopePathCondition, scopeUnitCondition, type ExportScope } from './scope.js';

/**
 * The raw responses export: one row per response, read day by day with keyset pagination on
 * (submitted_at, id) inside each day, so memory stays flat whatever the number of rows, and written
 * as a stream (CSV, or XLSX through exceljs' streaming writer).
 */

/** Rows per query: large enough to amortise the query, small enough to keep memory flat. */
export const RAW_PAGE_SIZE = 5000;
/** Excel's row limit (1,048,576) minus the header: further rows continue on a new sheet. */
const XLSX_ROWS_PER_SHEET = 1_048_575;

export interface RawExportPlan {
  scope: Pick<ExportScope, 'paths'>;
  from: string;
  to: string;
  instrumentId?: string | undefined;
}

interface Named {
  code: string;
  name: string;
}

interface Lookups {
  units: Map<string, Named & { provinceCode: string }>;
  counters: Map<string, Named>;
  staff: Map<string, Named>;
  procedures: Map<string, Named>;
}

/** One response as exported; scores by criterion code (null = no opinion). */
export interface RawRecord {
  id: string;
  unitId: string;
  counterId: string | null;
  staffId: string | null;
  procedureId: string | null;
  channel: string;
  submittedAt: string;
  instrumentId: string;
  answers: Record<string, number | null>;
  comment: string | null;
  lang: string;
  suspect: boolean;
  invitation: boolean;
}

/** The raw layout's header: the fixed columns in Vietnamese with the criterion codes in between. */
export function rawHeader(criteria: readonly string[]): string[] {
  const fixed = RAW_COLUMNS.map((c) => c.vi);
  return [...fixed.slice(0, RAW_COLUMNS_BEFORE_SCORES), ...criteria, ...fixed.slice(RAW_COLUMNS_BEFORE_SCORES)];
}

/** Criterion columns: every item of the instruments with data in scope (or of the one asked for), in instrument order. */
export async function rawCriteria(db: Db, plan: RawExportPlan): Promise<string[]> {
  let ids: string[];
  if (plan.instrumentId) ids = [plan.instrumentId];
  else {
    const [withData, atPoints] = await Promise.all([
      db
        .selectFrom('rollup_response_day')
        .select('instrument_id')
        .distinct()
        .where('day', '>=', plan.from)
        .where('day', '<=', plan.to)
        .where(scopeUnitCondition(plan.scope, 'unit_id'))
        .execute(),
      // Suspect responses are in no rollup: the instruments of the scope's survey points cover them.
      db.selectFrom('survey_points').select('instrument_id').distinct().where(scopeUnitCondition(plan.scope, 'unit_id')).execute(),
    ]);
    ids = [...new Set([...withData, ...atPoints].map((r) => r.instrument_id))].sort();
  }
  const codes: string[] = [];
  for (const id of ids) {
    const instrument = await getInstrument(db, id);
    for (const item of instrument?.definition.items ?? []) if (!codes.includes(item.code)) codes.push(item.code);
  }
  return codes;
}

async function loadLookups(db: Db, scope: Pick<ExportScope, 'paths'>): Promise<Lookups> {
  const units = await db
    .selectFrom('units as u')
    .innerJoin('units as p', 'p.id', 'u.province_id')
    .select(['u.id', 'u.code', 'u.name', 'p.code as province_code'])
    .where(scopePathCondition(scope, 'u.path'))
    .execute();
  const counters = await db.selectFrom('counters').select(['id', 'code', 'name']).where(scopeUnitCondition(scope, 'unit_id')).execute();
  const provinceIds = [...new Set((await db.selectFrom('units').select('province_id').where(scopePathCondition(scope, 'path')).execute()).map((r) => r.province_id))];
  const catalogue = (table: 'staff' | 'procedures') =>
    provinceIds.length ? db.selectFrom(table).select(['id', 'code', 'name']).where('province_id', 'in', provinceIds).execute() : Promise.resolve([]);
  const [staff, procedures] = await Promise.all([catalogue('staff'), catalogue('procedures')]);
  const byId = (rows: { id: string; code: string; name: string }[]) => new Map(rows.map((r) => [r.id, { code: r.code, name: r.name }]));
  return {
    units: new Map(units.map((u) => [u.id, { code: u.code, name: u.name, provinceCode: u.province_code }])),
    counters: byId(counters),
    staff: byId(staff),
    procedures: byId(procedures),
  };
}

/** The columns a page reads, in this order (SQLite hands rows back as arrays in raw mode). */
const PAGE_COLUMNS = [
  'id',
  'unit_id',
  'counter_id',
  'staff_id',
  'procedure_id',
  'channel',
  'submitted_at',
  'instrument_id',
  'answers',
  'comment',
  'lang',
  'suspect',
  'invitation_id',
] as const;

type PageRow = [string, string, string | null, string | null, string | null, string, string, string, string, string | null, string, number, string | null];

interface Cursor {
  submittedAt: string;
  id: string;
}

/** One page of one day, after the cursor: portable SQL built by Kysely. */
function pageQuery(db: Db, plan: RawExportPlan, day: string, after: Cursor | null, pageSize: number): CompiledQuery {
  return db
    .selectFrom('responses')
    .select([...PAGE_COLUMNS])
    .where('local_day', '=', day)
    .where(scopeUnitCondition(plan.scope, 'unit_id'))
    .$if(plan.instrumentId !== undefined, (q) => q.where('instrument_id', '=', plan.instrumentId!))
    .$if(after !== null, (q) =>
      q.where((eb) =>
        eb.or([eb('submitted_at', '>', after!.submittedAt), eb.and([eb('submitted_at', '=', after!.submittedAt), eb('id', '>', after!.id)])]),
      ),
    )
    .orderBy('submitted_at')
    .orderBy('id')
    .limit(pageSize)
    .compile();
}

/**
 * Runs a page query. On SQLite the same SQL goes through a prepared statement in raw mode (rows as
 * arrays), reused for every page: at a million rows Kysely's per-row objects would double the cost.
 * It still takes Kysely's connection, so it never reads in the middle of someone's write transaction.
 */
function pageReader(database: AppDatabase): (query: CompiledQuery) => Promise<PageRow[]> {
  const sqlite = database.sqlite;
  if (!sqlite) {
    return async (query) => {
      const { rows } = await database.kysely.executeQuery<Record<string, unknown>>(query);
      return rows.map((row) => PAGE_COLUMNS.map((c) => row[c]) as PageRow);
    };
  }
  const statements = new Map<string, BetterSqlite3.Statement>();
  return async (query) => {
    let statement = statements.get(query.sql);
    if (!statement) {
      statement = sqlite.prepare(query.sql).raw(true);
      statements.set(query.sql, statement);
    }
    const prepared = statement;
    return database.kysely.connection().execute(async () => prepared.all(...query.parameters) as PageRow[]);
  };
}

/** Pages of responses in (day, submitted_at, id) order; each query reads one day from the index. */
export async function* rawPages(database: AppDatabase, plan: RawExportPlan, pageSize = RAW_PAGE_SIZE): AsyncGenerator<RawRecord[]> {
  const read = pageReader(database);
  for (let day = plan.from; day <= plan.to; day = addDays(day, 1)) {
    let after: Cursor | null = null;
    for (;;) {
      const rows = await read(pageQuery(database.kysely, plan, day, after, pageSize));
      if (rows.length === 0) break;
      yield rows.map(
        (r): RawRecord => ({
          id: r[0],
          unitId: r[1],
          counterId: r[2],
          staffId: r[3],
          procedureId: r[4],
          channel: r[5],
          submittedAt: r[6],
          instrumentId: r[7],
          answers: JSON.parse(r[8]) as Record<string, number | null>,
          comment: r[9],
          lang: r[10],
          suspect: r[11] === 1,
          invitation: r[12] !== null,
        }),
      );
      if (rows.length < pageSize) break;
      const last = rows[rows.length - 1]!;
      after = { submittedAt: last[6], id: last[0] };
    }
  }
}

/** How many responses an export would hold (suspect ones included), for the audit entry and the UI. */
export async function countRaw(db: Db, plan: RawExportPlan): Promise<number> {
  const row = await db
    .selectFrom('responses')
    .select(sql<number>`count(*)`.as('n'))
    .where('local_day', '>=', plan.from)
    .where('local_day', '<=', plan.to)
    .where(scopeUnitCondition(plan.scope, 'unit_id'))
    .$if(plan.instrumentId !== undefined, (q) => q.where('instrument_id', '=', plan.instrumentId!))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const VN_OFFSET_MS = 7 * 3600_000;

/** "2026-11-23 10:05:07": Vietnam wall-clock time, a form Excel and LibreOffice read as a date-time. */
export function vnWallTime(iso: string): string {
  return new Date(Date.parse(iso) + VN_OFFSET_MS).toISOString().replace('T', ' ').slice(0, 19);
}

type RawCell = string | number | null;

/** A record's cells in layout order; texts are raw here (each writer neutralises them its own way). */
function recordCells(r: RawRecord, criteria: readonly string[], lookups: Lookups): { texts: RawCell[]; scores: RawCell[]; tail: RawCell[] } {
  const unit = lookups.units.get(r.unitId);
  const counter = r.counterId ? lookups.counters.get(r.counterId) : undefined;
  const staff = r.staffId ? lookups.staff.get(r.staffId) : undefined;
  const procedure = r.procedureId ? lookups.procedures.get(r.procedureId) : undefined;
  const flags = [r.suspect && 'suspect', r.invitation && 'invitation'].filter(Boolean).join(',');
  return {
    texts: [
      r.id,
      unit?.provinceCode ?? '',
      unit?.code ?? '',
      unit?.name ?? '',
      counter?.code ?? '',
      counter?.name ?? '',
      staff?.code ?? '',
      staff?.name ?? '',
      procedure?.code ?? '',
      procedure?.name ?? '',
      r.channel,
      vnWallTime(r.submittedAt),
      r.instrumentId,
    ],
    scores: criteria.map((code) => {
      if (!(code in r.answers)) return null;
      const value = r.answers[code];
      return value === null || value === undefined ? NO_OPINION : value;
    }),
    tail: [r.comment ?? '', r.lang, flags],
  };
}

/**
 * Formats pages as CSV lines (CRLF). Scores are bare digits; every text cell is neutralised. The
 * columns of a unit, counter, staff member or procedure are escaped once and reused: they repeat
 * on thousands of rows, and this is the hot loop of a million-row export.
 */
function csvFormatter(criteria: readonly string[], lookups: Lookups): (records: RawRecord[]) => string {
  const fragments = new Map<string, string>();
  const fragment = (key: string, cells: () => string[]): string => {
    let text = fragments.get(key);
    if (text === undefined) {
      text = cells().map(csvText).join(',');
      fragments.set(key, text);
    }
    return text;
  };
  const named = (kind: string, id: string | null, map: Map<string, Named>) =>
    fragment(`${kind}:${id ?? ''}`, () => {
      const entry = id ? map.get(id) : undefined;
      return [entry?.code ?? '', entry?.name ?? ''];
    });
  return (records) => {
    let out = '';
    for (const r of records) {
      const unit = fragment(`u:${r.unitId}`, () => {
        const u = lookups.units.get(r.unitId);
        return [u?.provinceCode ?? '', u?.code ?? '', u?.name ?? ''];
      });
      let scores = '';
      for (const code of criteria) {
        const value = r.answers[code];
        scores += `,${value === undefined ? '' : value === null ? NO_OPINION : value}`;
      }
      const flags = r.suspect ? (r.invitation ? '"suspect,invitation"' : 'suspect') : r.invitation ? 'invitation' : '';
      out +=
        `${csvText(r.id)},${unit},${named('c', r.counterId, lookups.counters)},${named('s', r.staffId, lookups.staff)},` +
        `${named('p', r.procedureId, lookups.procedures)},${csvText(r.channel)},${vnWallTime(r.submittedAt)},` +
        `${fragment(`i:${r.instrumentId}`, () => [r.instrumentId])}${scores},${csvText(r.comment ?? '')},${csvText(r.lang)},${flags}\r\n`;
    }
    return out;
  };
}

/** A web stream over an async generator of byte chunks, pulled only as fast as the client reads. */
function pullStream(chunks: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      async cancel() {
        await chunks.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}

/** The raw CSV as a stream: UTF-8 with BOM, header first, then one chunk per page. */
export async function rawCsvStream(database: AppDatabase, plan: RawExportPlan): Promise<ReadableStream<Uint8Array>> {
  const db = database.kysely;
  const [criteria, lookups] = await Promise.all([rawCriteria(db, plan), loadLookups(db, plan.scope)]);
  const encoder = new TextEncoder();
  async function* chunks(): AsyncGenerator<Uint8Array> {
    yield encoder.encode(`${UTF8_BOM}${rawHeader(criteria).map((h) => csvText(h)).join(',')}\r\n`);
    const format = csvFormatter(criteria, lookups);
    for await (const page of rawPages(database, plan)) yield encoder.encode(format(page));
  }
  return pullStream(chunks());
}

/** Vietnam wall-clock time as a Date whose UTC fields read as that wall time (how spreadsheets store times). */
function wallClockDate(iso: string): Date {
  return new Date(Date.parse(iso) + VN_OFFSET_MS);
}

/**
 * A text cell for the streaming writer: written as an inline rich-text string, the one form whose
 * _xHHHH_ escapes every reader decodes (without shared strings exceljs would otherwise write a
 * formula-result string, which it reads back undecoded). Empty texts are empty cells.
 */
function inlineText(text: string): ExcelJS.CellRichTextValue | null {
  return text === '' ? null : { richText: [{ text: xlsxCellText(text) }] };
}

/** Waits until the XLSX output has been read below this many bytes, so a slow client does not fill memory. */
const XLSX_BUFFER_BYTES = 4 * 1024 * 1024;

async function drained(out: PassThrough): Promise<void> {
  while (out.readableLength > XLSX_BUFFER_BYTES && !out.destroyed) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The raw export as an XLSX stream: the same layout as the CSV, scores as numbers, the time as a date. */
export async function rawXlsxStream(database: AppDatabase, plan: RawExportPlan): Promise<ReadableStream<Uint8Array>> {
  const db = database.kysely;
  const [criteria, lookups] = await Promise.all([rawCriteria(db, plan), loadLookups(db, plan.scope)]);
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const header = rawHeader(criteria);
  const timeColumn = RAW_COLUMNS.findIndex((c) => c.key === 'submitted_at');
  const commentColumn = RAW_COLUMNS_BEFORE_SCORES + criteria.length;
  let sheetNumber = 0;
  const newSheet = () => {
    sheetNumber++;
    const sheet = workbook.addWorksheet(sheetNumber === 1 ? 'Phiếu khảo sát' : `Phiếu khảo sát (${sheetNumber})`, {
      views: [{ state: 'frozen', ySplit: 1 }],
    });
    sheet.columns = header.map((h, c) => ({
      width: c === commentColumn ? 60 : c === timeColumn ? 20 : Math.min(40, Math.max(8, h.length + 2)),
      ...(c === timeColumn && { style: { numFmt: 'yyyy-mm-dd hh:mm:ss' } }),
    }));
    const headerRow = sheet.addRow(header.map(inlineText));
    headerRow.font = { bold: true };
    headerRow.commit();
    return sheet;
  };
  const write = async () => {
    let sheet = newSheet();
    let rowsInSheet = 0;
    for await (const page of rawPages(database, plan)) {
      for (const r of page) {
        if (rowsInSheet === XLSX_ROWS_PER_SHEET) {
          sheet.commit();
          sheet = newSheet();
          rowsInSheet = 0;
        }
        const { texts, scores, tail } = recordCells(r, criteria, lookups);
        const cells: ExcelJS.CellValue[] = [
          ...texts.map((t, c) => (c === timeColumn ? wallClockDate(r.submittedAt) : inlineText(String(t)))),
          ...scores,
          ...tail.map((t) => inlineText(String(t))),
        ];
        sheet.addRow(cells).commit();
        rowsInSheet++;
      }
      await drained(out);
    }
    sheet.commit();
    await workbook.commit();
  };
  write().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return Readable.toWeb(out) as ReadableStream<Uint8Array>;
}
