import { z } from 'zod';
import { CalendarDay } from './days.js';
import {
  ENTITY_CODE_PATTERN,
  IMPORT_ERROR_CODES,
  IMPORT_KINDS,
  PERMISSIONS,
  PROCEDURE_CODE_PATTERN,
  ROLES,
  UNIT_KINDS,
} from './admin-model.js';

export * from './admin-model.js';

/* ───────────── Roles and permissions ───────────── */

export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;
export const Permission = z.enum(PERMISSIONS);
export type Permission = z.infer<typeof Permission>;

/* ───────────── Common pieces ───────────── */

export const Id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'must be an id');

/** Query-string booleans: "true"/"false"/"1"/"0". */
export const QueryBool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const trimmed = (min: number, max: number) => z.string().trim().min(min).max(max);

export const Paging = {
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};

/* ───────────── Unit tree (shared/sipas §1) ───────────── */

export const UnitKind = z.enum(UNIT_KINDS);
export type UnitKind = z.infer<typeof UnitKind>;

export const Unit = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  kind: UnitKind,
  code: z.string(),
  name: z.string(),
  path: z.string(),
  provinceId: z.string(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Unit = z.infer<typeof Unit>;

export const UnitRef = z.object({ id: z.string(), kind: UnitKind, code: z.string(), name: z.string() });
export type UnitRef = z.infer<typeof UnitRef>;

export const UnitDetail = Unit.extend({
  ancestors: z.array(UnitRef),
  childCount: z.number().int(),
  counterCount: z.number().int(),
});
export type UnitDetail = z.infer<typeof UnitDetail>;

export const UnitListQuery = z.object({
  parentId: Id.optional(),
  kind: UnitKind.optional(),
  q: z.string().trim().max(100).optional(),
  includeInactive: QueryBool.optional(),
  ...Paging,
});
export type UnitListQuery = z.infer<typeof UnitListQuery>;

export const UnitList = z.object({ items: z.array(Unit), total: z.number().int() });
export type UnitList = z.infer<typeof UnitList>;

export const UnitCreate = z
  .object({
    kind: UnitKind,
    code: trimmed(1, 40),
    name: trimmed(1, 200),
    parentId: Id.nullable(),
  })
  .strict();
export type UnitCreate = z.infer<typeof UnitCreate>;

export const UnitUpdate = z
  .object({
    code: trimmed(1, 40).optional(),
    name: trimmed(1, 200).optional(),
    parentId: Id.optional(),
    active: z.boolean().optional(),
  })
  .strict();
export type UnitUpdate = z.infer<typeof UnitUpdate>;

/* ───────────── Counters, staff, procedures ───────────── */

export const Counter = z.object({
  id: z.string(),
  unitId: z.string(),
  code: z.string(),
  name: z.string(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Counter = z.infer<typeof Counter>;

export const CounterListQuery = z.object({
  unitId: Id.optional(),
  q: z.string().trim().max(100).optional(),
  includeInactive: QueryBool.optional(),
  ...Paging,
});
export type CounterListQuery = z.infer<typeof CounterListQuery>;
export const CounterList = z.object({ items: z.array(Counter), total: z.number().int() });
export type CounterList = z.infer<typeof CounterList>;

export const CounterCreate = z
  .object({ unitId: Id, code: z.string().trim().regex(ENTITY_CODE_PATTERN, 'letters, digits, . _ -'), name: trimmed(1, 200) })
  .strict();
export type CounterCreate = z.infer<typeof CounterCreate>;
export const CounterUpdate = z
  .object({
    unitId: Id.optional(),
    code: z.string().trim().regex(ENTITY_CODE_PATTERN, 'letters, digits, . _ -').optional(),
    name: trimmed(1, 200).optional(),
    active: z.boolean().optional(),
  })
  .strict();
export type CounterUpdate = z.infer<typeof CounterUpdate>;

export const Staff = z.object({
  id: z.string(),
  provinceId: z.string(),
  code: z.string(),
  name: z.string(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Staff = z.infer<typeof Staff>;

export const Procedure = Staff.extend({ field: z.string() });
export type Procedure = z.infer<typeof Procedure>;

export const CatalogueListQuery = z.object({
  provinceId: Id.optional(),
  q: z.string().trim().max(100).optional(),
  field: z.string().trim().max(200).optional(),
  includeInactive: QueryBool.optional(),
  ...Paging,
});
export type CatalogueListQuery = z.infer<typeof CatalogueListQuery>;
export const StaffList = z.object({ items: z.array(Staff), total: z.number().int() });
export type StaffList = z.infer<typeof StaffList>;
export const ProcedureList = z.object({ items: z.array(Procedure), total: z.number().int() });
export type ProcedureList = z.infer<typeof ProcedureList>;

export const StaffCreate = z
  .object({ provinceId: Id, code: z.string().trim().regex(ENTITY_CODE_PATTERN, 'letters, digits, . _ -'), name: trimmed(1, 200) })
  .strict();
export type StaffCreate = z.infer<typeof StaffCreate>;
export const StaffUpdate = z
  .object({
    code: z.string().trim().regex(ENTITY_CODE_PATTERN, 'letters, digits, . _ -').optional(),
    name: trimmed(1, 200).optional(),
    active: z.boolean().optional(),
  })
  .strict();
export type StaffUpdate = z.infer<typeof StaffUpdate>;

export const ProcedureCreate = z
  .object({
    provinceId: Id,
    code: z.string().trim().regex(PROCEDURE_CODE_PATTERN, 'a mã TTHC such as 1.001612'),
    name: trimmed(1, 500),
    field: trimmed(1, 200),
  })
  .strict();
export type ProcedureCreate = z.infer<typeof ProcedureCreate>;
export const ProcedureUpdate = z
  .object({
    code: z.string().trim().regex(PROCEDURE_CODE_PATTERN, 'a mã TTHC such as 1.001612').optional(),
    name: trimmed(1, 500).optional(),
    field: trimmed(1, 200).optional(),
    active: z.boolean().optional(),
  })
  .strict();
export type ProcedureUpdate = z.infer<typeof ProcedureUpdate>;

/* ───────────── Import (CSV / XLSX) ───────────── */

export const ImportKind = z.enum(IMPORT_KINDS);
export type ImportKind = z.infer<typeof ImportKind>;

export const ImportQuery = z.object({
  /** Everything imported must fall inside this unit (a province for staff and procedures). */
  unitId: Id,
  mode: z.enum(['preview', 'commit']).default('preview'),
});
export type ImportQuery = z.infer<typeof ImportQuery>;

export const ImportErrorCode = z.enum(IMPORT_ERROR_CODES);
export type ImportErrorCode = z.infer<typeof ImportErrorCode>;

export const ImportRowError = z.object({
  /** Spreadsheet row number: the header is row 1, so the first data row is 2 (0 = the file as a whole). */
  row: z.number().int(),
  column: z.string(),
  code: ImportErrorCode,
  message: z.string(),
  value: z.string().optional(),
});
export type ImportRowError = z.infer<typeof ImportRowError>;

export const ImportAction = z.enum(['create', 'update', 'unchanged']);
export const ImportPreviewRow = z.object({
  row: z.number().int(),
  action: ImportAction,
  values: z.record(z.string(), z.string()),
});
export type ImportPreviewRow = z.infer<typeof ImportPreviewRow>;

export const ImportResult = z.object({
  kind: ImportKind,
  mode: z.enum(['preview', 'commit']),
  rowCount: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  /** How many errors the file has; when not 0 nothing was (or would be) imported. */
  errorCount: z.number().int(),
  /** The errors, first by row: all of them, or the first 500 when there are more. */
  errors: z.array(ImportRowError),
  /** The first rows as they would be applied, for the preview table. */
  rows: z.array(ImportPreviewRow),
});
export type ImportResult = z.infer<typeof ImportResult>;

/* ───────────── Accounts and sessions ───────────── */

export const LoginInput = z
  .object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) })
  .strict();
export type LoginInput = z.infer<typeof LoginInput>;

export const NewPassword = z.string().min(10, 'at least 10 characters').max(200);

export const PasswordChangeInput = z.object({ currentPassword: z.string().min(1).max(200), newPassword: NewPassword }).strict();
export type PasswordChangeInput = z.infer<typeof PasswordChangeInput>;

export const GrantView = z.object({
  role: Role,
  unitId: z.string().nullable(),
  unitPath: z.string().nullable(),
  unitKind: UnitKind.nullable(),
  unitCode: z.string().nullable(),
  unitName: z.string().nullable(),
});
export type GrantView = z.infer<typeof GrantView>;

/**
 * A step of sign-in still to do; until it is done the session may do nothing else (no roles, no
 * permissions; admin calls answer 403 with the error code of the same name + `_required`).
 */
export const PENDING_STEPS = ['second_factor', 'password_change', 'totp_enrolment'] as const;
export const PendingStep = z.enum(PENDING_STEPS);
export type PendingStep = z.infer<typeof PendingStep>;

export const SessionInfo = z.object({
  user: z.object({ id: z.string(), username: z.string(), displayName: z.string() }),
  grants: z.array(GrantView),
  permissions: z.array(Permission),
  /** Send back as the X-CSRF-Token header on every state-changing request. */
  csrfToken: z.string(),
  pending: PendingStep.nullable(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

/** GET /api/auth/session: the current session, or null when signed out. */
export const SessionState = z.object({ session: SessionInfo.nullable() });
export type SessionState = z.infer<typeof SessionState>;

export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, '3–64 letters, digits, . _ -');

export const GrantInput = z.object({ role: Role, unitId: Id.nullable() }).strict();
export type GrantInput = z.infer<typeof GrantInput>;

/** A staff account's e-mail address (the scheduler's mail goes there). */
const StaffEmail = z.email().max(254);

export const UserCreate = z
  .object({
    username: Username,
    displayName: trimmed(1, 120),
    /** Where alert digests and monthly summaries go; none: no mail. */
    email: StaffEmail.nullable().optional(),
    /** Generated and shown once when not given. */
    password: NewPassword.optional(),
    grants: z.array(GrantInput).min(1).max(20),
  })
  .strict();
export type UserCreate = z.infer<typeof UserCreate>;

export const UserUpdate = z
  .object({
    displayName: trimmed(1, 120).optional(),
    email: StaffEmail.nullable().optional(),
    active: z.boolean().optional(),
    grants: z.array(GrantInput).min(1).max(20).optional(),
  })
  .strict();
export type UserUpdate = z.infer<typeof UserUpdate>;

export const UserSummary = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  email: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
  grants: z.array(GrantView),
  /** A generated or administrator-set password not yet changed by its owner. */
  mustChangePassword: z.boolean(),
  totpEnabled: z.boolean(),
});
export type UserSummary = z.infer<typeof UserSummary>;

export const UserListQuery = z.object({ q: z.string().trim().max(100).optional(), ...Paging });
export type UserListQuery = z.infer<typeof UserListQuery>;
export const UserList = z.object({ items: z.array(UserSummary), total: z.number().int() });
export type UserList = z.infer<typeof UserList>;

/** The one time a password is shown: on creation (when generated) and on reset. */
export const UserWithPassword = z.object({ user: UserSummary, password: z.string().nullable() });
export type UserWithPassword = z.infer<typeof UserWithPassword>;

/* ───────────── API keys ───────────── */

export const ApiKey = z.object({
  id: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiKey = z.infer<typeof ApiKey>;

export const ApiKeyListQuery = z.object({ unitId: Id.optional(), includeRevoked: QueryBool.optional(), ...Paging });
export type ApiKeyListQuery = z.infer<typeof ApiKeyListQuery>;
export const ApiKeyList = z.object({ items: z.array(ApiKey), total: z.number().int() });
export type ApiKeyList = z.infer<typeof ApiKeyList>;

export const ApiKeyCreate = z.object({ unitId: Id, name: trimmed(1, 120) }).strict();
export type ApiKeyCreate = z.infer<typeof ApiKeyCreate>;

/** `key` is shown once; only its SHA-256 is kept. */
export const ApiKeyCreated = z.object({ apiKey: ApiKey, key: z.string() });
export type ApiKeyCreated = z.infer<typeof ApiKeyCreated>;

/* ───────────── Audit log ───────────── */

export const AuditQuery = z.object({
  actor: z.string().trim().max(64).optional(),
  action: z.string().trim().max(64).optional(),
  entity: z.string().trim().max(64).optional(),
  unitId: Id.optional(),
  /** Vietnam-local days, inclusive. */
  from: CalendarDay.optional(),
  to: CalendarDay.optional(),
  /** Entries older than this id (the previous page's nextCursor). */
  cursor: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  actorUserId: z.string().nullable(),
  actorLabel: z.string(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  /** What the entity is called now (an account's username, a unit's name); null once it is gone or for entities without a name. */
  entityName: z.string().nullable(),
  unitId: z.string().nullable(),
  unitName: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditPage = z.object({ items: z.array(AuditEntry), nextCursor: z.number().int().nullable() });
export type AuditPage = z.infer<typeof AuditPage>;
