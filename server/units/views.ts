import type { Counter, Procedure, Staff, Unit } from '../../schema/admin.js';
import type { UnitRow } from '../db/types.js';
import { escapeLike } from '../db/like.js';

/** Row → API shapes. Also the before/after snapshots written to the audit log. */

export function unitView(r: UnitRow): Unit {
  return {
    id: r.id,
    parentId: r.parent_id,
    kind: r.kind,
    code: r.code,
    name: r.name,
    path: r.path,
    provinceId: r.province_id,
    active: r.active === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface CounterRow {
  id: string;
  unit_id: string;
  code: string;
  name: string;
  active: number;
  created_at: string;
  updated_at: string;
}

export function counterView(r: CounterRow): Counter {
  return {
    id: r.id,
    unitId: r.unit_id,
    code: r.code,
    name: r.name,
    active: r.active === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface StaffRow {
  id: string;
  province_id: string;
  code: string;
  name: string;
  active: number;
  created_at: string;
  updated_at: string;
}

export function staffView(r: StaffRow): Staff {
  return {
    id: r.id,
    provinceId: r.province_id,
    code: r.code,
    name: r.name,
    active: r.active === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function procedureView(r: StaffRow & { field: string }): Procedure {
  return { ...staffView(r), field: r.field };
}

/** `%q%` for LIKE with the wildcards in q escaped (use with `escape '\'`). */
export function likeContains(q: string): string {
  return `%${escapeLike(q)}%`;
}
