/**
 * The admin model's constants, free of zod so the admin UI can import them without the validator
 * (schema/admin.ts builds its schemas from these and re-exports them).
 */

export const ROLES = ['system_admin', 'provincial_officer', 'centre_supervisor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Everything a route can require. A role grants a permission on the subtree of the unit it is
 * granted on (system_admin: everywhere). Add a permission here and to ROLE_PERMISSIONS together.
 */
export const PERMISSIONS = [
  'units.read',
  'units.write',
  'users.read',
  'users.write',
  'audit.read',
  'apikeys.read',
  'apikeys.write',
  'dashboard.read',
  'exports.run',
  'surveys.read',
  'surveys.write',
  /** Write the province's questionnaires (instrument versions): provincial officers and system administrators. */
  'instruments.write',
  'settings.write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  system_admin: PERMISSIONS,
  provincial_officer: PERMISSIONS,
  centre_supervisor: ['units.read', 'units.write', 'dashboard.read', 'exports.run', 'surveys.read', 'surveys.write'],
  viewer: ['units.read', 'dashboard.read', 'exports.run', 'surveys.read'],
};

export function roleHasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export const UNIT_KINDS = ['province', 'commune', 'centre', 'branch', 'agency'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/**
 * The 2025 two-tier model: communes and agencies (sở, ngành) hang off a province; a centre off a
 * province (provincial centre) or a commune; a branch off a centre. Counters live in centres and
 * branches. A province has no parent.
 */
export const PARENT_KINDS: Record<UnitKind, readonly UnitKind[]> = {
  province: [],
  commune: ['province'],
  centre: ['province', 'commune'],
  branch: ['centre'],
  agency: ['province'],
};

/** Kinds that receive dossiers at counters. */
export const COUNTER_HOLDER_KINDS: readonly UnitKind[] = ['centre', 'branch'];

/** Codes are strings (leading zeros matter): province 2 digits, commune 5 digits (QĐ 19/2025). */
export const UNIT_CODE_PATTERN: Record<UnitKind, RegExp> = {
  province: /^\d{2}$/,
  commune: /^\d{5}$/,
  centre: /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/,
  branch: /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/,
  agency: /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/,
};

export const ENTITY_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
/** mã TTHC, e.g. 1.001612 */
export const PROCEDURE_CODE_PATTERN = /^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$/;

export const IMPORT_KINDS = ['units', 'counters', 'staff', 'procedures'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const IMPORT_ERROR_CODES = [
  'file_unreadable',
  'missing_column',
  'required',
  'too_long',
  'invalid_format',
  'invalid_kind',
  'invalid_parent_kind',
  'duplicate_in_file',
  'parent_not_found',
  'out_of_scope',
  'conflict',
] as const;
export type ImportErrorCode = (typeof IMPORT_ERROR_CODES)[number];

/** Columns each import accepts (first name is canonical; Vietnamese aliases accepted). */
export const IMPORT_COLUMNS: Record<ImportKind, Record<string, readonly string[]>> = {
  units: {
    kind: ['kind', 'loai'],
    code: ['code', 'ma'],
    name: ['name', 'ten'],
    parent_kind: ['parent_kind', 'loai_cap_tren'],
    parent_code: ['parent_code', 'ma_cap_tren'],
  },
  counters: {
    unit_code: ['unit_code', 'ma_trung_tam'],
    code: ['code', 'ma'],
    name: ['name', 'ten'],
  },
  staff: { code: ['code', 'ma'], name: ['name', 'ten', 'ho_ten'] },
  procedures: { code: ['code', 'ma', 'ma_tthc'], name: ['name', 'ten', 'ten_tthc'], field: ['field', 'linh_vuc'] },
};
