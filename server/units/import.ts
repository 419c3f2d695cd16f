import {
  ENTITY_CODE_PATTERN,
  PARENT_KINDS,
  PROCEDURE_CODE_PATTERN,
  UNIT_CODE_PATTERN,
  UNIT_KINDS,
  type ImportErrorCode,
  type ImportKind,
  type ImportPreviewRow,
  type ImportResult,
  type ImportRowError,
  type UnitKind,
} from '../../schema/admin.js';
import type { Actor } from '../auth/actor.js';
import { assertUnitInScope } from '../auth/scope.js';
import { recordAudit, recordAuditMany, type AuditInput } from '../audit/record.js';
import type { Deps } from '../deps.js';
import type { Db, UnitRow } from '../db/types.js';
import { newId } from '../ids.js';
import { MAX_LISTED_ERRORS } from '../imports/table.js';
import { invalid } from './tree.js';
import { normaliseHeader, readSheet, type SheetRow } from './import-file.js';
import { counterView, procedureView, staffView, unitView, type CounterRow, type StaffRow } from './views.js';

/** How many planned rows the preview shows; the counts cover all of them. */
const PREVIEW_ROWS = 200;
const LOOKUP_CHUNK = 500;
const INSERT_CHUNK = 300;

type Table = 'units' | 'counters' | 'staff' | 'procedures';
type Entity = 'unit' | 'counter' | 'staff' | 'procedure';

interface PlanEntry {
  row: number;
  action: 'create' | 'update' | 'unchanged';
  values: Record<string, string>;
  table: Table;
  entity: Entity;
  id: string;
  unitId: string;
  /** Full row for a creation; changed columns for an update. */
  write: Record<string, string | number | null>;
  before: unknown;
  after: unknown;
}

interface Plan {
  errors: ImportRowError[];
  entries: PlanEntry[];
}

class RowErrors {
  readonly list: ImportRowError[] = [];
  add(row: number, column: string, code: ImportErrorCode, message: string, value?: string): void {
    this.list.push(value === undefined ? { row, column, code, message } : { row, column, code, message, value });
  }
  /** Required, at most `max` characters, optionally matching a pattern. Returns whether it passed. */
  text(r: SheetRow, column: string, max: number, pattern?: RegExp, rule?: string): boolean {
    const value = r.values[column] ?? '';
    if (!value) return this.add(r.row, column, 'required', `"${column}" is empty`), false;
    if (value.length > max) return this.add(r.row, column, 'too_long', `"${column}" is longer than ${max} characters`, value.slice(0, 60)), false;
    if (pattern && !pattern.test(value)) return this.add(r.row, column, 'invalid_format', `"${column}" must be ${rule}`, value), false;
    return true;
  }
}

async function inChunks<T, R>(items: readonly T[], size: number, fn: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await fn(items.slice(i, i + size))));
  return out;
}

const within = (scope: UnitRow, path: string) => path.startsWith(scope.path);

/* ───────────── units ───────────── */

/** Kind names people write in Vietnamese sheets, after normaliseHeader. */
const KIND_ALIASES: Record<string, UnitKind> = {
  xa: 'commune',
  phuong: 'commune',
  dac_khu: 'commune',
  trung_tam: 'centre',
  center: 'centre',
  chi_nhanh: 'branch',
  co_quan: 'agency',
  so: 'agency',
  nganh: 'agency',
};
const IMPORTABLE_KINDS: readonly UnitKind[] = ['commune', 'agency', 'centre', 'branch'];
/** Parents come before children, so in-file parents are planned first. */
const KIND_ORDER: readonly UnitKind[] = ['commune', 'agency', 'centre', 'branch'];

function kindOf(value: string): UnitKind | undefined {
  const key = normaliseHeader(value);
  if ((UNIT_KINDS as readonly string[]).includes(key)) return key as UnitKind;
  return KIND_ALIASES[key];
}

const CODE_RULE: Record<UnitKind, string> = {
  province: 'two digits (an Excel number cell may have dropped a leading zero)',
  commune: 'five digits (an Excel number cell may have dropped a leading zero)',
  centre: 'letters, digits, . _ - (up to 40)',
  branch: 'letters, digits, . _ - (up to 40)',
  agency: 'letters, digits, . _ - (up to 40)',
};

interface UnitCandidate {
  sheet: SheetRow;
  kind: UnitKind;
  code: string;
  name: string;
  parentKinds: readonly UnitKind[];
  parentCode: string;
}

async function planUnits(db: Db, scope: UnitRow, rows: SheetRow[], now: string): Promise<Plan> {
  const errors = new RowErrors();
  const candidates: UnitCandidate[] = [];
  const firstRow = new Map<string, number>();
  /** Keys of rows that have their own errors: children pointing at them are not reported twice. */
  const broken = new Set<string>();
  for (const r of rows) {
    const before = errors.list.length;
    const kindText = r.values.kind ?? '';
    const kind = kindText ? kindOf(kindText) : undefined;
    if (!kindText) errors.add(r.row, 'kind', 'required', '"kind" is empty');
    else if (!kind || !IMPORTABLE_KINDS.includes(kind)) {
      errors.add(r.row, 'kind', 'invalid_kind', `"kind" must be one of ${IMPORTABLE_KINDS.join(', ')}`, kindText);
    }
    const codeOk = kind ? errors.text(r, 'code', 40, UNIT_CODE_PATTERN[kind], CODE_RULE[kind]) : errors.text(r, 'code', 40);
    errors.text(r, 'name', 200);
    errors.text(r, 'parent_code', 40);
    let parentKinds: readonly UnitKind[] = kind ? PARENT_KINDS[kind] : [];
    const parentKindText = r.values.parent_kind ?? '';
    if (parentKindText && kind) {
      const pk = kindOf(parentKindText);
      if (!pk || !PARENT_KINDS[kind].includes(pk)) {
        errors.add(r.row, 'parent_kind', 'invalid_parent_kind', `A ${kind} sits under ${PARENT_KINDS[kind].join(' or ')}`, parentKindText);
      } else parentKinds = [pk];
    }
    const key = kind && codeOk ? `${kind}|${r.values.code}` : undefined;
    if (key && firstRow.has(key)) {
      errors.add(r.row, 'code', 'duplicate_in_file', `The same ${kind} code is already on row ${firstRow.get(key)}`, r.values.code);
    } else if (key) firstRow.set(key, r.row);
    if (errors.list.length > before) {
      if (key) broken.add(key);
      continue;
    }
    candidates.push({ sheet: r, kind: kind!, code: r.values.code!, name: r.values.name!, parentKinds, parentCode: r.values.parent_code! });
  }

  const codes = [...new Set(candidates.flatMap((c) => [c.code, c.parentCode]))];
  const existing = await inChunks(codes, LOOKUP_CHUNK, (chunk) => db.selectFrom('units').selectAll().where('code', 'in', chunk).execute());
  const inDb = new Map(existing.map((u) => [`${u.kind}|${u.code}`, u]));
  const planned = new Map<string, { id: string; path: string; province_id: string }>();
  const entries: PlanEntry[] = [];

  for (const kind of KIND_ORDER) {
    for (const c of candidates.filter((x) => x.kind === kind)) {
      const key = `${c.kind}|${c.code}`;
      const parentKeys = c.parentKinds.map((pk) => `${pk}|${c.parentCode}`);
      const parentKey = parentKeys.find((k) => planned.has(k) || inDb.has(k));
      const parent = parentKey ? (planned.get(parentKey) ?? inDb.get(parentKey)) : undefined;
      const row = c.sheet.row;
      if (!parent) {
        if (parentKeys.some((k) => broken.has(k))) broken.add(key);
        else errors.add(row, 'parent_code', 'parent_not_found', `No ${c.parentKinds.join(' or ')} with code ${c.parentCode}`, c.parentCode);
        broken.add(key);
        continue;
      }
      if (!within(scope, parent.path)) {
        errors.add(row, 'parent_code', 'out_of_scope', `${c.parentCode} is outside the unit you are importing into`, c.parentCode);
        broken.add(key);
        continue;
      }
      const values = { kind: c.kind, code: c.code, name: c.name, parent_code: c.parentCode };
      const current = inDb.get(key);
      if (current) {
        if (!within(scope, current.path)) {
          errors.add(row, 'code', 'conflict', `Code ${c.code} belongs to a unit outside the unit you are importing into`, c.code);
          broken.add(key);
          continue;
        }
        if (current.parent_id !== parent.id) {
          errors.add(row, 'parent_code', 'conflict', `${c.code} already exists under another unit; move it on its own page`, c.parentCode);
          broken.add(key);
          continue;
        }
        planned.set(key, current);
        const changed = current.name !== c.name || current.active !== 1;
        const after = { ...current, name: c.name, active: 1, updated_at: now };
        entries.push({
          row,
          action: changed ? 'update' : 'unchanged',
          values,
          table: 'units',
          entity: 'unit',
          id: current.id,
          unitId: current.id,
          write: { name: c.name, active: 1, updated_at: now },
          before: unitView(current),
          after: unitView(after),
        });
        continue;
      }
      const id = newId();
      const created: UnitRow = {
        id,
        parent_id: parent.id,
        kind: c.kind,
        code: c.code,
        name: c.name,
        path: `${parent.path}${id}/`,
        province_id: parent.province_id,
        active: 1,
        created_at: now,
        updated_at: now,
      };
      planned.set(key, created);
      entries.push({ row, action: 'create', values, table: 'units', entity: 'unit', id, unitId: id, write: { ...created }, before: null, after: unitView(created) });
    }
  }
  return { errors: errors.list, entries };
}

/* ───────────── counters ───────────── */

async function planCounters(db: Db, scope: UnitRow, rows: SheetRow[], now: string): Promise<Plan> {
  const errors = new RowErrors();
  const valid: SheetRow[] = [];
  const firstRow = new Map<string, number>();
  for (const r of rows) {
    const before = errors.list.length;
    errors.text(r, 'unit_code', 40);
    const codeOk = errors.text(r, 'code', 40, ENTITY_CODE_PATTERN, 'letters, digits, . _ - (up to 40)');
    errors.text(r, 'name', 200);
    const key = `${r.values.unit_code}|${r.values.code}`;
    if (codeOk && firstRow.has(key)) {
      errors.add(r.row, 'code', 'duplicate_in_file', `The same counter is already on row ${firstRow.get(key)}`, r.values.code);
    } else if (codeOk) firstRow.set(key, r.row);
    if (errors.list.length === before) valid.push(r);
  }
  const unitCodes = [...new Set(valid.map((r) => r.values.unit_code!))];
  const holders = await inChunks(unitCodes, LOOKUP_CHUNK, (chunk) =>
    db.selectFrom('units').selectAll().where('code', 'in', chunk).where('kind', 'in', ['centre', 'branch']).execute(),
  );
  const holderIds = holders.filter((h) => within(scope, h.path)).map((h) => h.id);
  const counters = await inChunks(holderIds, LOOKUP_CHUNK, (chunk) =>
    db.selectFrom('counters').selectAll().where('unit_id', 'in', chunk).execute(),
  );
  const counterByKey = new Map(counters.map((k) => [`${k.unit_id}|${k.code}`, k]));
  const entries: PlanEntry[] = [];
  for (const r of valid) {
    const matches = holders.filter((h) => h.code === r.values.unit_code);
    const inScope = matches.filter((h) => within(scope, h.path));
    if (matches.length === 0) {
      errors.add(r.row, 'unit_code', 'parent_not_found', `No centre or branch with code ${r.values.unit_code}`, r.values.unit_code);
      continue;
    }
    if (inScope.length === 0) {
      errors.add(r.row, 'unit_code', 'out_of_scope', `${r.values.unit_code} is outside the unit you are importing into`, r.values.unit_code);
      continue;
    }
    if (inScope.length > 1) {
      errors.add(r.row, 'unit_code', 'conflict', `Both a centre and a branch have code ${r.values.unit_code}`, r.values.unit_code);
      continue;
    }
    const unit = inScope[0]!;
    const values = { unit_code: unit.code, code: r.values.code!, name: r.values.name! };
    const current = counterByKey.get(`${unit.id}|${r.values.code}`);
    if (current) {
      const changed = current.name !== values.name || current.active !== 1;
      entries.push({
        row: r.row,
        action: changed ? 'update' : 'unchanged',
        values,
        table: 'counters',
        entity: 'counter',
        id: current.id,
        unitId: unit.id,
        write: { name: values.name, active: 1, updated_at: now },
        before: counterView(current),
        after: counterView({ ...current, name: values.name, active: 1, updated_at: now }),
      });
      continue;
    }
    const created: CounterRow = { id: newId(), unit_id: unit.id, code: values.code, name: values.name, active: 1, created_at: now, updated_at: now };
    entries.push({ row: r.row, action: 'create', values, table: 'counters', entity: 'counter', id: created.id, unitId: unit.id, write: { ...created }, before: null, after: counterView(created) });
  }
  return { errors: errors.list, entries };
}

/* ───────────── staff and procedures ───────────── */

async function planCatalogue(db: Db, table: 'staff' | 'procedures', province: UnitRow, rows: SheetRow[], now: string): Promise<Plan> {
  const errors = new RowErrors();
  const valid: SheetRow[] = [];
  const firstRow = new Map<string, number>();
  const pattern = table === 'procedures' ? PROCEDURE_CODE_PATTERN : ENTITY_CODE_PATTERN;
  const rule = table === 'procedures' ? 'a mã TTHC such as 1.001612' : 'letters, digits, . _ - (up to 40)';
  for (const r of rows) {
    const before = errors.list.length;
    const codeOk = errors.text(r, 'code', 40, pattern, rule);
    errors.text(r, 'name', table === 'procedures' ? 500 : 200);
    if (table === 'procedures') errors.text(r, 'field', 200);
    if (codeOk && firstRow.has(r.values.code!)) {
      errors.add(r.row, 'code', 'duplicate_in_file', `The same code is already on row ${firstRow.get(r.values.code!)}`, r.values.code);
    } else if (codeOk) firstRow.set(r.values.code!, r.row);
    if (errors.list.length === before) valid.push(r);
  }
  const existing = await inChunks(
    valid.map((r) => r.values.code!),
    LOOKUP_CHUNK,
    (chunk) => db.selectFrom(table).selectAll().where('province_id', '=', province.id).where('code', 'in', chunk).execute(),
  );
  const byCode = new Map<string, StaffRow & { field?: string }>(existing.map((e) => [e.code, e]));
  const entity: Entity = table === 'staff' ? 'staff' : 'procedure';
  const view = (r: StaffRow & { field?: string }) => (table === 'staff' ? staffView(r) : procedureView({ ...r, field: r.field ?? '' }));
  const entries: PlanEntry[] = valid.map((r) => {
    const values: Record<string, string> = { code: r.values.code!, name: r.values.name! };
    if (table === 'procedures') values.field = r.values.field!;
    const current = byCode.get(values.code!);
    if (current) {
      const changes = { name: values.name!, active: 1, ...(table === 'procedures' ? { field: values.field! } : {}) };
      const changed = current.name !== changes.name || current.active !== 1 || (table === 'procedures' && current.field !== values.field);
      return {
        row: r.row,
        action: changed ? 'update' : 'unchanged',
        values,
        table,
        entity,
        id: current.id,
        unitId: province.id,
        write: { ...changes, updated_at: now },
        before: view(current),
        after: view({ ...current, ...changes, updated_at: now }),
      } satisfies PlanEntry;
    }
    const created = { id: newId(), province_id: province.id, ...values, code: values.code!, name: values.name!, active: 1, created_at: now, updated_at: now };
    return { row: r.row, action: 'create', values, table, entity, id: created.id, unitId: province.id, write: created, before: null, after: view(created) } satisfies PlanEntry;
  });
  return { errors: errors.list, entries };
}

/* ───────────── running an import ───────────── */

function plan(db: Db, kind: ImportKind, scope: UnitRow, rows: SheetRow[], now: string): Promise<Plan> {
  if (kind === 'units') return planUnits(db, scope, rows, now);
  if (kind === 'counters') return planCounters(db, scope, rows, now);
  return planCatalogue(db, kind, scope, rows, now);
}

async function apply(tx: Db, entries: PlanEntry[]): Promise<void> {
  // Consecutive creations go in multi-row inserts; entries are already parent-before-child.
  for (let i = 0; i < entries.length; ) {
    const entry = entries[i]!;
    if (entry.action === 'create') {
      const batch: PlanEntry[] = [];
      while (i < entries.length && entries[i]!.action === 'create' && batch.length < INSERT_CHUNK) batch.push(entries[i++]!);
      await tx
        .insertInto(entry.table)
        .values(batch.map((b) => b.write) as never)
        .execute();
      continue;
    }
    if (entry.action === 'update') {
      await tx
        .updateTable(entry.table)
        .set(entry.write as never)
        .where('id', '=', entry.id)
        .execute();
    }
    i++;
  }
}

function result(kind: ImportKind, mode: 'preview' | 'commit', rowCount: number, p: Plan): ImportResult {
  const count = (a: PlanEntry['action']) => p.entries.filter((e) => e.action === a).length;
  // All of them are sorted (a file has at most MAX_IMPORT_ROWS rows of a few columns), so the ones listed are the first by row.
  const errors = [...p.errors].sort((a, b) => a.row - b.row || a.column.localeCompare(b.column)).slice(0, MAX_LISTED_ERRORS);
  const rows: ImportPreviewRow[] = p.entries
    .slice()
    .sort((a, b) => a.row - b.row)
    .slice(0, PREVIEW_ROWS)
    .map((e) => ({ row: e.row, action: e.action, values: e.values }));
  const ok = errors.length === 0;
  return {
    kind,
    mode,
    rowCount,
    created: ok ? count('create') : 0,
    updated: ok ? count('update') : 0,
    unchanged: ok ? count('unchanged') : 0,
    errorCount: p.errors.length,
    errors,
    rows: ok ? rows : [],
  };
}

/**
 * Previews or commits an import into the subtree of `unitId`. Every bad row is reported (row,
 * column, reason); a commit writes nothing unless every row is good, all in one transaction, with
 * one audit entry per created or changed row and one for the import itself.
 */
export async function runImport(
  deps: Deps,
  actor: Actor,
  kind: ImportKind,
  unitId: string,
  mode: 'preview' | 'commit',
  bytes: Uint8Array,
): Promise<ImportResult> {
  const scope = await assertUnitInScope(deps, actor, unitId, 'write');
  if ((kind === 'staff' || kind === 'procedures') && scope.kind !== 'province') {
    throw invalid('unitId', 'Staff and procedures are imported into a province');
  }
  const sheet = await readSheet(kind, bytes);
  if (sheet.errors.length) return result(kind, mode, sheet.rows.length, { errors: sheet.errors, entries: [] });
  const at = deps.clock.now();
  const now = at.toISOString();
  if (mode === 'preview') return result(kind, mode, sheet.rows.length, await plan(deps.db.kysely, kind, scope, sheet.rows, now));
  return deps.db.write(async (tx) => {
    // Planned again inside the write transaction, so what is checked is what is written.
    const p = await plan(tx, kind, scope, sheet.rows, now);
    const outcome = result(kind, mode, sheet.rows.length, p);
    if (p.errors.length) return outcome;
    const changes = p.entries.filter((e) => e.action !== 'unchanged');
    await apply(tx, changes);
    const audits: AuditInput[] = changes.map((e) => ({
      actor,
      action: `${e.entity}.${e.action}`,
      entity: e.entity,
      entityId: e.id,
      unitId: e.unitId,
      before: e.before,
      after: e.after,
      at,
    }));
    await recordAuditMany(tx, audits);
    await recordAudit(tx, {
      actor,
      action: 'import.commit',
      entity: 'import',
      entityId: null,
      unitId: scope.id,
      after: { kind, rowCount: outcome.rowCount, created: outcome.created, updated: outcome.updated, unchanged: outcome.unchanged },
      at,
    });
    return outcome;
  });
}
