import type { Clock } from '../clock.js';
import type { AppDatabase } from '../db/database.js';
import type { UnitKind, UnitRow } from '../db/types.js';
import { newId, randomCode } from '../ids.js';

/** Test builders for the unit tree (not used by the app). */

let serial = 0;
function nextCode(kind: UnitKind): string {
  serial += 1;
  if (kind === 'province') return String(serial % 100).padStart(2, '0');
  if (kind === 'commune') return String(serial % 100000).padStart(5, '0');
  return `${kind.slice(0, 2).toUpperCase()}-${randomCode(6)}`;
}

export async function aUnit(
  db: AppDatabase,
  clock: Clock,
  options: { kind: UnitKind; parent?: UnitRow | null; code?: string; name?: string; active?: boolean },
): Promise<UnitRow> {
  const id = newId();
  const now = clock.now().toISOString();
  const parent = options.parent ?? null;
  const row: UnitRow = {
    id,
    parent_id: parent?.id ?? null,
    kind: options.kind,
    code: options.code ?? nextCode(options.kind),
    name: options.name ?? `${options.kind} ${id}`,
    path: `${parent?.path ?? '/'}${id}/`,
    province_id: parent?.province_id ?? id,
    active: options.active === false ? 0 : 1,
    created_at: now,
    updated_at: now,
  };
  await db.write((tx) => tx.insertInto('units').values(row).execute());
  return row;
}

export async function aCounter(
  db: AppDatabase,
  clock: Clock,
  options: { unit: UnitRow; code?: string; name?: string },
): Promise<{ id: string; unit_id: string; code: string; name: string }> {
  const id = newId();
  const now = clock.now().toISOString();
  const row = {
    id,
    unit_id: options.unit.id,
    code: options.code ?? `Q-${randomCode(5)}`,
    name: options.name ?? `Quầy ${id}`,
    created_at: now,
    updated_at: now,
  };
  await db.write((tx) => tx.insertInto('counters').values(row).execute());
  return row;
}

export async function aCatalogueEntry(
  db: AppDatabase,
  clock: Clock,
  options: { table: 'staff' | 'procedures'; province: UnitRow; code?: string; name?: string; field?: string },
): Promise<{ id: string; code: string; name: string }> {
  const id = newId();
  const now = clock.now().toISOString();
  const base = {
    id,
    province_id: options.province.id,
    code: options.code ?? `C-${randomCode(6)}`,
    name: options.name ?? `${options.table} ${id}`,
    created_at: now,
    updated_at: now,
  };
  await db.write(async (tx) => {
    if (options.table === 'staff') await tx.insertInto('staff').values(base).execute();
    else await tx.insertInto('procedures').values({ ...base, field: options.field ?? 'Hộ tịch' }).execute();
  });
  return base;
}
