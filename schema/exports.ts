import { z } from 'zod';
import { DashboardFilterShape, PeriodKind, checkPeriod } from './dashboard.js';
import { CalendarDay } from './days.js';

/** Exports (summary XLSX, raw CSV/XLSX, printable report) and the paper-form import: shared contracts. */

export const EXPORT_KINDS = ['summary', 'raw', 'report'] as const;
export const ExportKind = z.enum(EXPORT_KINDS);
export type ExportKind = z.infer<typeof ExportKind>;

export const EXPORT_FORMATS = ['xlsx', 'csv', 'html'] as const;
export const ExportFormat = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof ExportFormat>;

/** Which formats each export can be written in; the first is the default. */
export const FORMATS_OF: Record<ExportKind, readonly ExportFormat[]> = {
  summary: ['xlsx', 'csv'],
  raw: ['csv', 'xlsx'],
  report: ['html'],
};

const UnitId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'must be an id');

/**
 * GET /api/admin/exports/<kind>: one unit's subtree (default: everything the caller may see) over
 * Vietnam-local days [from, to] (default: the current quarter up to today).
 */
export const ExportQuery = z
  .object({
    ...DashboardFilterShape,
    /** A month, quarter or year (with `at`), or custom days; without it, `from`/`to` if given, else a quarter (`at`, default the current one). */
    period: PeriodKind.optional(),
    format: ExportFormat.optional(),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.period !== undefined) checkPeriod({ ...q, period: q.period }, ctx);
    else if (q.from === undefined && q.to === undefined) checkPeriod({ ...q, period: 'quarter' }, ctx);
    else if (q.from && q.to && q.from > q.to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must not be after to' });
  });
export type ExportQuery = z.infer<typeof ExportQuery>;

/** A resolved reporting period, with its Vietnamese label ("Quý IV/2026", "Tháng 11/2026", "01/10/2026 – 15/11/2026"). */
export const Period = z.object({ from: CalendarDay, to: CalendarDay, label: z.string() });
export type Period = z.infer<typeof Period>;

/** What the admin page offers: the caller's top units and the instruments with data. */
export const ExportOptions = z.object({
  units: z.array(z.object({ id: z.string(), code: z.string(), name: z.string(), kind: z.string(), depth: z.number().int() })),
  instruments: z.array(z.object({ id: z.string(), title: z.string() })),
  defaultPeriod: Period,
});
export type ExportOptions = z.infer<typeof ExportOptions>;

/* ───────────── Raw responses layout (export and import share it) ───────────── */

/**
 * The fixed columns of the raw export, in order, with their Vietnamese header. Criterion columns
 * (headed by the item code, e.g. QUAY.1) sit between `instrument` and `comment`. The import matches
 * headers by these names (or the English key), without case or accents.
 */
export const RAW_COLUMNS = [
  { key: 'id', vi: 'Mã phiếu' },
  { key: 'province_code', vi: 'Mã tỉnh' },
  { key: 'unit_code', vi: 'Mã đơn vị' },
  { key: 'unit_name', vi: 'Tên đơn vị' },
  { key: 'counter_code', vi: 'Mã quầy' },
  { key: 'counter_name', vi: 'Tên quầy' },
  { key: 'staff_code', vi: 'Mã cán bộ' },
  { key: 'staff_name', vi: 'Tên cán bộ' },
  { key: 'procedure_code', vi: 'Mã TTHC' },
  { key: 'procedure_name', vi: 'Tên TTHC' },
  { key: 'channel', vi: 'Kênh' },
  { key: 'submitted_at', vi: 'Thời điểm (giờ Việt Nam)' },
  { key: 'instrument', vi: 'Bộ câu hỏi' },
  { key: 'comment', vi: 'Góp ý' },
  { key: 'lang', vi: 'Ngôn ngữ' },
  /** The optional demographics the survey asks, as their codes (under_25, 25_39, 40_59, 60_plus; female, male, other; 1 / 0). */
  { key: 'age_band', vi: 'Nhóm tuổi' },
  { key: 'gender', vi: 'Giới tính' },
  { key: 'first_visit', vi: 'Lần đầu đến' },
  { key: 'flags', vi: 'Cờ' },
] as const;
export type RawColumnKey = (typeof RAW_COLUMNS)[number]['key'];

/** Columns before the criterion scores; the rest come after them. */
export const RAW_COLUMNS_BEFORE_SCORES = 13;

/** A "no opinion / not applicable" answer in a score column (blank = not asked). */
export const NO_OPINION = 'NA';

/** Flags in the `Cờ` column, comma-separated. */
export const RAW_FLAGS = ['suspect', 'invitation'] as const;

/* ───────────── Paper-form import ───────────── */

export const ImportMode = z.enum(['preview', 'commit']);
export type ImportMode = z.infer<typeof ImportMode>;

/** POST /api/admin/imports/responses?unitId=…&mode=preview|commit with the CSV/XLSX file as the body. */
export const ResponseImportQuery = z
  .object({
    /** Every row must belong to this unit's subtree. */
    unitId: UnitId,
    mode: ImportMode.default('preview'),
  })
  .strict();
export type ResponseImportQuery = z.infer<typeof ResponseImportQuery>;

export const RESPONSE_IMPORT_ERRORS = [
  'file_unreadable',
  'missing_column',
  'unknown_column',
  'required',
  'invalid_value',
  'invalid_date',
  'not_found',
  'out_of_scope',
  'wrong_instrument',
  'no_survey_point',
  'duplicate_in_file',
  'too_long',
] as const;
export const ResponseImportErrorCode = z.enum(RESPONSE_IMPORT_ERRORS);
export type ResponseImportErrorCode = z.infer<typeof ResponseImportErrorCode>;

export const ResponseImportError = z.object({
  /** Spreadsheet row number: the header is row 1 (0 = the file as a whole). */
  row: z.number().int(),
  /** The column's header as in the file (or its canonical name when missing). */
  column: z.string(),
  code: ResponseImportErrorCode,
  message: z.string(),
});
export type ResponseImportError = z.infer<typeof ResponseImportError>;

export const ResponseImportPreviewRow = z.object({
  row: z.number().int(),
  id: z.string(),
  /** new = would be written; duplicate = already stored (same id), left as it is; skipped = flagged suspect in the file. */
  action: z.enum(['new', 'duplicate', 'skipped']),
  unitCode: z.string(),
  counterCode: z.string().nullable(),
  submittedAt: z.string(),
  instrumentId: z.string(),
  answers: z.record(z.string(), z.number().int().nullable()),
  comment: z.string().nullable(),
});
export type ResponseImportPreviewRow = z.infer<typeof ResponseImportPreviewRow>;

export const ResponseImportResult = z.object({
  mode: ImportMode,
  rowCount: z.number().int(),
  /** Rows written (commit) or that would be written (preview). */
  imported: z.number().int(),
  duplicates: z.number().int(),
  skipped: z.number().int(),
  /** How many errors the file has; when not 0 nothing was (or would be) imported. */
  errorCount: z.number().int(),
  /** The errors, first by row: all of them, or the first 500 when there are more. */
  errors: z.array(ResponseImportError),
  /** The first rows as they would be stored. */
  rows: z.array(ResponseImportPreviewRow),
});
export type ResponseImportResult = z.infer<typeof ResponseImportResult>;
