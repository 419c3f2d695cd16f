import { createHash } from 'node:crypto';
import { CHANNELS, Demographics } from '../../schema/survey.js';
import {
  NO_OPINION,
  RAW_COLUMNS,
  RAW_FLAGS,
  type RawColumnKey,
  type ResponseImportError,
  type ResponseImportErrorCode,
  type ResponseImportPreviewRow,
  type ResponseImportResult,
} from '../../schema/exports.js';
import { binaryItemsOf, type Instrument } from '../../schema/instrument.js';
import type { Actor } from '../auth/actor.js';
import { assertUnitInScope } from '../auth/scope.js';
import { recordAudit } from '../audit/record.js';
import type { Deps } from '../deps.js';
import type { Db, UnitRow } from '../db/types.js';
import { restoreCell } from '../exports/cells.js';
import { getInstrument } from '../instruments/store.js';
import type { PreparedResponse } from '../intake/prepare.js';
import { raiseLowCommentAlerts } from '../alerts/index.js';
import { writeBatch } from '../intake/store.js';
import { vnLocalParts } from '../time.js';
import { normaliseHeader } from '../units/import-file.js';
import { MAX_LISTED_ERRORS, readTable, type Table } from './table.js';
import { subtreeCondition } from '../db/like.js';
import { storableText } from '../intake/prepare.js';

/**
 * Paper-form import: a CSV or XLSX in the raw export's layout becomes responses on channel `paper`,
 * written through the intake's writeBatch (so rollups and idempotency behave exactly as for
 * submissions). Every row is checked first; one bad row and nothing is written. Each row's id is the
 * file's `Mã phiếu` (a UUID, as exported) or, when blank, a UUID derived from the row's content, so
 * importing the same file again adds nothing.
 */

/** Data rows per file: more is refused with a 413 while reading. */
export const MAX_IMPORT_ROWS = 100_000;
const PREVIEW_ROWS = 100;
const WRITE_CHUNK = 2000;

/** Namespace of the content-derived ids (UUIDv5 construction, RFC 9562 §5.5). */
const ID_NAMESPACE = Buffer.from('6f1d1f9e3b2a4c5d8e7f60718293a4b5', 'hex');

/** A UUID version 5 of the text in our namespace: same text, same id. */
export function contentId(text: string): string {
  const hash = createHash('sha1').update(ID_NAMESPACE).update(text, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ITEM_CODE = /^[A-Za-z0-9]+(\.[A-Za-z0-9]+)+$/;
/** Ways people write "no opinion" on a paper form. */
const NO_OPINION_WORDS = new Set([NO_OPINION.toLowerCase(), 'n/a', 'kyk', 'khong y kien', 'không ý kiến', '0']);

interface Layout {
  /** Column position of each fixed column found. */
  fixed: Partial<Record<RawColumnKey, number>>;
  /** Criterion code → column position. */
  criteria: Map<string, number>;
}

const REQUIRED: RawColumnKey[] = ['unit_code', 'submitted_at', 'instrument'];

function columnAliases(): Map<string, RawColumnKey> {
  const aliases = new Map<string, RawColumnKey>();
  for (const c of RAW_COLUMNS) {
    aliases.set(normaliseHeader(c.vi), c.key);
    aliases.set(c.key, c.key);
  }
  return aliases;
}

function readLayout(header: string[], errors: ResponseImportError[]): Layout {
  const aliases = columnAliases();
  const layout: Layout = { fixed: {}, criteria: new Map() };
  header.forEach((raw, at) => {
    const text = restoreCell(raw).trim();
    if (text === '') return;
    const key = aliases.get(normaliseHeader(text));
    if (key) {
      if (layout.fixed[key] !== undefined) errors.push(fileError('unknown_column', text, `Cột "${text}" xuất hiện hai lần`));
      layout.fixed[key] = at;
    } else if (ITEM_CODE.test(text)) {
      const code = text.toUpperCase();
      if (layout.criteria.has(code)) errors.push(fileError('unknown_column', text, `Cột "${text}" xuất hiện hai lần`));
      layout.criteria.set(code, at);
    } else {
      errors.push(fileError('unknown_column', text, `Không nhận ra cột "${text}": dùng đúng tiêu đề của tệp xuất dữ liệu thô`));
    }
  });
  for (const key of REQUIRED) {
    if (layout.fixed[key] === undefined) {
      const vi = RAW_COLUMNS.find((c) => c.key === key)!.vi;
      errors.push({ row: 1, column: vi, code: 'missing_column', message: `Thiếu cột "${vi}"` });
    }
  }
  if (layout.criteria.size === 0) errors.push({ row: 1, column: '', code: 'missing_column', message: 'Không có cột điểm tiêu chí nào (ví dụ QUAY.1)' });
  return layout;
}

function fileError(code: ResponseImportErrorCode, column: string, message: string): ResponseImportError {
  return { row: 1, column, code, message };
}

/** Reference data the rows are checked against, loaded once per import. */
interface Catalogue {
  unitsByCode: Map<string, UnitRow[]>;
  provinceCode: Map<string, string>;
  counters: Map<string, string>;
  staff: Map<string, string>;
  procedures: Map<string, string>;
  points: { id: string; unitId: string; counterId: string | null; instrumentId: string }[];
  instruments: Map<string, Instrument | undefined>;
}

const key2 = (a: string, b: string) => `${a}\u0001${b}`;

async function loadCatalogue(db: Db, root: UnitRow): Promise<Catalogue> {
  const units = await db.selectFrom('units').selectAll().where(subtreeCondition('path', root.path)).execute();
  const unitIds = units.map((u) => u.id);
  const provinceIds = [...new Set(units.map((u) => u.province_id))];
  const inChunks = async <T>(ids: string[], read: (chunk: string[]) => Promise<T[]>): Promise<T[]> => {
    const out: T[] = [];
    for (let i = 0; i < ids.length; i += 500) out.push(...(await read(ids.slice(i, i + 500))));
    return out;
  };
  const [counters, staff, procedures, points, provinces] = await Promise.all([
    inChunks(unitIds, (ids) => db.selectFrom('counters').select(['id', 'unit_id', 'code']).where('unit_id', 'in', ids).execute()),
    inChunks(provinceIds, (ids) => db.selectFrom('staff').select(['id', 'province_id', 'code']).where('province_id', 'in', ids).execute()),
    inChunks(provinceIds, (ids) => db.selectFrom('procedures').select(['id', 'province_id', 'code']).where('province_id', 'in', ids).execute()),
    inChunks(unitIds, (ids) =>
      db.selectFrom('survey_points').select(['id', 'unit_id', 'counter_id', 'instrument_id']).where('unit_id', 'in', ids).orderBy('created_at').orderBy('id').execute(),
    ),
    inChunks(provinceIds, (ids) => db.selectFrom('units').select(['id', 'code']).where('id', 'in', ids).execute()),
  ]);
  const unitsByCode = new Map<string, UnitRow[]>();
  for (const u of units) unitsByCode.set(u.code, [...(unitsByCode.get(u.code) ?? []), u]);
  return {
    unitsByCode,
    provinceCode: new Map(provinces.map((p) => [p.id, p.code])),
    counters: new Map(counters.map((c) => [key2(c.unit_id, c.code), c.id])),
    staff: new Map(staff.map((s) => [key2(s.province_id, s.code), s.id])),
    procedures: new Map(procedures.map((p) => [key2(p.province_id, p.code), p.id])),
    points: points.map((p) => ({ id: p.id, unitId: p.unit_id, counterId: p.counter_id, instrumentId: p.instrument_id })),
    instruments: new Map(),
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A date-time as written in the file: "2026-11-23 10:05[:07]", "23/11/2026 10:05[:07]", a date
 * alone (midday), or ISO 8601 with an offset. Without an offset it is Vietnam time.
 */
export function parseLocalDateTime(text: string): Date | null {
  const t = text.trim();
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/.test(t)) {
    const at = new Date(t);
    return Number.isNaN(at.getTime()) ? null : at;
  }
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(t);
  const vn = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(t);
  const m = iso ? [iso[1], iso[2], iso[3], iso[4], iso[5], iso[6]] : vn ? [vn[3], vn[2], vn[1], vn[4], vn[5], vn[6]] : null;
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.map((v) => (v === undefined ? undefined : Number(v)));
  const hour = h ?? 12;
  const minute = mi ?? 0;
  const second = s ?? 0;
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const at = new Date(`${y}-${pad(mo!)}-${pad(d!)}T${pad(hour)}:${pad(minute)}:${pad(second)}+07:00`);
  // Rejects 31/02 and the like: the date must survive the round trip unchanged.
  if (Number.isNaN(at.getTime()) || vnLocalParts(at).day !== `${y}-${pad(mo!)}-${pad(d!)}`) return null;
  return at;
}

interface PlannedRow {
  row: number;
  prepared: PreparedResponse;
  unitCode: string;
  counterCode: string | null;
  skipped: boolean;
}

interface Plan {
  /** The first MAX_LISTED_ERRORS errors, and how many there are in all. */
  errors: ResponseImportError[];
  errorCount: number;
  rows: PlannedRow[];
}

/** Row errors in row order: every one counted, the first MAX_LISTED_ERRORS kept (a file can have one in every cell). */
class RowChecker {
  readonly errors: ResponseImportError[] = [];
  count = 0;
  constructor(private readonly header: string[]) {}
  add(row: number, at: number | undefined, fallback: string, code: ResponseImportErrorCode, message: string): void {
    this.count += 1;
    if (this.errors.length < MAX_LISTED_ERRORS) {
      this.errors.push({ row, column: at === undefined ? fallback : restoreCell(this.header[at] ?? fallback), code, message });
    }
  }
}

async function instrumentOf(db: Db, catalogue: Catalogue, id: string): Promise<Instrument | undefined> {
  if (!catalogue.instruments.has(id)) catalogue.instruments.set(id, await getInstrument(db, id));
  return catalogue.instruments.get(id);
}

function surveyPointFor(catalogue: Catalogue, unitId: string, counterId: string | null, instrumentId: string): string | undefined {
  const atUnit = catalogue.points.filter((p) => p.unitId === unitId && p.instrumentId === instrumentId);
  return (atUnit.find((p) => p.counterId === counterId) ?? atUnit.find((p) => p.counterId === null) ?? atUnit[0])?.id;
}

async function planRows(deps: Deps, root: UnitRow, table: Table): Promise<Plan> {
  const db = deps.db.kysely;
  const fileErrors: ResponseImportError[] = [];
  const layout = readLayout(table.header, fileErrors);
  // At most a few per header cell, and the header has at most MAX_COLUMNS of them.
  if (fileErrors.length) return { errors: fileErrors.slice(0, MAX_LISTED_ERRORS), errorCount: fileErrors.length, rows: [] };
  const catalogue = await loadCatalogue(db, root);
  const check = new RowChecker(table.header);
  const today = vnLocalParts(deps.clock.now()).day;
  const seenIds = new Map<string, number>();
  const occurrences = new Map<string, number>();
  const planned: PlannedRow[] = [];

  for (const { row, cells } of table.rows) {
    const errorsBefore = check.count;
    const at = (k: RawColumnKey) => layout.fixed[k];
    const text = (k: RawColumnKey) => {
      const i = at(k);
      return i === undefined ? '' : restoreCell(cells[i] ?? '');
    };
    const fail = (k: RawColumnKey, code: ResponseImportErrorCode, message: string) =>
      check.add(row, at(k), RAW_COLUMNS.find((c) => c.key === k)!.vi, code, message);

    const unitCode = text('unit_code').trim();
    const units = catalogue.unitsByCode.get(unitCode) ?? [];
    if (!unitCode) fail('unit_code', 'required', 'Thiếu mã đơn vị');
    else if (units.length === 0) fail('unit_code', 'out_of_scope', `Không có đơn vị mã "${unitCode}" trong ${root.name}`);
    else if (units.length > 1) fail('unit_code', 'invalid_value', `Mã "${unitCode}" trùng ở nhiều loại đơn vị (${units.map((u) => u.kind).join(', ')})`);
    const unit = units.length === 1 ? units[0]! : undefined;

    const lookup = (k: 'counter_code' | 'staff_code' | 'procedure_code', map: Map<string, string>, owner: string | undefined, what: string) => {
      const code = text(k).trim();
      if (!code || !owner) return null;
      const id = map.get(key2(owner, code));
      if (!id) fail(k, 'not_found', `Không có ${what} mã "${code}"`);
      return id ?? null;
    };
    const counterId = lookup('counter_code', catalogue.counters, unit?.id, 'quầy');
    const staffId = lookup('staff_code', catalogue.staff, unit?.province_id, 'cán bộ');
    const procedureId = lookup('procedure_code', catalogue.procedures, unit?.province_id, 'thủ tục hành chính');

    const channel = text('channel').trim();
    if (channel && !(CHANNELS as readonly string[]).includes(channel)) fail('channel', 'invalid_value', `Kênh "${channel}" không hợp lệ (${CHANNELS.join(', ')})`);

    const whenText = text('submitted_at');
    const when = whenText.trim() ? parseLocalDateTime(whenText) : null;
    if (!whenText.trim()) fail('submitted_at', 'required', 'Thiếu thời điểm khảo sát');
    else if (!when) fail('submitted_at', 'invalid_date', `"${whenText}" không phải ngày giờ (dạng 2026-11-23 10:05 hoặc 23/11/2026 10:05)`);
    else if (vnLocalParts(when).day > today) fail('submitted_at', 'invalid_date', 'Ngày khảo sát ở tương lai');
    else if (when.getUTCFullYear() < 2000) fail('submitted_at', 'invalid_date', 'Thời điểm khảo sát trước năm 2000');

    const instrumentId = text('instrument').trim();
    const instrument = instrumentId ? await instrumentOf(db, catalogue, instrumentId) : undefined;
    if (!instrumentId) fail('instrument', 'required', 'Thiếu bộ câu hỏi');
    else if (!instrument) fail('instrument', 'not_found', `Không có bộ câu hỏi "${instrumentId}"`);

    const answers: Record<string, number | null> = {};
    if (instrument) {
      const items = new Map(instrument.definition.items.map((i) => [i.code, i]));
      for (const [code, position] of layout.criteria) {
        const raw = (cells[position] ?? '').trim();
        if (raw === '') continue;
        const item = items.get(code);
        const column = restoreCell(table.header[position] ?? code);
        if (!item) {
          check.add(row, position, code, 'wrong_instrument', `${instrumentId} không có tiêu chí ${code}`);
          continue;
        }
        if (NO_OPINION_WORDS.has(raw.toLowerCase())) {
          if (item.allowNa) answers[code] = null;
          else check.add(row, position, column, 'invalid_value', `${code} không có lựa chọn "Không ý kiến"`);
          continue;
        }
        const value = Number(raw);
        const max = item.scale === 'binary' ? 2 : 5;
        if (!Number.isInteger(value) || value < 1 || value > max) {
          check.add(row, position, column, 'invalid_value', `"${raw}" không phải điểm từ 1 đến ${max}${item.allowNa ? ` hoặc ${NO_OPINION}` : ''}`);
        } else answers[code] = value;
      }
      if (Object.keys(answers).length === 0 && check.count === errorsBefore) {
        check.add(row, undefined, '', 'required', 'Phiếu không có câu trả lời nào');
      }
    }

    const commentText = storableText(text('comment'));
    const comment = commentText === '' ? null : commentText;
    if (comment !== null && instrument && !instrument.definition.comment.enabled) fail('comment', 'invalid_value', 'Bộ câu hỏi này không có góp ý');
    if (comment !== null && [...comment].length > deps.config.commentMaxChars) {
      fail('comment', 'too_long', `Góp ý dài hơn ${deps.config.commentMaxChars} ký tự`);
    }

    const lang = text('lang').trim() || 'vi';
    if (lang !== 'vi' && lang !== 'en') fail('lang', 'invalid_value', 'Ngôn ngữ là vi hoặc en');

    const demographics = Demographics.safeParse({
      ...(text('age_band').trim() && { ageBand: text('age_band').trim() }),
      ...(text('gender').trim() && { gender: text('gender').trim() }),
      ...(text('first_visit').trim() && { firstVisit: text('first_visit').trim() === '1' ? true : text('first_visit').trim() === '0' ? false : text('first_visit') }),
    });
    if (!demographics.success) {
      const path = String(demographics.error.issues[0]?.path[0]);
      const column = path === 'ageBand' ? 'age_band' : path === 'gender' ? 'gender' : 'first_visit';
      fail(column, 'invalid_value', 'Nhóm tuổi là under_25, 25_39, 40_59 hoặc 60_plus; giới tính là female, male hoặc other; lần đầu đến là 1 hoặc 0');
    }
    const demographicsJson = demographics.success && Object.keys(demographics.data).length ? JSON.stringify(demographics.data) : null;
    if (demographicsJson !== null && instrument && !instrument.definition.demographics) fail('age_band', 'invalid_value', 'Bộ câu hỏi này không hỏi thông tin người trả lời');

    const flags = text('flags')
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
    const unknownFlag = flags.find((f) => !(RAW_FLAGS as readonly string[]).includes(f));
    if (unknownFlag) fail('flags', 'invalid_value', `Cờ "${unknownFlag}" không hợp lệ (${RAW_FLAGS.join(', ')})`);

    const pointId = unit && instrument ? surveyPointFor(catalogue, unit.id, counterId, instrument.id) : undefined;
    if (unit && instrument && !pointId) {
      fail('instrument', 'no_survey_point', `${unit.name} chưa có điểm khảo sát dùng ${instrument.id}: hãy tạo điểm khảo sát trước`);
    }

    const givenId = text('id').trim();
    if (givenId && !UUID.test(givenId)) fail('id', 'invalid_value', 'Mã phiếu phải là mã do hệ thống xuất ra (UUID); với phiếu giấy hãy để trống');
    if (check.count > errorsBefore || !unit || !instrument || !when || !pointId) continue;

    const counterCode = text('counter_code').trim() || null;
    let id = givenId.toLowerCase();
    if (!id) {
      const content = JSON.stringify([
        unit.id,
        counterCode,
        text('staff_code').trim(),
        text('procedure_code').trim(),
        when.toISOString(),
        instrument.id,
        Object.entries(answers).sort(([a], [b]) => (a < b ? -1 : 1)),
        comment,
        lang,
      ]);
      // Two identical forms in one file are two citizens: the occurrence number keeps them apart.
      const nth = (occurrences.get(content) ?? 0) + 1;
      occurrences.set(content, nth);
      id = contentId(`${content}#${nth}`);
    }
    const firstRow = seenIds.get(id);
    if (firstRow !== undefined) {
      fail('id', 'duplicate_in_file', `Mã phiếu trùng với dòng ${firstRow}`);
      continue;
    }
    seenIds.set(id, row);
    const local = vnLocalParts(when);
    planned.push({
      row,
      unitCode,
      counterCode,
      skipped: flags.includes('suspect'),
      prepared: {
        id,
        target: {
          kind: 'point',
          surveyPointId: pointId,
          invitationId: null,
          unitId: unit.id,
          counterId,
          staffId,
          procedureId,
          instrumentId: instrument.id,
          kiosk: false,
          callbackOffered: false,
        },
        instrumentId: instrument.id,
        channel: 'paper',
        answers,
        comment,
        demographics: demographicsJson,
        lang,
        submittedAt: when.toISOString(),
        localDay: local.day,
        localHour: local.hour,
        weekday: local.weekday,
        deviceMarks: [],
        addressMark: null,
        binaryItems: binaryItemsOf(instrument.definition),
      },
    });
  }
  return { errors: check.errors, errorCount: check.count, rows: planned };
}

async function existingIds(db: Db, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('responses').select('id').where('id', 'in', ids.slice(i, i + 500)).execute();
    for (const r of rows) found.add(r.id);
  }
  return found;
}

function previewRow(p: PlannedRow, action: ResponseImportPreviewRow['action']): ResponseImportPreviewRow {
  return {
    row: p.row,
    id: p.prepared.id,
    action,
    unitCode: p.unitCode,
    counterCode: p.counterCode,
    submittedAt: p.prepared.submittedAt,
    instrumentId: p.prepared.instrumentId,
    answers: p.prepared.answers,
    comment: p.prepared.comment,
  };
}

/**
 * Checks (preview) or imports (commit) a paper-form file into `unitId`'s subtree. With any row
 * error nothing is written. Rows already stored (same id) are left alone; rows flagged `suspect`
 * are skipped (they count nowhere). Writes go in chunks through writeBatch, after every row passed.
 */
export async function importResponses(
  deps: Deps,
  actor: Actor,
  unitId: string,
  mode: 'preview' | 'commit',
  bytes: Uint8Array,
): Promise<ResponseImportResult> {
  const root = await assertUnitInScope(deps, actor, unitId, 'surveys.write');
  const table = await readTable(bytes, MAX_IMPORT_ROWS);
  const empty = { mode, rowCount: 0, imported: 0, duplicates: 0, skipped: 0, rows: [] };
  if (typeof table === 'string') return { ...empty, errorCount: 1, errors: [{ row: 0, column: '', code: 'file_unreadable', message: table }] };
  const plan = await planRows(deps, root, table);
  const rowCount = table.rows.length;
  if (plan.errorCount) return { ...empty, rowCount, errorCount: plan.errorCount, errors: plan.errors };

  const stored = await existingIds(deps.db.kysely, plan.rows.map((r) => r.prepared.id));
  const action = (p: PlannedRow): ResponseImportPreviewRow['action'] => (p.skipped ? 'skipped' : stored.has(p.prepared.id) ? 'duplicate' : 'new');
  const toWrite = plan.rows.filter((p) => action(p) === 'new');
  const result: ResponseImportResult = {
    mode,
    rowCount,
    imported: toWrite.length,
    duplicates: plan.rows.filter((p) => action(p) === 'duplicate').length,
    skipped: plan.rows.filter((p) => p.skipped).length,
    errorCount: 0,
    errors: [],
    rows: plan.rows.slice(0, PREVIEW_ROWS).map((p) => previewRow(p, action(p))),
  };
  if (mode === 'preview') return result;

  let written = 0;
  for (let i = 0; i < toWrite.length || i === 0; i += WRITE_CHUNK) {
    const chunk = toWrite.slice(i, i + WRITE_CHUNK).map((p) => p.prepared);
    const last = i + WRITE_CHUNK >= toWrite.length;
    written += await deps.db.write(async (tx) => {
      const outcomes = chunk.length ? await writeBatch(tx, chunk, deps.config) : [];
      if (last) {
        await recordAudit(tx, {
          actor,
          action: 'responses.import',
          entity: 'import',
          entityId: null,
          unitId: root.id,
          after: { rows: rowCount, imported: written + outcomes.filter((o) => o === 'accepted').length, duplicates: result.duplicates, skipped: result.skipped },
          at: deps.clock.now(),
        });
      }
      return outcomes.filter((o) => o === 'accepted').length;
    });
  }
  // The forms' 1s with comments raise their alerts now rather than at the next sweep; the import is
  // committed whatever happens here, and a failed run is made up by the next one.
  await raiseLowCommentAlerts(deps).catch((err: unknown) => deps.logger.error('low_comment_alerts_failed', { message: (err as Error).message }));
  return { ...result, imported: written };
}
