import { PassThrough, Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { setImmediate } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
// exceljs (about 28 MB of RSS) is loaded only when a workbook is made or read.
import type ExcelJS from 'exceljs';
import { sql, type CompiledQuery } from 'kysely';
import { NO_OPINION, RAW_COLUMNS, RAW_COLUMNS_BEFORE_SCORES } from '../../schema/exports.js';
import type { Demographics } from '../../schema/survey.js';
import type { AppDatabase } from '../db/database.js';
import type { Db } from '../db/types.js';
import { getInstrument } from '../instruments/store.js';
import { addDays } from '../time.js';
import { csvText, UTF8_BOM, xlsxCellText } from './cells.js';
import { scopePathCondition, scopeUnitCondition, type ReportScope } from '../reporting/index.js';

/**
 * The raw responses export: one row per response, read day by day with keyset pagination on
 * (submitted_at, id) inside each day, so memory stays flat whatever the number of rows, and written
 * as a stream (CSV, or XLSX through exceljs' streaming writer).
 */

/**
 * Rows per query: large enough to amortise the query, small enough that one page (read and
 * formatted without a pause) holds the event loop for a few milliseconds only.
 */
export const RAW_PAGE_SIZE = 500;
/**
 * From this many rows a SQLite CSV export is read and formatted in a worker thread (raw-worker.ts):
 * a million rows is a minute of CPU that the intake's thread should not share. Smaller exports
 * stay in the request's thread, where a worker's start-up would cost more than it saves.
 */
export const RAW_WORKER_MIN_ROWS = 20_000;
/** Excel's row limit (1,048,576) minus the header: further rows continue on a new sheet. */
const XLSX_ROWS_PER_SHEET = 1_048_575;

export interface RawExportPlan {
  scope: Pick<ReportScope, 'paths'>;
  from: string;
  to: string;
  instrumentId?: string | undefined;
}

export interface Named {
  code: string;
  name: string;
}

export interface Lookups {
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
  demographics: Demographics | null;
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

async function loadLookups(db: Db, scope: Pick<ReportScope, 'paths'>): Promise<Lookups> {
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
  'demographics',
] as const;

type PageRow = [string, string, string | null, string | null, string | null, string, string, string, string, string | null, string, number, string | null, string | null];

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

/** The export's own page cache: it reads every row once, so a big cache would only hold memory. */
const EXPORT_CACHE_KIB = 2048;

export interface PageReader {
  /** Rows as arrays, in the order of the query's select list. */
  read(query: CompiledQuery): Promise<PageRow[]>;
  close(): void;
}

/** The file of a SQLite database on disk, or null (PostgreSQL, or SQLite in memory). */
function sqliteFile(database: AppDatabase): string | null {
  const file = database.sqlite?.name;
  return !file || file === ':memory:' || database.sqlite?.memory ? null : file;
}

/**
 * Runs page queries. On SQLite the same SQL goes through prepared statements in raw mode (rows as
 * arrays) on a read-only connection of the export's own, with a small page cache: at a million rows
 * Kysely's per-row objects would double the cost, and the app connection's 64 MiB cache would fill
 * with rows read once. WAL gives that connection committed data only. Elsewhere: Kysely.
 */
function pageReader(database: AppDatabase): PageReader {
  const file = sqliteFile(database);
  if (file) return connectionReader(exportConnection(file));
  return {
    read: async (query) => {
      const { rows } = await database.kysely.executeQuery<Record<string, unknown>>(query);
      return rows.map((row) => Object.values(row) as PageRow);
    },
    close: () => {},
  };
}

/** A read-only connection of the export's own to a SQLite file, with the export's small page cache. */
export function exportConnection(file: string): BetterSqlite3.Database {
  const connection = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  connection.pragma(`cache_size = -${EXPORT_CACHE_KIB}`);
  connection.pragma('busy_timeout = 5000');
  return connection;
}

/** A page reader on a SQLite connection (in whichever thread opened it); close() closes the connection. */
export function connectionReader(connection: BetterSqlite3.Database): PageReader {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    read: async (query) => {
      let statement = statements.get(query.sql);
      if (!statement) {
        statement = connection.prepare(query.sql).raw(true);
        statements.set(query.sql, statement);
      }
      return statement.all(...query.parameters) as PageRow[];
    },
    close: () => connection.close(),
  };
}

/** One page as read: its Vietnam-local day and the rows, as arrays in PAGE_COLUMNS order. */
interface RowPage {
  day: string;
  rows: PageRow[];
}

/** The first day in [from, to] on which anything was answered (one seek on the day index), or null. */
function firstDayWithData(db: Db, from: string, to: string): CompiledQuery {
  return db.selectFrom('responses').select('local_day').where('local_day', '>=', from).where('local_day', '<=', to).orderBy('local_day').limit(1).compile();
}

/**
 * Pages of rows in (day, submitted_at, id) order; each query reads one day from the index. Days
 * without answers are skipped by a seek, not visited, and every page yields to the event loop, so a
 * long export shares the server with the intake and ends as soon as its client stops reading.
 */
async function* rowPages(compiler: Db, reader: PageReader, plan: RawExportPlan, pageSize: number): AsyncGenerator<RowPage> {
  try {
    let from = plan.from;
    for (;;) {
      const [next] = await reader.read(firstDayWithData(compiler, from, plan.to));
      if (!next) break;
      const day = (next as unknown as [string])[0];
      let after: Cursor | null = null;
      for (;;) {
        await setImmediate();
        const rows = await reader.read(pageQuery(compiler, plan, day, after, pageSize));
        if (rows.length === 0) break;
        yield { day, rows };
        if (rows.length < pageSize) break;
        const last = rows[rows.length - 1]!;
        after = { submittedAt: last[6], id: last[0] };
      }
      if (day >= plan.to) break;
      from = addDays(day, 1);
    }
  } finally {
    reader.close();
  }
}

const toRecord = (r: PageRow): RawRecord => ({
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
  demographics: r[13] === null ? null : (JSON.parse(r[13]) as Demographics),
  suspect: r[11] === 1,
  invitation: r[12] !== null,
});

/** The demographics cells (age band, gender, first visit) of a stored demographics JSON, as codes. */
function demographicCells(json: string | null): [string, string, string] {
  if (json === null) return ['', '', ''];
  const d = JSON.parse(json) as Demographics;
  return [d.ageBand ?? '', d.gender ?? '', d.firstVisit === undefined ? '' : d.firstVisit ? '1' : '0'];
}

/** Pages of responses in (day, submitted_at, id) order, as records. */
export async function* rawPages(database: AppDatabase, plan: RawExportPlan, pageSize = RAW_PAGE_SIZE): AsyncGenerator<RawRecord[]> {
  for await (const page of rowPages(database.kysely, pageReader(database), plan, pageSize)) yield page.rows.map(toRecord);
}

/**
 * Days counted per query. While an export is counted, every turn of the event loop pays for one
 * window, and a request takes several turns: at a million answers a year, a month's window (5 ms)
 * held submissions for 150 ms; two days (about 5,000 index entries) cost well under a millisecond.
 */
const COUNT_WINDOW_DAYS = 2;

/**
 * How many responses an export would hold (suspect ones included), for the audit entry and the UI.
 * Counted in windows of days that start where data starts, yielding between them: one count over a
 * year of a million answers would hold the event loop for a tenth of a second.
 */
export async function countRaw(database: AppDatabase, plan: RawExportPlan): Promise<number> {
  const countQuery = (from: string, to: string) =>
    database.kysely
      .selectFrom('responses')
      .select(sql<number>`count(*)`.as('n'))
      .where('local_day', '>=', from)
      .where('local_day', '<=', to)
      .where(scopeUnitCondition(plan.scope, 'unit_id'))
      .$if(plan.instrumentId !== undefined, (q) => q.where('instrument_id', '=', plan.instrumentId!))
      .compile();
  // Counting reads the day index: on the export's own small-cache connection too.
  const reader = pageReader(database);
  try {
    let total = 0;
    let from = plan.from;
    for (;;) {
      const [next] = await reader.read(firstDayWithData(database.kysely, from, plan.to));
      if (!next) break;
      const start = (next as unknown as [string])[0];
      const windowEnd = addDays(start, COUNT_WINDOW_DAYS - 1);
      const end = windowEnd < plan.to ? windowEnd : plan.to;
      const [row] = await reader.read(countQuery(start, end));
      total += Number((row as unknown as [number])[0]);
      if (end >= plan.to) break;
      from = addDays(end, 1);
      await setImmediate();
    }
    return total;
  } finally {
    reader.close();
  }
}

const VN_OFFSET_MS = 7 * 3600_000;

/** "2026-11-23 10:05:07": Vietnam wall-clock time, a form Excel and LibreOffice read as a date-time. */
function vnWallTime(iso: string): string {
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
    tail: [r.comment ?? '', r.lang, ...demographicCells(r.demographics === null ? null : JSON.stringify(r.demographics)), flags],
  };
}

/**
 * The score cells (",5,4,,NA") of an answers JSON as the intake writes it ({"QUAY.1":5,"QUAY.4":null}),
 * read without parsing it into an object; anything unexpected goes through JSON.parse instead.
 */
function scoreCells(json: string, keys: readonly string[], codes: readonly string[]): string {
  let cells = '';
  for (const key of keys) {
    const at = json.indexOf(key);
    if (at < 0) {
      cells += ',';
      continue;
    }
    const start = at + key.length;
    const digit = json.charCodeAt(start);
    const next = json.charCodeAt(start + 1);
    if (digit >= 0x30 && digit <= 0x39 && (next === 0x2c || next === 0x7d)) cells += `,${json[start]}`;
    else if (json.startsWith('null', start)) cells += `,${NO_OPINION}`;
    else return parsedScoreCells(json, codes);
  }
  return cells;
}

function parsedScoreCells(json: string, codes: readonly string[]): string {
  const answers = JSON.parse(json) as Record<string, number | null>;
  return codes.map((code) => `,${!(code in answers) ? '' : answers[code] === null ? NO_OPINION : answers[code]}`).join('');
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * "2026-11-23 10:05:07" from the stored UTC instant and its Vietnam-local day (the page's day): the
 * local hour is the UTC hour + 7, the date is that day (no Date objects in the hot loop).
 */
function wallTimeOnDay(day: string, iso: string): string {
  return `${day} ${pad2((Number(iso.slice(11, 13)) + 7) % 24)}${iso.slice(13, 19)}`;
}

/**
 * Formats pages as CSV lines (CRLF), straight from the rows as read. Scores are bare digits; every
 * text cell is neutralised. The columns of a unit, counter, staff member or procedure are escaped
 * once and reused: they repeat on thousands of rows, and this is the hot loop of a million-row export.
 */
function csvFormatter(criteria: readonly string[], lookups: Lookups): (page: RowPage) => Uint8Array {
  type Cache = Map<string | null, string>;
  const fragment = (cache: Cache, id: string | null, cells: () => string[]): string => {
    let text = cache.get(id);
    if (text === undefined) {
      text = cells().map(csvText).join(',');
      cache.set(id, text);
    }
    return text;
  };
  const caches: Record<'units' | 'counters' | 'staff' | 'procedures' | 'instruments', Cache> = {
    units: new Map(),
    counters: new Map(),
    staff: new Map(),
    procedures: new Map(),
    instruments: new Map(),
  };
  const named = (cache: Cache, id: string | null, map: Map<string, Named>) =>
    fragment(cache, id, () => {
      const entry = id ? map.get(id) : undefined;
      return [entry?.code ?? '', entry?.name ?? ''];
    });
  const keys = criteria.map((code) => `${JSON.stringify(code)}:`);
  return ({ day, rows }) => {
    const out = new ByteWriter(rows.length * 400);
    for (const r of rows) {
      const unit = fragment(caches.units, r[1], () => {
        const u = lookups.units.get(r[1]);
        return [u?.provinceCode ?? '', u?.code ?? '', u?.name ?? ''];
      });
      const flags = r[11] === 1 ? (r[12] !== null ? '"suspect,invitation"' : 'suspect') : r[12] !== null ? 'invitation' : '';
      out.add(
        `${csvText(r[0])},${unit},${named(caches.counters, r[2], lookups.counters)},${named(caches.staff, r[3], lookups.staff)},` +
          `${named(caches.procedures, r[4], lookups.procedures)},${csvText(r[5])},${wallTimeOnDay(day, r[6])},` +
          `${fragment(caches.instruments, r[7], () => [r[7]])}${scoreCells(r[8], keys, criteria)},${csvText(r[9] ?? '')},${csvText(r[10])},` +
          `${r[13] === null ? ',,' : demographicCells(r[13]).join(',')},${flags}\r\n`,
      );
    }
    return out.bytes();
  };
}

/** Text gathered this far, at most, before it is written out as UTF-8. */
const BATCH_CHARS = 8192;

/**
 * UTF-8 bytes of many short texts, written in small batches into one growing buffer. A page joined
 * into one string would be a large object (kept in V8's old space until a full collection): at a
 * million rows that is hundreds of MB of heap between collections. Small batches die young. The
 * buffer is never one of Node's pooled slices (allocUnsafeSlow), so the worker can hand its memory
 * to the request's thread.
 */
class ByteWriter {
  private buffer: Buffer;
  private used = 0;
  private batch = '';

  constructor(expectedBytes: number) {
    this.buffer = Buffer.allocUnsafeSlow(Math.max(4096, expectedBytes));
  }

  add(text: string): void {
    this.batch += text;
    if (this.batch.length >= BATCH_CHARS) this.flush();
  }

  private flush(): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    const needed = this.used + this.batch.length * 3;
    if (needed > this.buffer.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(needed, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, this.used);
      this.buffer = grown;
    }
    this.used += this.buffer.write(this.batch, this.used, 'utf8');
    this.batch = '';
  }

  bytes(): Uint8Array {
    this.flush();
    return this.buffer.subarray(0, this.used);
  }
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

/** What a raw CSV export writes besides the rows: its criterion columns and the names of its units, counters, staff and procedures. */
export interface RawCsvJob {
  plan: RawExportPlan;
  criteria: string[];
  lookups: Lookups;
}

/** Reads what the rows' cells need (in the thread that writes them: a year's instruments scan the day rollup). */
export async function prepareRawCsv(db: Db, plan: RawExportPlan): Promise<RawCsvJob> {
  const [criteria, lookups] = await Promise.all([rawCriteria(db, plan), loadLookups(db, plan.scope)]);
  return { plan, criteria, lookups };
}

/** The raw CSV's bytes: UTF-8 with BOM, header first, then one chunk per page (here or in raw-worker.ts). */
export async function* rawCsvChunks(compiler: Db, reader: PageReader, job: RawCsvJob): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(`${UTF8_BOM}${rawHeader(job.criteria).map((h) => csvText(h)).join(',')}\r\n`);
  const format = csvFormatter(job.criteria, job.lookups);
  for await (const page of rowPages(compiler, reader, job.plan, RAW_PAGE_SIZE)) yield format(page);
}

/** The next chunk the worker made (null at the end); its failure or death fails the export. */
function nextWorkerChunk(worker: Worker): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const settle = () => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
    };
    const onMessage = (chunk: Uint8Array | null) => {
      settle();
      resolve(chunk);
    };
    const onError = (err: Error) => {
      settle();
      reject(err);
    };
    const onExit = (code: number) => {
      settle();
      reject(new Error(`the raw export worker stopped (exit code ${code})`));
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    worker.postMessage('next');
  });
}

/**
 * The raw CSV's chunks made by a worker thread, one per request, so at most one page waits in
 * memory ahead of the client. The worker reads everything itself, the instruments and names too:
 * a year's day rollup is tens of milliseconds of reading that the intake's thread should not wait
 * out. Compiled, the worker is raw-worker.js beside this file; from the TypeScript sources
 * (development, tests) tsx loads it as it loads the server.
 */
async function* workerCsvChunks(file: string, plan: RawExportPlan): AsyncGenerator<Uint8Array> {
  const compiled = import.meta.url.endsWith('.js');
  const entry = new URL(`./raw-worker.${compiled ? 'js' : 'ts'}`, import.meta.url);
  const workerData: RawWorkerData = { file, plan };
  const worker = compiled
    ? new Worker(entry, { workerData })
    : new Worker(`import('tsx/esm/api').then((tsx) => tsx.tsImport(${JSON.stringify(entry.href)}, ${JSON.stringify(import.meta.url)}))`, { eval: true, workerData });
  try {
    for (;;) {
      const chunk = await nextWorkerChunk(worker);
      if (chunk === null) return;
      yield chunk;
    }
  } finally {
    await worker.terminate();
  }
}

/** What crosses into the worker: the database file and the plan (plain data). */
export interface RawWorkerData {
  file: string;
  plan: RawExportPlan;
}

/**
 * The raw CSV as a stream. `rows` is the export's size as counted (countRaw): from
 * RAW_WORKER_MIN_ROWS rows on a SQLite file, the rows are read and formatted in a worker thread.
 */
export async function rawCsvStream(database: AppDatabase, plan: RawExportPlan, rows: number): Promise<ReadableStream<Uint8Array>> {
  const portable: RawExportPlan = { scope: { paths: plan.scope.paths }, from: plan.from, to: plan.to, instrumentId: plan.instrumentId };
  const file = sqliteFile(database);
  if (file && rows >= RAW_WORKER_MIN_ROWS) return pullStream(workerCsvChunks(file, portable));
  const db = database.kysely;
  return pullStream(rawCsvChunks(db, pageReader(database), await prepareRawCsv(db, portable)));
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
  const { default: ExcelJS } = await import('exceljs');
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
